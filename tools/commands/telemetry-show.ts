import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { invariantServers } from '../core/config.js';
import { formatTelemetryState } from '../core/format-telemetry.js';
import type { TelemetryState } from '../core/telemetry.js';
import { UserError } from '../errors.js';
import { openRepo } from '../io/repo.js';
import { findTelemetryState } from '../io/telemetry.js';
import { telemetryMessages as m } from '../messages/telemetry.js';
import { createPaint } from '../output.js';
import { toPosix } from '../io/fs.js';

export interface TelemetryShowOptions {
  sessionId?: string;
  json?: boolean;
}

/** Print a session's telemetry state: `--session-id`, else `$CLAUDE_SESSION_ID`, else the newest one. */
export async function runTelemetryShow(options: TelemetryShowOptions, ctx: CommandContext): Promise<CommandOutcome<TelemetryState>> {
  const repo = openRepo(ctx.cwd);
  const sessionId = options.sessionId ?? (ctx.env.CLAUDE_CODE_SESSION_ID?.trim() || ctx.env.CLAUDE_SESSION_ID?.trim() || undefined);
  const found = findTelemetryState(repo.root, sessionId, ctx.now());
  if (found === null) {
    throw sessionId === undefined
      ? new UserError(m.show.none, { hint: m.show.noneHint })
      : new UserError(m.show.noSession(sessionId), { hint: m.show.noSessionHint });
  }
  const file = toPosix(path.relative(repo.root, found.file));
  if (options.json) ctx.logger.out(JSON.stringify(found.state, null, 2));
  else {
    const paint = createPaint(ctx.logger.color);
    ctx.logger.out(formatTelemetryState(found.state, { paint, file, forbiddenMcp: invariantServers(repo.config.invariant) }));
  }
  return { exitCode: 0, result: found.state };
}
