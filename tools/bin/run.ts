// What every way into canon's commands shares: the context a command runs in, and the one place
// that maps an error to its message and exit code.
import type { CommandContext } from '../context.js';
import { inertText } from '../core/inert-text.js';
import { errorMessage, ExitCode, UserError } from '../errors.js';
import { fstatSync } from 'node:fs';
import { writeFdSync } from '../io/fd-write.js';
import { createConsoleLogger, useColor, type Logger } from '../output.js';

export function context(global: { cwd?: string }, quiet: boolean): CommandContext {
  return {
    cwd: global.cwd ?? process.cwd(),
    env: process.env,
    now: () => new Date(),
    logger: createConsoleLogger({ quiet }),
  };
}

/**
 * The warm resume's context: its logger writes to fds 1 and 2 directly (io/fd-write.ts), so a run that
 * prints a snapshot never loads node's streams; only a terminal check that the environment does not
 * settle (NO_COLOR, FORCE_COLOR) asks process.stdout, and only when fd 1 is a character device.
 */
export function directContext(quiet: boolean): CommandContext {
  const write = (fd: 1 | 2, text: string) => {
    // The reader has gone (`canon resume | head`): not an error, and nothing more to say.
    if (!writeFdSync(fd, text.endsWith('\n') ? text : `${text}\n`)) process.exit(process.exitCode ?? 0);
  };
  const color = useColor(
    {
      get isTTY() {
        return fstatSync(1).isCharacterDevice() && process.stdout.isTTY === true;
      },
    },
    process.env,
  );
  const logger: Logger = {
    color,
    get interactive() {
      return process.stdin.isTTY === true && process.stdout.isTTY === true;
    },
    out: (text) => write(1, text),
    err: (text) => write(2, text),
    step: (text) => {
      if (!quiet) write(2, `> ${text}`);
    },
  };
  return { cwd: process.cwd(), env: process.env, now: () => new Date(), logger };
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
