// A session's git stats (docs/contract.md §6 step 3) from a `git log` the io layer runs. Pure: no git here.
import type { NoteKind } from './config.js';
import { classifyPath, externalIdFor } from './layout.js';

export interface GitStats {
  commits: number;
  linesAdded: number;
  linesRemoved: number;
  /** ISO-8601 UTC, seconds precision. */
  firstCommitAt: string | null;
  lastCommitAt: string | null;
  touched: { workstreams: string[]; plans: string[]; adrs: string[] };
  /** The commits themselves, newest first: short sha and subject (the changelog lists them). */
  list: Array<{ sha: string; subject: string }>;
}

export const NO_GIT_STATS: GitStats = {
  commits: 0,
  linesAdded: 0,
  linesRemoved: 0,
  firstCommitAt: null,
  lastCommitAt: null,
  touched: { workstreams: [], plans: [], adrs: [] },
  list: [],
};

/** The format `parseGitLog` reads; `git log -z --numstat --no-renames --format=<this>`. */
export const GIT_LOG_FORMAT = '%x1e%H%x1f%cI%x1f%ae%x1f%s';

/**
 * Session stats from `git log -z --numstat --no-renames --format=%x1e%H%x1f%cI%x1f%ae`: per commit a
 * record separator, the header, NUL, newline, then one `added<TAB>removed<TAB>path` NUL per file
 * (`-<TAB>-` for binary files):
 *
 *     \x1ec6a8a1f…\x1f2026-05-11T11:00:21+02:00\x1froman@example.com\0\n3\t1\tworkstreams/x.md\0-\t-\tlogo.png\0
 *
 * Only commits by `authors` (lower-case emails) count when given: after a `git pull`, colleagues'
 * commits of the same hours are not this session's work.
 */
export function parseGitLog(output: string, options: { authors: ReadonlySet<string> | null; folders: Record<NoteKind, string> }): GitStats {
  const config = { folders: options.folders } as Parameters<typeof classifyPath>[1];
  const stats: GitStats = { ...NO_GIT_STATS, touched: { workstreams: [], plans: [], adrs: [] }, list: [] };
  const touched = { workstream: new Set<string>(), plan: new Set<string>(), adr: new Set<string>() };
  const times: number[] = [];
  for (const record of output.split('\x1e')) {
    if (record.trim() === '') continue;
    const [header = '', ...files] = record.split('\0');
    const [hash, date, email, ...subject] = header.split('\x1f');
    if (!hash || !date) continue;
    if (options.authors && !options.authors.has((email ?? '').trim().toLowerCase())) continue;
    stats.commits++;
    stats.list.push({ sha: hash.slice(0, 7), subject: subject.join(' ').trim() });
    const time = Date.parse(date);
    if (!Number.isNaN(time)) times.push(time);
    for (const entry of files) {
      const match = /^\n?(\d+|-)\t(\d+|-)\t(.+)$/s.exec(entry);
      if (!match) continue;
      if (match[1] !== '-') stats.linesAdded += Number(match[1]);
      if (match[2] !== '-') stats.linesRemoved += Number(match[2]);
      const info = classifyPath(match[3]!, config);
      if (info?.role !== 'note' || !(info.kind in touched)) continue;
      const id = info.kind === 'adr' ? externalIdFor('adr', info.stem) : info.stem;
      if (id !== null) touched[info.kind as keyof typeof touched].add(id);
    }
  }
  if (times.length > 0) {
    stats.firstCommitAt = isoSeconds(Math.min(...times));
    stats.lastCommitAt = isoSeconds(Math.max(...times));
  }
  stats.touched = { workstreams: [...touched.workstream].sort(), plans: [...touched.plan].sort(), adrs: [...touched.adr].sort() };
  return stats;
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
