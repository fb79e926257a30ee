// What every way into canon's commands shares: the context a command runs in, and the one place
// that maps an error to its message and exit code.
import type { CommandContext } from '../context.js';
import { inertText } from '../core/inert-text.js';
import { errorMessage, ExitCode, UserError } from '../errors.js';
import { createConsoleLogger } from '../output.js';

export function context(global: { cwd?: string }, quiet: boolean): CommandContext {
  return {
    cwd: global.cwd ?? process.cwd(),
    env: process.env,
    now: () => new Date(),
    logger: createConsoleLogger({ quiet }),
  };
}

export function report(error: unknown, ctx: CommandContext, debug: boolean): number {
  // Messages quote what the user gave (a title, a path): shown, never run by the terminal (ADR-0023).
  if (error instanceof UserError) {
    ctx.logger.err(`canon: ${inertText(error.message)}`);
    if (error.hint) ctx.logger.err(inertText(error.hint));
    if (debug && error.stack) ctx.logger.err(error.stack);
    return error.exitCode;
  }
  ctx.logger.err(`canon: internal error: ${inertText(errorMessage(error))}`);
  if (debug && error instanceof Error && error.stack) ctx.logger.err(error.stack);
  else ctx.logger.err('Run again with --debug for the stack trace, and report it.');
  return ExitCode.failed;
}
