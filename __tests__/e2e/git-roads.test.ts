import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CANON_ROOT, createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';
import { sessionNote, workstreamNote } from '../helpers/notes.js';
import { repoTemplate } from '../helpers/repo-template.js';

/**
 * Every git road a note travels keeps the store consistent (ADR-0024): real git,
 * real hooks, asserting on what the commits hold and on a fresh clone.
 */

const repos: GitRepo[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function run(r: GitRepo, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync('git', args, { cwd: r.dir, env: { ...r.env, ...options.env }, input: options.input, encoding: 'utf8' });
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

function ok(r: GitRepo, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = run(r, args, options);
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed (${result.code}): ${result.stderr}${result.stdout}`);
  return result;
}

function canon(r: GitRepo, args: string[], cwd = r.dir) {
  return runCli(args, { cwd, env: r.env });
}

function buildSeeded(): GitRepo {
  const r = createGitRepo({ hooks: true });
  for (const rel of ['.claude/settings.json', '.claude/hooks']) cpSync(path.join(CANON_ROOT, rel), path.join(r.dir, rel), { recursive: true });
  r.write('README.md', 'store\n');
  r.git(['add', '-A']);
  ok(r, ['commit', '-qm', 'init']);
  return r;
}

/** A store with canon's hooks (and the Claude Code half of the wiring) and one commit: built once, copied for each test. */
const seededTemplate = repoTemplate(buildSeeded);

function seeded(): GitRepo {
  const r = seededTemplate.copy();
  repos.push(r);
  return r;
}

/** The notes the tests below start from, with the date each is filed under. */
const NOTES: Record<string, string> = {
  'RT-261201-01': '2026-12-01',
  'RT-261101-01': '2026-11-01',
  'RT-261204-01': '2026-12-04',
  'RT-261204-02': '2026-12-04',
  'RT-261204-04': '2026-12-04',
  'RT-261204-06': '2026-12-04',
  'RT-261204-07': '2026-12-04',
};

/**
 * The seeded store with the notes of NOTES committed through the commit door (content_hash stamped, INDEX
 * rows written) in one commit on main: built once, copied for each test that starts from committed notes.
 */
const notesTemplate = repoTemplate(() => {
  const r = seededTemplate.copy();
  for (const [id, date] of Object.entries(NOTES)) r.write(`docs/sessions/${id}.md`, sessionNote(id, { date }));
  ok(r, ['add', '-A']);
  ok(r, ['commit', '-qm', 'notes']);
  return r;
});

/** A copy of that store; `committed(id)` is the path of one of its notes. */
function seededWithNotes(): GitRepo {
  const r = notesTemplate.copy();
  repos.push(r);
  return r;
}

function committed(id: string): string {
  expect(NOTES[id]).toBeDefined();
  return `docs/sessions/${id}.md`;
}

/** A fresh clone of the repository's branch (no hooks): what CI and a teammate see. */
function freshClone(r: GitRepo): GitRepo {
  const base = mkdtempSync(path.join(os.tmpdir(), 'canon-roads-clone-'));
  dirs.push(base);
  const dir = path.join(base, 'clone');
  const cloned = spawnSync('git', ['clone', '-q', r.dir, dir], { env: r.env, encoding: 'utf8' });
  if (cloned.status !== 0) throw new Error(cloned.stderr);
  const c = createGitRepo({ existing: dir, operators: false });
  repos.push(c);
  return c;
}

function expectCleanClone(r: GitRepo) {
  const c = freshClone(r);
  const index = canon(c, ['index', '--check']);
  expect(`${index.stdout}${index.stderr}`).toBe('');
  expect(index.code).toBe(0);
  const validate = canon(c, ['validate', '--all', '--strict']);
  expect(validate.code).toBe(0);
}

function indexRow(r: GitRepo, rev: string, file: string, id: string): string {
  return (
    r
      .git(['show', `${rev}:${file}`])
      .stdout.split('\n')
      .find((l) => l.includes(`[${id}]`)) ?? ''
  );
}

describe('git commit <paths>', () => {
  test('the real index holds exactly what was committed, INDEX files included; the other staged note is untouched and the next commit is right', () => {
    const r = seededWithNotes();
    const a = committed('RT-261201-01');
    const b = 'docs/sessions/RT-261202-01.md';
    // Another note staged apart from the path commit, and an edit to the first committed by path.
    r.write(b, sessionNote('RT-261202-01', { date: '2026-12-02' }));
    ok(r, ['add', b]);
    r.write(a, r.read(a).replace('Work of RT-261201-01.', 'Reworded summary.'));
    ok(r, ['commit', '-qm', 'path', '--', a]);

    expect(indexRow(r, 'HEAD', 'docs/sessions/index/2026-12.md', 'RT-261201-01')).toContain('Reworded summary.');
    // Only the other note is staged; no INDEX file is left half-staged (`MM`).
    expect(r.git(['status', '--porcelain']).stdout).toBe(`A  ${b}\n`);
    for (const rel of [a, 'docs/sessions/index/2026-12.md', 'docs/sessions/INDEX.md', 'docs/INDEX.md']) {
      const staged = r.git(['ls-files', '-s', '--', rel]).stdout.split(' ')[1];
      expect(staged).toBe(r.git(['rev-parse', `HEAD:${rel}`]).stdout.trim());
    }
    expect(r.git(['ls-files', '-s', '--', b]).stdout).not.toBe('');

    // The next ordinary commit keeps the new row and adds the other note's.
    ok(r, ['commit', '-qm', 'b']);
    expect(r.git(['status', '--porcelain']).stdout).toBe('');
    expect(indexRow(r, 'HEAD', 'docs/sessions/index/2026-12.md', 'RT-261201-01')).toContain('Reworded summary.');
    expect(indexRow(r, 'HEAD', 'docs/sessions/index/2026-12.md', 'RT-261202-01')).not.toBe('');
    expectCleanClone(r);
  });

  test('a path commit that moves a session to another month removes the emptied month page from the real index too', () => {
    const r = seededWithNotes();
    // The only session of 2026-11.
    const a = committed('RT-261101-01');
    r.write(a, r.read(a).replace('date: 2026-11-01', 'date: 2026-12-01'));
    ok(r, ['commit', '-qm', 'move', '--', a]);
    expect(run(r, ['cat-file', '-e', 'HEAD:docs/sessions/index/2026-11.md']).code).not.toBe(0);
    expect(r.git(['status', '--porcelain']).stdout).toBe('');
    expect(r.git(['ls-files', '--', 'docs/sessions/index/2026-11.md']).stdout).toBe('');
    ok(r, ['commit', '-qm', 'nothing', '--allow-empty']);
    expectCleanClone(r);
  });
});

/** A session note committed on main, then edited on two branches in the same line: a conflict for any rebase or merge. */
function divergent(r: GitRepo, id = 'RT-261203-01') {
  const rel = `docs/sessions/${id}.md`;
  r.write(rel, sessionNote(id, { date: '2026-12-03' }));
  ok(r, ['add', rel]);
  ok(r, ['commit', '-qm', 'note']);
  ok(r, ['checkout', '-qb', 'feature']);
  r.write(rel, r.read(rel).replace(`Work of ${id}.`, 'Feature summary.'));
  ok(r, ['commit', '-qam', 'feature edits the summary']);
  ok(r, ['checkout', '-q', 'main']);
  r.write(rel, r.read(rel).replace(`Work of ${id}.`, 'Main summary.'));
  ok(r, ['commit', '-qam', 'main edits the summary']);
  ok(r, ['checkout', '-q', 'feature']);
  return rel;
}

/** Resolve a conflicted note by hand the way a person does in an editor: one summary, the markers gone, one side's (now stale) content_hash kept. */
function resolveByHand(r: GitRepo, rel: string, summary: string) {
  const text = r.read(rel);
  expect(text).toContain('<<<<<<<');
  const resolved = text.replace(/<<<<<<< [^\n]*\n([\s\S]*?)=======\n[\s\S]*?>>>>>>> [^\n]*\n/g, '$1').replace(/^summary: .*$/m, `summary: ${summary}`);
  r.write(rel, resolved);
  ok(r, ['add', rel]);
}

const EDITOR = { GIT_EDITOR: 'true' };

/** The seeded store with `divergent(r)` done (three commits through the commit door), on `feature`: built once, copied for each test. */
const divergentTemplate = repoTemplate(() => {
  const r = seededTemplate.copy();
  divergent(r);
  return r;
});

/** A fresh copy of that state, and the conflicting note's path. */
function seededDivergent(): { r: GitRepo; rel: string } {
  const r = divergentTemplate.copy();
  repos.push(r);
  return { r, rel: 'docs/sessions/RT-261203-01.md' };
}

afterAll(() => {
  notesTemplate.cleanup();
  divergentTemplate.cleanup();
  seededTemplate.cleanup();
});

describe('a rebase whose note conflict is resolved by hand', () => {
  test('post-rewrite restamps content_hash and the INDEX row in a follow-up commit it announces; a fresh clone is consistent', () => {
    const { r, rel } = seededDivergent();
    expect(run(r, ['rebase', 'main']).code).not.toBe(0);
    resolveByHand(r, rel, 'Resolved by hand.');
    const done = ok(r, ['rebase', '--continue'], { env: EDITOR });
    const sha = r.git(['rev-parse', 'HEAD']).stdout.trim();
    expect(done.stderr).toContain(`canon: restamped content_hash and INDEX rows for ${rel}`);
    expect(done.stderr).toContain(sha.slice(0, 12));
    expect(r.git(['log', '-1', '--format=%s']).stdout.trim()).toBe('canon: restamp content_hash and INDEX rows after rebase');
    // The rebased commit itself holds the stale hash (rebase --continue runs no pre-commit); the follow-up fixes the tip.
    expect(r.git(['show', `HEAD^:${rel}`]).stdout).toContain('summary: Resolved by hand.');
    expect(indexRow(r, 'HEAD', 'docs/sessions/index/2026-12.md', 'RT-261203-01')).toContain('Resolved by hand.');
    expect(r.read(rel)).toBe(r.git(['show', `HEAD:${rel}`]).stdout);
    expect(r.git(['status', '--porcelain']).stdout).toBe('');
    expect(canon(r, ['normalize', '--check', rel]).code).toBe(0);
    expectCleanClone(r);
    // The push gate judges the pushed tip: the rebased branch with canon's follow-up goes through.
    const remote = path.join(path.dirname(r.dir), 'remote.git');
    ok(r, ['init', '-q', '--bare', '-b', 'main', remote]);
    ok(r, ['remote', 'add', 'origin', remote]);
    // main is put on the remote past the gate (only the remote's state before the push under test); the gate judges the feature push.
    ok(r, ['-c', 'core.hooksPath=/dev/null', 'push', '-q', 'origin', 'main']);
    const pushed = run(r, ['push', '-q', 'origin', 'feature']);
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);
  });

  test('with an autostash still to come back, canon commits nothing and prints the commands; running them makes the store consistent', () => {
    const { r, rel } = seededDivergent();
    r.write('README.md', 'store, edited and not committed\n');
    expect(run(r, ['rebase', '--autostash', 'main']).code).not.toBe(0);
    resolveByHand(r, rel, 'Resolved by hand.');
    const head = () => r.git(['rev-parse', 'HEAD']).stdout.trim();
    const done = ok(r, ['rebase', '--continue'], { env: EDITOR });
    expect(done.stderr).toContain('canon did not commit the fix because the rebase still has to put back your autostash');
    expect(r.git(['log', '-1', '--format=%s']).stdout.trim()).toBe('feature edits the summary');
    // The user's unstaged work is back, untouched.
    expect(r.read('README.md')).toBe('store, edited and not committed\n');
    const before = head();
    // Run exactly what canon said.
    const lines = done.stderr.split('\n');
    const at = lines.findIndex((l) => l.startsWith('When that is settled, run:'));
    expect(at).toBeGreaterThan(-1);
    for (const line of lines.slice(at + 1, at + 3)) {
      const shell = spawnSync('sh', ['-c', line.trim().replace(/npx canon(?:-notes)?/g, `node ${path.join(CANON_ROOT, 'dist/canon.js')}`)], {
        cwd: r.dir,
        env: r.env,
        encoding: 'utf8',
      });
      expect(shell.status).toBe(0);
    }
    expect(head()).not.toBe(before);
    expect(indexRow(r, 'HEAD', 'docs/sessions/index/2026-12.md', 'RT-261203-01')).toContain('Resolved by hand.');
    expect(r.git(['status', '--porcelain']).stdout).toBe(' M README.md\n');
    expectCleanClone(r);
  });
});

/** A commit that skipped the commit door: the note's summary edited, its content_hash and INDEX row left stale. */
function unverifiedEdit(r: GitRepo, rel: string, summary: string, message: string) {
  r.write(rel, r.read(rel).replace(/^summary: .*$/m, `summary: ${summary}`));
  ok(r, ['add', rel]);
  ok(r, ['commit', '-q', '--no-verify', '-m', message]);
}

function committedNote(r: GitRepo, id: string, date = '2026-12-04'): string {
  const rel = `docs/sessions/${id}.md`;
  r.write(rel, sessionNote(id, { date }));
  ok(r, ['add', rel]);
  ok(r, ['commit', '-qm', `note ${id}`]);
  return rel;
}

describe('cherry-pick, amend and merge', () => {
  test('a cherry-pick of a commit that skipped the door is restamped in a follow-up commit', () => {
    const r = seededWithNotes();
    const rel = committed('RT-261204-01');
    ok(r, ['checkout', '-qb', 'side']);
    unverifiedEdit(r, rel, 'Picked summary.', 'side edit');
    ok(r, ['checkout', '-q', 'main']);
    const picked = ok(r, ['cherry-pick', 'side']);
    expect(picked.stderr).toContain(`canon: restamped content_hash and INDEX rows for ${rel}, docs/sessions/index/2026-12.md after the cherry-pick`);
    expect(r.git(['log', '-2', '--format=%s']).stdout).toBe('canon: restamp content_hash and INDEX rows after cherry-pick\nside edit\n');
    expect(indexRow(r, 'HEAD', 'docs/sessions/index/2026-12.md', 'RT-261204-01')).toContain('Picked summary.');
    expect(r.git(['status', '--porcelain']).stdout).toBe('');
    expect(run(r, ['rev-parse', '-q', '--verify', 'CHERRY_PICK_HEAD']).code).not.toBe(0);
    expectCleanClone(r);
  });

  test('in a sequence of picks canon commits nothing between them and prints, for each pick, the commands that make the store consistent', () => {
    const r = seededWithNotes();
    const one = committed('RT-261204-06');
    const two = committed('RT-261204-07');
    ok(r, ['checkout', '-qb', 'side']);
    unverifiedEdit(r, one, 'First picked.', 'side one');
    unverifiedEdit(r, two, 'Second picked.', 'side two');
    ok(r, ['checkout', '-q', 'main']);
    const picked = ok(r, ['cherry-pick', 'main..side']);
    expect(r.git(['log', '-2', '--format=%s']).stdout).toBe('side two\nside one\n');
    expect(picked.stderr.match(/a cherry-pick sequence is still running/g)).toHaveLength(2);
    const lines = picked.stderr.split('\n');
    const commands = lines.flatMap((line, i) => (line.startsWith('When that is settled, run:') ? lines.slice(i + 1, i + 3) : []));
    expect(commands).toHaveLength(4);
    for (const line of commands) {
      const shell = spawnSync('sh', ['-c', line.trim().replace(/npx canon(?:-notes)?/g, `node ${path.join(CANON_ROOT, 'dist/canon.js')}`)], {
        cwd: r.dir,
        env: r.env,
        encoding: 'utf8',
      });
      expect(shell.status).toBe(0);
    }
    expect(indexRow(r, 'HEAD', 'docs/sessions/index/2026-12.md', 'RT-261204-06')).toContain('First picked.');
    expect(indexRow(r, 'HEAD', 'docs/sessions/index/2026-12.md', 'RT-261204-07')).toContain('Second picked.');
    expect(r.git(['status', '--porcelain']).stdout).toBe('');
    expectCleanClone(r);
  });

  test('an amend that skipped the door is restamped; with other changes staged canon only says what to run, and leaves them staged', () => {
    // The amend rewrites the commit that added the note (with the others of NOTES).
    const r = seededWithNotes();
    const rel = committed('RT-261204-02');
    r.write(rel, r.read(rel).replace(/^summary: .*$/m, 'summary: Amended summary.'));
    ok(r, ['add', rel]);
    const amended = ok(r, ['commit', '-q', '--amend', '--no-verify', '--no-edit']);
    expect(amended.stderr).toContain(`canon: restamped content_hash and INDEX rows for ${rel}`);
    expect(r.git(['log', '-1', '--format=%s']).stdout.trim()).toBe('canon: restamp content_hash and INDEX rows after amend');
    expect(indexRow(r, 'HEAD', 'docs/sessions/index/2026-12.md', 'RT-261204-02')).toContain('Amended summary.');
    expect(r.git(['status', '--porcelain']).stdout).toBe('');
    expectCleanClone(r);

    // Again, with another note staged that is not part of the amend.
    const other = 'docs/sessions/RT-261204-03.md';
    r.write(other, sessionNote('RT-261204-03', { date: '2026-12-04' }));
    ok(r, ['add', other]);
    r.write(rel, r.read(rel).replace(/^summary: .*$/m, 'summary: Amended again.'));
    const before = r.git(['ls-files', '-s', '--', other]).stdout;
    const again = ok(r, ['commit', '-q', '--amend', '--no-verify', '--no-edit', '--', rel]);
    expect(again.stderr).toContain('canon did not commit the fix because the index holds other staged changes');
    expect(again.stderr).toContain(`git commit -m "canon: restamp content_hash and INDEX rows" -- ${rel}`);
    expect(r.git(['ls-files', '-s', '--', other]).stdout).toBe(before);
    expect(r.git(['status', '--porcelain']).stdout).toBe(`A  ${other}\n`);
  });

  test('a merge that brings a commit which skipped the door is restamped by post-merge', () => {
    const r = seededWithNotes();
    const rel = committed('RT-261204-04');
    ok(r, ['checkout', '-qb', 'side']);
    unverifiedEdit(r, rel, 'Merged summary.', 'side edit');
    ok(r, ['checkout', '-q', 'main']);
    committedNote(r, 'RT-261204-05');
    const merged = ok(r, ['merge', '--no-edit', 'side']);
    expect(merged.stderr).toContain(`canon: restamped content_hash and INDEX rows for ${rel}`);
    expect(r.git(['log', '-1', '--format=%s']).stdout.trim()).toBe('canon: restamp content_hash and INDEX rows after merge');
    expect(indexRow(r, 'HEAD', 'docs/sessions/index/2026-12.md', 'RT-261204-04')).toContain('Merged summary.');
    expect(indexRow(r, 'HEAD', 'docs/sessions/index/2026-12.md', 'RT-261204-05')).not.toBe('');
    expect(r.git(['status', '--porcelain']).stdout).toBe('');
    expectCleanClone(r);
  });

  test('a merge conflict resolved by hand and committed goes through the door', () => {
    // A conflict: both sides edit the summary; resolved by hand and committed with `git commit`.
    const { r, rel: rel2 } = seededDivergent();
    ok(r, ['checkout', '-q', 'main']);
    expect(run(r, ['merge', '--no-edit', 'feature']).code).not.toBe(0);
    resolveByHand(r, rel2, 'Merged by hand.');
    ok(r, ['commit', '-q', '--no-edit']);
    expect(r.git(['rev-list', '--parents', '-1', 'HEAD']).stdout.trim().split(' ')).toHaveLength(3);
    expect(indexRow(r, 'HEAD', 'docs/sessions/index/2026-12.md', 'RT-261203-01')).toContain('Merged by hand.');
    expect(r.git(['status', '--porcelain']).stdout).toBe('');
    expectCleanClone(r);
  });

  test('a token typed while resolving a rebase conflict: canon says so loudly with the command to rewrite, and commits nothing', () => {
    const { r, rel } = seededDivergent();
    expect(run(r, ['rebase', 'main']).code).not.toBe(0);
    resolveByHand(r, rel, `token ghp_${'a1B2c3D4e5'.repeat(3)}abcdef`);
    const rebased = r.git(['rev-parse', 'main']).stdout.trim();
    const done = ok(r, ['rebase', '--continue'], { env: EDITOR });
    expect(done.stderr).toContain('SECRET');
    expect(done.stderr).toContain(`git rebase -i ${rebased}`);
    expect(r.git(['log', '-1', '--format=%s']).stdout.trim()).toBe('feature edits the summary');
  });
});

function adrNote(n: number): string {
  const num = String(n).padStart(4, '0');
  return `---\ntitle: Decision ${n}\nsummary: Summary of decision ${n}.\nstatus: accepted\ntags: [t]\nkind: adr\nexternal_id: ADR-${num}\ndate: 2026-12-01\ndeciders: [roman]\n---\n## Context\n\nWhy ${n}.\n\n## Decision\n\nWhat ${n}.\n\n## Consequences\n\nSo ${n}.\n`;
}

describe('a sparse checkout', () => {
  test('INDEX rows of notes outside the cone are kept: index --check is right, canon index and pre-commit keep them, handoff logs in a workstream that is not checked out', () => {
    const r = seeded();
    for (let n = 1; n <= 3; n++) r.write(`docs/adr/000${n}-decision-${n}.md`, adrNote(n));
    r.write('workstreams/hooks.md', workstreamNote('hooks'));
    r.write('docs/sessions/RT-261205-01.md', sessionNote('RT-261205-01', { date: '2026-12-05', workstream: 'hooks' }));
    ok(r, ['add', '-A']);
    ok(r, ['commit', '-qm', 'store']);
    const remote = path.join(path.dirname(r.dir), 'remote.git');
    ok(r, ['init', '-q', '--bare', '-b', 'main', remote]);
    ok(r, ['remote', 'add', 'origin', remote]);
    // On the remote past the gate: the remote's state before the test (the gate judges handoff's push, and rebase's above).
    ok(r, ['-c', 'core.hooksPath=/dev/null', 'push', '-q', '-u', 'origin', 'main']);
    const adrIndex = r.git(['show', 'HEAD:docs/adr/INDEX.md']).stdout;
    expect(adrIndex).toContain('ADR-0003');

    // (git refreshes the index's stat data first, as any `git status` does: the hook rewrote the files after `git add`.)
    expect(r.git(['status', '--porcelain']).stdout).toBe('');
    ok(r, ['sparse-checkout', 'set', '--no-cone', '/*', '!/docs/adr/0*.md', '!/workstreams/hooks.md']);
    expect(r.exists('docs/adr/0001-decision-1.md')).toBe(false);
    expect(r.exists('workstreams/hooks.md')).toBe(false);
    expect(r.git(['status', '--porcelain']).stdout).toBe('');

    // No drift that is not there; `canon index` changes nothing.
    const check = canon(r, ['index', '--check']);
    expect(`${check.stdout}${check.stderr}`).toBe('');
    expect(check.code).toBe(0);
    expect(canon(r, ['index']).code).toBe(0);
    expect(r.read('docs/adr/INDEX.md')).toBe(adrIndex);
    expect(canon(r, ['validate', '--all', '--strict']).code).toBe(0);

    // A commit of a new ADR inside the cone keeps the rows of those outside it.
    r.write('docs/adr/1004-decision-4.md', adrNote(1004).replace('ADR-1004', 'ADR-1004'));
    ok(r, ['add', 'docs/adr/1004-decision-4.md']);
    ok(r, ['commit', '-qm', 'adr 4']);
    const after = r.git(['show', 'HEAD:docs/adr/INDEX.md']).stdout;
    for (const id of ['ADR-0001', 'ADR-0002', 'ADR-0003', 'ADR-1004']) expect(after).toContain(id);
    expect(canon(r, ['index', '--check']).code).toBe(0);

    // handoff finds the workstream that is not checked out: its Session Log line is committed, the file stays out of the working tree.
    r.write(
      'draft.json',
      JSON.stringify({
        title: 'Sparse work',
        summary: 'Worked in a sparse checkout.',
        workstream: 'hooks',
        tags: ['sparse'],
        shipped: ['x'],
        next_steps: ['y'],
        confidence: 'high',
        quick: false,
      }),
    );
    // With something else staged, handoff sets the index aside and back: the sparse bits come back too.
    r.write('staged.txt', 'mine\n');
    ok(r, ['add', 'staged.txt']);
    const handoff = runCli(['handoff', '--from', 'draft.json', '--yes', '--json'], { cwd: r.dir, env: { ...r.env, OPERATOR: 'roman' } });
    expect(handoff.stderr).not.toMatch(/has no file|internal error/);
    expect(handoff.code).toBe(0);
    const result = JSON.parse(handoff.stdout) as { id: string; path: string; committed: boolean; warnings: string[] };
    expect(result.committed).toBe(true);
    expect(result.warnings.filter((w) => /hooks|workstream/i.test(w))).toEqual([]);
    expect(r.git(['show', 'HEAD:workstreams/hooks.md']).stdout).toContain(result.id);
    expect(r.git(['show', '--name-only', '--format=', 'HEAD']).stdout).toContain('workstreams/hooks.md');
    expect(r.exists('workstreams/hooks.md')).toBe(false);
    expect(r.git(['ls-files', '-t', '--', 'workstreams/hooks.md']).stdout).toBe('S workstreams/hooks.md\n');
    expect(r.git(['status', '--porcelain', '--', 'workstreams', 'docs']).stdout).toBe('');
    expect(r.git(['ls-files', '-t', '--', 'docs/adr/0001-decision-1.md']).stdout).toBe('S docs/adr/0001-decision-1.md\n');
    expect(r.git(['status', '--porcelain', '--', 'staged.txt']).stdout).toBe('A  staged.txt\n');
    expect(canon(r, ['index', '--check']).code).toBe(0);
    expectCleanClone(r);
  });
});

describe('wiring', () => {
  test('init lays post-rewrite and post-merge blocks, doctor wants them, uninstall takes them out', () => {
    const r = createGitRepo({ operators: false });
    repos.push(r);
    r.write('package.json', '{"name":"team","private":true}\n');
    r.write('README.md', 'team\n');
    ok(r, ['add', '-A']);
    ok(r, ['commit', '-qm', 'team']);
    expect(canon(r, ['init', '--yes']).code).toBe(0);
    for (const hook of ['post-rewrite', 'post-merge']) {
      expect(r.read(`.husky/${hook}`)).toContain(`"$canon_run" ${hook} "$@" || true`);
    }
    expect(canon(r, ['doctor']).code).toBe(0);
    rmSync(path.join(r.dir, '.husky/post-merge'));
    const doctor = canon(r, ['doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain('post-merge');
    expect(canon(r, ['init', '--yes']).code).toBe(0);
    expect(r.read('.husky/post-merge')).toContain('"$canon_run" post-merge "$@" || true');
    expect(canon(r, ['doctor']).code).toBe(0);
    expect(canon(r, ['uninstall', '--yes']).code).toBe(0);
    for (const hook of ['post-rewrite', 'post-merge']) expect(r.exists(`.husky/${hook}`)).toBe(false);
  });
});
