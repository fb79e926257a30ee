import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseNote } from '../../tools/core/frontmatter.js';
import { normalizeText } from '../../tools/core/normalize.js';
import { CANON_ROOT, createGitRepo, installHooks, runCli, type GitRepo } from '../helpers/git-repo.js';
import { sessionNote } from '../helpers/notes.js';
import { repoTemplate } from '../helpers/repo-template.js';

let repo: GitRepo | undefined;
const extra: string[] = [];
const clones: GitRepo[] = [];
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
  for (const r of clones.splice(0)) r.cleanup();
  for (const dir of extra.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const TOKEN = `ghp_${'a1B2c3D4e5'.repeat(3)}abcdef`;

function commit(r: GitRepo, message: string, cwd = r.dir) {
  const result = spawnSync('git', ['commit', '-m', message], { cwd, env: r.env, encoding: 'utf8' });
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

function git(r: GitRepo, cwd: string, args: string[]) {
  const result = spawnSync('git', args, { cwd, env: r.env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

/** Every note on disk parses and holds each key once (the duplicate `content_hash:` line is what broke). */
function expectSound(file: string) {
  const text = readFileSync(file, 'utf8');
  expect(() => parseNote(text)).not.toThrow();
  expect(text.match(/^content_hash:/gm)?.length ?? 0).toBeLessThanOrEqual(1);
}

/** The Claude Code half of the wiring (what `canon init` adds), so doctor has nothing to say about it. */
function wireClaude(dir: string) {
  for (const rel of ['.claude/settings.json', '.claude/hooks']) cpSync(path.join(CANON_ROOT, rel), path.join(dir, rel), { recursive: true });
}

/** A store with canon's hooks, Claude Code's wiring and one commit through the commit door: built once, copied for each test. */
const template = repoTemplate(() => {
  const r = createGitRepo({ hooks: true });
  wireClaude(r.dir);
  r.write('README.md', 'store\n');
  r.git(['add', '-A']);
  expect(commit(r, 'init').code).toBe(0);
  return r;
});
afterAll(() => template.cleanup());
const seeded = (): GitRepo => template.copy();

describe('normalise, edit, stage and commit in any order', () => {
  // One store serves both promises: the note committed after `normalize` is the committed note that
  // `git commit -a` and `git commit <path>` then edit.
  test('stage, normalise, commit: one content_hash on disk, the tree clean, the commit normal; then git commit -a and git commit <path> go through the same index-level checks', () => {
    repo = seeded();
    const rel = 'docs/sessions/RT-260511-01.md';
    repo.write(rel, sessionNote('RT-260511-01'));
    repo.git(['add', rel]);
    expect(runCli(['normalize', rel], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(commit(repo, 'session').code).toBe(0);
    expectSound(path.join(repo.dir, rel));
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
    expect(repo.read(rel)).toBe(repo.git(['show', `HEAD:${rel}`]).stdout);
    expect(runCli(['validate', '--all', '--strict'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(runCli(['index', '--check'], { cwd: repo.dir, env: repo.env }).code).toBe(0);

    repo.write(rel, repo.read(rel).replace('Something shipped.', 'More shipped.'));
    expect(spawnSync('git', ['commit', '-qam', 'all'], { cwd: repo.dir, env: repo.env }).status).toBe(0);
    expectSound(path.join(repo.dir, rel));
    repo.write(rel, repo.read(rel).replace('More shipped.', 'Even more.'));
    expect(spawnSync('git', ['commit', '-qm', 'path', '--', rel], { cwd: repo.dir, env: repo.env }).status).toBe(0);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
    expect(runCli(['validate', '--all', '--strict'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    repo.write(rel, repo.read(rel).replace('operator: roman', 'operator: nobody'));
    expect(spawnSync('git', ['commit', '-qam', 'bad'], { cwd: repo.dir, env: repo.env }).status).not.toBe(0);
  });

  test('stage, edit the body, normalise, commit: the commit has the staged text, the disk keeps the edit, both sound', () => {
    repo = seeded();
    const rel = 'docs/sessions/RT-260511-01.md';
    repo.write(rel, sessionNote('RT-260511-01'));
    repo.git(['add', rel]);
    repo.write(rel, `${repo.read(rel)}\n## Scratch\n\nnot yet\n`);
    expect(runCli(['normalize', rel], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(commit(repo, 'session').code).toBe(0);
    expectSound(path.join(repo.dir, rel));
    const committed = repo.git(['show', `HEAD:${rel}`]).stdout;
    expect(committed).not.toContain('not yet');
    expect(repo.read(rel)).toContain('not yet');
    expect(repo.git(['status', '--porcelain']).stdout).toBe(` M ${rel}\n`);
    // The edit, committed later, is normalised in its turn.
    repo.git(['add', rel]);
    expect(commit(repo, 'scratch').code).toBe(0);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
    expect(runCli(['validate', '--all', '--strict'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
  });

  test('a pre-commit killed with SIGKILL in a 1,500-note commit leaves every note sound, and the next commit indexes them all', async () => {
    repo = seeded();
    const count = 1500;
    for (let i = 1; i <= count; i++) {
      const id = `RT-2605${String(Math.floor(i / 99) + 10).padStart(2, '0')}-${String((i % 99) + 1).padStart(2, '0')}`;
      repo.write(`docs/sessions/${id}.md`, sessionNote(id, { date: `2026-05-${String(Math.floor(i / 99) + 10).padStart(2, '0')}` }));
    }
    repo.git(['add', '-A']);
    // As in the report: the notes were normalised after `git add`, so each has an unstaged hunk. Each note gets
    // the text `canon normalize --all` writes (its core, normalizeText, in this process: 1,500 atomic writes by
    // the CLI cost seconds of CPU that are no part of this test); `normalize --check` on one of them says so.
    for (const name of readdirSync(path.join(repo.dir, 'docs/sessions')).filter((n) => n.endsWith('.md'))) {
      const file = path.join(repo.dir, 'docs/sessions', name);
      const raw = readFileSync(file, 'utf8');
      const text = normalizeText(raw, parseNote(raw), 'session');
      if (text !== null) writeFileSync(file, text);
    }
    expect(
      repo
        .git(['status', '--porcelain', '--', 'docs/sessions'])
        .stdout.split('\n')
        .filter((l) => l.startsWith('AM ')).length,
    ).toBe(count);
    expect(runCli(['normalize', '--check', 'docs/sessions/RT-260510-02.md'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    const child = spawn('git', ['commit', '-qm', 'many'], { cwd: repo.dir, env: repo.env, stdio: 'ignore' });
    // Kill canon's hook process as soon as it is at work.
    const repoDir = realpathSync(repo.dir);
    const deadline = Date.now() + 20_000;
    let killed = false;
    while (!killed && Date.now() < deadline) {
      const ps = spawnSync('pgrep', ['-f', 'canon.js pre-commit'], { encoding: 'utf8' }).stdout.trim();
      // Only this repository's hook: other test files run canon's pre-commit at the same time.
      const pids = ps
        .split('\n')
        .filter(Boolean)
        .map(Number)
        .filter((pid) => {
          try {
            return readlinkSync(`/proc/${pid}/cwd`) === repoDir;
          } catch {
            return false;
          }
        });
      if (pids.length > 0) {
        await new Promise((r) => setTimeout(r, 150));
        for (const pid of pids) {
          try {
            process.kill(pid, 'SIGKILL');
            killed = true;
          } catch {
            /* already gone */
          }
        }
      } else await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((resolve) => child.on('close', resolve));
    // The test is about a kill in the middle: it must have happened.
    expect(killed).toBe(true);
    for (const name of repo.git(['ls-files', 'docs/sessions']).stdout.trim().split('\n')) {
      if (/RT-\d{6}-\d{2}\.md$/.test(name)) expectSound(path.join(repo.dir, name));
    }
    // Whatever state the kill left, committing again takes every note and indexes every one.
    repo.git(['add', '-A']);
    if (repo.git(['status', '--porcelain']).stdout !== '') expect(commit(repo, 'many, again').code).toBe(0);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
    expect(runCli(['index', '--check'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    const rows = repo.git(['grep', '-c', '^| \\[RT-', 'HEAD', '--', 'docs/sessions/index']).stdout;
    const total = rows
      .trim()
      .split('\n')
      .reduce((n, line) => n + Number(line.split(':').at(-1)), 0);
    expect(total).toBe(count);
    expect(runCli(['validate', '--all', '--strict'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
  }, 120_000);
});

describe('hooks in every worktree', () => {
  test('a `git worktree add` checkout refuses an invalid note and a token, and commits a valid one with its INDEX row', () => {
    repo = seeded();
    const wt = path.join(mkdtempSync(path.join(os.tmpdir(), 'canon-wt-')), 'feature');
    extra.push(path.dirname(wt));
    git(repo, repo.dir, ['worktree', 'add', '-q', '-b', 'feature', wt]);
    // No node_modules, no dist, no .husky/_ in the new worktree: the hooks must still run.
    expect(existsSync(path.join(wt, 'dist'))).toBe(false);
    const write = (rel: string, text: string) => {
      spawnSync('mkdir', ['-p', path.dirname(path.join(wt, rel))]);
      writeFileSync(path.join(wt, rel), text);
    };
    const head = git(repo, wt, ['rev-parse', 'HEAD']);
    write('docs/sessions/RT-260511-02.md', sessionNote('RT-260511-02', { operator: 'nobody', date: 'yesterday' }));
    git(repo, wt, ['add', '-A']);
    const bad = commit(repo, 'bad', wt);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/RT-260511-02\.md:\d+:\d+: error/);
    write('docs/sessions/RT-260511-02.md', sessionNote('RT-260511-02', {}, `## Summary\n\n${TOKEN}\n`));
    git(repo, wt, ['add', '-A']);
    const secret = commit(repo, 'secret', wt);
    expect(secret.code).not.toBe(0);
    expect(secret.stderr).not.toContain(TOKEN);
    expect(git(repo, wt, ['rev-parse', 'HEAD'])).toBe(head);
    write('docs/sessions/RT-260511-02.md', sessionNote('RT-260511-02'));
    git(repo, wt, ['add', '-A']);
    expect(commit(repo, 'good', wt).code).toBe(0);
    expect(git(repo, wt, ['show', 'HEAD:docs/sessions/index/2026-05.md'])).toContain('RT-260511-02');
    expect(parseNote(git(repo, wt, ['show', 'HEAD:docs/sessions/RT-260511-02.md'])).data.content_hash).toMatch(/^sha256:/);
    expect(runCli(['doctor', '--json'], { cwd: wt, env: repo.env }).code).toBe(0);
  });

  test('a fresh clone, after npm install, runs the hooks (and a linked worktree of it too)', () => {
    repo = seeded();
    const base = mkdtempSync(path.join(os.tmpdir(), 'canon-clone-'));
    extra.push(base);
    const clone = path.join(base, 'clone');
    git(repo, base, ['clone', '-q', repo.dir, clone]);
    const cloned = createGitRepo({ existing: clone });
    clones.push(cloned);
    installHooks(clone, repo.env);
    cloned.write('docs/sessions/RT-260511-03.md', sessionNote('RT-260511-03', { operator: 'nobody' }));
    cloned.git(['add', 'docs/sessions']);
    expect(commit(cloned, 'bad', clone).code).not.toBe(0);
    const wt = path.join(base, 'wt');
    git(repo, clone, ['worktree', 'add', '-q', '-b', 'other', wt]);
    writeFileSync(path.join(wt, 'x.md'), 'x\n');
    spawnSync('mkdir', ['-p', path.join(wt, 'docs/sessions')]);
    writeFileSync(path.join(wt, 'docs/sessions/RT-260511-04.md'), sessionNote('RT-260511-04', { operator: 'nobody' }));
    git(repo, wt, ['add', '-A']);
    expect(commit(cloned, 'bad', wt).code).not.toBe(0);
  });

  test('canon setup: outside a work tree (no repository, a bare one, inside .git) it says so and writes nothing; in a linked worktree it wires the clone', () => {
    repo = seeded();
    const base = mkdtempSync(path.join(os.tmpdir(), 'canon-setup-'));
    extra.push(base);
    const bare = path.join(base, 'bare.git');
    git(repo, base, ['init', '-q', '--bare', bare]);
    for (const cwd of [base, bare, path.join(repo.dir, '.git')]) {
      const r = runCli(['setup'], { cwd, env: repo.env });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/not inside a git repository; nothing to set up/);
    }
    expect(existsSync(path.join(bare, 'canon'))).toBe(false);
    expect(spawnSync('git', ['config', '--get', 'merge.canon-index.driver'], { cwd: bare, env: repo.env }).status).toBe(1);
    // A linked worktree shares the clone's runner and merge driver, in the main git dir.
    const wt = path.join(base, 'feature');
    git(repo, repo.dir, ['worktree', 'add', '-q', '-b', 'feature', wt]);
    unlinkSync(path.join(repo.dir, '.git/canon/run'));
    git(repo, repo.dir, ['config', '--unset', 'merge.canon-index.driver']);
    const set = runCli(['setup', '--json'], { cwd: wt, env: repo.env });
    expect(set.code).toBe(0);
    const runner = path.join(realpathSync(repo.dir), '.git/canon/run');
    expect(JSON.parse(set.stdout)).toMatchObject({ runner, mergeDriver: `'${runner}' index-merge %O %A %B %P` });
    expect(readFileSync(runner, 'utf8')).toContain(`main='${realpathSync(repo.dir)}'`);
    expect(git(repo, wt, ['config', '--get', 'merge.canon-index.driver']).trim()).toBe(`'${runner}' index-merge %O %A %B %P`);
  });

  // One store, two problems, one doctor run: each problem is named on its own line, and one --fix mends both.
  test('doctor names hooks that are not active and a lock whose owner is dead; --fix makes the hooks active again and breaks the lock', () => {
    repo = seeded();
    repo.git(['config', '--unset', 'core.hooksPath']);
    const lock = path.join(repo.dir, '.claude/state/sync.lock');
    mkdirSync(path.dirname(lock), { recursive: true });
    // A pid that no process has (pids are far below 2^22 here).
    writeFileSync(lock, JSON.stringify({ pid: 4_000_000, host: os.hostname(), since: new Date().toISOString(), nonce: 'x' }));
    const broken = runCli(['doctor'], { cwd: repo.dir, env: repo.env });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/git hooks are not active in this worktree/);
    expect(broken.stdout).toMatch(/fix: npx canon-notes setup/);
    expect(broken.stdout).toMatch(/\.claude\/state\/sync\.lock is a lock whose owner is gone/);
    // Meanwhile the door is open: that is what doctor is for.
    repo.write('docs/sessions/RT-260511-05.md', sessionNote('RT-260511-05', { operator: 'nobody' }));
    repo.git(['add', 'docs/sessions']);
    const fixed = runCli(['doctor', '--fix'], { cwd: repo.dir, env: repo.env });
    expect(fixed.code).toBe(0);
    expect(existsSync(lock)).toBe(false);
    expect(commit(repo, 'bad').code).not.toBe(0);
  });

  test('hooks whose runner is gone refuse the commit and say how to fix it', () => {
    repo = seeded();
    unlinkSync(path.join(repo.dir, '.git/canon/run'));
    repo.write('docs/sessions/RT-260511-06.md', sessionNote('RT-260511-06'));
    repo.git(['add', '-A']);
    const result = commit(repo, 'no runner');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/canon hooks are not set up .*\(npm install\), or npx canon-notes setup/);
    expect(runCli(['doctor'], { cwd: repo.dir, env: repo.env }).stdout).toMatch(/no canon hook runner/);
  });
});

describe('symlinked notes', () => {
  function linked(): { r: GitRepo; target: string; before: string } {
    const r = seeded();
    const outside = mkdtempSync(path.join(os.tmpdir(), 'canon-outside-'));
    extra.push(outside);
    const target = path.join(outside, 'secret-notes.md');
    // Out of order, no hash: normalising would rewrite it, if canon followed the link.
    const before = sessionNote('RT-260511-07').replace('title: Session RT-260511-07\n', '') + '';
    writeFileSync(target, before.replace('---\n', '---\ntitle: Outside\n').replace('kind: session', `kind: session\nnote: ${TOKEN}`));
    mkdirSync(path.join(r.dir, 'docs/sessions'), { recursive: true });
    symlinkSync(target, path.join(r.dir, 'docs/sessions/RT-260511-07.md'));
    return { r, target, before: readFileSync(target, 'utf8') };
  }

  test('are refused at commit with one line', () => {
    const { r } = linked();
    repo = r;
    repo.git(['add', '-A']);
    const head = repo.head();
    const result = commit(repo, 'link');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/docs\/sessions\/RT-260511-07\.md:1:1: error .*symbolic link/);
    expect(result.stderr).not.toContain(TOKEN);
    expect(repo.head()).toBe(head);
  });

  test('are skipped with a warning by normalize --all, validate --all and index, and their target is never written', () => {
    const { r, target, before } = linked();
    repo = r;
    const normalize = runCli(['normalize', '--all'], { cwd: repo.dir, env: repo.env });
    expect(normalize.code).toBe(0);
    expect(normalize.stderr).toMatch(/RT-260511-07\.md.*symbolic link/);
    const validate = runCli(['validate', '--all', '--strict'], { cwd: repo.dir, env: repo.env });
    expect(validate.code).toBe(0);
    expect(validate.stdout).toMatch(/RT-260511-07\.md:1:1: warning .*symbolic link/);
    expect(runCli(['normalize', 'docs/sessions/RT-260511-07.md'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(runCli(['index'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(before);
    expect(existsSync(path.join(repo.dir, 'docs/sessions/index/2026-05.md'))).toBe(false);
    chmodSync(target, 0o644);
  });
});
