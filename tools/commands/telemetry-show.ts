import type { CommandContext, CommandOutcome } from '../context.js';
import { UserError } from '../errors.js';

// PLACEHOLDER: replaced by the issue that builds `canon telemetry-show`.
export async function runTelemetryShow(_options: Record<string, unknown>, _ctx: CommandContext): Promise<CommandOutcome> {
  throw new UserError('this command is not available yet');
}
