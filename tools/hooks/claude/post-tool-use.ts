// The PostToolUse hook (docs/contract.md §5): count one tool call into the session's telemetry state.
// Claude Code runs it after every tool call, synchronously, often several at once; so it imports only
// Node built-ins (it ships as the standalone bundle .claude/hooks/post-tool-use.mjs), does everything
// synchronously, and never fails: exit 0, problems go to .claude/state/hook-errors.log; stdout carries only a
// notice a command left for the user (io/user-notice.ts).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseHookInput, planToolEvent, resolveSessionId } from '../../core/telemetry.js';
import { takeUserNotice } from '../../io/user-notice.js';
import { appendHookError, appendToolEvent, foldTelemetryState, observeStateDir, telemetryStateDir, telemetryStateFile } from '../../io/telemetry.js';
import { telemetryMessages as m } from '../../messages/telemetry.js';
import type { HookContext } from './context.js';

/** Tool responses can be large (a Read of a big file); beyond this the call is not worth parsing. */
export const STDIN_LIMIT_BYTES = 32 * 1024 * 1024;

export interface HookRun {
  stdin: string;
  stdinTruncated?: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  ppid: number;
  now: () => Date;
  /** Where a problem goes when the log file cannot be written. */
  stderr: (text: string) => void;
}

export interface HookOutcome {
  counted: boolean;
  root: string;
  sessionId: string | null;
  problems: string[];
}

/** The nearest directory at or above `dir` that holds `.git`, else `dir` itself. */
function findRoot(dir: string): string {
  for (let current = dir; ;) {
    if (existsSync(path.join(current, '.git'))) return current;
    const parent = path.dirname(current);
    if (parent === current) return dir;
    current = parent;
  }
}

/** `$CLAUDE_PROJECT_DIR` (what Claude Code sets for hooks), else the repository around the agent's cwd. */
function resolveRoot(env: NodeJS.ProcessEnv, stdinCwd: string | null, cwd: string): string {
  const project = env.CLAUDE_PROJECT_DIR;
  if (project !== undefined && project.trim() !== '') return path.resolve(cwd, project);
  return findRoot(path.resolve(cwd, stdinCwd ?? '.'));
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Count one call. Never throws: every problem is logged and returned. */
export function recordToolCall(run: HookRun): HookOutcome {
  const problems: string[] = [];
  const now = run.now();
  const nowIso = now.toISOString();
  const parsed = run.stdinTruncated ? ({ ok: false, problem: m.hook.tooLarge(STDIN_LIMIT_BYTES), sessionId: null } as const) : parseHookInput(run.stdin);
  const stdinCwd = parsed.ok ? parsed.input.cwd : null;
  const root = resolveRoot(run.env, stdinCwd, run.cwd);
  const sessionId = resolveSessionId(parsed.ok ? parsed.input.sessionId : parsed.sessionId, run.env.CLAUDE_SESSION_ID, run.ppid);
  const log = (message: string) => {
    problems.push(message);
    try {
      appendHookError(root, `${nowIso} session ${JSON.stringify(sessionId)}: ${message}`);
    } catch (error) {
      // Nowhere left to write (the state folder itself is unusable): stderr, which Claude Code
      // does not show the agent on exit 0.
      try {
        run.stderr(`${m.hook.noLog(`${message} ${reasonOf(error)}`)}\n`);
      } catch {
        // stderr closed too; nothing more can be done without failing the agent.
      }
    }
  };

  if (!parsed.ok) {
    log(m.hook.notCounted(parsed.problem));
    return { counted: false, root, sessionId, problems };
  }
  let counted = false;
  try {
    const { input } = parsed;
    const cwd = path.resolve(run.cwd, input.cwd ?? root);
    mkdirSync(telemetryStateDir(root), { recursive: true });
    const { siblings } = observeStateDir(root, sessionId, now.getTime());
    appendToolEvent(root, sessionId, planToolEvent(input, { now: nowIso, root, cwd, siblings }));
    counted = true;
    const fold = foldTelemetryState(root, sessionId, nowIso);
    const file = path.relative(root, telemetryStateFile(root, sessionId));
    if (fold?.corruptMovedTo) log(m.hook.corrupt(file, path.relative(root, fold.corruptMovedTo)));
    if (fold?.restarted) log(m.hook.journalShrank(file));
    if (fold?.skipped) log(m.hook.tornLines(fold.skipped));
  } catch (error) {
    log(counted ? m.hook.foldFailed(reasonOf(error)) : m.hook.failed(reasonOf(error)));
  }
  return { counted, root, sessionId, problems };
}

/**
 * The PostToolUse hook: count the call and show a notice a command left for the user. Synchronous,
 * so nothing waits on the event loop; the bundle (tools/bin/hook-post-tool-use.ts) and `canon hook
 * post-tool-use` both run it with the process's context.
 */
export function runPostToolUseHook(ctx: HookContext): void {
  if (ctx.env.CANON_HOOKS === '0') return;
  let stdin = '';
  let stdinTruncated = false;
  try {
    ({ text: stdin, truncated: stdinTruncated } = ctx.readStdin(STDIN_LIMIT_BYTES));
  } catch {
    // An unreadable stdin is treated like an empty one: logged below as "stdin was empty".
  }
  const outcome = recordToolCall({ stdin, stdinTruncated, env: ctx.env, cwd: ctx.cwd, ppid: ctx.ppid, now: ctx.now, stderr: ctx.stderr });
  showUserNotice(outcome, ctx);
}

/**
 * A notice a command of this session left for the user (`canon handoff`'s WARNING or refusal),
 * printed as the hook's systemMessage: Claude Code shows it on the user's screen. One rename when
 * there is none; never fails the agent.
 */
function showUserNotice(outcome: HookOutcome, ctx: HookContext): void {
  try {
    const notice = outcome.sessionId === null ? null : takeUserNotice(outcome.root, outcome.sessionId);
    if (notice) ctx.stdout(`${JSON.stringify({ systemMessage: notice })}\n`);
  } catch {
    // An unreadable notice or a closed stdout: the model still has the command's own output.
  }
}
