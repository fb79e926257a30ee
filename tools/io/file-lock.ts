// A synchronous cross-process lock on one file, built on O_EXCL create (Node has no flock).
// Used by the PostToolUse hook around read-modify-write of a session's telemetry state, so it imports
// only Node built-ins and never waits long: the hook must not hold up the agent.
import { closeSync, fstatSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockOptions {
  /** A lock older than this is presumed abandoned, whoever claims to own it. */
  staleMs: number;
  /** Give up (LockTimeoutError) after waiting this long. */
  timeoutMs: number;
}

export interface HeldLock {
  readonly path: string;
  /** True while the lock file is still ours (nobody judged it stale and broke it). */
  stillHeld(): boolean;
  release(): void;
}

export class LockTimeoutError extends Error {
  constructor(file: string, waitedMs: number, holder: string) {
    super(`could not lock ${file} within ${waitedMs} ms (held by ${holder || 'an unknown process'})`);
    this.name = 'LockTimeoutError';
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** A synchronous sleep that yields the CPU (no busy loop): the waiting processes share 1-2 cores. */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

interface Owner {
  pid: number;
  host: string;
  nonce: string;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function parseOwner(text: string): Owner | null {
  try {
    const raw = JSON.parse(text) as Partial<Owner>;
    return typeof raw.pid === 'number' && typeof raw.host === 'string' ? (raw as Owner) : null;
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) === 'EPERM';
  }
}

/** A lock file as seen at one moment; `identity` tells whether a later look sees the same file. */
export interface Seen {
  text: string;
  identity: string;
  ageMs: number;
}

export function readLockFile(file: string): Seen | null {
  try {
    const stat = statSync(file);
    const text = readFileSync(file, 'utf8');
    return { text, identity: `${stat.ino}:${stat.mtimeMs}:${text}`, ageMs: Date.now() - stat.mtimeMs };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/** Abandoned: its owner on this machine is dead, or it is older than any real critical section. */
function isStale(seen: Seen, staleMs: number): boolean {
  if (seen.ageMs > staleMs) return true;
  const owner = parseOwner(seen.text);
  // A pid only means something on the machine that wrote it (the folder may be shared).
  return owner !== null && owner.host === hostname() && owner.pid !== process.pid && !isAlive(owner.pid);
}

/**
 * Remove a stale lock without ever removing a live one. Two processes may judge the same lock stale;
 * the first removes it and a third process may take a fresh lock before the second acts. So the lock
 * is moved aside under a unique name first, and put back (link: fails if a newer lock exists) when
 * what was moved is not what was judged stale. Owners re-check `stillHeld()` before committing.
 */
export function breakLock(file: string, judged: Seen): void {
  const grave = `${file}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.stale.tmp`;
  try {
    renameSync(file, grave);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  try {
    const fd = openSync(grave, 'r');
    let moved: string;
    try {
      const stat = fstatSync(fd);
      moved = `${stat.ino}:${stat.mtimeMs}:${readFileSync(fd, 'utf8')}`;
    } finally {
      closeSync(fd);
    }
    if (moved !== judged.identity) {
      try {
        linkSync(grave, file);
      } catch {
        // A newer lock already exists; its owner and the one we displaced both re-check before writing.
      }
    }
  } finally {
    try {
      unlinkSync(grave);
    } catch {
      // Already gone: the hourly sweep of *.tmp takes any leftover.
    }
  }
}

/** Take the lock, breaking a stale one; waits with short, growing, jittered sleeps. */
export function acquireLockSync(file: string, options: LockOptions): HeldLock {
  const owner: Owner = { pid: process.pid, host: hostname(), nonce: Math.random().toString(36).slice(2) };
  const token = JSON.stringify(owner);
  const started = Date.now();
  let pause = 1;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = openSync(file, 'wx');
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    if (fd !== undefined) {
      try {
        writeSync(fd, token);
      } catch (error) {
        closeSync(fd);
        unlinkSync(file);
        throw error;
      }
      closeSync(fd);
      return heldLock(file, token);
    }
    const seen = readLockFile(file);
    if (seen !== null && isStale(seen, options.staleMs)) {
      breakLock(file, seen);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= options.timeoutMs) throw new LockTimeoutError(file, waited, seen?.text ?? '');
    sleepSync(Math.min(pause * (0.5 + Math.random()), options.timeoutMs - waited));
    pause = Math.min(pause * 2, 16);
  }
}

function heldLock(file: string, token: string): HeldLock {
  const stillHeld = () => {
    try {
      return readFileSync(file, 'utf8') === token;
    } catch {
      return false;
    }
  };
  return {
    path: file,
    stillHeld,
    release: () => {
      // Never remove a lock that has become someone else's.
      if (stillHeld()) unlinkSync(file);
    },
  };
}

export function withLockSync<T>(file: string, options: LockOptions, work: (lock: HeldLock) => T): T {
  const lock = acquireLockSync(file, options);
  try {
    return work(lock);
  } finally {
    lock.release();
  }
}
