import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../../context.js';
import { INDEX_FIXUPS, POST_COMMIT_RESUME } from '../../core/hook-blocks.js';
import { errorMessage } from '../../errors.js';
import { findRepoRoot, readConfig } from '../../io/repo.js';
import { recordSessionCommit } from '../../io/session-commits-log.js';
import { givenSessionId } from '../../io/session-resolve.js';
import { gitDir } from '../../io/dot-git.js';
import { resumeMessages } from '../../messages/resume.js';
import { roadsMessages } from '../../messages/roads.js';

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
    // The config (and its schema) is read only for a resume cache to refresh: most commits need neither.
    const root = findRepoRoot(ctx.cwd);
    const session = givenSessionId(ctx.env.CLAUDE_CODE_SESSION_ID);
    if (session !== null) await recordSessionCommit(root, session, ctx.env);
    // Each step loads its code only when it has work: most commits need none of it.
    const dir = await gitDir(root);
    if (existsSync(path.join(dir, INDEX_FIXUPS))) await (await import('../../io/staged.js')).applyIndexFixups(root, ctx.env);
    if (existsSync(path.join(dir, 'CHERRY_PICK_HEAD'))) {
      const { checkCherryPick } = await import('./post-rewrite.js');
      await checkCherryPick(ctx).catch((error: unknown) => ctx.logger.err(roadsMessages.checkFailed(errorMessage(error))));
    }
    // Only an existing cache is refreshed: someone who never runs resume pays nothing per commit. A
    // handoff's commit leaves it to the cache's next reader (CANON_POST_COMMIT_RESUME=0, ADR-0042).
    if (ctx.env[POST_COMMIT_RESUME] === '0') return { exitCode: 0, result: { resumeCache: false } };
    const { refreshResumeCache } = await import('../../io/resume-cache.js');
    const resumeCache = await refreshResumeCache(root, () => readConfig(root), ctx.now().getTime());
    return { exitCode: 0, result: { resumeCache } };
  } catch (error) {
    ctx.logger.err(resumeMessages.cacheRefreshFailed(errorMessage(error)));
    return { exitCode: 0, result: { resumeCache: false } };
  }
}
