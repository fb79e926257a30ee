import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../errors.js';
import { backfillMessages as m } from '../messages/backfill.js';

export const BACKFILL_LOCK = 'BACKFILL_LOCK';

/** A lock whose content cannot be read yet may be mid-write by its owner; give it this long. */
const UNREADABLE_GRACE_MS = 10_000;

export interface BackfillLock {
  release(): void;
}

interface LockContent {
  pid: number;
  host: string;
  started_at: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockContent | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockContent>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, host: String(parsed.host ?? ''), started_at: String(parsed.started_at ?? '') } : null;
  } catch {
    return null;
  }
}

/**
 * Take `BACKFILL_LOCK` at the repository root with an exclusive create (O_EXCL), holding pid, host
 * and start time. A lock held by a live process refuses the run; one whose process is gone (killed
 * mid-run) is broken with a notice. The lock is released by `release()`, and also when the process
 * is interrupted by SIGINT/SIGTERM/SIGHUP, so a Ctrl-C never leaves it behind.
 */
export function acquireBackfillLock(root: string, now: Date, notice: (text: string) => void): BackfillLock {
  const file = path.join(root, BACKFILL_LOCK);
  const content: LockContent = { pid: process.pid, host: os.hostname(), started_at: now.toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, `${JSON.stringify(content)}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw lockError(error, file);
      const held = readLock(file);
      if (held === null) {
        const age = Date.now() - safeMtime(file);
        if (age < UNREADABLE_GRACE_MS) throw new UserError(m.lock.starting, { hint: m.lock.heldHint });
      } else if (held.host !== content.host || isAlive(held.pid)) {
        // A lock from another machine (a shared folder) cannot be checked: respect it.
        throw new UserError(m.lock.held(held.pid, held.started_at), { hint: m.lock.heldHint });
      } else notice(m.lock.stale(held.pid));
      unlinkQuietly(file);
    }
  }

  let released = false;
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const release = () => {
    if (released) return;
    released = true;
    for (const signal of signals) process.off(signal, onSignal);
    if (readLock(file)?.pid === process.pid) unlinkQuietly(file);
  };
  // Re-raise after cleaning up, so the process still ends the way the signal means (exit 130 etc.).
  function onSignal(signal: NodeJS.Signals): void {
    release();
    process.kill(process.pid, signal);
  }
  for (const signal of signals) process.once(signal, onSignal);
  return { release };
}

function safeMtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function lockError(error: unknown, file: string): unknown {
  if ((error as NodeJS.ErrnoException).code === 'EEXIST') return new UserError(m.lock.starting, { hint: m.lock.heldHint });
  return error instanceof Error ? new UserError(`cannot create ${file}: ${error.message}`) : error;
}
