// Handoff commits that may not have reached the remote (ADR-0025). A handoff writes a record just
// before its commit and removes it once its push succeeded; a handoff killed after its commit, or
// whose push failed, leaves the record, and the next handoff, `canon resume` and `canon doctor` say so:
//
//     .claude/state/unpushed/RT-260511-03.json
//     {"id":"RT-260511-03","path":"docs/sessions/RT-260511-03.md","branch":"main","pid":4242,"host":"dev-1"}
//
// Listing the records is one readdir (nothing on the warm `resume` path when there are none); only
// when records exist does git say which commits are still missing upstream.
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { execGit } from './git.js';
import { isAlive } from './lock.js';

const UNPUSHED_DIR = '.claude/state/unpushed';

export interface UnpushedRecord {
  id: string;
  path: string;
  branch: string;
  pid: number;
  host: string;
}

function recordFile(root: string, id: string): string {
  return path.join(root, UNPUSHED_DIR, `${id.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
}

/**
 * Before the commit: from here until the push succeeds, the commit may be local only. A record that
 * cannot be written (the state folder filled up since the handoff checked it) costs only the
 * announcement, never the handoff: false then.
 */
export function recordUnpushed(root: string, record: Omit<UnpushedRecord, 'pid' | 'host'>): boolean {
  try {
    mkdirSync(path.join(root, UNPUSHED_DIR), { recursive: true });
    writeFileSync(recordFile(root, record.id), `${JSON.stringify({ ...record, pid: process.pid, host: hostname() })}\n`);
    return true;
  } catch {
    clearUnpushed(root, [record.id]);
    return false;
  }
}

export function clearUnpushed(root: string, ids: readonly string[]): void {
  for (const id of ids) {
    try {
      unlinkSync(recordFile(root, id));
    } catch {
      // never written, or already cleared
    }
  }
}

/** The records as they are (no git): an empty list costs one failed readdir. */
export function listUnpushedRecords(root: string): UnpushedRecord[] {
  let names: string[];
  try {
    names = readdirSync(path.join(root, UNPUSHED_DIR))
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  const out: UnpushedRecord[] = [];
  for (const name of names) {
    try {
      const raw = JSON.parse(readFileSync(path.join(root, UNPUSHED_DIR, name), 'utf8')) as Partial<UnpushedRecord>;
      if (typeof raw.id !== 'string' || typeof raw.path !== 'string' || typeof raw.branch !== 'string') continue;
      if (raw.path.startsWith('/') || raw.path.split('/').includes('..') || raw.branch.startsWith('-')) continue;
      out.push({ id: raw.id, path: raw.path, branch: raw.branch, pid: Number(raw.pid ?? 0), host: String(raw.host ?? '') });
    } catch {
      // unreadable: not a record
    }
  }
  return out;
}

/**
 * The handoff commits that are on their branch but not on its upstream. A record whose note is pushed,
 * or never got committed by a handoff that is gone, is removed: it says nothing any more.
 */
export async function findUnpushedHandoffs(root: string, env: NodeJS.ProcessEnv): Promise<UnpushedRecord[]> {
  const unpushed: UnpushedRecord[] = [];
  for (const record of listUnpushedRecords(root)) {
    const ahead = await execGit(['rev-list', '--max-count=1', `${record.branch}@{upstream}..${record.branch}`, '--', record.path], { cwd: root, env });
    if (ahead.code === 0 && ahead.stdout.trim() !== '') {
      unpushed.push(record);
      continue;
    }
    if (ahead.code !== 0) continue; // no such branch or upstream any more: nothing to say, nothing to push to
    const committed = (await execGit(['cat-file', '-e', `refs/heads/${record.branch}:${record.path}`], { cwd: root, env })).code === 0;
    const running = record.host === hostname() && record.pid !== process.pid && isAlive(record.pid);
    if (committed || !running) clearUnpushed(root, [record.id]);
  }
  return unpushed;
}
