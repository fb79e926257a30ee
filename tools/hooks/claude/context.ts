// What a Claude Code hook gets from its host: the process's stdin, environment and streams. Only
// tools/bin builds one from `process` (tools/bin/hook-context.ts); the hooks themselves, like the
// commands, take it as an argument, so a test or another host can pass its own.

export interface HookContext {
  /** All of stdin up to `limitBytes` (`truncated` when there was more), read when the hook asks. */
  readStdin: (limitBytes: number) => { text: string; truncated: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  ppid: number;
  now: () => Date;
  /** What Claude Code reads from the hook (a JSON line). */
  stdout: (text: string) => void;
  /** Claude Code does not show the agent a hook's stderr on exit 0: a last resort for problems. */
  stderr: (text: string) => void;
}
