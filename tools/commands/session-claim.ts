import type { CommandContext, CommandOutcome } from '../context.js';
import { sessionMessages } from '../messages/session.js';
import { openRepo } from '../io/repo.js';
import { claimSessionId } from '../io/session-claim.js';
import { resolveOperator } from '../io/whoami.js';

export interface SessionClaimOptions {
  operator?: string;
  date?: string;
  json?: boolean;
}

export interface SessionClaimResult {
  id: string;
  path: string;
  operator: string;
}

export async function runSessionClaim(options: SessionClaimOptions, ctx: CommandContext): Promise<CommandOutcome<SessionClaimResult>> {
  const repo = openRepo(ctx.cwd);
  const operator = await resolveOperator(repo.root, options.operator === undefined ? {} : { operator: options.operator }, ctx.env);
  const claim = await claimSessionId(repo.root, repo.config, {
    operator,
    ...(options.date === undefined ? {} : { date: options.date }),
    now: ctx.now(),
    env: ctx.env,
  });
  for (const warning of claim.warnings) ctx.logger.err(warning);
  const result = { id: claim.id, path: claim.path, operator: claim.operator };
  if (options.json) ctx.logger.out(JSON.stringify(result, null, 2));
  else ctx.logger.out(sessionMessages.claim.claimed(claim.id, claim.path));
  return { exitCode: 0, result };
}
