import type { CommandContext, CommandOutcome } from '../../context.js';
import { errorMessage } from '../../errors.js';
import { execGit } from '../../io/git.js';
import { openRepo } from '../../io/repo.js';
import { roadsMessages } from '../../messages/roads.js';
import { readRewrittenCommits } from '../../io/rewritten-commits.js';
import { remapSessionCommits } from '../../io/session-commits-log.js';
import { checkRewrittenNotes, inGitDir, type RewriteOutcome, type RewriteScope } from '../../steps/rewritten-notes.js';

/** The last line canon prints when its check itself fails: the road has happened, so exit 0. */
const failed = (ctx: CommandContext, error: unknown): CommandOutcome<RewriteOutcome | null> => {
  ctx.logger.err(roadsMessages.checkFailed(errorMessage(error)));
  return { exitCode: 0, result: null };
};

export interface PostRewriteOptions {
  /** git's argument: `amend` or `rebase`. */
  command?: string;
  /** git's stdin: `<old> <new> [<extra>]` per rewritten commit. */
  input?: string;
}

/**
 * git's post-rewrite hook, after `git commit --amend` and after a rebase has picked every commit (the
 * branch is updated; git has only the autostash and its state folder left to clear). See
 * rewritten-notes.ts.
 */
export async function runPostRewrite(options: PostRewriteOptions, ctx: CommandContext): Promise<CommandOutcome<RewriteOutcome | null>> {
  if (ctx.env.CANON_HOOKS === '0') return { exitCode: 0, result: null };
  try {
    const repo = openRepo(ctx.cwd);
    const given = (options.input ?? '')
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((parts) => parts.length >= 2 && /^[0-9a-f]{40,64}$/.test(parts[0]!) && /^[0-9a-f]{40,64}$/.test(parts[1]!));
    // No list at all (the pre-commit framework passes none on): the reflog tells the same pairs.
    const command = options.command || ctx.env.PRE_COMMIT_REWRITE_COMMAND;
    const pairs = given.length === 0 && (options.input ?? '').trim() === '' ? await readRewrittenCommits(repo.root, command) : given;
    if (pairs.length === 0) return { exitCode: 0, result: null };
    // Commits a Claude Code session made stay its own under their new ids (ADR-0027).
    await remapSessionCommits(repo.root, new Map(pairs.map((p) => [p[0]!, p[1]!])), ctx.env).catch(() => 0);
    const road = command === 'amend' ? 'amend' : 'rebase';
    const olds = pairs.map((p) => p[0]!);
    const news = [...new Set(pairs.map((p) => p[1]!))];
    const autostash = road === 'rebase' && ((await inGitDir(repo, 'rebase-merge/autostash')) || (await inGitDir(repo, 'rebase-apply/autostash')));
    // The first rewritten commit's parent, where a history rewrite (for a secret) would start.
    const base = await execGit(['rev-parse', '--verify', '-q', `${news[0]}^`], { cwd: repo.root });
    const scope: RewriteScope = {
      road,
      commits: news,
      before: [...olds, ...news.map((sha) => `${sha}^`)],
      hold: autostash ? roadsMessages.reasonAutostash : null,
      rewriteBase: base.code === 0 ? base.stdout.trim() : null,
    };
    return { exitCode: 0, result: await checkRewrittenNotes(repo, scope, ctx) };
  } catch (error) {
    return failed(ctx, error);
  }
}

export interface PostMergeOptions {
  /** git's argument: 1 for a squash merge (nothing committed yet: the commit door checks it). */
  squash?: string;
}

/** git's post-merge hook, after `git merge` / `git pull` committed or fast-forwarded. */
export async function runPostMerge(options: PostMergeOptions, ctx: CommandContext): Promise<CommandOutcome<RewriteOutcome | null>> {
  if (ctx.env.CANON_HOOKS === '0' || options.squash === '1') return { exitCode: 0, result: null };
  try {
    const repo = openRepo(ctx.cwd);
    const orig = await execGit(['rev-parse', '--verify', '-q', 'ORIG_HEAD'], { cwd: repo.root });
    if (orig.code !== 0) return { exitCode: 0, result: null };
    const list = await execGit(['rev-list', '--first-parent', `${orig.stdout.trim()}..HEAD`], { cwd: repo.root });
    const commits = list.stdout.split('\n').filter(Boolean);
    if (commits.length === 0) return { exitCode: 0, result: null };
    const scope: RewriteScope = { road: 'merge', commits, before: ['ORIG_HEAD'], hold: null, rewriteBase: orig.stdout.trim() };
    return { exitCode: 0, result: await checkRewrittenNotes(repo, scope, ctx) };
  } catch (error) {
    return failed(ctx, error);
  }
}

/**
 * A cherry-pick commits without the commit door; git runs post-commit for each pick with
 * CHERRY_PICK_HEAD still in place (a rebase's picks have rebase-merge/ too, and post-rewrite checks
 * those). In a sequence of picks (`sequencer/`), canon only says what to run.
 */
export async function checkCherryPick(ctx: CommandContext): Promise<RewriteOutcome | null> {
  const repo = openRepo(ctx.cwd);
  if (!(await inGitDir(repo, 'CHERRY_PICK_HEAD'))) return null;
  if ((await inGitDir(repo, 'rebase-merge')) || (await inGitDir(repo, 'rebase-apply'))) return null;
  const sequence = await inGitDir(repo, 'sequencer');
  // `git diff-tree --stdin` reads object ids, not names.
  const head = (await execGit(['rev-parse', '--verify', '-q', 'HEAD'], { cwd: repo.root })).stdout.trim();
  if (head === '') return null;
  const scope: RewriteScope = {
    road: 'cherry-pick',
    commits: [head],
    before: ['HEAD^', 'CHERRY_PICK_HEAD', 'CHERRY_PICK_HEAD^'],
    hold: sequence ? roadsMessages.reasonSequence : null,
    rewriteBase: 'HEAD^',
  };
  return checkRewrittenNotes(repo, scope, ctx);
}
