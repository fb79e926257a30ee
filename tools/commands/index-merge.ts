import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { isCanonChangelog, mergeChangelog } from '../core/changelog.js';
import { DEFAULT_CONFIG } from '../core/config.js';
import { parseNote, serializeNote } from '../core/frontmatter.js';
import { classifyPath } from '../core/layout.js';
import { normalizeNote } from '../core/normalize.js';
import { joinSessionLog, mergeEntries, splitSessionLog } from '../core/session-log-merge.js';
import { mergeIndexRows, mergeMonthLists, shardRowFile, monthTitle, parseIndex, parseMonthList, renderIndex, renderMonthList } from '../core/index-render.js';
import { execGit } from '../io/git.js';
import { readConfig } from '../io/repo.js';
import { classifyIndexFile } from '../steps/note-indexes.js';

export interface IndexMergeOptions {
  base: string;
  ours: string;
  theirs: string;
  path?: string;
}

/**
 * git merge driver (`merge.canon-index.driver = canon index-merge %O %A %B %P`): git runs it at the
 * top of the work tree with three temp files and expects the result in %A; exit 0 means merged,
 * anything else leaves a conflict for the user. The changelog merges entry by entry
 * (core/changelog.ts); a workstream note merges its Session Log entries as a set and the rest of it
 * with git's own text merge (core/session-log-merge.ts). A file canon does not generate (a team's own
 * changelog routed here by a broad attribute) gets git's own text merge; and whatever canon cannot
 * merge is left as git would leave it, with git's markers around both sides' lines — never one side.
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
  const byGit = async () => {
    const result = await mergeText(base, ours, theirs, ctx.cwd);
    writeFileSync(options.ours, result.text);
    return { exitCode: result.clean ? (0 as const) : (1 as const), result: { merged: result.clean } };
  };

  let config = DEFAULT_CONFIG;
  try {
    config = readConfig(ctx.cwd);
  } catch {
    // A broken config must not break a merge; the default folders still tell what the file is.
  }
  if (options.path !== undefined && options.path === config.changelog.file) {
    if (!isCanonChangelog(ours) || !isCanonChangelog(theirs)) return byGit();
    const text = mergeChangelog(base, ours, theirs);
    return text === null ? byGit() : merged(text);
  }
  const info = options.path === undefined ? null : classifyPath(options.path, config);
  if (info?.role === 'note' && info.kind === 'workstream') {
    const result = await mergeWorkstream(base, ours, theirs, ctx.cwd);
    writeFileSync(options.ours, result.text);
    return result.clean ? { exitCode: 0, result: { merged: true } } : { exitCode: 1, result: { merged: false } };
  }
  const what = options.path ? classifyIndexFile(options.path, config) : null;
  if (what === null) return byGit();
  if (what.monthList) {
    const [b, o, t] = [parseMonthList(base) ?? [], parseMonthList(ours), parseMonthList(theirs)];
    return o === null || t === null ? byGit() : merged(renderMonthList(mergeMonthLists(b, o, t)));
  }
  const [b, o, t] = [parseIndex(base) ?? [], parseIndex(ours), parseIndex(theirs)].map((rows) =>
    rows === null || what.kind !== 'session' ? rows : rows.map((r) => ({ ...r, file: shardRowFile(r.file) })),
  );
  if (!b || !o || !t) return byGit();
  return merged(renderIndex(what.kind, mergeIndexRows(b, o, t), what.month === null ? undefined : monthTitle(what.month)));
}

/**
 * git's own three-way text merge (`git merge-file -p`): clean, or the text with git's conflict
 * markers around both sides' lines. When merge-file itself fails, the text is ours with theirs in
 * one conflict block, so no line of either side is lost.
 */
async function mergeText(base: string, ours: string, theirs: string, cwd: string): Promise<{ text: string; clean: boolean }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'canon-merge-'));
  try {
    const files = ['ours', 'base', 'theirs'].map((name) => path.join(dir, name));
    [ours, base, theirs].forEach((text, i) => writeFileSync(files[i]!, text));
    const merge = await execGit(['merge-file', '-p', '-L', 'ours', '-L', 'base', '-L', 'theirs', ...files], { cwd });
    // merge-file exits with the number of conflicts; below 0 (255 here) is an error.
    if (merge.code >= 0 && merge.code <= 127) return { text: merge.stdout, clean: merge.code === 0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const nl = (s: string) => (s === '' || s.endsWith('\n') ? s : `${s}\n`);
  return { text: `<<<<<<< ours\n${nl(ours)}=======\n${nl(theirs)}>>>>>>> theirs\n`, clean: false };
}

/**
 * A workstream note: the Session Log entries merged as a set, the content_hash line left out (it is
 * recomputed), everything else through `git merge-file`. A conflict in the rest is left with git's
 * markers in it (and the merged entries), for the user, as git would have.
 */
async function mergeWorkstream(base: string, ours: string, theirs: string, cwd: string): Promise<{ text: string; clean: boolean }> {
  const [b, o, t] = [splitSessionLog(base), splitSessionLog(ours), splitSessionLog(theirs)];
  const merge = await mergeText(b.text, o.text, t.text, cwd);
  const joined = joinSessionLog(merge.text, mergeEntries(b.entries, o.entries, t.entries));
  if (joined === null) return mergeText(base, ours, theirs, cwd);
  if (!merge.clean) return { text: joined, clean: false };
  return { text: serializeNote(normalizeNote(parseNote(joined), 'workstream')), clean: true };
}
