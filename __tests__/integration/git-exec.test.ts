import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execGit, execGitBytes, openCatFileBatch } from '../../tools/io/git.js';

/**
 * io/git.ts runs real git. A command that exits without reading what canon pipes to it (`git
 * shortlog --all`, `canon init`'s operator guess, never reads stdin) made the write fail with
 * EPIPE, an unhandled 'error' event that killed `canon init` on a loaded machine (seen in CI with
 * four test files at once). Input far larger than a pipe's buffer makes the race certain.
 */
describe('execGit with input git does not read', () => {
  const big = 'x'.repeat(4 * 1024 * 1024);

  test('git exits at once without reading 4 MB of input: the result is its exit status, not a crash', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'canon-git-exec-'));
    try {
      for (let i = 0; i < 5; i++) {
        const r = await execGit(['version'], { cwd: dir, input: big });
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/^git version /);
      }
      // A failing command that never reads its input: its own exit status and message.
      const failed = await execGitBytes(['rev-parse', '--verify', 'HEAD'], { cwd: dir, input: big });
      expect(failed.code).not.toBe(0);
      expect(failed.stderr).toMatch(/not a git repository|fatal/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an empty input to a command that never reads it (the shortlog init runs) is fine', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'canon-git-exec-'));
    try {
      await execGit(['init', '-q'], { cwd: dir });
      for (let i = 0; i < 20; i++) expect((await execGit(['shortlog', '-sne', '--all'], { cwd: dir, input: '' })).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * openCatFileBatch: one `git cat-file --batch` that answers several rounds (pre-commit reads the
 * staged notes, then the INDEX pages their rows go to, through one process). The answers must be
 * the objects' exact bytes whatever the pipe's chunking, null for a missing name, and a process
 * git cannot start in must fail the read, not hang it.
 */
describe('openCatFileBatch', () => {
  test('several rounds through one process: exact bytes (a blob larger than a pipe chunk, one without a final newline), null for a missing name', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'canon-git-exec-'));
    const batch = openCatFileBatch({ cwd: dir });
    try {
      await execGit(['init', '-q'], { cwd: dir });
      const big = Buffer.from('line\n'.repeat(100_000) + 'end');
      writeFileSync(path.join(dir, 'big.txt'), big);
      writeFileSync(path.join(dir, 'small.md'), 'no newline');
      await execGit(['add', 'big.txt', 'small.md'], { cwd: dir });
      const oid = (await execGit(['rev-parse', ':small.md'], { cwd: dir })).stdout.trim();
      const first = await batch.read([':big.txt', ':missing.md', oid]);
      expect(first.get(':big.txt')!.equals(big)).toBe(true);
      expect(first.get(':missing.md')).toBeNull();
      expect(first.get(oid)!.toString('utf8')).toBe('no newline');
      const second = await batch.read([':small.md', 'HEAD:small.md']);
      expect(second.get(':small.md')!.toString('utf8')).toBe('no newline');
      expect(second.get('HEAD:small.md')).toBeNull();
      expect(await batch.read([])).toEqual(new Map());
    } finally {
      batch.close();
      batch.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("outside a repository the read fails with git's message instead of waiting forever", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'canon-git-exec-'));
    const batch = openCatFileBatch({ cwd: dir, env: { ...process.env, GIT_CEILING_DIRECTORIES: path.dirname(dir), GIT_DIR: undefined } });
    try {
      await expect(batch.read([':x.md'])).rejects.toThrow(/not a git repository/);
      await expect(batch.read([':y.md'])).rejects.toThrow(/not a git repository/);
    } finally {
      batch.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
