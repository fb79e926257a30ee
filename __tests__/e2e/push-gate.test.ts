import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';
import { sessionNote } from '../helpers/notes.js';
import { repoTemplate } from '../helpers/repo-template.js';
import { r } from '../helpers/secret-samples.js';

// The push gate (pre-push): a commit made with --no-verify (no commit door) must not reach the remote.
const TOKEN = `ghp_${r('a1B2c3D4e5', 36)}`;
const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

interface Setup {
  repo: GitRepo;
  bare: string;
  remoteHead: (branch?: string) => string;
}

/**
 * A clone with canon's hooks whose `origin` is a bare repository holding one committed note (committed
 * through the commit door, pushed past the push gate). Built once, copied for each test (repoTemplate):
 * the bare remote lives beside the clone, in the folder the copy takes.
 */
const template = repoTemplate(() => {
  const repo = createGitRepo({ hooks: true });
  const bare = path.join(path.dirname(repo.dir), 'remote.git');
  repo.git(['init', '-q', '--bare', '-b', 'main', bare]);
  repo.write('docs/sessions/RT-260511-01.md', sessionNote('RT-260511-01'));
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'store']);
  repo.git(['remote', 'add', 'origin', bare]);
  // Past the gate: the remote's state before each test. A clean push through the gate is 'a clean push of 100 notes passes'.
  repo.git(['push', '-q', '--no-verify', '-u', 'origin', 'main']);
  return repo;
});
afterAll(() => template.cleanup());

function setup(): Setup {
  const repo = template.copy();
  cleanups.push(() => repo.cleanup());
  const bare = path.join(path.dirname(repo.dir), 'remote.git');
  const remoteHead = (branch = 'main') =>
    repo.git(['--git-dir', bare, 'rev-parse', '-q', '--verify', `refs/heads/${branch}`], { allowFail: true }).stdout.trim();
  return { repo, bare, remoteHead };
}

/** Commit `files` without the commit door. */
function commitNoVerify(repo: GitRepo, files: Record<string, string>, subject: string): string {
  for (const [rel, text] of Object.entries(files)) repo.write(rel, text);
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '--no-verify', '-m', subject]);
  return repo.head();
}

/** A note as the commit door would commit it (normalised, hashed), written and staged, without its INDEX row. */
function normalisedNote(repo: GitRepo, id: string, extra: Record<string, string> = {}, body?: string): string {
  const rel = `docs/sessions/${id}.md`;
  repo.write(rel, sessionNote(id, extra, body));
  expect(runCli(['normalize', rel], { cwd: repo.dir, env: repo.env }).code).toBe(0);
  return repo.read(rel);
}

describe('the push gate', () => {
  test('a token committed with --no-verify is refused at push, naming the commit and path:line:col, masked; the remote is unchanged', () => {
    const { repo, remoteHead } = setup();
    const before = remoteHead();
    const sha = commitNoVerify(
      repo,
      { 'docs/sessions/RT-260511-02.md': sessionNote('RT-260511-02', {}, `## Summary\n\nDone.\n\nleaked ${TOKEN} here\n`) },
      'add a note with a token',
    );
    const push = repo.git(['push'], { allowFail: true });
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain(`commit ${sha.slice(0, 7)} "add a note with a token":`);
    expect(push.stderr).toMatch(/docs\/sessions\/RT-260511-02\.md:13:\d+: error .*\[secret\/GITHUB_TOKEN\]/);
    expect(push.stderr).toContain('ghp_********');
    expect(push.stderr).not.toContain(TOKEN.slice(0, 12));
    expect(push.stderr).toContain('git commit --amend');
    expect(push.stderr).toContain('Nothing was pushed.');
    expect(remoteHead()).toBe(before);
  });

  test('a secret added and deleted again before the push is refused: the older commit is named, with the rebase that removes it', () => {
    const { repo, remoteHead } = setup();
    const before = remoteHead();
    const leaked = commitNoVerify(repo, { 'docs/sessions/RT-260511-02.md': sessionNote('RT-260511-02', {}, `## Summary\n\nDone with ${TOKEN}.\n`) }, 'leak');
    // The fix goes through the commit door (valid, hashed, indexed): only history still holds the token.
    repo.write('docs/sessions/RT-260511-02.md', sessionNote('RT-260511-02'));
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'remove the token']);
    const push = repo.git(['push'], { allowFail: true });
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain(`commit ${leaked.slice(0, 7)} "leak":`);
    expect(push.stderr).toContain(`git rebase -i ${leaked.slice(0, 7)}^`);
    expect(push.stderr).not.toContain('remove the token":');
    expect(remoteHead()).toBe(before);
  });

  test.each([
    [
      'a schema error',
      (repo: GitRepo) => ({ 'docs/sessions/RT-260511-02.md': normalisedNote(repo, 'RT-260511-02').replace(/^operator: roman$/m, 'operator: 42') }),
      /RT-260511-02\.md:\d+:\d+: error .*\[(schema|operator)\//,
    ],
    [
      'a stale content_hash',
      (repo: GitRepo) => ({
        'docs/sessions/RT-260511-01.md': repo.read('docs/sessions/RT-260511-01.md').replace(/^summary: .*$/m, 'summary: Edited without the door.'),
      }),
      /RT-260511-01\.md:\d+:\d+: error .*\[hash\/stale\]/,
    ],
    [
      'a missing INDEX row',
      (repo: GitRepo) => ({ 'docs/sessions/RT-260511-02.md': normalisedNote(repo, 'RT-260511-02') }),
      /docs\/sessions\/index\/2026-05\.md:\d+:1: error .*\[index\/stale\]/,
    ],
    [
      'a note changed without its INDEX row',
      (repo: GitRepo) => ({ 'docs/sessions/RT-260511-01.md': normalisedNote(repo, 'RT-260511-01', { title: 'Renamed behind the door' }) }),
      /docs\/sessions\/index\/2026-05\.md:\d+:1: error .*Session RT-260511-01.*\[index\/stale\]/,
    ],
    [
      'an INDEX row edited by hand',
      (repo: GitRepo) => ({ 'docs/sessions/index/2026-05.md': repo.read('docs/sessions/index/2026-05.md').replace('Session RT-260511-01', 'Another title') }),
      /docs\/sessions\/index\/2026-05\.md:\d+:1: error .*Another title.*\[index\/stale\]/,
    ],
  ])('%s committed with --no-verify is refused', (_name, files, pattern) => {
    const { repo, remoteHead } = setup();
    const before = remoteHead();
    const made = files(repo);
    const sha = commitNoVerify(repo, made, 'without the door');
    const push = repo.git(['push'], { allowFail: true });
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain(`commit ${sha.slice(0, 7)} "without the door":`);
    expect(push.stderr).toMatch(pattern);
    expect(push.stderr).toContain('Nothing was pushed.');
    expect(remoteHead()).toBe(before);
  });

  test('a clean push of 100 notes passes, and the remote gets them', () => {
    const { repo, remoteHead } = setup();
    for (let i = 2; i <= 100; i++) {
      const id = `RT-260512-${String(i).padStart(2, '0')}`;
      repo.write(`docs/sessions/${id}.md`, sessionNote(id, { date: '2026-05-12', summary: `Work ${i}, see [the first](RT-260511-01.md).` }));
    }
    repo.write('docs/sessions/RT-260512-01.md', sessionNote('RT-260512-01', { date: '2026-05-12' }));
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', '100 notes']);
    const push = repo.git(['push'], { allowFail: true });
    expect(push).toMatchObject({ code: 0 });
    expect(push.stderr).not.toContain('canon:');
    expect(remoteHead()).toBe(repo.head());
  });

  test('a new branch is checked against what the remote already has: clean passes, a token is refused', () => {
    const { repo, remoteHead } = setup();
    repo.git(['checkout', '-q', '-b', 'feature']);
    repo.write('docs/sessions/RT-260511-02.md', sessionNote('RT-260511-02'));
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'feature note']);
    expect(repo.git(['push', '-q', '-u', 'origin', 'feature'], { allowFail: true }).code).toBe(0);
    expect(remoteHead('feature')).toBe(repo.head());

    repo.git(['checkout', '-q', '-b', 'leaky']);
    const sha = commitNoVerify(repo, { 'docs/sessions/RT-260511-03.md': sessionNote('RT-260511-03', { why_note: TOKEN }) }, 'leaky branch');
    const push = repo.git(['push', '-u', 'origin', 'leaky'], { allowFail: true });
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain(`commit ${sha.slice(0, 7)} "leaky branch":`);
    expect(push.stderr).toMatch(/RT-260511-03\.md:\d+:\d+: error .*\[secret\/GITHUB_TOKEN\]/);
    // Only the new commit is named: the commits `feature` already pushed are not checked again.
    expect(push.stderr.match(/^commit /gm)).toHaveLength(1);
    expect(remoteHead('leaky')).toBe('');
  });

  test('pushing to a URL (no remote-tracking refs) still checks what the remote lacks', () => {
    const { repo, bare, remoteHead } = setup();
    const before = remoteHead();
    commitNoVerify(repo, { 'docs/sessions/RT-260511-02.md': sessionNote('RT-260511-02', { why_note: TOKEN }) }, 'to a url');
    const push = repo.git(['push', bare, 'HEAD:main'], { allowFail: true });
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain('[secret/GITHUB_TOKEN]');
    expect(remoteHead()).toBe(before);
  });

  test('a rebase conflict in a note resolved by hand, continued without hooks: the stale content_hash and INDEX row are refused at push', () => {
    const { repo, remoteHead } = setup();
    const rel = 'docs/sessions/RT-260511-01.md';
    const edit = (summary: string, subject: string) => {
      repo.write(rel, repo.read(rel).replace(/^summary: .*$/m, `summary: ${summary}`));
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', subject]);
    };
    repo.git(['checkout', '-q', '-b', 'other']);
    edit('Their summary.', 'their edit');
    repo.git(['checkout', '-q', 'main']);
    edit('Our summary.', 'our edit');
    // The remote's state before the test, pushed past the gate: a clean push through it is 'a clean push of 100 notes passes'.
    repo.git(['-c', 'core.hooksPath=/dev/null', 'push', '-q']);
    const pushed = remoteHead();
    repo.git(['checkout', '-q', 'other']);
    expect(repo.git(['rebase', 'main'], { allowFail: true }).code).not.toBe(0);
    // Resolved by hand: a third summary, the content_hash of one side.
    repo.write(rel, repo.git(['show', `main:${rel}`]).stdout.replace(/^summary: .*$/m, 'summary: Resolved by hand.'));
    repo.git(['add', '-A']);
    repo.git(['-c', 'core.hooksPath=/dev/null', 'rebase', '--continue'], { env: { GIT_EDITOR: 'true' } });
    const sha = repo.head();
    const push = repo.git(['push', 'origin', 'other:main'], { allowFail: true });
    expect(push.code).not.toBe(0);
    expect(push.stderr).toContain(`commit ${sha.slice(0, 7)} "their edit":`);
    expect(push.stderr).toMatch(/RT-260511-01\.md:\d+:\d+: error .*\[hash\/stale\]/);
    expect(push.stderr).toMatch(/docs\/sessions\/index\/2026-05\.md:\d+:1: error .*\[index\/stale\]/);
    expect(remoteHead()).toBe(pushed);
    // What the refusal says to run fixes it: the push then goes through.
    expect(runCli(['normalize', rel], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(runCli(['index'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '--amend', '--no-edit']);
    expect(repo.git(['push', '-q', 'origin', 'other:main'], { allowFail: true }).code).toBe(0);
    expect(remoteHead()).toBe(repo.head());
  });
});
