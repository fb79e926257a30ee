import { existsSync, readFileSync } from 'node:fs';
import type { CommandContext, CommandOutcome } from '../../context.js';
import { renderRunner } from '../../core/hook-blocks.js';
import { cliReference, readCloneLayout, runnerPath, setupClone, type CloneLayout } from '../../io/clone-setup.js';
import { writePackageLink } from '../../io/package-link.js';
import { UsageError } from '../../errors.js';
import { installMessages } from '../../messages/install.js';
import { currentCliFile } from '../../commands/setup.js';

export interface GitHookOptions {
  /** pre-commit, post-commit, pre-push, post-rewrite, post-merge, or setup (the framework's manual stage). */
  name: string;
}

/**
 * This clone's wiring points at the canon that runs now (the one the pre-commit framework installed):
 * the runner and the INDEX merge driver for every worktree, the package link for this one. A fresh
 * clone has none until its first hook; a cleared or upgraded framework cache moves canon, and the
 * next hook follows it. Cheap when nothing changed: one file read, one link read.
 */
async function ensureWiring(layout: CloneLayout): Promise<void> {
  const cliFile = currentCliFile();
  const runner = runnerPath(layout);
  const wanted = renderRunner({ cli: cliReference(layout.top, cliFile), mainRoot: layout.mainRoot });
  if (!existsSync(runner) || readFileSync(runner, 'utf8') !== wanted) await setupClone(layout, { cliFile, husky: false });
  writePackageLink(layout.top);
}

/**
 * `canon git-hook <name>`: canon's git hooks as a hook runner calls them when it starts canon itself —
 * the pre-commit framework's `language: node` hooks of a repository with no package.json (ADR-0031).
 * The framework gives what git gives its hooks in its own environment (PRE_COMMIT_*), and post-rewrite
 * gets no list at all (the command works it out from the reflog). The same exit codes as git's hooks.
 */
export async function runGitHook(options: GitHookOptions, ctx: CommandContext): Promise<CommandOutcome> {
  if (ctx.env.CANON_HOOKS === '0') return { exitCode: 0, result: null };
  const env = ctx.env;
  try {
    await ensureWiring(await readCloneLayout(ctx.cwd));
  } catch (error) {
    // The wiring serves merges and Claude Code; the checks below run whether or not it could be laid.
    if (options.name === 'setup') throw error;
  }
  switch (options.name) {
    case 'setup':
      return { exitCode: 0, result: null };
    case 'pre-commit':
      return (await import('./pre-commit.js')).runPreCommit({}, ctx);
    case 'post-commit':
      return (await import('./post-commit.js')).runPostCommit({}, ctx);
    case 'pre-push': {
      // git's stdin line for the pushed ref, from the framework's variables.
      const refs = `${env.PRE_COMMIT_LOCAL_BRANCH ?? ''} ${env.PRE_COMMIT_TO_REF ?? ''} ${env.PRE_COMMIT_REMOTE_BRANCH ?? ''} ${env.PRE_COMMIT_FROM_REF ?? ''}\n`;
      return (await import('./pre-push.js')).runPrePush({ remote: env.PRE_COMMIT_REMOTE_NAME, url: env.PRE_COMMIT_REMOTE_URL, refs }, ctx);
    }
    case 'post-rewrite':
      return (await import('./post-rewrite.js')).runPostRewrite({ command: env.PRE_COMMIT_REWRITE_COMMAND, input: '' }, ctx);
    case 'post-merge':
      return (await import('./post-rewrite.js')).runPostMerge({ squash: env.PRE_COMMIT_IS_SQUASH_MERGE }, ctx);
    default:
      throw new UsageError(installMessages.hookUnknown(options.name));
  }
}
