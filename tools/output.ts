import pc from 'picocolors';

/** Where a command writes: results to `out` (stdout), diagnostics to `err` (stderr). Injected so tests capture. */
export interface Logger {
  out(text: string): void;
  err(text: string): void;
  /** Progress lines on stderr, suppressed under --json and --quiet. */
  step(text: string): void;
  readonly color: boolean;
  readonly interactive: boolean;
}

export interface LoggerOptions {
  color?: boolean;
  interactive?: boolean;
  quiet?: boolean;
}

export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

export function createConsoleLogger(options: LoggerOptions = {}): Logger {
  const color = options.color ?? useColor(process.stdout, process.env);
  const interactive = options.interactive ?? (process.stdin.isTTY === true && process.stdout.isTTY === true);
  return {
    color,
    interactive,
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    step: (text) => {
      if (!options.quiet) process.stderr.write(`${color ? pc.dim('▸') : '>'} ${text}\n`);
    },
  };
}

export interface Paint {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
}

/** Colour functions that are identity when colour is off, so formatters stay pure. */
export function createPaint(color: boolean): Paint {
  const c = pc.createColors(color);
  return { bold: c.bold, dim: c.dim, red: c.red, yellow: c.yellow, green: c.green, cyan: c.cyan };
}
