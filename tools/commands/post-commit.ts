import type { CommandContext, CommandOutcome } from '../context.js';
import { errorMessage } from '../errors.js';
import { openRepo } from '../io/repo.js';
import { refreshResumeCache } from '../io/resume-cache.js';
import { recordSessionCommit } from '../io/session-commits-log.js';
import { givenSessionId } from '../io/session-resolve.js';
import { applyIndexFixups } from '../io/staged.js';
import { resumeMessages } from '../messages/resume.js';
import { roadsMessages } from '../messages/roads.js';
import { checkCherryPick } from './post-rewrite.js';

/**
 * Runs after every commit. It records the commit against the Claude Code session whose Bash call
 * made it ($CLAUDE_CODE_SESSION_ID), puts the pre-commit hook's normalised blobs into the real index
 * after a `git commit <paths>`, checks the notes a cherry-pick committed (ADR-0024), and may refresh
 * local derived state under .claude/state/ only: editing a
 * tracked file here would leave the tree dirty after every commit (docs/contract.md §14). The commit has already
 * happened, so nothing here may fail it: problems become one line on stderr and exit 0.
 */
export async function runPostCommit(_options: Record<string, unknown>, ctx: CommandContext): Promise<CommandOutcome<{ resumeCache: boolean }>> {
  if (ctx.env.CANON_HOOKS === '0') return { exitCode: 0, result: { resumeCache: false } };
  try {
    const { root, config } = openRepo(ctx.cwd);
    const session = givenSessionId(ctx.env.CLAUDE_CODE_SESSION_ID);
    if (session !== null) await recordSessionCommit(root, session, ctx.env);
    await applyIndexFixups(root, ctx.env);
    await checkCherryPick(ctx).catch((error: unknown) => ctx.logger.err(roadsMessages.checkFailed(errorMessage(error))));
    // Only an existing cache is refreshed: someone who never runs resume pays nothing per commit.
    const resumeCache = await refreshResumeCache(root, config, ctx.now().getTime());
    return { exitCode: 0, result: { resumeCache } };
  } catch (error) {
    ctx.logger.err(resumeMessages.cacheRefreshFailed(errorMessage(error)));
    return { exitCode: 0, result: { resumeCache: false } };
  }
}
