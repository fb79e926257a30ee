// The one place a Claude Code hook's context is built from the process (stdin, environment, streams).
import type { HookContext } from '../hooks/context.js';
import { readStdinSync } from '../io/stdin.js';

export function processHookContext(): HookContext {
  return {
    readStdin: (limitBytes) => readStdinSync(limitBytes),
    env: process.env,
    cwd: process.cwd(),
    ppid: process.ppid,
    now: () => new Date(),
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
  };
}
