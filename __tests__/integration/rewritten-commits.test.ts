import { afterEach, describe, expect, test } from '@jest/globals';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { readRewrittenCommits } from '../../tools/io/rewritten-commits.js';

/** What git's post-rewrite hook gets on stdin, worked out from the reflog for a runner that passes none (the pre-commit framework). */
const repos: GitRepo[] = [];
afterEach(() => {
  for (const r of repos.splice(0)) r.cleanup();
});

function repo(): GitRepo {
  const r = createGitRepo({ operators: false });
  repos.push(r);
  r.write('a.txt', 'a\n');
  r.git(['add', '-A']);
  r.git(['commit', '-qm', 'base']);
  return r;
}

const sha = (r: GitRepo, rev: string) => r.git(['rev-parse', rev]).stdout.trim();
const commit = (r: GitRepo, file: string, text: string, message: string) => {
  r.write(file, text);
  r.git(['add', file]);
  r.git(['commit', '-qm', message]);
};

describe('the rewritten commits, from the reflog', () => {
  test('an amend: the commit before it and the amended one', async () => {
    const r = repo();
    commit(r, 'b.txt', 'b\n', 'b');
    const old = sha(r, 'HEAD');
    r.write('b.txt', 'b2\n');
    r.git(['commit', '-qa', '--amend', '--no-edit']);
    expect(await readRewrittenCommits(r.dir, 'amend')).toEqual([[old, sha(r, 'HEAD')]]);
    // Not an amend after all (a commit came since): nothing to map.
    commit(r, 'c.txt', 'c\n', 'c');
    expect(await readRewrittenCommits(r.dir, 'amend')).toEqual([]);
  });

  test("a rebase: picks paired with their old selves, a fixup's commits with the one they went into, a reworded commit with itself", async () => {
    const r = repo();
    r.git(['checkout', '-qb', 'feature']);
    commit(r, 'b.txt', 'b\n', 'feature one');
    const one = sha(r, 'HEAD');
    commit(r, 'c.txt', 'c\n', 'feature two');
    const two = sha(r, 'HEAD');
    r.git(['checkout', '-q', 'main']);
    commit(r, 'd.txt', 'd\n', 'main moves');
    r.git(['checkout', '-q', 'feature']);
    r.git(['rebase', '-q', 'main']);
    const pairs = await readRewrittenCommits(r.dir, 'rebase');
    expect(pairs).toEqual([
      [one, sha(r, 'HEAD~1')],
      [two, sha(r, 'HEAD')],
    ]);
    // main's own commit is not among the rewritten.
    expect(pairs.flat()).not.toContain(sha(r, 'main'));
    // A fixup: both old commits map to the one new commit, as git lists them.
    const [oneAgain, twoAgain] = [sha(r, 'HEAD~1'), sha(r, 'HEAD')];
    r.git(['rebase', '-q', '-i', 'main'], { env: { GIT_SEQUENCE_EDITOR: "sed -i '2s/^pick/fixup/'" } });
    expect(await readRewrittenCommits(r.dir, 'rebase')).toEqual([
      [oneAgain, sha(r, 'HEAD')],
      [twoAgain, sha(r, 'HEAD')],
    ]);
    // A reworded commit has no twin: it stands for itself.
    r.git(['rebase', '-q', '-i', 'HEAD~1'], { env: { GIT_SEQUENCE_EDITOR: "sed -i '1s/^pick/reword/'", GIT_EDITOR: "sed -i '1s/.*/reworded/'" } });
    expect(await readRewrittenCommits(r.dir, 'rebase')).toEqual([[sha(r, 'HEAD'), sha(r, 'HEAD')]]);
    // After another commit the rebase is no longer the last thing that happened: nothing to map.
    commit(r, 'e.txt', 'e\n', 'later');
    expect(await readRewrittenCommits(r.dir, 'rebase')).toEqual([]);
  });
});
