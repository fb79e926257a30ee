// canon's one cross-process lock: a file created exclusively, holding its owner, kept alive by a lease.
// Node has no flock, so the lock is a file whose existence is the lock:
//
//     .claude/state/handoff.lock
//     {"pid":4242,"host":"dev-1","nonce":"k3j9x0","since":"2026-05-11T09:30:00.000Z"}
//
// A dead process cannot keep it: a lock whose owner on this machine no longer runs is broken at once,
// and one whose lease ran out (its mtime is older than the lease; live holders of long locks renew it)
// is broken whoever claims to own it: a hung owner, a reused pid, another machine's process on a shared
// folder. Each call site names what it guards (telemetry fold, handoff, backfill, sync) and its lease.
//
// It imports only Node built-ins: the telemetry hook bundle uses it and must stay fast and dependency-free.
import {
  closeSync,
  fstatSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/** Who holds a lock: written into the lock file so a stale one can be recognised and broken. */
export interface LockOwner {
  pid: number;
  host: string;
  since: string;
  nonce: string;
}

/** The synchronous, waiting form's options (the telemetry hook's). */
export interface LockOptions {
  /** The lease: a lock not created or renewed for this long is presumed abandoned, whoever owns it. */
  staleMs: number;
  /** Give up (LockTimeoutError) after waiting this long. */
  timeoutMs: number;
}

export interface HeldLock {
  readonly path: string;
  /** Same as path (the name the command locks used). */
  readonly file: string;
  readonly owner: LockOwner;
  /** True while the lock file is still ours (nobody judged it stale and broke it). */
  stillHeld(): boolean;
  /** Extend the lease (touch the file), if the lock is still ours. */
  renew(): boolean;
  release(): void;
}
/** The command locks' name for a held lock. */
export type Lock = HeldLock;

export class LockTimeoutError extends Error {
  constructor(file: string, waitedMs: number, holder: string) {
    super(`could not lock ${file} within ${waitedMs} ms (held by ${holder || 'an unknown process'})`);
    this.name = 'LockTimeoutError';
  }
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

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** A synchronous sleep that yields the CPU (no busy loop): the waiting processes share 1-2 cores. */
export function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export function parseLockOwner(text: string): LockOwner | null {
  try {
    const raw = JSON.parse(text) as Partial<LockOwner>;
    if (typeof raw.pid !== 'number' || typeof raw.host !== 'string') return null;
    return { pid: raw.pid, host: raw.host, since: String(raw.since ?? ''), nonce: String(raw.nonce ?? '') };
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

/** An unreadable lock may be one a pre-link writer is filling this instant: it gets this long first. */
const UNREADABLE_GRACE_MS = 10_000;

/** Abandoned: its owner on this machine is dead, or its lease ran out. */
export function isStale(seen: Seen, staleMs: number): boolean {
  if (seen.ageMs > staleMs) return true;
  const owner = parseLockOwner(seen.text);
  if (owner === null) return seen.ageMs > Math.min(staleMs, UNREADABLE_GRACE_MS);
  // A pid only means something on the machine that wrote it (the folder may be shared).
  return owner.host === hostname() && owner.pid !== process.pid && !isAlive(owner.pid);
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

/**
 * Create the lock file with its owner already in it: written to a private temp file and hard-linked
 * into place (link fails with EEXIST when the lock exists), so nobody ever reads a half-written lock.
 * Where hard links are not supported, O_EXCL create then write. Returns false when the lock exists.
 */
function createLockFile(file: string, token: string): boolean {
  const temp = `${file}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    writeFileSync(temp, token, { flag: 'wx' });
  } catch (error) {
    // A full disk fails the write after the create: the empty temp file must not stay behind.
    try {
      unlinkSync(temp);
    } catch {
      // never created
    }
    throw error;
  }
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV' && code !== 'EMLINK') throw error;
  } finally {
    unlinkSync(temp);
  }
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, token);
  } catch (error) {
    closeSync(fd);
    unlinkSync(file);
    throw error;
  }
  closeSync(fd);
  return true;
}

function newOwner(now: Date): LockOwner {
  return { pid: process.pid, host: hostname(), since: now.toISOString(), nonce: Math.random().toString(36).slice(2, 12) };
}

/**
 * One attempt: take the lock, breaking a stale one first (`onStale` is told whose). Returns null when
 * a live holder has it, with what was seen in `held`.
 */
function attempt(file: string, owner: LockOwner, staleMs: number, onStale?: (owner: LockOwner | null) => void): { lock: HeldLock } | { held: Seen | null } {
  const token = JSON.stringify(owner);
  // Two rounds: a stale lock broken in the first is retaken in the second.
  let seen: Seen | null = null;
  for (let round = 0; round < 2; round++) {
    if (createLockFile(file, token)) return { lock: heldLock(file, owner, token) };
    seen = readLockFile(file);
    if (seen === null) continue;
    if (!isStale(seen, staleMs)) return { held: seen };
    onStale?.(parseLockOwner(seen.text));
    breakLock(file, seen);
  }
  return { held: seen };
}

/** Take the lock, breaking a stale one; waits with short, growing, jittered sleeps (the hook's form). */
export function acquireLockSync(file: string, options: LockOptions): HeldLock {
  const owner = newOwner(new Date());
  const started = Date.now();
  let pause = 1;
  for (;;) {
    const outcome = attempt(file, owner, options.staleMs);
    if ('lock' in outcome) return outcome.lock;
    const waited = Date.now() - started;
    if (waited >= options.timeoutMs) throw new LockTimeoutError(file, waited, outcome.held?.text ?? '');
    sleepSync(Math.min(pause * (0.5 + Math.random()), options.timeoutMs - waited));
    pause = Math.min(pause * 2, 16);
  }
}

export function withLockSync<T>(file: string, options: LockOptions, work: (lock: HeldLock) => T): T {
  const lock = acquireLockSync(file, options);
  try {
    return work(lock);
  } finally {
    lock.release();
  }
}

export interface CommandLockOptions {
  /** The lease (default 6 h); Infinity: only a dead owner on this machine loses it. */
  staleMs?: number;
  now?: () => Date;
  /** Called when a lock left by a dead process is broken. */
  onStale?: (owner: LockOwner | null) => void;
  /** Also release on SIGINT/SIGTERM/SIGHUP (then re-raise), so Ctrl-C never leaves the lock behind. */
  releaseOnSignals?: boolean;
}

/**
 * The refusing form, for commands that run one at a time (sync, backfill): take the lock now or throw
 * LockHeldError naming the live holder.
 */
export function acquireLock(file: string, options: CommandLockOptions = {}): HeldLock {
  mkdirSync(path.dirname(file), { recursive: true });
  const owner = newOwner((options.now ?? (() => new Date()))());
  const outcome = attempt(file, owner, options.staleMs ?? 6 * 60 * 60 * 1000, options.onStale);
  if ('held' in outcome) throw new LockHeldError(file, outcome.held ? parseLockOwner(outcome.held.text) : null);
  if (options.releaseOnSignals) releaseOnSignals(outcome.lock);
  return outcome.lock;
}

export interface WaitLockOptions extends CommandLockOptions {
  /** The lease; the holder renews it every quarter of it while its event loop runs. */
  staleMs: number;
  /** Give up (LockTimeoutError) after waiting this long. */
  timeoutMs: number;
  /** Told once, when the lock is found held and the wait begins. */
  onWait?: (owner: LockOwner | null) => void;
}

/**
 * The waiting form, for commands that queue (handoff): wait for the lock without blocking the event
 * loop, then keep the lease renewed until release, so only a dead or frozen holder ever loses it.
 */
export async function waitForLock(file: string, options: WaitLockOptions): Promise<HeldLock> {
  mkdirSync(path.dirname(file), { recursive: true });
  const owner = newOwner((options.now ?? (() => new Date()))());
  const started = Date.now();
  let pause = 10;
  let told = false;
  for (;;) {
    const outcome = attempt(file, owner, options.staleMs, options.onStale);
    if ('lock' in outcome) {
      const lock = outcome.lock;
      if (Number.isFinite(options.staleMs)) {
        const timer = setInterval(() => lock.renew() || clearInterval(timer), Math.max(50, options.staleMs / 4));
        timer.unref();
        const release = lock.release;
        lock.release = () => {
          clearInterval(timer);
          release();
        };
      }
      if (options.releaseOnSignals) releaseOnSignals(lock);
      return lock;
    }
    if (!told) {
      told = true;
      options.onWait?.(outcome.held ? parseLockOwner(outcome.held.text) : null);
    }
    const waited = Date.now() - started;
    if (waited >= options.timeoutMs) throw new LockTimeoutError(file, waited, outcome.held?.text ?? '');
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause * (0.5 + Math.random()), options.timeoutMs - waited)));
    pause = Math.min(pause * 2, 250);
  }
}

function heldLock(file: string, owner: LockOwner, token: string): HeldLock & { release(): void } {
  const stillHeld = () => {
    try {
      return readFileSync(file, 'utf8') === token;
    } catch {
      return false;
    }
  };
  let released = false;
  return {
    path: file,
    file,
    owner,
    stillHeld,
    renew: () => {
      if (released || !stillHeld()) return false;
      const now = new Date();
      try {
        utimesSync(file, now, now);
        return true;
      } catch {
        return false;
      }
    },
    release: () => {
      if (released) return;
      released = true;
      // Never remove a lock that has become someone else's.
      if (stillHeld()) {
        try {
          unlinkSync(file);
        } catch (error) {
          if (errorCode(error) !== 'ENOENT') throw error;
        }
      }
    },
  };
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Release on a signal, then re-raise it, so the process still ends the way the signal means (exit 130 etc.). */
function releaseOnSignals(lock: HeldLock & { release(): void }): void {
  const release = lock.release;
  function onSignal(signal: NodeJS.Signals): void {
    lock.release();
    process.kill(process.pid, signal);
  }
  for (const signal of SIGNALS) process.once(signal, onSignal);
  lock.release = () => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
    release();
  };
}
