import type { CommandContext, CommandOutcome } from '../context.js';
import { errorMessage, UsageError, UserError } from '../errors.js';
import { findRepoRoot } from '../io/repo.js';
import { writeUserNotice } from '../io/user-notice.js';
import { noticeMessages as m } from '../messages/claude.js';
import type { Logger } from '../output.js';
import { runHandoff, type HandoffOptions, type HandoffResult } from './handoff.js';

/** The invariant's warning (messages/handoff.ts `warn.invariant`): the one warning the user must see. */
const INVARIANT_WARNING = /^WARNING: /;
const ANSI = /\x1b\[[0-9;]*m/g;
/** Enough of stderr to say what went wrong; the model has all of it. */
const MAX_LINES = 8;

/**
 * `canon handoff` run for a Claude Code session (`--session-id`, as /canon:handoff calls it): what
 * the user must see — the Notion-silent WARNING, a refusal (exit 2), a note left uncommitted
 * (exit 1) — is also left as the session's notice, which the PostToolUse hook shows the user
 * (ADR-0028). The outcome and the error are passed on unchanged.
 */
export async function runHandoffWithNotice(options: HandoffOptions, ctx: CommandContext): Promise<CommandOutcome<HandoffResult>> {
  const sessionId = options.sessionId ?? null;
  if (sessionId === null) return runHandoff(options, ctx);
  const errLines: string[] = [];
  const logger: Logger = {
    out: (text) => ctx.logger.out(text),
    err: (text) => {
      errLines.push(text.replace(ANSI, ''));
      ctx.logger.err(text);
    },
    step: (text) => ctx.logger.step(text),
    color: ctx.logger.color,
    interactive: ctx.logger.interactive,
  };
  const leave = (text: string) => {
    try {
      writeUserNotice(findRepoRoot(ctx.cwd), sessionId, text);
    } catch {
      // Outside a repository, or .claude/state/ unwritable: the model still has the output.
    }
  };
  const detail = (extra: string[] = []) =>
    [...errLines.filter((l) => !INVARIANT_WARNING.test(l)), ...extra]
      .filter((l) => l.trim() !== '')
      .slice(-MAX_LINES)
      .join('\n');
  try {
    const outcome = await runHandoff(options, { ...ctx, logger });
    const notices = outcome.result.warnings.filter((w) => INVARIANT_WARNING.test(w));
    if (outcome.exitCode !== 0) notices.push(m.notCommitted(outcome.exitCode, detail()));
    if (notices.length > 0) leave(notices.join('\n'));
    return outcome;
  } catch (error) {
    if (error instanceof UserError) {
      const own = [errorMessage(error), ...(error.hint === undefined ? [] : [error.hint])];
      leave(error instanceof UsageError ? m.refused(error.exitCode, own.join('\n')) : m.failed(error.exitCode, detail(own)));
    } else leave(m.failed(1, detail([errorMessage(error)])));
    throw error;
  }
}
