import type { Logger } from './output.js';

/** What a command gets from outside: time, environment and output come in here so tests can fix them. */
export interface CommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  logger: Logger;
}

/** A command's outcome: the bin sets the exit code, nothing else does. */
export interface CommandOutcome<T = unknown> {
  exitCode: 0 | 1 | 2;
  result: T;
}
