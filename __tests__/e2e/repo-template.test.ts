import { afterAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sessionNote } from '../helpers/notes.js';
import { storeTemplate } from '../helpers/repo-template.js';

/**
 * The copies the end-to-end files start from: a copy must be a repository of its own, its hooks and
 * remote its own, working after the template is gone — or every test built on one could pass against
 * the template's wiring instead of the copy's.
 */
const template = storeTemplate({ hooks: true }, (repo) => {
  const bare = path.join(path.dirname(repo.dir), 'remote.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare], { env: repo.env });
  repo.write('docs/sessions/RT-260511-01.md', sessionNote('RT-260511-01'));
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'store']);
  repo.git(['remote', 'add', 'origin', bare]);
  repo.git(['push', '-q', '-u', 'origin', 'main']);
});
afterAll(() => template.cleanup());

describe('repoTemplate', () => {
  test('each copy is wired to itself: its hooks, runner and remote work after the template is removed, and the copies do not share a remote', () => {
    const first = template.copy();
    const second = template.copy();
    try {
      expect(path.dirname(second.dir)).not.toBe(path.dirname(first.dir));
      // Gone: hooks, runner or remote still pointing into it would fail (git runs no hook from a missing folder).
      template.cleanup();
      for (const copy of [first, second]) {
        const base = path.dirname(copy.dir);
        expect(copy.git(['config', 'core.hooksPath']).stdout.trim().startsWith(base)).toBe(true);
        expect(copy.git(['remote', 'get-url', 'origin']).stdout.trim()).toBe(path.join(base, 'remote.git'));
        expect(readFileSync(path.join(copy.dir, '.git/canon/run'), 'utf8')).toContain(copy.dir);
      }
      // The commit door of the copy refuses an invalid note and takes a valid one, stamped; the push gate passes it.
      first.write('docs/sessions/RT-260511-02.md', sessionNote('RT-260511-02', { operator: 'nobody' }));
      first.git(['add', '-A']);
      const refused = first.git(['commit', '-q', '-m', 'bad'], { allowFail: true });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/RT-260511-02\.md:\d+:\d+: error/);
      first.write('docs/sessions/RT-260511-02.md', sessionNote('RT-260511-02'));
      first.git(['add', '-A']);
      first.git(['commit', '-q', '-m', 'good']);
      expect(first.read('docs/sessions/RT-260511-02.md')).toMatch(/^content_hash: sha256:/m);
      const pushed = first.git(['push', '-q', 'origin', 'main'], { allowFail: true });
      expect(pushed.code).toBe(0);
      expect(first.git(['--git-dir', path.join(path.dirname(first.dir), 'remote.git'), 'rev-parse', 'main']).stdout).toBe(
        first.git(['rev-parse', 'HEAD']).stdout,
      );
      // The other copy's remote did not move.
      expect(second.git(['--git-dir', path.join(path.dirname(second.dir), 'remote.git'), 'rev-parse', 'main']).stdout).not.toBe(
        first.git(['rev-parse', 'HEAD']).stdout,
      );
    } finally {
      first.cleanup();
      second.cleanup();
    }
  }, 120_000);
});
