// Handoffs that were killed between writing their note and committing it. Each handoff records itself,
// under the handoff lock, just before it writes its note, and removes the record once it has told the
// user how it ended (committed, refused, staged with --no-commit). A record left behind by a process that
// is gone, whose note is written (not a claim stub) and not committed, is an unfinished handoff:
//
//     .claude/state/handoffs/RT-260511-03.json
//     {"id":"RT-260511-03","path":"docs/sessions/RT-260511-03.md","pid":4242,"host":"dev-1",
//      "started_at":"2026-05-11T09:30:00.000Z","operator":"roman","telemetry_session":"0d9c…"}
//
// `canon handoff` finishes them; `canon doctor` reports them.
import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { CanonConfig } from '../core/config.js';
import { isClaimStub, parseNote } from '../core/frontmatter.js';
import { writeFileSafelySync } from './fs.js';
import { execGit } from './git.js';
import { isAlive } from './lock.js';
import { STATE_DIR } from './telemetry.js';

export const HANDOFF_RECORDS_DIR = `${STATE_DIR}/handoffs`;

export interface PendingHandoff {
  id: string;
  /** Repository-relative path of the note. */
  path: string;
  pid: number;
  host: string;
  started_at: string;
  operator: string;
  /** The Claude Code session whose telemetry the note holds, when known. */
  telemetry_session: string | null;
}

export interface UnfinishedHandoff extends PendingHandoff {
  /** The record's file, absolute. */
  record: string;
  title: string | null;
  summary: string | null;
  workstream: string | null;
  date: string | null;
}

function recordFile(root: string, id: string): string {
  return path.join(root, HANDOFF_RECORDS_DIR, `${id.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
}

export function recordPendingHandoff(root: string, pending: Omit<PendingHandoff, 'pid' | 'host'>): void {
  const record: PendingHandoff = { ...pending, pid: process.pid, host: hostname() };
  mkdirSync(path.join(root, HANDOFF_RECORDS_DIR), { recursive: true });
  writeFileSafelySync(recordFile(root, pending.id), `${JSON.stringify(record)}\n`);
}

/** The handoff has reported how it ended: it is not unfinished, whatever its note's state. */
export function settlePendingHandoff(root: string, id: string): void {
  try {
    unlinkSync(recordFile(root, id));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function parseRecord(text: string): PendingHandoff | null {
  try {
    const raw = JSON.parse(text) as Partial<PendingHandoff>;
    if (typeof raw.id !== 'string' || typeof raw.path !== 'string' || typeof raw.pid !== 'number' || typeof raw.host !== 'string') return null;
    // Only a session note inside the repository: a record is local state, but still input.
    if (raw.path.startsWith('/') || raw.path.split('/').includes('..')) return null;
    return {
      id: raw.id,
      path: raw.path,
      pid: raw.pid,
      host: raw.host,
      started_at: String(raw.started_at ?? ''),
      operator: String(raw.operator ?? ''),
      telemetry_session: typeof raw.telemetry_session === 'string' ? raw.telemetry_session : null,
    };
  } catch {
    return null;
  }
}

function listRecords(root: string): Array<{ file: string; record: PendingHandoff | null }> {
  const dir = path.join(root, HANDOFF_RECORDS_DIR);
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
  return names.map((name) => {
    const file = path.join(dir, name);
    try {
      return { file, record: parseRecord(readFileSync(file, 'utf8')) };
    } catch {
      return { file, record: null };
    }
  });
}

/** Still running: its process is alive on this machine (a record from elsewhere cannot be checked here). */
function isRunning(record: PendingHandoff): boolean {
  return record.host === hostname() && record.pid !== process.pid && isAlive(record.pid);
}

type Verdict = { state: 'unfinished'; handoff: UnfinishedHandoff } | { state: 'running' | 'done' };

async function judge(root: string, file: string, record: PendingHandoff | null, env: NodeJS.ProcessEnv, lockHeld: boolean): Promise<Verdict> {
  if (record === null) return { state: 'done' };
  // A handoff keeps the lock until its record is settled, so whoever holds the lock knows every other
  // record's handoff is gone, even if its pid now belongs to another process.
  if (!lockHeld && isRunning(record)) return { state: 'running' };
  let text: string;
  try {
    text = readFileSync(path.join(root, record.path), 'utf8');
  } catch {
    return { state: 'done' };
  }
  let note;
  try {
    note = parseNote(text);
  } catch {
    // Written but unreadable: still this handoff's note, and the commit's hooks will say what is wrong.
    return { state: 'unfinished', handoff: { ...record, record: file, title: null, summary: null, workstream: null, date: null } };
  }
  if (!note.hasFrontmatter || isClaimStub(note)) return { state: 'done' };
  const committed = await execGit(['cat-file', '-e', `HEAD:${record.path}`], { cwd: root, env });
  if (committed.code === 0) return { state: 'done' };
  const str = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    state: 'unfinished',
    handoff: {
      ...record,
      record: file,
      title: str(note.data.title),
      summary: str(note.data.summary),
      workstream: str(note.data.workstream),
      date: str(note.data.date),
    },
  };
}

export interface FindUnfinishedOptions {
  env?: NodeJS.ProcessEnv;
  /** The caller holds the handoff lock (tools/io/handoff-lock.ts): no other handoff can be running. */
  lockHeld?: boolean;
}

/**
 * Handoffs whose process is gone after writing the note and before committing it: the note is on
 * disk, not a claim stub, and not in HEAD. Oldest id first. Reads only; see pruneHandoffRecords.
 */
export async function findUnfinishedHandoffs(repo: { root: string; config?: CanonConfig }, options: FindUnfinishedOptions = {}): Promise<UnfinishedHandoff[]> {
  const { env = process.env, lockHeld = false } = options;
  const found: UnfinishedHandoff[] = [];
  for (const { file, record } of listRecords(repo.root)) {
    const verdict = await judge(repo.root, file, record, env, lockHeld);
    if (verdict.state === 'unfinished') found.push(verdict.handoff);
  }
  return found;
}

/** Remove the records of handoffs that are neither running nor unfinished (committed, stub only, gone). */
export async function pruneHandoffRecords(root: string, env: NodeJS.ProcessEnv): Promise<void> {
  for (const { file, record } of listRecords(root)) {
    if ((await judge(root, file, record, env, false)).state !== 'done') continue;
    try {
      unlinkSync(file);
    } catch {
      // Already removed by someone else.
    }
  }
}
