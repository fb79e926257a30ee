import type { CommandContext, CommandOutcome } from '../context.js';

/**
 * Runs after every commit. It may refresh local derived state under .claude/state/ only: editing a
 * tracked file here would leave the tree dirty after every commit (SPEC §14).
 */
export async function runPostCommit(_options: Record<string, unknown>, _ctx: CommandContext): Promise<CommandOutcome> {
  return { exitCode: 0, result: {} };
}
