import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { buildSync } from 'esbuild';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { acquireLock, isStale, LockHeldError, LockTimeoutError, readLockFile, waitForLock } from '../../tools/io/lock.js';
import { CANON_ROOT } from '../helpers/git-repo.js';

let dir: string;
let lock: string;
/** lock.ts built to plain JS, for the other processes (Node 20 cannot run TypeScript). */
let built: string;
let builtDir: string;
beforeAll(() => {
  builtDir = mkdtempSync(path.join(tmpdir(), 'canon-lock-build-'));
  built = path.join(builtDir, 'lock.mjs');
  buildSync({ entryPoints: [path.join(CANON_ROOT, 'tools/io/lock.ts')], bundle: true, platform: 'node', format: 'esm', outfile: built, logLevel: 'error' });
});
afterAll(() => rmSync(builtDir, { recursive: true, force: true }));
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'canon-lock-'));
  lock = path.join(dir, 'state', 'thing.lock');
});
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

function writeLock(owner: object, ageMs = 0): void {
  spawnSync('mkdir', ['-p', path.dirname(lock)]);
  writeFileSync(lock, JSON.stringify(owner));
  const when = new Date(Date.now() - ageMs);
  utimesSync(lock, when, when);
}

/**
 * Another process that takes the lock with waitForLock (the handoff's form) and holds it until killed,
 * for `holdMs`, or (holdMs null) until the test writes a line to its stdin; resolves once it holds it.
 */
function holderProcess(holdMs: number | null, staleMs = 60_000): Promise<ChildProcess> {
  const release = holdMs === null ? "process.stdin.once('data', done)" : `setTimeout(done, ${holdMs})`;
  const script = `
    const { waitForLock } = await import(${JSON.stringify(built)});
    const held = await waitForLock(${JSON.stringify(lock)}, { staleMs: ${staleMs}, timeoutMs: 30000 });
    process.stdout.write('held\\n');
    const done = () => { held.release(); process.exit(0); };
    ${release};
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve(child));
    child.on('exit', (code) => reject(new Error(`holder exited ${code}: ${err}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', () => resolve())));

describe('acquireLock (refuses when held: sync, backfill)', () => {
  test('a live holder is named; a dead one on this machine is broken and reported', () => {
    writeLock({ pid: process.ppid, host: hostname(), since: '2026-05-11T09:00:00.000Z', nonce: 'a' });
    let refused: unknown;
    try {
      acquireLock(lock);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(LockHeldError);
    expect((refused as LockHeldError).owner).toMatchObject({ pid: process.ppid, since: '2026-05-11T09:00:00.000Z' });

    const dead = deadPid();
    writeLock({ pid: dead, host: hostname(), since: '2026-05-11T09:00:00.000Z', nonce: 'b' });
    const stale: number[] = [];
    const held = acquireLock(lock, { onStale: (owner) => stale.push(owner?.pid ?? 0) });
    expect(stale).toEqual([dead]);
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    held.release();
    expect(existsSync(lock)).toBe(false);
  });

  test('with an infinite lease, only a dead owner loses the lock, however old', () => {
    writeLock({ pid: process.ppid, host: hostname(), since: '2020-01-01T00:00:00.000Z', nonce: 'a' }, 365 * 24 * 3600 * 1000);
    expect(() => acquireLock(lock, { staleMs: Number.POSITIVE_INFINITY })).toThrow(LockHeldError);
    // A finite lease that ran out breaks it even though the pid is alive (a reused pid, a frozen owner).
    acquireLock(lock, { staleMs: 60_000 }).release();
  });
});

describe('waitForLock (queues: handoff)', () => {
  test('waits for a live holder in another process, says so once, and gets the lock when it is released', async () => {
    // The holder lets go only once the waiter has said it waits: no race with a loaded machine's clock.
    const holder = await holderProcess(null);
    const waits: Array<number | undefined> = [];
    const held = await waitForLock(lock, {
      staleMs: 60_000,
      timeoutMs: 120_000,
      onWait: (owner) => {
        waits.push(owner?.pid);
        holder.stdin!.write('release\n');
      },
    });
    expect(waits).toEqual([holder.pid]);
    // The holder releases the lock a moment before its process ends: wait for the end, then check it.
    await exited(holder);
    expect(holder.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: process.pid });
    held.release();
    expect(existsSync(lock)).toBe(false);
  }, 180_000);

  test('a holder killed with -9 does not keep it: the next waiter breaks it at once', async () => {
    const holder = await holderProcess(60_000);
    holder.kill('SIGKILL');
    await exited(holder);
    expect(existsSync(lock)).toBe(true);
    const stale: Array<number | undefined> = [];
    // A wait bound far below the holder's hold time: getting the lock proves it was broken, not waited out.
    const held = await waitForLock(lock, { staleMs: 60_000, timeoutMs: 30_000, onStale: (owner) => stale.push(owner?.pid) });
    expect(stale).toEqual([holder.pid]);
    held.release();
  }, 60_000);

  test('a live holder past the wait bound is a LockTimeoutError, and its lock stays', async () => {
    await holderProcess(60_000);
    await expect(waitForLock(lock, { staleMs: 60_000, timeoutMs: 200 })).rejects.toThrow(LockTimeoutError);
    expect(existsSync(lock)).toBe(true);
  }, 60_000);

  test('the holder renews its lease while it works; a frozen one (no renewal) loses it', async () => {
    const held = await waitForLock(lock, { staleMs: 2_000, timeoutMs: 1_000 });
    const old = new Date(Date.now() - 10_000);
    utimesSync(lock, old, old);
    expect(isStale(readLockFile(lock)!, 2_000)).toBe(true);
    // Renewal runs on the event loop every quarter lease: wait for it (bounded by jest's timeout, not asserted).
    while (isStale(readLockFile(lock)!, 2_000)) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(held.stillHeld()).toBe(true);
    held.release();
    expect(existsSync(lock)).toBe(false);
  }, 30_000);
});
