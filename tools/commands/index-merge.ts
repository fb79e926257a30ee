import { readFileSync, writeFileSync } from 'node:fs';
import type { CommandContext, CommandOutcome } from '../context.js';
import { DEFAULT_CONFIG } from '../core/config.js';
import { mergeIndexRows, parseIndex, renderIndex } from '../core/index-render.js';
import { classifyPath } from '../core/layout.js';
import { readConfig } from '../io/repo.js';

export interface IndexMergeOptions {
  base: string;
  ours: string;
  theirs: string;
  path?: string;
}

/**
 * git merge driver (`merge.canon-index.driver = canon index-merge %O %A %B %P`): git runs it at the
 * top of the work tree with three temp files and expects the result in %A; exit 0 means merged.
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
  if (ours === theirs || theirs === base) return { exitCode: 0, result: { merged: true } };
  if (ours === base) {
    writeFileSync(options.ours, theirs);
    return { exitCode: 0, result: { merged: true } };
  }
  const [b, o, t] = [parseIndex(base) ?? [], parseIndex(ours), parseIndex(theirs)];
  if (o === null || t === null) return { exitCode: 1, result: { merged: false } };
  let config = DEFAULT_CONFIG;
  try {
    config = readConfig(ctx.cwd);
  } catch {
    // A broken config must not break a merge; the default folders still tell the kind.
  }
  const kind = options.path ? classifyPath(options.path, config)?.kind : undefined;
  if (kind === undefined) return { exitCode: 1, result: { merged: false } };
  writeFileSync(options.ours, renderIndex(kind, mergeIndexRows(b, o, t)));
  return { exitCode: 0, result: { merged: true } };
}
