import { afterEach, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { acquireBackfillLock } from '../../tools/io/backfill-lock.js';
import { readNoteOrigins } from '../../tools/io/note-origins.js';
import { syncMessages } from '../../tools/messages/sync.js';
import { createProgress } from '../../tools/progress-bar.js';
import { CANON_ROOT, createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { commitAs } from '../helpers/backfill-legacy.js';

let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

describe('readNoteOrigins', () => {
  test('gives the first author of each file, following renames, like git log --diff-filter=A --follow', async () => {
    repo = createGitRepo();
    repo.write('workstreams/a.md', 'a\n');
    repo.git(['add', '-A']);
    commitAs(repo, 'sergei@example.com', '2026-01-02', 'a');
    repo.git(['mv', 'workstreams/a.md', 'workstreams/b.md']);
    repo.write('workstreams/c d.md', 'c\n');
    repo.write('elsewhere.md', 'x\n');
    repo.git(['add', '-A']);
    commitAs(repo, 'roman@example.com', '2026-01-03', 'rename + add');
    repo.write('workstreams/c d.md', 'changed\n');
    repo.git(['add', '-A']);
    commitAs(repo, 'dave@example.com', '2026-01-04', 'edit');

    const origins = await readNoteOrigins(repo.dir, ['workstreams', 'docs/plans'], repo.env);
    expect(Object.fromEntries(origins)).toMatchObject({
      'workstreams/b.md': { email: 'sergei@example.com', date: '2026-01-02' },
      'workstreams/c d.md': { email: 'roman@example.com', date: '2026-01-03' },
    });
    expect(origins.has('elsewhere.md')).toBe(false);
    for (const rel of ['workstreams/b.md', 'workstreams/c d.md']) {
      const follow = repo.git(['log', '--diff-filter=A', '--follow', '--format=%ae', '--', rel]).stdout.trim().split('\n').at(-1);
      expect(origins.get(rel)!.email).toBe(follow);
    }
  });

  test('an empty repository has no origins', async () => {
    repo = createGitRepo();
    expect((await readNoteOrigins(repo.dir, ['workstreams'], repo.env)).size).toBe(0);
  });
});

describe('acquireBackfillLock', () => {
  test('one holder at a time; release removes it; a lock of a dead pid is broken with a notice', () => {
    repo = createGitRepo();
    const notices: string[] = [];
    const first = acquireBackfillLock(repo.dir, new Date('2026-05-11T10:00:00Z'), (t) => notices.push(t));
    expect(JSON.parse(repo.read('BACKFILL_LOCK'))).toMatchObject({ pid: process.pid, host: os.hostname(), since: '2026-05-11T10:00:00.000Z' });
    expect(() => acquireBackfillLock(repo!.dir, new Date(), () => {})).toThrow(/another backfill is running/);
    first.release();
    expect(repo.exists('BACKFILL_LOCK')).toBe(false);

    repo.write('BACKFILL_LOCK', JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), started_at: 'x' }));
    const second = acquireBackfillLock(repo.dir, new Date(), (t) => notices.push(t));
    expect(notices).toEqual([expect.stringContaining('removed a stale BACKFILL_LOCK')]);
    second.release();
    expect(repo.exists('BACKFILL_LOCK')).toBe(false);
  });

  test('a run stopped by SIGTERM removes its lock and still ends as killed by the signal', async () => {
    repo = createGitRepo();
    const entry = path.join(repo.dir, '..', 'hold-lock.ts');
    const bundle = path.join(repo.dir, '..', 'hold-lock.mjs');
    writeFileSync(
      entry,
      `import { acquireBackfillLock } from ${JSON.stringify(path.join(CANON_ROOT, 'tools/io/backfill-lock.ts'))};\n` +
        `acquireBackfillLock(process.argv[2], new Date(), () => {});\nprocess.stdout.write('held');\nsetInterval(() => {}, 1000);\n`,
    );
    buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'error' });
    const child = spawn(process.execPath, [bundle, repo.dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    expect(repo.exists('BACKFILL_LOCK')).toBe(true);
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGTERM');
    expect(await ended).toBe('SIGTERM');
    expect(repo.exists('BACKFILL_LOCK')).toBe(false);
  });

  test('a lock from another host is respected (its pid cannot be checked from here)', () => {
    repo = createGitRepo();
    repo.write('BACKFILL_LOCK', JSON.stringify({ pid: 2 ** 22 + 12345, host: 'other-machine', started_at: 'x' }));
    expect(() => acquireBackfillLock(repo!.dir, new Date(), () => {})).toThrow(/another backfill is running/);
    expect(repo.exists('BACKFILL_LOCK')).toBe(true);
  });
});

describe('createProgress', () => {
  const stream = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, isTTY, columns: 80, write: (t: string) => writes.push(t) };
  };

  test('draws on a TTY, redraws only when the bar moves, and erases itself', () => {
    const tty = stream(true);
    let clock = 0;
    const bar = createProgress('planning', 1000, { enabled: true, stream: tty, minItems: 100, now: () => (clock += 10) });
    for (let i = 0; i < 1000; i++) bar.tick();
    bar.done();
    expect(tty.writes.length).toBeLessThan(60);
    expect(tty.writes.at(-2)).toMatch(/^\r\x1b\[Kplanning \[█+\] 1000\/1000$/);
    expect(tty.writes.some((w) => / ETA \d+s$/.test(w))).toBe(true);
    expect(tty.writes.at(-1)).toBe('\r\x1b[K');
  });

  test("a caller's status (sync: requests spent, ETA at the current pace) is drawn after the count", () => {
    const tty = stream(true);
    let spent = 0;
    const bar = createProgress('syncing', 3, { enabled: true, stream: tty, status: () => syncMessages.progressStatus(spent, 9 - spent, 3) });
    for (let i = 0; i < 3; i++) {
      spent += 3;
      bar.tick(`RT-260511-0${i + 1}`);
    }
    expect(tty.writes[1]).toMatch(/syncing \[█+·+\] 1\/3 3 req, ETA 2s RT-260511-01$/);
    expect(tty.writes.at(-1)).toMatch(/3\/3 9 req RT-260511-03$/);
  });

  test('silent when not a TTY, when disabled (--json) and for small jobs', () => {
    for (const [s, enabled, total] of [
      [stream(false), true, 1000],
      [stream(true), false, 1000],
      [stream(true), true, 10],
    ] as const) {
      const bar = createProgress('x', total, { enabled, stream: s, minItems: 100 });
      bar.tick();
      bar.done();
      expect(s.writes).toEqual([]);
    }
  });
});
