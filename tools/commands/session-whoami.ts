import type { CommandContext, CommandOutcome } from '../context.js';
import { sessionMessages } from '../messages/session.js';
import { findRepoRoot } from '../io/repo.js';
import { resolveOperator, type ResolvedOperator } from '../io/whoami.js';

export interface SessionWhoamiOptions {
  email?: string;
  json?: boolean;
}

export async function runSessionWhoami(options: SessionWhoamiOptions, ctx: CommandContext): Promise<CommandOutcome<ResolvedOperator>> {
  // The root is enough: whoami reads no canon.config.json, which keeps a cached answer cheap.
  const root = findRepoRoot(ctx.cwd);
  const op = await resolveOperator(root, options.email === undefined ? {} : { email: options.email }, ctx.env);
  if (options.json) ctx.logger.out(JSON.stringify(op, null, 2));
  else ctx.logger.out(sessionMessages.whoami.line(op.slug, op.initials, op.name, op.email, sessionMessages.whoami.sourceLabel[op.source] ?? op.source));
  return { exitCode: 0, result: op };
}
