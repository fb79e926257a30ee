import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive } from './file-lock.js';

/** Who holds a lock: written into the lock file so a stale one can be recognised and broken. */
export interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

export interface Lock {
  file: string;
  release(): void;
}

export class LockHeldError extends Error {
  constructor(
    readonly file: string,
    readonly owner: LockOwner | null,
  ) {
    super(`${file} is held${owner ? ` by pid ${owner.pid} on ${owner.host} since ${owner.since}` : ''}`);
    this.name = 'LockHeldError';
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockOwner>;
    return typeof parsed.pid === 'number' && typeof parsed.host === 'string' ? { pid: parsed.pid, host: parsed.host, since: String(parsed.since) } : null;
  } catch {
    return null;
  }
}

function olderThan(file: string, ms: number, now: Date): boolean {
  try {
    return now.getTime() - statSync(file).mtimeMs > ms;
  } catch {
    return true;
  }
}

/**
 * Take an exclusive lock by creating `file` with O_EXCL. A lock left by a process that no longer runs
 * on this host, or older than `staleMs` (another host's process cannot be checked), is broken rather
 * than waited on forever. Throws LockHeldError when a live process holds it.
 */
export function acquireLock(
  file: string,
  options: {
    staleMs?: number;
    now?: () => Date;
    /** Called when a lock left by a dead process is broken. */
    onStale?: (owner: LockOwner | null) => void;
    /** Also release on SIGINT/SIGTERM/SIGHUP (then re-raise), so Ctrl-C never leaves the lock behind. */
    releaseOnSignals?: boolean;
  } = {},
): Lock {
  const now = options.now ?? (() => new Date());
  const staleMs = options.staleMs ?? 6 * 60 * 60 * 1000;
  mkdirSync(path.dirname(file), { recursive: true });
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: now().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, `${JSON.stringify(owner)}\n`);
      } finally {
        closeSync(fd);
      }
      return holdLock(file, owner, options.releaseOnSignals === true);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readOwner(file);
      const age = holder ? now().getTime() - Date.parse(holder.since) : Infinity;
      // An unreadable lock may be one another process is writing this instant: only an old one is stale.
      const stale = holder ? (holder.host === owner.host ? !isAlive(holder.pid) : age > staleMs) : olderThan(file, 10_000, now());
      if (!stale || attempt > 0) throw new LockHeldError(file, holder);
      options.onStale?.(holder);
      rmSync(file, { force: true });
    }
  }
  throw new LockHeldError(file, readOwner(file));
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function holdLock(file: string, owner: LockOwner, onSignals: boolean): Lock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    if (onSignals) for (const signal of SIGNALS) process.off(signal, onSignal);
    if (readOwner(file)?.pid === owner.pid) rmSync(file, { force: true });
  };
  // Re-raise after cleaning up, so the process still ends the way the signal means (exit 130 etc.).
  function onSignal(signal: NodeJS.Signals): void {
    release();
    process.kill(process.pid, signal);
  }
  if (onSignals) for (const signal of SIGNALS) process.once(signal, onSignal);
  return { file, release };
}
