import { afterEach, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';
import { sessionNote } from '../helpers/notes.js';

let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

describe('paths given on the command line', () => {
  test('validate and normalize of a missing path name it and exit 2, changing nothing', () => {
    repo = createGitRepo({ files: { 'docs/sessions/RT-260511-01.md': sessionNote('RT-260511-01') } });
    for (const command of ['validate', 'normalize']) {
      const r = runCli([command, 'docs/sessions/RT-260511-09.md'], { cwd: repo.dir, env: repo.env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('docs/sessions/RT-260511-09.md does not exist');
      expect(r.stderr).not.toMatch(/internal error|ENOENT|file\(s\) checked/);
    }
    expect(repo.read('docs/sessions/RT-260511-01.md')).toBe(sessionNote('RT-260511-01'));
  });

  test('one missing path among good ones still fails the whole run (exit 2), before anything is read', () => {
    repo = createGitRepo({ files: { 'docs/sessions/RT-260511-01.md': sessionNote('RT-260511-01') } });
    const r = runCli(['validate', 'docs/sessions/RT-260511-01.md', 'docs/sessions/nope.md'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('docs/sessions/nope.md does not exist');
  });

  test('a Windows-style path (backslashes) is read as the forward-slash path', () => {
    repo = createGitRepo({ files: { 'docs/sessions/RT-260511-01.md': sessionNote('RT-260511-01', { operator: 'nobody' }) } });
    const r = runCli(['validate', 'docs\\sessions\\RT-260511-01.md'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('docs/sessions/RT-260511-01.md:3:1: error /operator is "nobody"');
    expect(r.stderr).toContain('1 file(s) checked');
  });

  test('a Windows-style path that matches nothing names the path and says to use forward slashes', () => {
    repo = createGitRepo();
    const r = runCli(['validate', 'docs\\sessions\\RT-260511-07.md'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('docs\\sessions\\RT-260511-07.md does not exist');
    expect(r.stderr).toContain('forward slashes');
  });
});

describe('--cwd', () => {
  test('a folder that does not exist is named (exit 2), not "git is not installed"', () => {
    repo = createGitRepo();
    const missing = path.join(repo.dir, 'no-such-folder');
    for (const args of [['validate', '--all'], ['resume'], ['session', 'gc']]) {
      const r = runCli(['--cwd', missing, ...args], { cwd: repo.dir, env: repo.env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${missing} does not exist`);
      expect(r.stderr).not.toContain('git is not installed');
    }
  });

  test('a file given as --cwd is not a folder (exit 2)', () => {
    repo = createGitRepo({ files: { 'README.md': 'x\n' } });
    const r = runCli(['--cwd', path.join(repo.dir, 'README.md'), 'validate', '--all'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not a folder');
  });
});
