import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { acquireLockSync, breakLock, LockTimeoutError, readLockFile, withLockSync } from '../../tools/io/lock.js';

let dir: string;
let lock: string;
let sleeper: ChildProcess | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'canon-lock-'));
  lock = path.join(dir, 'state.json.lock');
});
afterEach(() => {
  sleeper?.kill();
  sleeper = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited: what a killed hook leaves in its lock. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function livePid(): number {
  sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  return sleeper.pid!;
}

function writeLock(owner: object | string, ageMs = 0): void {
  writeFileSync(lock, typeof owner === 'string' ? owner : JSON.stringify(owner));
  const when = new Date(Date.now() - ageMs);
  utimesSync(lock, when, when);
}

const patient = { staleMs: 60_000, timeoutMs: 30_000 };
const impatient = { staleMs: 60_000, timeoutMs: 50 };
/** Breaks locks older than 2 s and waits far less than that: taking the lock proves it was broken, not waited out. */
const ageBreaks = { staleMs: 2000, timeoutMs: 200 };

/** Take the lock and check it is really ours now, then let it go. */
function expectTaken(options: { staleMs: number; timeoutMs: number }): void {
  const held = acquireLockSync(lock, options);
  expect(held.stillHeld()).toBe(true);
  expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
  held.release();
  expect(existsSync(lock)).toBe(false);
}

describe('acquireLockSync', () => {
  test('a fresh lock whose owner on this machine is dead is broken at once, not waited out', () => {
    writeLock({ pid: deadPid(), host: hostname(), nonce: 'x' });
    const held = acquireLockSync(lock, patient);
    expect(held.stillHeld()).toBe(true);
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    held.release();
    expect(existsSync(lock)).toBe(false);
  });

  test('a live owner is waited for, and the wait is bounded', () => {
    writeLock({ pid: livePid(), host: hostname(), nonce: 'x' });
    expect(() => acquireLockSync(lock, impatient)).toThrow(LockTimeoutError);
    expect(existsSync(lock)).toBe(true);
  });

  test('a lock older than the stale bound is broken even if its pid is alive (pid reuse, hung owner)', () => {
    writeLock({ pid: livePid(), host: hostname(), nonce: 'x' }, 5000);
    expectTaken(ageBreaks);
  });

  test("another machine's pid means nothing here: only age breaks its lock", () => {
    writeLock({ pid: deadPid(), host: `not-${hostname()}`, nonce: 'x' });
    expect(() => acquireLockSync(lock, impatient)).toThrow(LockTimeoutError);
    writeLock({ pid: deadPid(), host: `not-${hostname()}`, nonce: 'x' }, 5000);
    expectTaken(ageBreaks);
  });

  test('an empty lock (owner killed between create and write) is broken by age only', () => {
    writeLock('');
    expect(() => acquireLockSync(lock, impatient)).toThrow(LockTimeoutError);
    writeLock('', 5000);
    expectTaken(ageBreaks);
  });

  test('withLockSync releases the lock when the work throws', () => {
    expect(() =>
      withLockSync(lock, patient, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(existsSync(lock)).toBe(false);
  });
});

describe('breaking a stale lock never removes a live one', () => {
  test('when the lock changed since it was judged stale, it is put back', () => {
    writeLock({ pid: deadPid(), host: hostname(), nonce: 'old' });
    const judged = readLockFile(lock)!;
    // Meanwhile another process broke it and a live owner took a fresh lock.
    rmSync(lock);
    writeLock({ pid: livePid(), host: hostname(), nonce: 'new' });
    breakLock(lock, judged);
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ nonce: 'new' });
  });

  test('release leaves alone a lock that has become someone else’s', () => {
    const held = acquireLockSync(lock, patient);
    writeLock({ pid: livePid(), host: hostname(), nonce: 'thief' });
    expect(held.stillHeld()).toBe(false);
    held.release();
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ nonce: 'thief' });
  });
});
