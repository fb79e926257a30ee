import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execGit, execGitBytes } from '../../tools/io/git.js';

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
