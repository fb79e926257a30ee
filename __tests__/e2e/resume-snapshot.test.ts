import { afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';
import { sessionNote, workstreamNote } from '../helpers/notes.js';

/**
 * resume's warm path reuses the last dashboard while a fingerprint of the store holds. Files written
 * in the last two seconds are too young to trust, so the tests age everything first, as time would.
 */
let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

const today = new Date().toISOString().slice(0, 10);
const id = (nn: number) => `RT-${today.slice(2).replace(/-/g, '')}-${String(nn).padStart(2, '0')}`;
const SNAPSHOT = '.claude/state/resume-view.json';
const CACHE = '.claude/state/resume-cache.json';

/** Set every file and folder of the work tree (and the index) an hour back. */
function age(dir: string): void {
  const past = new Date(Date.now() - 3_600_000);
  const walk = (p: string) => {
    for (const name of readdirSync(p)) {
      const full = path.join(p, name);
      if (name === 'objects') continue;
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      utimesSync(full, past, past);
    }
    utimesSync(p, past, past);
  };
  walk(dir);
}

function resume(r: GitRepo, env: Record<string, string> = {}) {
  const out = runCli(['resume', '--json'], { cwd: r.dir, env: { ...r.env, OPERATOR: 'roman', ...env } });
  expect(out.code).toBe(0);
  return JSON.parse(out.stdout) as { last_session: { id: string; title: string } | null; sessions_count: number; operator: { slug: string } };
}

function store(): GitRepo {
  const r = createGitRepo({
    files: {
      '.gitignore': '.claude/state/\n',
      [`docs/sessions/${id(1)}.md`]: sessionNote(id(1), { title: 'First', date: today }),
      [`docs/sessions/${id(2)}.md`]: sessionNote(id(2), { title: 'Second', date: today }),
      'workstreams/flip.md': workstreamNote('flip'),
    },
  });
  r.git(['add', '-A']);
  r.git(['commit', '-qm', 'store']);
  resume(r); // the operator cache and the resume cache
  age(r.dir);
  expect(resume(r).last_session?.title).toBe('Second');
  expect(existsSync(path.join(r.dir, SNAPSHOT))).toBe(true);
  return r;
}

describe('resume from its snapshot', () => {
  test('an unchanged store answers from the snapshot: the resume cache is not even read or rewritten', () => {
    repo = store();
    rmSync(path.join(repo.dir, CACHE));
    expect(resume(repo).last_session?.title).toBe('Second');
    expect(existsSync(path.join(repo.dir, CACHE))).toBe(false);
  });

  test('a tracked note edited in place, not staged, is seen at once', () => {
    repo = store();
    const rel = `docs/sessions/${id(2)}.md`;
    writeFileSync(path.join(repo.dir, rel), sessionNote(id(2), { title: 'Second, edited', date: today }));
    expect(resume(repo).last_session?.title).toBe('Second, edited');
  });

  test('a new untracked note, and then an in-place edit of it, are seen', () => {
    repo = store();
    const rel = `docs/sessions/${id(3)}.md`;
    writeFileSync(path.join(repo.dir, rel), sessionNote(id(3), { title: 'Third', date: today }));
    expect(resume(repo).last_session?.id).toBe(id(3));
    age(repo.dir);
    expect(resume(repo).last_session?.title).toBe('Third');
    writeFileSync(path.join(repo.dir, rel), sessionNote(id(3), { title: 'Third, edited', date: today }));
    expect(resume(repo).last_session?.title).toBe('Third, edited');
  });

  test('a removed note, a staged change and another operator each get their own answer', () => {
    repo = store();
    rmSync(path.join(repo.dir, `docs/sessions/${id(2)}.md`));
    expect(resume(repo).last_session?.id).toBe(id(1));
    repo.git(['checkout', '--', '.']);
    age(repo.dir);
    expect(resume(repo).last_session?.id).toBe(id(2));
    expect(resume(repo, { OPERATOR: 'sergei' }).last_session).toBeNull();
    expect(resume(repo).sessions_count).toBe(2);
  });
});
