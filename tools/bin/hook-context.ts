// The one place a Claude Code hook's context is built from the process (stdin, environment, streams).
import type { HookContext } from '../hooks/claude/context.js';
import { writeFdSync } from '../io/fd-write.js';
import { readStdinSync } from '../io/stdin.js';

export function processHookContext(): HookContext {
  return {
    readStdin: (limitBytes) => readStdinSync(limitBytes),
    env: process.env,
    cwd: process.cwd(),
    ppid: process.ppid,
    now: () => new Date(),
    // Straight to fd 1 and 2: process.stdout would load node's stream machinery at start-up (ADR-0040).
    stdout: (text) => void writeFdSync(1, text),
    stderr: (text) => void writeFdSync(2, text),
  };
}
