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

describe("the entry's warm resume (bin/canon.ts) answers exactly as the full command would", () => {
  const run = (r: GitRepo, args: string[], env: Record<string, string> = {}) =>
    runCli(args, { cwd: r.dir, env: { ...r.env, OPERATOR: 'roman', NO_COLOR: '1', ...env } });

  test('text and JSON from the snapshot equal the rebuilt dashboard, for every plain form of the arguments', () => {
    repo = store();
    const cold = run(repo, ['resume', '--no-cache', '--limit', '1']);
    expect(cold.code).toBe(0);
    rmSync(path.join(repo.dir, CACHE));
    age(repo.dir);
    run(repo, ['resume', '--limit', '1']); // leaves the snapshot for --limit 1
    rmSync(path.join(repo.dir, CACHE));
    for (const args of [
      ['resume', '--limit', '1'],
      ['resume', '--limit=1'],
      ['resume', '--operator', 'roman', '--limit', '1'],
      ['resume', '--debug', '--limit=1'],
    ]) {
      const warm = run(repo, args);
      expect({ args, code: warm.code, stdout: warm.stdout, stderr: warm.stderr }).toEqual({ args, code: 0, stdout: cold.stdout, stderr: cold.stderr });
    }
    // The warm path never rebuilt the dashboard: the resume cache it would have written is still gone.
    expect(existsSync(path.join(repo.dir, CACHE))).toBe(false);
    // And it answered from the entry alone: node's module loader never reached the full command line.
    const traced = run(repo, ['resume', '--limit', '1'], { NODE_DEBUG: 'esm' });
    expect(traced.stdout).toBe(cold.stdout);
    expect(traced.stderr).toMatch(/dist\/canon\.js/);
    expect(traced.stderr).not.toMatch(/dist\/cli\.js/);
    expect(run(repo, ['resume', '--no-cache', '--limit', '1'], { NODE_DEBUG: 'esm' }).stderr).toMatch(/dist\/cli\.js/);
  });

  test('bad arguments are refused as before, however warm the snapshot is', () => {
    repo = store();
    const zero = run(repo, ['resume', '--limit', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/limit/i);
    const unknown = run(repo, ['resume', '--limti', '3']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option/);
    const nobody = run(repo, ['resume', '--operator', 'nobody-here']);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toMatch(/nobody-here/);
    const help = run(repo, ['resume', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: canon resume/);
  });

  test('an operator whose cached answer came from git config is confirmed against git on each warm run', () => {
    repo = store();
    const env = { OPERATOR: '' };
    repo.git(['config', 'user.email', 'roman@example.com']);
    expect(JSON.parse(run(repo, ['resume', '--json'], env).stdout).operator.slug).toBe('roman');
    age(repo.dir);
    expect(JSON.parse(run(repo, ['resume', '--json'], env).stdout).operator.slug).toBe('roman');
    repo.git(['config', 'user.email', 'sergei@example.com']);
    const other = run(repo, ['resume', '--json'], env);
    expect(other.code).toBe(0);
    expect(JSON.parse(other.stdout).operator.slug).toBe('sergei');
  });
});
