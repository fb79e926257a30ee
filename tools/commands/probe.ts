import type { CommandContext, CommandOutcome } from '../context.js';
import { getValidators } from '../io/schemas.js';

/**
 * `canon probe` (hidden): what canon's git hooks load before they read a note — the CLI, its
 * schemas and the validators with their dependencies (ajv) — loaded once, quietly. `canon doctor`
 * runs it through the clone's runner the way git starts a hook: an installation that answers
 * `--version` but cannot reach ajv (yarn's Plug'n'Play without its runtime) refuses every commit.
 */
export async function runProbe(_options: Record<string, never>, _ctx: CommandContext): Promise<CommandOutcome<null>> {
  getValidators();
  return { exitCode: 0, result: null };
}
