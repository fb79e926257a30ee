import { readFileSync, writeFileSync } from 'node:fs';
import type { CommandContext, CommandOutcome } from '../context.js';
import { mergeChangelog } from '../core/changelog.js';
import { DEFAULT_CONFIG } from '../core/config.js';
import { mergeIndexRows, mergeMonthLists, monthTitle, parseIndex, parseMonthList, renderIndex, renderMonthList } from '../core/index-render.js';
import { readConfig } from '../io/repo.js';
import { classifyIndexFile } from './index-files.js';

export interface IndexMergeOptions {
  base: string;
  ours: string;
  theirs: string;
  path?: string;
}

/**
 * git merge driver (`merge.canon-index.driver = canon index-merge %O %A %B %P`): git runs it at the
 * top of the work tree with three temp files and expects the result in %A; exit 0 means merged,
 * anything else leaves a conflict for the user (the files are derived: `canon index` rebuilds them).
 * The changelog merges entry by entry (core/changelog.ts).
 */
export async function runIndexMerge(options: IndexMergeOptions, ctx: CommandContext): Promise<CommandOutcome<{ merged: boolean }>> {
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return '';
    }
  };
  const [base, ours, theirs] = [read(options.base), read(options.ours), read(options.theirs)];
  const merged = (text: string) => {
    writeFileSync(options.ours, text);
    return { exitCode: 0 as const, result: { merged: true } };
  };
  if (ours === theirs || theirs === base) return { exitCode: 0, result: { merged: true } };
  if (ours === base) return merged(theirs);

  let config = DEFAULT_CONFIG;
  try {
    config = readConfig(ctx.cwd);
  } catch {
    // A broken config must not break a merge; the default folders still tell what the file is.
  }
  const conflict = { exitCode: 1 as const, result: { merged: false } };
  if (options.path !== undefined && options.path === config.changelog.file) {
    const text = mergeChangelog(base, ours, theirs);
    return text === null ? conflict : merged(text);
  }
  const what = options.path ? classifyIndexFile(options.path, config) : null;
  if (what === null) return conflict;
  if (what.monthList) {
    const [b, o, t] = [parseMonthList(base) ?? [], parseMonthList(ours), parseMonthList(theirs)];
    return o === null || t === null ? conflict : merged(renderMonthList(mergeMonthLists(b, o, t)));
  }
  const [b, o, t] = [parseIndex(base) ?? [], parseIndex(ours), parseIndex(theirs)];
  if (o === null || t === null) return conflict;
  return merged(renderIndex(what.kind, mergeIndexRows(b, o, t), what.month === null ? undefined : monthTitle(what.month)));
}
