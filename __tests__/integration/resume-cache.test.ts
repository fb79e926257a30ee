import { afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../../tools/core/config.js';
import { readResumeStore, refreshResumeCache, RESUME_CACHE_FILE, RESUME_CACHE_VERSION } from '../../tools/io/resume-cache.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { sessionNote, workstreamNote } from '../helpers/notes.js';

let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

const HOUR_AGO = () => new Date(Date.now() - 3600_000);

/** Files written by a test are "racily" new; age them so the cache may trust their mtime. */
function age(r: GitRepo, rel: string, when = HOUR_AGO()): void {
  utimesSync(path.join(r.dir, rel), when, when);
}

function read(r: GitRepo, useCache = true) {
  return readResumeStore(r.dir, DEFAULT_CONFIG, { useCache, nowMs: Date.now() });
}

function committedStore(): GitRepo {
  const r = createGitRepo({
    files: {
      '.gitignore': '.claude/state/\n',
      'docs/sessions/RT-260510-01.md': sessionNote('RT-260510-01', { date: '2026-05-10' }),
      'docs/sessions/RT-260511-01.md': sessionNote('RT-260511-01'),
      'docs/sessions/SK-260511-01.md': sessionNote('SK-260511-01', { operator: 'sergei' }),
      'docs/sessions/RT-260511-02.md': '---\nclaimed_at: 2026-05-11T09:00:00Z\noperator: roman\nkind: session\n---\n',
      'docs/sessions/INDEX.md': '# index\n',
      'docs/sessions/TEMPLATE.md': sessionNote('TEMPLATE'),
      'workstreams/flip.md': workstreamNote('flip'),
    },
  });
  r.git(['add', '-A']);
  r.git(['commit', '-q', '-m', 'store']);
  return r;
}

describe('resume cache', () => {
  test('a cold read fills it; a warm read re-reads nothing and gives the same answer', async () => {
    repo = committedStore();
    const cold = await read(repo);
    expect(cold.stats).toMatchObject({ cache: 'cold', files: 5, read: 5, reused: 0 });
    expect(cold.sessions.map((s) => s.id).sort()).toEqual(['RT-260510-01', 'RT-260511-01', 'SK-260511-01']);
    expect(cold.workstreams.map((w) => w.slug)).toEqual(['flip']);
    expect(existsSync(path.join(repo.dir, RESUME_CACHE_FILE))).toBe(true);

    const warm = await read(repo);
    expect(warm.stats).toMatchObject({ cache: 'warm', read: 0, reused: 5 });
    expect(warm.sessions).toEqual(cold.sessions);
    expect(warm.workstreams).toEqual(cold.workstreams);
  });

  test('an uncommitted edit, a commit, an untracked note and a removal each re-read only what changed', async () => {
    repo = committedStore();
    await read(repo);

    // Edited, not committed: same size, old mtime — git status still sees it.
    const rel = 'docs/sessions/RT-260511-01.md';
    const before = repo.read(rel);
    const after = before.replace('title: Session RT-260511-01', 'title: Session RT-260511-0X');
    expect(after.length).toBe(before.length);
    writeFileSync(path.join(repo.dir, rel), after);
    age(repo, rel);
    let store = await read(repo);
    expect(store.stats.read).toBe(1);
    expect(store.sessions.find((s) => s.id === 'RT-260511-01')!.title).toBe('Session RT-260511-0X');
    expect((await read(repo)).stats.read).toBe(0);

    // Committed: its identity becomes the blob id; read once more, then trusted.
    repo.git(['commit', '-q', '-am', 'edit']);
    expect((await read(repo)).stats.read).toBe(1);
    expect((await read(repo)).stats.read).toBe(0);

    // Untracked new note.
    repo.write('docs/sessions/SK-260512-01.md', sessionNote('SK-260512-01', { operator: 'sergei', date: '2026-05-12' }));
    age(repo, 'docs/sessions/SK-260512-01.md');
    store = await read(repo);
    expect(store.stats.read).toBe(1);
    expect(store.sessions.some((s) => s.id === 'SK-260512-01')).toBe(true);

    // Removed (not committed).
    rmSync(path.join(repo.dir, 'docs/sessions/SK-260511-01.md'));
    store = await read(repo);
    expect(store.stats.read).toBe(0);
    expect(store.sessions.some((s) => s.id === 'SK-260511-01')).toBe(false);
  });

  test('an untracked note edited a moment ago is read again on every run until its mtime settles', async () => {
    repo = committedStore();
    repo.write('docs/sessions/RT-260512-01.md', sessionNote('RT-260512-01'));
    await read(repo);
    expect((await read(repo)).stats.read).toBe(1);
    age(repo, 'docs/sessions/RT-260512-01.md');
    expect((await read(repo)).stats.read).toBe(1);
    expect((await read(repo)).stats.read).toBe(0);
  });

  test.each([
    ['garbage', 'not json at all {'],
    ['another version', JSON.stringify({ tool: 'canon resume cache', version: 999, path: [], key: [], type: '', a: [], b: [], c: [], d: [] })],
    ['a foreign JSON file', JSON.stringify({ entries: { 'docs/sessions/RT-260511-01.md': { key: 'x' } } })],
    // Version 1 had no ended_at column: its rows would order one day's sessions by NN alone.
    [
      'the previous version',
      JSON.stringify({
        tool: 'canon resume cache',
        version: 1,
        path: ['docs/sessions/RT-260511-01.md'],
        key: ['x'],
        type: 's',
        a: ['roman'],
        b: ['2026-05-11'],
        c: ['old'],
        d: [null],
      }),
    ],
    [
      'columns of the wrong length',
      JSON.stringify({
        tool: 'canon resume cache',
        version: RESUME_CACHE_VERSION,
        path: ['docs/sessions/RT-260511-01.md'],
        key: [],
        type: 's',
        a: [],
        b: [],
        c: [],
        d: [],
      }),
    ],
  ])('a cache holding %s is ignored and rebuilt', async (_name, text) => {
    repo = committedStore();
    repo.write(RESUME_CACHE_FILE, text);
    const store = await read(repo);
    expect(store.stats).toMatchObject({ cache: 'cold', read: 5 });
    expect(store.sessions).toHaveLength(3);
    expect(JSON.parse(readFileSync(path.join(repo.dir, RESUME_CACHE_FILE), 'utf8'))).toMatchObject({
      tool: 'canon resume cache',
      version: RESUME_CACHE_VERSION,
    });
    expect((await read(repo)).stats.read).toBe(0);
  });

  test('a broken note is reported every run (from the cache too) and never listed', async () => {
    repo = committedStore();
    repo.write('docs/sessions/SK-260511-02.md', '---\ntitle: [unclosed\noperator: sergei\n---\n');
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'broken']);
    for (const expected of [1, 0]) {
      const store = await read(repo);
      expect(store.stats.read).toBe(expected === 1 ? 6 : 0);
      expect(store.problems).toHaveLength(1);
      expect(store.problems[0]!.text).toMatch(/^docs\/sessions\/SK-260511-02\.md:\d+:\d+: invalid YAML/);
      expect(store.sessions.some((s) => s.id === 'SK-260511-02')).toBe(false);
    }
  });

  test('refresh touches nothing without a cache, and updates one that exists', async () => {
    repo = committedStore();
    // Without a cache, the config is never read (post-commit then loads no schema).
    const unread = () => {
      throw new Error('the config was read');
    };
    expect(await refreshResumeCache(repo.dir, unread, Date.now())).toBe(false);
    expect(existsSync(path.join(repo.dir, RESUME_CACHE_FILE))).toBe(false);
    await read(repo);
    repo.write('docs/sessions/RT-260512-01.md', sessionNote('RT-260512-01'));
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'new']);
    expect(await refreshResumeCache(repo.dir, () => DEFAULT_CONFIG, Date.now())).toBe(true);
    expect((await read(repo)).stats.read).toBe(0);
    expect(readFileSync(path.join(repo.dir, RESUME_CACHE_FILE), 'utf8')).toContain('RT-260512-01.md');
  });

  test('a store without workstreams/ or sessions/ is empty, not an error', async () => {
    repo = createGitRepo();
    const store = await read(repo);
    expect(store).toMatchObject({ sessions: [], workstreams: [], problems: [] });
  });
});
