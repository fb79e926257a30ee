import { execGit } from './git.js';

/**
 * The `<old> <new>` pairs git hands its post-rewrite hook on stdin, worked out again from HEAD's
 * reflog for a hook runner that does not pass that list on (the pre-commit framework runs its
 * post-rewrite hooks with an empty stdin; ADR-0031). Sample of `git log -g --format='%H%x09%gs' HEAD`
 * right after `git rebase main` (newest first; git writes the finish line after the hook):
 *
 *     4d1f…\trebase (pick): feature edits the summary
 *     9a0c…\trebase (start): checkout main
 *     77be…\tcommit: feature edits the summary
 *
 * After `git commit --amend` the newest line is `commit (amend): …` and HEAD@{1} is the old commit.
 * A rebase's new commits are those after its start line; each is paired with the old commit of the
 * same author date and subject (a pick keeps both); a new commit with no such twin (squashed,
 * reworded) is paired with itself, so it is still checked.
 */
export async function readRewrittenCommits(root: string, command: string | undefined): Promise<Array<[string, string]>> {
  const git = async (args: string[]) => {
    const r = await execGit(args, { cwd: root });
    return r.code === 0 ? r.stdout : null;
  };
  const log = (await git(['log', '-g', '-n', '1000', '--format=%H%x09%gs', 'HEAD'])) ?? '';
  const entries = log
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t') as [string, string]);
  if (entries.length === 0) return [];
  if (command === 'amend') {
    if (!entries[0]![1].startsWith('commit (amend)') || entries.length < 2) return [];
    return [[entries[1]![0], entries[0]![0]]];
  }
  // The rebase that just ended: its lines are the newest, back to its start line.
  const at = entries.findIndex(([, subject]) => /^rebase( -i| \(interactive\))? \(start\)/.test(subject));
  if (at === -1 || !entries.slice(0, at).every(([, subject]) => subject.startsWith('rebase'))) return [];
  const start = entries[at]!;
  // The start line names where HEAD began (the upstream, or the last pick kept as it was): the new
  // commits are those after it; the old ones are what the branch had and HEAD no longer holds.
  const commits = async (range: string[]) =>
    ((await git(['log', '--reverse', '--format=%H%x09%at%x09%s', ...range])) ?? '')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha, ...rest] = line.split('\t');
        return { sha: sha!, key: rest.join('\t') };
      });
  const news = await commits([`${start[0]}..HEAD`]);
  const olds = (await git(['rev-parse', '--verify', '-q', 'ORIG_HEAD'])) === null ? [] : await commits(['HEAD..ORIG_HEAD']);
  return pairRewrites(olds, news);
}

/**
 * Old and new commits paired the way git lists them: a pick keeps its author date and subject; an
 * old commit with no such twin was squashed or fixed up into the commit before it; a new commit
 * nobody maps to (reworded) stands for itself.
 */
function pairRewrites(olds: Array<{ sha: string; key: string }>, news: Array<{ sha: string; key: string }>): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  const used = new Set<string>();
  let previous: string | null = null;
  for (const old of olds) {
    const twin = news.find((c) => c.key === old.key && !used.has(c.sha));
    const target: string | null = twin?.sha ?? previous;
    if (target === null) continue;
    used.add(target);
    pairs.push([old.sha, target]);
    previous = target;
  }
  for (const c of news) if (!used.has(c.sha)) pairs.push([c.sha, c.sha]);
  return pairs;
}
