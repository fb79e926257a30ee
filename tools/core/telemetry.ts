// Pure telemetry model of the PostToolUse hook (docs/contract.md §5): parse the hook input, turn it into a
// journal event, fold events into a session's state, parse a state file back. No fs, clock or env: the hook passes them in.
// This module is bundled into the standalone hook, so it may import nothing but `node:path`.
import path from 'node:path';

/**
 * `.claude/state/session-<id>.json`: the shape of docs/contract.md §5 (handoff reads it), plus `journal_offset`,
 * how much of the session's journal it already holds (see io/telemetry.ts).
 */
export interface TelemetryState {
  session_id: string;
  started_at: string;
  updated_at: string;
  cwd: string;
  tool_calls_count: number;
  tool_calls_breakdown: Record<string, number>;
  tool_calls_breakdown_methods: Record<string, Record<string, number>>;
  subagents_dispatched: number;
  parallel_terminals_observed: number;
  files_touched: string[];
  /** Calls Claude Code reported to PostToolUseFailure (a non-zero exit, a missing file, an MCP error): counted above too. */
  failed_calls: number;
  /** When SessionStart ran (null when canon's SessionStart hook never saw this session). */
  session_started_at: string | null;
  /** Claude Code's transcript of the session, as the hook input named it (local state only, never in a note). */
  transcript_path: string | null;
  /** Journal lines folded so far (tool calls and session marks), so the first one sets `started_at`. */
  events_seen: number;
  journal_offset: number;
  /** Time spent working, in ms: gaps between events up to ACTIVE_GAP_MS, never across a close (SessionEnd). */
  active_ms: number;
  /** The latest event seen, and whether the session was closed (SessionEnd) after it. */
  last_event_at: string | null;
  closed: boolean;
  /** canon's own calls (the /handoff command's draft and Bash call): not the session's work, not counted above. */
  own_calls: number;
  /** The session this one replaced (`/clear` starts a new session id), from its SessionStart. */
  replaces: string | null;
}

/** One counted tool call, as one line of the session's journal `session-<id>.jsonl`. */
export interface ToolEvent {
  at: string;
  tool: string;
  /** The written file, repo-relative; null for tools that write none or files outside the repo. */
  file: string | null;
  /** Sibling sessions active within the hour when the call was made. */
  siblings: number;
  cwd: string;
  /** Reported to PostToolUseFailure: the call failed, but it was still made. Absent when it succeeded. */
  failed?: true;
  /** A call of canon's own /handoff (its draft under `.canon/`, its `canon handoff` Bash call). */
  own?: true;
}

/** A session boundary seen by the SessionStart or SessionEnd hook, as one journal line. */
export type SessionMark =
  | {
      at: string;
      mark: 'start';
      /** SessionStart's `source`: startup, resume, clear, compact. */
      source: string | null;
      transcript: string | null;
      cwd: string;
      /** With `source: clear`: the session `/clear` ended to start this one. */
      replaces?: string;
    }
  | { at: string; mark: 'end'; cwd: string };

export type JournalEvent = ToolEvent | SessionMark;

function isSessionMark(event: JournalEvent): event is SessionMark {
  return (event as SessionMark).mark !== undefined;
}

/** The fields of the hook input canon reads; everything else (tool_response above all) is ignored. */
export interface HookInput {
  sessionId: string | null;
  cwd: string | null;
  toolName: string;
  /** The file a writing tool wrote (counted in files_touched). */
  filePath: string | null;
  /** The file any tool named (`tool_input.file_path`): tells canon's own draft calls apart. */
  inputPath?: string | null;
  /** A Bash call's command, its start only. */
  command?: string | null;
  /** `hook_event_name` was PostToolUseFailure. */
  failed?: boolean;
}

export type HookInputResult = { ok: true; input: HookInput } | { ok: false; problem: string; sessionId: string | null };

/** Tools that dispatch a subagent (`Task` is the older name of `Agent`). */
const SUBAGENT_TOOLS: ReadonlySet<string> = new Set(['Agent', 'Task']);
/** Tools that write a file, and the tool_input field that names it. */
const FILE_TOOLS: ReadonlyMap<string, string> = new Map([
  ['Edit', 'file_path'],
  ['Write', 'file_path'],
  ['MultiEdit', 'file_path'],
  ['NotebookEdit', 'notebook_path'],
]);
/** A long session touches thousands of files; the note needs the gist, not an unbounded list. */
export const MAX_FILES_TOUCHED = 200;
/** A pause longer than this between two calls is time away, not work: active time counts this much of it. */
const ACTIVE_GAP_MS = 15 * 60 * 1000;
/** Where /handoff drafts its note: calls on files here are canon's, not the session's work. */
const DRAFT_FOLDER = '.canon/';
/**
 * The Bash calls canon's /handoff command makes (`npm run handoff -- --from .canon/…`, `canon
 * handoff --from .canon/…`, `canon session commits`, in any of the ways canon documents them).
 */
const OWN_COMMAND =
  /^\s*(?:OPERATOR=\S+\s+)?(?:npm\s+run\s+(?:--silent\s+)?(?:handoff|canon)\b|npx\s+(?:--no-install\s+)?canon-notes\b|(?:\S*\/)?canon\b|node\s+\S*canon\.js\b)(?:(?!&&|\|\||;|\|).)*?(?:--from\s+\S*\.canon\/|\bsession\s+commits\b)(?:(?!&&|\|\||;|\|).)*$/;
const MAX_TOOL_NAME = 256;
const MAX_SESSION_ID = 512;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed.length > 0 && trimmed.length <= max && !/[\u0000-\u001f\u007f]/.test(trimmed) ? trimmed : null;
}

/**
 * Claude Code's PostToolUse hook input, one JSON object on stdin:
 *   {"session_id":"0b8c1f5e-…","transcript_path":"/home/r/.claude/projects/…/0b8c1f5e-….jsonl",
 *    "cwd":"/work/repo","permission_mode":"default","hook_event_name":"PostToolUse",
 *    "tool_name":"Edit","tool_input":{"file_path":"/work/repo/tools/x.ts","old_string":"a","new_string":"b"},
 *    "tool_response":{"filePath":"/work/repo/tools/x.ts","success":true}}
 * Pinned in __tests__/fixtures/hook/post-tool-use.json.
 */
export function parseHookInput(text: string): HookInputResult {
  if (text.trim() === '') return { ok: false, problem: 'stdin was empty', sessionId: null };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: `stdin is not JSON (${describeGarbage(text)})`, sessionId: null };
  }
  if (!isRecord(raw)) return { ok: false, problem: 'stdin is JSON but not an object', sessionId: null };
  const sessionId = nonEmptyString(raw.session_id, MAX_SESSION_ID);
  const toolName = nonEmptyString(raw.tool_name, MAX_TOOL_NAME);
  if (toolName === null) return { ok: false, problem: 'the hook input has no usable tool_name', sessionId };
  const field = FILE_TOOLS.get(toolName);
  const toolInput = isRecord(raw.tool_input) ? raw.tool_input : {};
  const filePath = field === undefined ? null : nonEmptyString(toolInput[field], 4096);
  const inputPath = nonEmptyString(toolInput.file_path, 4096);
  const command = toolName === 'Bash' && typeof toolInput.command === 'string' ? toolInput.command.slice(0, 1024) : null;
  const failed = raw.hook_event_name === 'PostToolUseFailure';
  return { ok: true, input: { sessionId, cwd: nonEmptyString(raw.cwd, 4096), toolName, filePath, inputPath, command, failed } };
}

function describeGarbage(text: string): string {
  const head = text.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');
  return `${text.length} characters starting "${head}"`;
}

/** 32-bit FNV-1a, hex: a stable short fingerprint without loading node:crypto into the hook. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * The file-name stem of a session id. Claude Code's ids are UUIDs and pass through unchanged; anything
 * else (`../../etc`, spaces, 2 KB of junk) is reduced to [A-Za-z0-9_-] and suffixed with a fingerprint
 * of the original, so it can never leave `.claude/state/` and two different ids never share a file.
 */
export function sanitizeSessionId(id: string): string {
  if (/^[A-Za-z0-9_-]{1,100}$/.test(id)) return id;
  return `${id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)}-${fingerprint(id)}`;
}

/** stdin `session_id`, else `$CLAUDE_SESSION_ID`, else the parent pid (one agent process = one session). */
export function resolveSessionId(fromStdin: string | null, fromEnv: string | undefined, ppid: number): string {
  return fromStdin ?? nonEmptyString(fromEnv, MAX_SESSION_ID) ?? `ppid-${ppid}`;
}

/**
 * The Notion-silent invariant as the hook applies it: `forbidden` holds server names or `*` globs
 * (case-insensitive); calls to any matching server count under `mcp__<counter>`.
 */
export interface InvariantRule {
  forbidden: readonly string[];
  counter: string;
}

export const DEFAULT_INVARIANT_RULE: InvariantRule = { forbidden: ['*notion*'], counter: 'notion_offplan' };

const globCache = new Map<string, RegExp>();

/** Does this MCP server name match one of the forbidden names or globs (case-insensitive)? */
export function isForbiddenServer(server: string, forbidden: readonly string[]): boolean {
  return forbidden.some((pattern) => {
    let re = globCache.get(pattern);
    if (re === undefined) {
      re = new RegExp(
        `^${pattern
          .split('*')
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
        'i',
      );
      globCache.set(pattern, re);
    }
    return re.test(server);
  });
}

/**
 * `mcp__notion_offplan__API-post-page` → key `mcp__notion_offplan`, method `API-post-page`. With a
 * rule, every forbidden server folds into `mcp__<counter>`, its method recorded as
 * `<server>__<method>` (the counter's own server keeps the bare method): `mcp__notion__notion-search`
 * → key `mcp__notion_offplan`, method `notion__notion-search`.
 */
export function canonicalToolKey(toolName: string, rule?: InvariantRule): { key: string; method: string | null } {
  const match = /^mcp__(.+?)__(.+)$/.exec(toolName);
  if (!match) return { key: toolName, method: null };
  const server = match[1]!;
  const method = match[2]!;
  if (rule !== undefined && server !== rule.counter && isForbiddenServer(server, rule.forbidden)) {
    return { key: `mcp__${rule.counter}`, method: `${server}__${method}` };
  }
  return { key: `mcp__${server}`, method };
}

/** Maps without a prototype: a tool named `__proto__` or `constructor` is just another key. */
function counterMap(): Record<string, number> {
  return Object.create(null) as Record<string, number>;
}

export function createTelemetryState(sessionId: string, cwd: string, now: string, forbiddenMcp: readonly string[]): TelemetryState {
  const breakdown = counterMap();
  // The Notion-silent invariant (docs/contract.md §7) needs the key present at 0, not merely absent.
  for (const server of forbiddenMcp) breakdown[`mcp__${server}`] = 0;
  return {
    session_id: sessionId,
    started_at: now,
    updated_at: now,
    cwd,
    tool_calls_count: 0,
    tool_calls_breakdown: breakdown,
    tool_calls_breakdown_methods: Object.create(null) as Record<string, Record<string, number>>,
    subagents_dispatched: 0,
    parallel_terminals_observed: 0,
    files_touched: [],
    failed_calls: 0,
    session_started_at: null,
    transcript_path: null,
    events_seen: 0,
    journal_offset: 0,
    active_ms: 0,
    last_event_at: null,
    closed: false,
    own_calls: 0,
    replaces: null,
  };
}

/**
 * A written file as a repository-relative POSIX path, or null when it lies outside the repository
 * (the note is about this repository; absolute paths would also leak home directories into git).
 */
export function repoRelativePath(root: string, cwd: string, filePath: string): string | null {
  const absolute = path.resolve(cwd, filePath);
  const rel = path.relative(root, absolute);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join('/');
}

export interface ToolCallContext {
  now: string;
  /** Repository root and the agent's working directory, to make file paths repo-relative. */
  root: string;
  cwd: string;
  /** Other sessions that recorded a call within the last hour, seen by this call. */
  siblings: number;
}

/** Whether a call is canon's own /handoff at work: its draft under `.canon/`, or its Bash command. */
export function isOwnCall(input: HookInput, root: string, cwd: string): boolean {
  const named = input.inputPath ?? input.filePath;
  if (named) {
    const rel = repoRelativePath(root, cwd, named);
    if (rel !== null && rel.startsWith(DRAFT_FOLDER)) return true;
  }
  return typeof input.command === 'string' && OWN_COMMAND.test(input.command);
}

/** The journal line of one call: everything the fold needs, nothing of the tool's input or output. */
export function planToolEvent(input: HookInput, ctx: ToolCallContext): ToolEvent {
  const file = input.filePath === null ? null : repoRelativePath(ctx.root, ctx.cwd, input.filePath);
  const event: ToolEvent = { at: ctx.now, tool: input.toolName, file, siblings: ctx.siblings, cwd: ctx.cwd };
  if (input.failed) event.failed = true;
  if (isOwnCall(input, ctx.root, ctx.cwd)) event.own = true;
  return event;
}

/** One line, written with one append: concurrent appends to a local file never interleave. */
export function serializeToolEvent(event: JournalEvent): string {
  return `${JSON.stringify(event)}\n`;
}

/**
 * Journal text → events. Only complete lines count (a line is complete once its newline is written);
 * `consumed` is how many bytes of `text` they span, so the rest is read again next time. Lines that
 * are not events (a torn write on a full disk) are skipped and counted in `skipped`.
 */
export function parseToolEvents(text: string): { events: JournalEvent[]; consumed: number; skipped: number } {
  const end = text.lastIndexOf('\n') + 1;
  const events: JournalEvent[] = [];
  let skipped = 0;
  for (const line of text.slice(0, end).split('\n')) {
    if (line === '') continue;
    const event = parseToolEvent(line);
    if (event === null) skipped++;
    else events.push(event);
  }
  return { events, consumed: Buffer.byteLength(text.slice(0, end), 'utf8'), skipped };
}

function parseToolEvent(line: string): JournalEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isRecord(raw) || typeof raw.at !== 'string' || typeof raw.cwd !== 'string') return null;
  if (raw.mark === 'start') {
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    const mark: SessionMark = { at: raw.at, mark: 'start', source: text(raw.source), transcript: text(raw.transcript), cwd: raw.cwd };
    const replaces = nonEmptyString(raw.replaces, MAX_SESSION_ID);
    if (replaces !== null) mark.replaces = replaces;
    return mark;
  }
  if (raw.mark === 'end') return { at: raw.at, mark: 'end', cwd: raw.cwd };
  if (nonEmptyString(raw.tool, MAX_TOOL_NAME) === null || !isCount(raw.siblings)) return null;
  if (raw.file !== null && typeof raw.file !== 'string') return null;
  const event: ToolEvent = { at: raw.at, tool: raw.tool as string, file: raw.file, siblings: raw.siblings, cwd: raw.cwd };
  if (raw.failed === true) event.failed = true;
  if (raw.own === true) event.own = true;
  return event;
}

/**
 * Time spent working up to `at`: the gap since the last event, up to ACTIVE_GAP_MS, unless the
 * session was closed in between (a resumed session does not count the time it was closed).
 * Concurrent appends land slightly out of order: a negative gap adds nothing.
 */
function activeUpTo(state: TelemetryState, at: string, closedBefore: boolean): { active_ms: number; last_event_at: string } {
  if (state.last_event_at === null) return { active_ms: state.active_ms, last_event_at: at };
  const gap = Date.parse(at) - Date.parse(state.last_event_at);
  const add = closedBefore || !(gap > 0) ? 0 : Math.min(gap, ACTIVE_GAP_MS);
  return { active_ms: state.active_ms + add, last_event_at: gap > 0 ? at : state.last_event_at };
}

/** Active minutes of a session at `now` (the handoff's own time included, up to ACTIVE_GAP_MS). */
export function activeMinutes(state: TelemetryState, now: string): number {
  return Math.max(0, Math.round(activeUpTo(state, now, state.closed).active_ms / 60_000));
}

/** Fold one journal line into the state. Returns a new state; the input is not modified. */
export function applyToolEvent(state: TelemetryState, event: JournalEvent, rule?: InvariantRule): TelemetryState {
  if (isSessionMark(event) && event.mark === 'end') {
    return { ...state, ...activeUpTo(state, event.at, state.closed), closed: true };
  }
  const active = activeUpTo(state, event.at, state.closed);
  if (!isSessionMark(event) && event.own) {
    // canon's own /handoff: time spent, but neither the session's start nor its work.
    return { ...state, ...active, closed: false, own_calls: state.own_calls + 1 };
  }
  // Appends from concurrent calls land in any order: keep the earliest start and the latest update.
  const first = state.events_seen === 0;
  const startedAt = first || event.at < state.started_at ? event.at : state.started_at;
  if (isSessionMark(event)) {
    return {
      ...state,
      ...active,
      closed: false,
      started_at: startedAt,
      cwd: first ? event.cwd : state.cwd,
      session_started_at: state.session_started_at === null || event.at < state.session_started_at ? event.at : state.session_started_at,
      transcript_path: event.transcript ?? state.transcript_path,
      replaces: event.replaces ?? state.replaces,
      events_seen: state.events_seen + 1,
    };
  }
  const breakdown = Object.assign(counterMap(), state.tool_calls_breakdown);
  const methods = Object.assign(Object.create(null) as Record<string, Record<string, number>>, state.tool_calls_breakdown_methods);
  const { key, method } = canonicalToolKey(event.tool, rule);
  breakdown[key] = (breakdown[key] ?? 0) + 1;
  if (method !== null) {
    const perMethod = Object.assign(counterMap(), methods[key]);
    perMethod[method] = (perMethod[method] ?? 0) + 1;
    methods[key] = perMethod;
  }
  let files = state.files_touched;
  if (event.file !== null && files.length < MAX_FILES_TOUCHED && !files.includes(event.file)) files = [...files, event.file];
  return {
    ...state,
    ...active,
    closed: false,
    started_at: startedAt,
    cwd: first ? event.cwd : state.cwd,
    updated_at: event.at > state.updated_at ? event.at : state.updated_at,
    tool_calls_count: state.tool_calls_count + 1,
    tool_calls_breakdown: breakdown,
    tool_calls_breakdown_methods: methods,
    subagents_dispatched: state.subagents_dispatched + (SUBAGENT_TOOLS.has(event.tool) ? 1 : 0),
    parallel_terminals_observed: Math.max(state.parallel_terminals_observed, event.siblings),
    files_touched: files,
    failed_calls: state.failed_calls + (event.failed ? 1 : 0),
    events_seen: state.events_seen + 1,
  };
}

/** Fold a run of journal events, advancing `journal_offset` past the bytes they came from. */
export function applyToolEvents(state: TelemetryState, events: readonly JournalEvent[], consumed: number, rule?: InvariantRule): TelemetryState {
  const folded = events.reduce((acc, event) => applyToolEvent(acc, event, rule), state);
  return { ...folded, journal_offset: state.journal_offset + consumed };
}

/**
 * One state for two sessions that are one piece of work (`/clear` ended `earlier` and started
 * `later`): counters added, files and methods united, the earlier start, active time of both.
 */
export function mergeTelemetryStates(earlier: TelemetryState, later: TelemetryState): TelemetryState {
  const add = (a: Record<string, number>, b: Record<string, number>) => {
    const out = Object.assign(counterMap(), a);
    for (const [k, n] of Object.entries(b)) out[k] = (out[k] ?? 0) + n;
    return out;
  };
  const methods = Object.assign(Object.create(null) as Record<string, Record<string, number>>, earlier.tool_calls_breakdown_methods);
  for (const [k, m] of Object.entries(later.tool_calls_breakdown_methods)) methods[k] = add(methods[k] ?? counterMap(), m);
  const files = [...earlier.files_touched];
  for (const f of later.files_touched) if (files.length < MAX_FILES_TOUCHED && !files.includes(f)) files.push(f);
  const first = (a: string | null, b: string | null) => (a === null || a === '' ? b : b === null || b === '' ? a : a < b ? a : b);
  return {
    ...later,
    started_at: first(earlier.started_at, later.started_at) ?? later.started_at,
    session_started_at: first(earlier.session_started_at, later.session_started_at),
    tool_calls_count: earlier.tool_calls_count + later.tool_calls_count,
    tool_calls_breakdown: add(earlier.tool_calls_breakdown, later.tool_calls_breakdown),
    tool_calls_breakdown_methods: methods,
    subagents_dispatched: earlier.subagents_dispatched + later.subagents_dispatched,
    parallel_terminals_observed: Math.max(earlier.parallel_terminals_observed, later.parallel_terminals_observed),
    files_touched: files,
    failed_calls: earlier.failed_calls + later.failed_calls,
    active_ms: earlier.active_ms + later.active_ms,
    own_calls: earlier.own_calls + later.own_calls,
  };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseCounters(value: unknown): Record<string, number> | null {
  if (!isRecord(value)) return null;
  const out = counterMap();
  for (const [k, v] of Object.entries(value)) {
    if (!isCount(v)) return null;
    out[k] = v;
  }
  return out;
}

/**
 * A state file's text back to a state, or null when it is not one (truncated, hand-edited into
 * garbage, wrong types). Fields the hook always writes may be missing from an older file and take
 * their defaults; a field of the wrong type makes the whole file suspect.
 */
export function parseTelemetryState(text: string): TelemetryState | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(raw) || typeof raw.session_id !== 'string' || !isCount(raw.tool_calls_count)) return null;
  const breakdown = parseCounters(raw.tool_calls_breakdown);
  if (breakdown === null) return null;
  const methods = Object.create(null) as Record<string, Record<string, number>>;
  if (raw.tool_calls_breakdown_methods !== undefined) {
    if (!isRecord(raw.tool_calls_breakdown_methods)) return null;
    for (const [k, v] of Object.entries(raw.tool_calls_breakdown_methods)) {
      const counters = parseCounters(v);
      if (counters === null) return null;
      methods[k] = counters;
    }
  }
  const strings = ['started_at', 'updated_at', 'cwd'] as const;
  if (strings.some((k) => raw[k] !== undefined && typeof raw[k] !== 'string')) return null;
  const counts = ['subagents_dispatched', 'parallel_terminals_observed', 'failed_calls', 'events_seen', 'active_ms', 'own_calls'] as const;
  if (counts.some((k) => raw[k] !== undefined && !isCount(raw[k]))) return null;
  if (raw.journal_offset !== undefined && !isCount(raw.journal_offset)) return null;
  const nullableStrings = ['session_started_at', 'transcript_path', 'last_event_at', 'replaces'] as const;
  if (raw.closed !== undefined && typeof raw.closed !== 'boolean') return null;
  if (nullableStrings.some((k) => raw[k] !== undefined && raw[k] !== null && typeof raw[k] !== 'string')) return null;
  const files = raw.files_touched ?? [];
  if (!Array.isArray(files) || !files.every((f) => typeof f === 'string')) return null;
  return {
    session_id: raw.session_id,
    started_at: (raw.started_at as string | undefined) ?? '',
    updated_at: (raw.updated_at as string | undefined) ?? '',
    cwd: (raw.cwd as string | undefined) ?? '',
    tool_calls_count: raw.tool_calls_count,
    tool_calls_breakdown: breakdown,
    tool_calls_breakdown_methods: methods,
    subagents_dispatched: (raw.subagents_dispatched as number | undefined) ?? 0,
    parallel_terminals_observed: (raw.parallel_terminals_observed as number | undefined) ?? 0,
    files_touched: files as string[],
    failed_calls: (raw.failed_calls as number | undefined) ?? 0,
    session_started_at: (raw.session_started_at as string | null | undefined) ?? null,
    transcript_path: (raw.transcript_path as string | null | undefined) ?? null,
    // A state file from before `events_seen` existed: its calls were all events.
    events_seen: (raw.events_seen as number | undefined) ?? raw.tool_calls_count,
    journal_offset: (raw.journal_offset as number | undefined) ?? 0,
    active_ms: (raw.active_ms as number | undefined) ?? 0,
    last_event_at: (raw.last_event_at as string | null | undefined) ?? null,
    closed: (raw.closed as boolean | undefined) ?? false,
    own_calls: (raw.own_calls as number | undefined) ?? 0,
    replaces: (raw.replaces as string | null | undefined) ?? null,
  };
}

export function serializeTelemetryState(state: TelemetryState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}
