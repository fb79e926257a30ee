import type { CommandContext, CommandOutcome } from '../context.js';

// PLACEHOLDER until the session-id issue: lets every push through.
export async function runPrePush(_options: Record<string, unknown>, _ctx: CommandContext): Promise<CommandOutcome> {
  return { exitCode: 0, result: {} };
}
