// The SessionStart and SessionEnd hooks (ADR-0008), one standalone bundle
// (.claude/hooks/session.mjs) that dispatches on `hook_event_name`. Like the PostToolUse hook it
// imports only Node built-ins and never fails the session: every problem goes to
// .claude/state/hook-errors.log and the process exits 0.
//
// SessionStart: a journal line marks when the session started and where its transcript is; then the
// model gets a compact resume context on stdout (hookSpecificOutput.additionalContext), read from
// the operator cache and the resume cache. When either cache cannot answer, canon's CLI computes it
// once (`canon resume --json`, which also warms both caches for next time).
// SessionEnd: `session-<id>.ended` marks the session no longer live (parallel terminals, unfinished).
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { decodeCache, cachedFacts, RESUME_CACHE_FILE } from '../../core/resume-cache-codec.js';
import { parseNoteFast } from '../../core/resume-facts.js';
import { buildResumeView, extractResumePrompt, localDate, selectOwnSessions, type ResumeView } from '../../core/resume-view.js';
import { RUNNER_REL } from '../../core/hook-blocks.js';
import { renderSessionStartContext } from '../../core/session-context.js';
import { resolveSessionId } from '../../core/telemetry.js';
import { readGitDirs } from '../../io/dot-git.js';
import { execGitSync } from '../../io/git.js';
import { cachedOperator } from '../../io/operator-cache.js';
import { readFoldersUnchecked, readResumeSnapshot } from '../../io/resume-snapshot.js';
import {
  appendHookError,
  foldTelemetryState,
  listUnfinishedSessions,
  recordSessionEnd,
  recordSessionStart,
  takeClearedSession,
  telemetryJournalFile,
} from '../../io/telemetry.js';
import { claudeMessages as m } from '../../messages/claude.js';
import type { HookContext } from './context.js';

const STDIN_LIMIT_BYTES = 1024 * 1024;
const DEFAULT_MAX_CHARS = 2000;
/** The cold path runs canon's CLI once; SessionStart's registered timeout is 10 s. */
const COLD_TIMEOUT_MS = 8000;

export interface SessionHookRun {
  stdin: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  ppid: number;
  now: () => Date;
}

export interface SessionHookOutcome {
  event: string | null;
  root: string;
  sessionId: string;
  /** What the hook printed on stdout (SessionStart's context JSON), or ''. */
  stdout: string;
  problems: string[];
  /** Where the context came from: the caches, canon's CLI, or nowhere. */
  contextFrom: 'cache' | 'cli' | null;
}

interface SessionInput {
  sessionId: string | null;
  event: string | null;
  source: string | null;
  /** SessionEnd's `reason`: clear, logout, prompt_input_exit, other. */
  reason: string | null;
  transcript: string | null;
  cwd: string | null;
}

function text(value: unknown, max = 4096): string | null {
  return typeof value === 'string' && value.trim() !== '' && value.length <= max ? value.trim() : null;
}

function parseSessionInput(stdin: string): SessionInput | null {
  try {
    const raw = JSON.parse(stdin) as Record<string, unknown>;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
    return {
      sessionId: text(raw.session_id, 512),
      event: text(raw.hook_event_name, 64),
      source: text(raw.source, 64),
      reason: text(raw.reason, 64),
      transcript: text(raw.transcript_path),
      cwd: text(raw.cwd),
    };
  } catch {
    return null;
  }
}

function findRoot(dir: string): string {
  for (let current = dir; ;) {
    if (existsSync(path.join(current, '.git'))) return current;
    const parent = path.dirname(current);
    if (parent === current) return dir;
    current = parent;
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `claude.session_start_max_chars` from canon.config.json, read without the validator. */
function readMaxChars(root: string): number {
  try {
    const value = (JSON.parse(readFileSync(path.join(root, 'canon.config.json'), 'utf8')) as { claude?: { session_start_max_chars?: unknown } }).claude
      ?.session_start_max_chars;
    return typeof value === 'number' && Number.isInteger(value) && value >= 200 ? value : DEFAULT_MAX_CHARS;
  } catch {
    return DEFAULT_MAX_CHARS;
  }
}

function sessionsFolder(root: string): string {
  return readFoldersUnchecked(root).folders.session.replace(/^\/+|\/+$/g, '');
}

/**
 * The resume view from the caches alone, or null when they cannot answer (no cached operator for
 * these inputs, no resume cache, or notes added or removed since it was written).
 */
async function viewFromCaches(root: string, env: NodeJS.ProcessEnv, now: Date): Promise<ResumeView | null> {
  const operator = await cachedOperator(root, {}, env);
  if (operator === null) return null;
  // The dashboard `canon resume` left, while nothing it was computed from has changed: exact and small.
  const snapshot = readResumeSnapshot({ root, config: readFoldersUnchecked(root), operator: operator.slug, limit: 5, today: localDate(now), env });
  if (snapshot !== null) return snapshot.view;
  const cacheFile = path.join(root, RESUME_CACHE_FILE);
  let cacheText: string;
  let cacheMtime: number;
  try {
    cacheMtime = statSync(cacheFile).mtimeMs;
    cacheText = readFileSync(cacheFile, 'utf8');
  } catch {
    return null;
  }
  // A note added or removed (a pull, a handoff elsewhere) changes its folder's mtime.
  try {
    if (statSync(path.join(root, sessionsFolder(root))).mtimeMs > cacheMtime) return null;
  } catch {
    return null;
  }
  const cached = decodeCache(cacheText);
  if (cached === null) return null;
  const { sessions, workstreams } = cachedFacts(cached);
  const own = selectOwnSessions(sessions, operator);
  let last = null;
  if (own[0]) {
    const s = own[0];
    let parts = null;
    try {
      parts = parseNoteFast(readFileSync(path.join(root, s.path), 'utf8'));
    } catch {
      return null;
    }
    if (parts === null) return null; // not the simple shape canon writes: the CLI reads it
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    last = {
      id: s.id,
      date: str(parts.data.date),
      title: str(parts.data.title),
      summary: str(parts.data.summary),
      resume_prompt: extractResumePrompt(parts.body),
      path: s.path,
    };
  }
  return buildResumeView({ operator, own, last, sessions, workstreams, today: localDate(now), limit: 5 });
}

/** canon's CLI next to this repository: node_modules/.bin/canon (a store), the link a repository with no package.json has (ADR-0031), or dist/canon.js (canon itself). */
/**
 * How to start canon's CLI from the hook: the installed package's file (npm, pnpm, bun, yarn's
 * node-modules linker), the pre-commit framework's link (ADR-0031), canon's own checkout — else the
 * clone's runner, which also reaches canon under yarn's Plug'n'Play (ADR-0029). Only the cold path
 * (no cache, no snapshot) comes here.
 */
function findCanonCommand(root: string): [string, string[]] | null {
  for (const rel of ['node_modules/canon-notes/dist/canon.js', '.canon/canon-notes/dist/canon.js', 'dist/canon.js']) {
    const file = path.join(root, rel);
    if (existsSync(file)) return [process.execPath, [file]];
  }
  // The common git dir read from `.git` (io/dot-git.ts), else as git answers it (GIT_DIR and the like set).
  let common = readGitDirs(root)?.commonDir ?? null;
  if (common === null) {
    const asked = execGitSync(['rev-parse', '--git-common-dir'], { cwd: root });
    common = asked.code === 0 ? path.resolve(root, asked.stdout.trim()) : null;
  }
  const runner = common !== null ? path.join(common, RUNNER_REL) : null;
  return runner !== null && existsSync(runner) ? ['sh', [runner]] : null;
}

function viewFromCli(root: string, env: NodeJS.ProcessEnv): ResumeView {
  const command = findCanonCommand(root);
  if (command === null) throw new Error('canon is not installed in this repository (no node_modules/canon-notes, no .git/canon/run)');
  const [program, args] = command;
  // node:child_process is loaded only here, on the cold path: the warm one never starts a process.
  const { spawnSync } = process.getBuiltinModule('node:child_process');
  const run = spawnSync(program, [...args, 'resume', '--json'], { cwd: root, env: { ...env, NO_COLOR: '1' }, encoding: 'utf8', timeout: COLD_TIMEOUT_MS });
  if (run.status !== 0) throw new Error((run.stderr || `canon resume exited ${run.status ?? run.signal}`).trim().split('\n')[0]!);
  return JSON.parse(run.stdout) as ResumeView;
}

export async function runSessionHook(run: SessionHookRun): Promise<SessionHookOutcome> {
  const now = run.now();
  const nowIso = now.toISOString();
  const input = parseSessionInput(run.stdin);
  const project = run.env.CLAUDE_PROJECT_DIR;
  const root = project !== undefined && project.trim() !== '' ? path.resolve(run.cwd, project) : findRoot(path.resolve(run.cwd, input?.cwd ?? '.'));
  const sessionId = resolveSessionId(input?.sessionId ?? null, run.env.CLAUDE_CODE_SESSION_ID ?? run.env.CLAUDE_SESSION_ID, run.ppid);
  const outcome: SessionHookOutcome = { event: input?.event ?? null, root, sessionId, stdout: '', problems: [], contextFrom: null };
  const log = (message: string) => {
    outcome.problems.push(message);
    try {
      appendHookError(root, `${nowIso} session ${JSON.stringify(sessionId)}: ${message}`);
    } catch {
      // Nowhere to write; never fail the session for it.
    }
  };
  if (input === null) {
    log('session hook: stdin is not a JSON object; nothing recorded.');
    return outcome;
  }
  if (input.event === 'SessionEnd') {
    try {
      recordSessionEnd(root, sessionId, nowIso, { cwd: input.cwd ?? root, cleared: input.reason === 'clear' });
      // A session that already handed off has no journal left: nothing to fold, no empty state to leave.
      if (existsSync(telemetryJournalFile(root, sessionId))) foldTelemetryState(root, sessionId, nowIso);
    } catch (error) {
      log(m.hook.endFailed(reasonOf(error)));
    }
    return outcome;
  }
  if (input.event !== 'SessionStart') return outcome;
  try {
    // `/clear` ends one session and starts another in the same breath: the new one names the old.
    const replaces = input.source === 'clear' ? takeClearedSession(root, sessionId, now.getTime()) : null;
    recordSessionStart(root, sessionId, {
      at: nowIso,
      mark: 'start',
      source: input.source,
      transcript: input.transcript,
      cwd: input.cwd ?? root,
      ...(replaces ? { replaces } : {}),
    });
  } catch (error) {
    log(`SessionStart: could not record the session start (${reasonOf(error)}).`);
  }
  try {
    let view = await viewFromCaches(root, run.env, now);
    outcome.contextFrom = 'cache';
    if (view === null) {
      view = viewFromCli(root, run.env);
      outcome.contextFrom = 'cli';
    }
    const unfinished = listUnfinishedSessions(root, now).filter((s) => s.stem !== sessionId);
    const context = renderSessionStartContext(
      view,
      { sessions: unfinished.length, tool_calls: unfinished.reduce((n, s) => n + s.tool_calls, 0) },
      readMaxChars(root),
    );
    outcome.stdout = `${JSON.stringify({ hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: context } })}\n`;
  } catch (error) {
    outcome.contextFrom = null;
    log(m.hook.contextFailed(reasonOf(error)));
  }
  return outcome;
}

/** The SessionStart/SessionEnd hook with its host's context (the bundle and `canon hook session` pass the process's). */
export async function runSessionHookMain(ctx: HookContext): Promise<void> {
  if (ctx.env.CANON_HOOKS === '0') return;
  let stdin = '';
  try {
    stdin = ctx.readStdin(STDIN_LIMIT_BYTES).text;
  } catch {
    // treated as garbage below
  }
  const outcome = await runSessionHook({ stdin, env: ctx.env, cwd: ctx.cwd, ppid: ctx.ppid, now: ctx.now });
  if (outcome.stdout !== '') {
    try {
      ctx.stdout(outcome.stdout);
    } catch {
      // a closed stdout is not the session's problem
    }
  }
}
