// tools/hooks/post-tool-use.ts
import { existsSync as existsSync2, mkdirSync as mkdirSync4 } from "node:fs";
import path4 from "node:path";

// tools/core/telemetry.ts
import path from "node:path";
function isSessionMark(event) {
  return event.mark !== void 0;
}
var SUBAGENT_TOOLS = /* @__PURE__ */ new Set(["Agent", "Task"]);
var FILE_TOOLS = /* @__PURE__ */ new Map([
  ["Edit", "file_path"],
  ["Write", "file_path"],
  ["MultiEdit", "file_path"],
  ["NotebookEdit", "notebook_path"]
]);
var MAX_FILES_TOUCHED = 200;
var ACTIVE_GAP_MS = 15 * 60 * 1e3;
var DRAFT_FOLDER = ".canon/";
var OWN_COMMAND = /^\s*(?:OPERATOR=\S+\s+)?(?:npm\s+run\s+(?:--silent\s+)?(?:handoff|canon)\b|npx\s+(?:--no-install\s+)?canon-notes\b|(?:\S*\/)?canon\b|node\s+\S*canon\.js\b)(?:(?!&&|\|\||;|\|).)*?(?:--from\s+\S*\.canon\/|\bsession\s+commits\b)(?:(?!&&|\|\||;|\|).)*$/;
var MAX_TOOL_NAME = 256;
var MAX_SESSION_ID = 512;
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function nonEmptyString(value, max) {
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  return trimmed.length > 0 && trimmed.length <= max && !/[\u0000-\u001f\u007f]/.test(trimmed) ? trimmed : null;
}
function parseHookInput(text) {
  if (text.trim() === "") return { ok: false, problem: "stdin was empty", sessionId: null };
  let raw;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: `stdin is not JSON (${describeGarbage(text)})`, sessionId: null };
  }
  if (!isRecord(raw)) return { ok: false, problem: "stdin is JSON but not an object", sessionId: null };
  const sessionId = nonEmptyString(raw.session_id, MAX_SESSION_ID);
  const toolName = nonEmptyString(raw.tool_name, MAX_TOOL_NAME);
  if (toolName === null) return { ok: false, problem: "the hook input has no usable tool_name", sessionId };
  const field = FILE_TOOLS.get(toolName);
  const toolInput = isRecord(raw.tool_input) ? raw.tool_input : {};
  const filePath = field === void 0 ? null : nonEmptyString(toolInput[field], 4096);
  const inputPath = nonEmptyString(toolInput.file_path, 4096);
  const command = toolName === "Bash" && typeof toolInput.command === "string" ? toolInput.command.slice(0, 1024) : null;
  const failed = raw.hook_event_name === "PostToolUseFailure";
  return { ok: true, input: { sessionId, cwd: nonEmptyString(raw.cwd, 4096), toolName, filePath, inputPath, command, failed } };
}
function describeGarbage(text) {
  const head = text.slice(0, 40).replace(/[^\x20-\x7e]/g, "?");
  return `${text.length} characters starting "${head}"`;
}
function fingerprint(text) {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
function sanitizeSessionId(id) {
  if (/^[A-Za-z0-9_-]{1,100}$/.test(id)) return id;
  return `${id.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64)}-${fingerprint(id)}`;
}
function resolveSessionId(fromStdin, fromEnv, ppid) {
  return fromStdin ?? nonEmptyString(fromEnv, MAX_SESSION_ID) ?? `ppid-${ppid}`;
}
var DEFAULT_INVARIANT_RULE = { forbidden: ["*notion*"], counter: "notion_offplan" };
var globCache = /* @__PURE__ */ new Map();
function isForbiddenServer(server, forbidden) {
  return forbidden.some((pattern) => {
    let re = globCache.get(pattern);
    if (re === void 0) {
      re = new RegExp(
        `^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`,
        "i"
      );
      globCache.set(pattern, re);
    }
    return re.test(server);
  });
}
function canonicalToolKey(toolName, rule) {
  const match = /^mcp__(.+?)__(.+)$/.exec(toolName);
  if (!match) return { key: toolName, method: null };
  const server = match[1];
  const method = match[2];
  if (rule !== void 0 && server !== rule.counter && isForbiddenServer(server, rule.forbidden)) {
    return { key: `mcp__${rule.counter}`, method: `${server}__${method}` };
  }
  return { key: `mcp__${server}`, method };
}
function counterMap() {
  return /* @__PURE__ */ Object.create(null);
}
function createTelemetryState(sessionId, cwd, now, forbiddenMcp) {
  const breakdown = counterMap();
  for (const server of forbiddenMcp) breakdown[`mcp__${server}`] = 0;
  return {
    session_id: sessionId,
    started_at: now,
    updated_at: now,
    cwd,
    tool_calls_count: 0,
    tool_calls_breakdown: breakdown,
    tool_calls_breakdown_methods: /* @__PURE__ */ Object.create(null),
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
    replaces: null
  };
}
function repoRelativePath(root, cwd, filePath) {
  const absolute = path.resolve(cwd, filePath);
  const rel = path.relative(root, absolute);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join("/");
}
function isOwnCall(input, root, cwd) {
  const named = input.inputPath ?? input.filePath;
  if (named) {
    const rel = repoRelativePath(root, cwd, named);
    if (rel !== null && rel.startsWith(DRAFT_FOLDER)) return true;
  }
  return typeof input.command === "string" && OWN_COMMAND.test(input.command);
}
function planToolEvent(input, ctx) {
  const file = input.filePath === null ? null : repoRelativePath(ctx.root, ctx.cwd, input.filePath);
  const event = { at: ctx.now, tool: input.toolName, file, siblings: ctx.siblings, cwd: ctx.cwd };
  if (input.failed) event.failed = true;
  if (isOwnCall(input, ctx.root, ctx.cwd)) event.own = true;
  return event;
}
function serializeToolEvent(event) {
  return `${JSON.stringify(event)}
`;
}
function parseToolEvents(text) {
  const end = text.lastIndexOf("\n") + 1;
  const events = [];
  let skipped = 0;
  for (const line of text.slice(0, end).split("\n")) {
    if (line === "") continue;
    const event = parseToolEvent(line);
    if (event === null) skipped++;
    else events.push(event);
  }
  return { events, consumed: Buffer.byteLength(text.slice(0, end), "utf8"), skipped };
}
function parseToolEvent(line) {
  let raw;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isRecord(raw) || typeof raw.at !== "string" || typeof raw.cwd !== "string") return null;
  if (raw.mark === "start") {
    const text = (v) => typeof v === "string" ? v : null;
    const mark = { at: raw.at, mark: "start", source: text(raw.source), transcript: text(raw.transcript), cwd: raw.cwd };
    const replaces = nonEmptyString(raw.replaces, MAX_SESSION_ID);
    if (replaces !== null) mark.replaces = replaces;
    return mark;
  }
  if (raw.mark === "end") return { at: raw.at, mark: "end", cwd: raw.cwd };
  if (nonEmptyString(raw.tool, MAX_TOOL_NAME) === null || !isCount(raw.siblings)) return null;
  if (raw.file !== null && typeof raw.file !== "string") return null;
  const event = { at: raw.at, tool: raw.tool, file: raw.file, siblings: raw.siblings, cwd: raw.cwd };
  if (raw.failed === true) event.failed = true;
  if (raw.own === true) event.own = true;
  return event;
}
function activeUpTo(state, at, closedBefore) {
  if (state.last_event_at === null) return { active_ms: state.active_ms, last_event_at: at };
  const gap = Date.parse(at) - Date.parse(state.last_event_at);
  const add = closedBefore || !(gap > 0) ? 0 : Math.min(gap, ACTIVE_GAP_MS);
  return { active_ms: state.active_ms + add, last_event_at: gap > 0 ? at : state.last_event_at };
}
function applyToolEvent(state, event, rule) {
  if (isSessionMark(event) && event.mark === "end") {
    return { ...state, ...activeUpTo(state, event.at, state.closed), closed: true };
  }
  const active = activeUpTo(state, event.at, state.closed);
  if (!isSessionMark(event) && event.own) {
    return { ...state, ...active, closed: false, own_calls: state.own_calls + 1 };
  }
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
      events_seen: state.events_seen + 1
    };
  }
  const breakdown = Object.assign(counterMap(), state.tool_calls_breakdown);
  const methods = Object.assign(/* @__PURE__ */ Object.create(null), state.tool_calls_breakdown_methods);
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
    events_seen: state.events_seen + 1
  };
}
function applyToolEvents(state, events, consumed, rule) {
  const folded = events.reduce((acc, event) => applyToolEvent(acc, event, rule), state);
  return { ...folded, journal_offset: state.journal_offset + consumed };
}
function isCount(value) {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
function parseCounters(value) {
  if (!isRecord(value)) return null;
  const out = counterMap();
  for (const [k, v] of Object.entries(value)) {
    if (!isCount(v)) return null;
    out[k] = v;
  }
  return out;
}
function parseTelemetryState(text) {
  let raw;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(raw) || typeof raw.session_id !== "string" || !isCount(raw.tool_calls_count)) return null;
  const breakdown = parseCounters(raw.tool_calls_breakdown);
  if (breakdown === null) return null;
  const methods = /* @__PURE__ */ Object.create(null);
  if (raw.tool_calls_breakdown_methods !== void 0) {
    if (!isRecord(raw.tool_calls_breakdown_methods)) return null;
    for (const [k, v] of Object.entries(raw.tool_calls_breakdown_methods)) {
      const counters = parseCounters(v);
      if (counters === null) return null;
      methods[k] = counters;
    }
  }
  const strings = ["started_at", "updated_at", "cwd"];
  if (strings.some((k) => raw[k] !== void 0 && typeof raw[k] !== "string")) return null;
  const counts = ["subagents_dispatched", "parallel_terminals_observed", "failed_calls", "events_seen", "active_ms", "own_calls"];
  if (counts.some((k) => raw[k] !== void 0 && !isCount(raw[k]))) return null;
  if (raw.journal_offset !== void 0 && !isCount(raw.journal_offset)) return null;
  const nullableStrings = ["session_started_at", "transcript_path", "last_event_at", "replaces"];
  if (raw.closed !== void 0 && typeof raw.closed !== "boolean") return null;
  if (nullableStrings.some((k) => raw[k] !== void 0 && raw[k] !== null && typeof raw[k] !== "string")) return null;
  const files = raw.files_touched ?? [];
  if (!Array.isArray(files) || !files.every((f) => typeof f === "string")) return null;
  return {
    session_id: raw.session_id,
    started_at: raw.started_at ?? "",
    updated_at: raw.updated_at ?? "",
    cwd: raw.cwd ?? "",
    tool_calls_count: raw.tool_calls_count,
    tool_calls_breakdown: breakdown,
    tool_calls_breakdown_methods: methods,
    subagents_dispatched: raw.subagents_dispatched ?? 0,
    parallel_terminals_observed: raw.parallel_terminals_observed ?? 0,
    files_touched: files,
    failed_calls: raw.failed_calls ?? 0,
    session_started_at: raw.session_started_at ?? null,
    transcript_path: raw.transcript_path ?? null,
    // A state file from before `events_seen` existed: its calls were all events.
    events_seen: raw.events_seen ?? raw.tool_calls_count,
    journal_offset: raw.journal_offset ?? 0,
    active_ms: raw.active_ms ?? 0,
    last_event_at: raw.last_event_at ?? null,
    closed: raw.closed ?? false,
    own_calls: raw.own_calls ?? 0,
    replaces: raw.replaces ?? null
  };
}
function serializeTelemetryState(state) {
  return `${JSON.stringify(state, null, 2)}
`;
}

// tools/io/stdin.ts
import { fstatSync as fstatSync2, readSync } from "node:fs";

// tools/io/lock.ts
import {
  closeSync,
  fstatSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  writeSync
} from "node:fs";
import { hostname } from "node:os";
var LockTimeoutError = class extends Error {
  constructor(file, waitedMs, holder) {
    super(`could not lock ${file} within ${waitedMs} ms (held by ${holder || "an unknown process"})`);
    this.name = "LockTimeoutError";
  }
};
var sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms) {
  Atomics.wait(sleeper, 0, 0, ms);
}
function errorCode(error) {
  return error?.code;
}
function parseLockOwner(text) {
  try {
    const raw = JSON.parse(text);
    if (typeof raw.pid !== "number" || typeof raw.host !== "string") return null;
    return { pid: raw.pid, host: raw.host, since: String(raw.since ?? ""), nonce: String(raw.nonce ?? "") };
  } catch {
    return null;
  }
}
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === "EPERM";
  }
}
function readLockFile(file) {
  try {
    const stat = statSync(file);
    const text = readFileSync(file, "utf8");
    return { text, identity: `${stat.ino}:${stat.mtimeMs}:${text}`, ageMs: Date.now() - stat.mtimeMs };
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    throw error;
  }
}
var UNREADABLE_GRACE_MS = 1e4;
function isStale(seen, staleMs) {
  if (seen.ageMs > staleMs) return true;
  const owner = parseLockOwner(seen.text);
  if (owner === null) return seen.ageMs > Math.min(staleMs, UNREADABLE_GRACE_MS);
  return owner.host === hostname() && owner.pid !== process.pid && !isAlive(owner.pid);
}
function breakLock(file, judged) {
  const grave = `${file}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.stale.tmp`;
  try {
    renameSync(file, grave);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return;
    throw error;
  }
  try {
    const fd = openSync(grave, "r");
    let moved;
    try {
      const stat = fstatSync(fd);
      moved = `${stat.ino}:${stat.mtimeMs}:${readFileSync(fd, "utf8")}`;
    } finally {
      closeSync(fd);
    }
    if (moved !== judged.identity) {
      try {
        linkSync(grave, file);
      } catch {
      }
    }
  } finally {
    try {
      unlinkSync(grave);
    } catch {
    }
  }
}
function createLockFile(file, token) {
  const temp = `${file}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    writeFileSync(temp, token, { flag: "wx" });
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
    }
    throw error;
  }
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS" && code !== "EXDEV" && code !== "EMLINK") throw error;
  } finally {
    unlinkSync(temp);
  }
  let fd;
  try {
    fd = openSync(file, "wx");
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, token);
  } catch (error) {
    closeSync(fd);
    unlinkSync(file);
    throw error;
  }
  closeSync(fd);
  return true;
}
function newOwner(now) {
  return { pid: process.pid, host: hostname(), since: now.toISOString(), nonce: Math.random().toString(36).slice(2, 12) };
}
function attempt(file, owner, staleMs, onStale) {
  const token = JSON.stringify(owner);
  let seen = null;
  for (let round = 0; round < 2; round++) {
    if (createLockFile(file, token)) return { lock: heldLock(file, owner, token) };
    seen = readLockFile(file);
    if (seen === null) continue;
    if (!isStale(seen, staleMs)) return { held: seen };
    onStale?.(parseLockOwner(seen.text));
    breakLock(file, seen);
  }
  return { held: seen };
}
function acquireLockSync(file, options) {
  const owner = newOwner(/* @__PURE__ */ new Date());
  const started = Date.now();
  let pause = 1;
  for (; ; ) {
    const outcome = attempt(file, owner, options.staleMs);
    if ("lock" in outcome) return outcome.lock;
    const waited = Date.now() - started;
    if (waited >= options.timeoutMs) throw new LockTimeoutError(file, waited, outcome.held?.text ?? "");
    sleepSync(Math.min(pause * (0.5 + Math.random()), options.timeoutMs - waited));
    pause = Math.min(pause * 2, 16);
  }
}
function heldLock(file, owner, token) {
  const stillHeld = () => {
    try {
      return readFileSync(file, "utf8") === token;
    } catch {
      return false;
    }
  };
  let released = false;
  return {
    path: file,
    file,
    owner,
    stillHeld,
    renew: () => {
      if (released || !stillHeld()) return false;
      const now = /* @__PURE__ */ new Date();
      try {
        utimesSync(file, now, now);
        return true;
      } catch {
        return false;
      }
    },
    release: () => {
      if (released) return;
      released = true;
      if (stillHeld()) {
        try {
          unlinkSync(file);
        } catch (error) {
          if (errorCode(error) !== "ENOENT") throw error;
        }
      }
    }
  };
}

// tools/io/stdin.ts
function readStdinSync(limitBytes, deadlineMs = 2e3) {
  if (fstatSync2(0).isCharacterDevice()) return { text: "", truncated: false };
  const chunks = [];
  let total = 0;
  const started = Date.now();
  const buffer = Buffer.allocUnsafe(64 * 1024);
  for (; ; ) {
    let n;
    try {
      n = readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = error.code;
      if (code === "EAGAIN" && Date.now() - started < deadlineMs) {
        sleepSync(1);
        continue;
      }
      if (code === "EOF" || code === "EAGAIN") break;
      throw error;
    }
    if (n === 0) break;
    if (total + n > limitBytes) {
      chunks.push(Buffer.from(buffer.subarray(0, limitBytes - total)));
      return { text: Buffer.concat(chunks).toString("utf8"), truncated: true };
    }
    chunks.push(Buffer.from(buffer.subarray(0, n)));
    total += n;
  }
  return { text: Buffer.concat(chunks).toString("utf8"), truncated: false };
}

// tools/io/user-notice.ts
import { appendFileSync, mkdirSync as mkdirSync2, readFileSync as readFileSync2, renameSync as renameSync2, rmSync } from "node:fs";
import path2 from "node:path";
var STATE_DIR = ".claude/state";
function userNoticeFile(root, sessionId) {
  return path2.join(root, STATE_DIR, `notice-${sanitizeSessionId(sessionId)}.txt`);
}
function takeUserNotice(root, sessionId) {
  const file = userNoticeFile(root, sessionId);
  const taken = `${file}.${process.pid}`;
  try {
    renameSync2(file, taken);
  } catch {
    return null;
  }
  try {
    return readFileSync2(taken, "utf8").trimEnd();
  } finally {
    rmSync(taken, { force: true });
  }
}

// tools/io/telemetry.ts
import {
  appendFileSync as appendFileSync2,
  closeSync as closeSync2,
  existsSync,
  fstatSync as fstatSync3,
  mkdirSync as mkdirSync3,
  openSync as openSync2,
  readdirSync,
  readFileSync as readFileSync3,
  readSync as readSync2,
  renameSync as renameSync3,
  statSync as statSync2,
  unlinkSync as unlinkSync2,
  writeFileSync as writeFileSync2
} from "node:fs";
import path3 from "node:path";
var STATE_DIR2 = ".claude/state";
var HOOK_ERROR_LOG = "hook-errors.log";
var HOOK_ERROR_LOG_MAX_BYTES = 64 * 1024;
var SWEEP_AFTER_MS = 60 * 60 * 1e3;
var PARALLEL_WINDOW_MS = 60 * 60 * 1e3;
var FOLD_LOCK = { staleMs: 2e3, timeoutMs: 250 };
var SESSION_FILE = /^session-(.+)\.jsonl?$/;
var ENDED_FILE = /^session-(.+)\.ended$/;
function telemetryStateDir(root) {
  return path3.join(root, STATE_DIR2);
}
function telemetryStateFile(root, sessionId) {
  return path3.join(telemetryStateDir(root), `session-${sanitizeSessionId(sessionId)}.json`);
}
function telemetryJournalFile(root, sessionId) {
  return `${telemetryStateFile(root, sessionId)}l`;
}
function fileStamp(iso) {
  return iso.replace(/[:.]/g, "-");
}
function errorCode2(error) {
  return error?.code;
}
function readTextOrNull(file) {
  try {
    return readFileSync3(file, "utf8");
  } catch (error) {
    if (errorCode2(error) === "ENOENT") return null;
    throw error;
  }
}
function appendToolEvent(root, sessionId, event) {
  appendFileSync2(telemetryJournalFile(root, sessionId), serializeToolEvent(event));
}
function readJournalTail(journal, offset) {
  let fd;
  try {
    fd = openSync2(journal, "r");
  } catch (error) {
    if (errorCode2(error) === "ENOENT") return offset === 0 ? { text: "", consumed: 0 } : null;
    throw error;
  }
  try {
    const size = fstatSync3(fd).size;
    if (size < offset) return null;
    const buffer = Buffer.alloc(size - offset);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync2(fd, buffer, read, buffer.length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
    const end = buffer.subarray(0, read).lastIndexOf(10) + 1;
    return { text: buffer.toString("utf8", 0, end), consumed: end };
  } finally {
    closeSync2(fd);
  }
}
function computeState(root, sessionId, now, moveCorrupt, journal = telemetryJournalFile(root, sessionId)) {
  const file = telemetryStateFile(root, sessionId);
  const text = readTextOrNull(file);
  let state = text === null ? null : parseTelemetryState(text);
  let corruptMovedTo = null;
  if (text !== null && state === null && moveCorrupt !== null) corruptMovedTo = moveCorrupt(file);
  const rule = readInvariantRule(root);
  const fresh = () => createTelemetryState(sessionId, "", now, rule.forbidden.length > 0 ? [rule.counter] : []);
  state ??= fresh();
  let tail = readJournalTail(journal, state.journal_offset);
  let restarted = false;
  if (tail === null) {
    restarted = true;
    state = fresh();
    tail = readJournalTail(journal, 0) ?? { text: "", consumed: 0 };
  }
  const { events, skipped } = parseToolEvents(tail.text);
  return { state: applyToolEvents(state, events, tail.consumed, rule), corruptMovedTo, skipped, restarted };
}
function foldTelemetryState(root, sessionId, now, lockOptions = FOLD_LOCK) {
  const file = telemetryStateFile(root, sessionId);
  let lock;
  try {
    lock = acquireLockSync(`${file}.lock`, lockOptions);
  } catch (error) {
    if (error instanceof LockTimeoutError) return null;
    throw error;
  }
  try {
    const result = computeState(root, sessionId, now, (corrupt) => {
      const aside = `${corrupt}.corrupt-${fileStamp(now)}`;
      renameSync3(corrupt, aside);
      return aside;
    });
    const temp = `${file}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`;
    writeFileSync2(temp, serializeTelemetryState(result.state));
    if (!lock.stillHeld()) {
      unlinkSync2(temp);
      return null;
    }
    renameSync3(temp, file);
    return result;
  } finally {
    lock.release();
  }
}
function observeStateDir(root, sessionId, nowMs) {
  const dir = telemetryStateDir(root);
  const self = sanitizeSessionId(sessionId);
  const active = /* @__PURE__ */ new Set();
  const swept = [];
  const names = readdirSync(dir);
  const ended = /* @__PURE__ */ new Set();
  for (const name of names) {
    const stem = ENDED_FILE.exec(name)?.[1];
    if (stem !== void 0) ended.add(stem);
  }
  for (const name of names) {
    const isTemp = name.endsWith(".tmp");
    const stem = SESSION_FILE.exec(name)?.[1];
    if (!isTemp && (stem === void 0 || stem === self || active.has(stem) || ended.has(stem))) continue;
    const file = path3.join(dir, name);
    let mtimeMs;
    try {
      mtimeMs = statSync2(file).mtimeMs;
    } catch {
      continue;
    }
    if (stem !== void 0) {
      if (nowMs - mtimeMs <= PARALLEL_WINDOW_MS) active.add(stem);
    } else if (nowMs - mtimeMs > SWEEP_AFTER_MS) {
      try {
        unlinkSync2(file);
        swept.push(name);
      } catch {
      }
    }
  }
  return { siblings: active.size, swept };
}
function appendHookError(root, line) {
  const dir = telemetryStateDir(root);
  mkdirSync3(dir, { recursive: true });
  const log = path3.join(dir, HOOK_ERROR_LOG);
  try {
    if (statSync2(log).size > HOOK_ERROR_LOG_MAX_BYTES) renameSync3(log, `${log}.1`);
  } catch (error) {
    if (errorCode2(error) !== "ENOENT") throw error;
  }
  appendFileSync2(log, line.endsWith("\n") ? line : `${line}
`);
}
function readInvariantRule(root) {
  try {
    const text = readTextOrNull(path3.join(root, "canon.config.json"));
    if (text === null) return DEFAULT_INVARIANT_RULE;
    const invariant = JSON.parse(text).invariant;
    const list = invariant?.forbidden_mcp;
    const forbidden = Array.isArray(list) && list.every((s) => typeof s === "string") ? list : DEFAULT_INVARIANT_RULE.forbidden;
    const counter = typeof invariant?.counter === "string" && /^[A-Za-z0-9_-]+$/.test(invariant.counter) ? invariant.counter : DEFAULT_INVARIANT_RULE.counter;
    return { forbidden, counter };
  } catch {
    return DEFAULT_INVARIANT_RULE;
  }
}

// tools/messages/telemetry.ts
var telemetryMessages = {
  hook: {
    notCounted: (reason) => `${reason}; this call was not counted.`,
    tooLarge: (limit) => `stdin is larger than ${limit} bytes`,
    corrupt: (file, movedTo) => `${file} did not hold a telemetry state; it was moved to ${movedTo} and the count was rebuilt from the journal.`,
    journalShrank: (file) => `the journal of ${file} is shorter than the state says (replaced by hand?); the count was rebuilt from the journal.`,
    tornLines: (n) => `skipped ${n} unreadable journal line(s) (a write cut short, e.g. on a full disk).`,
    failed: (reason) => `could not record the call (${reason}); this call was not counted.`,
    foldFailed: (reason) => `the call was recorded in the journal, but the state file could not be updated (${reason}); readers still see it.`,
    noLog: (reason) => `canon telemetry hook: ${reason} (and the error log could not be written either)`
  },
  show: {
    none: "No telemetry has been recorded in this repository yet.",
    noneHint: "The PostToolUse hook in .claude/settings.json records every tool call of a Claude Code session into .claude/state/.",
    noSession: (id) => `No telemetry state for session "${id}".`,
    noSessionHint: "Run `canon telemetry show` without --session-id to see the newest session."
  }
};

// tools/hooks/post-tool-use.ts
var STDIN_LIMIT_BYTES = 32 * 1024 * 1024;
function findRoot(dir) {
  for (let current = dir; ; ) {
    if (existsSync2(path4.join(current, ".git"))) return current;
    const parent = path4.dirname(current);
    if (parent === current) return dir;
    current = parent;
  }
}
function resolveRoot(env, stdinCwd, cwd) {
  const project = env.CLAUDE_PROJECT_DIR;
  if (project !== void 0 && project.trim() !== "") return path4.resolve(cwd, project);
  return findRoot(path4.resolve(cwd, stdinCwd ?? "."));
}
function reasonOf(error) {
  return error instanceof Error ? error.message : String(error);
}
function recordToolCall(run) {
  const problems = [];
  const now = run.now();
  const nowIso = now.toISOString();
  const parsed = run.stdinTruncated ? { ok: false, problem: telemetryMessages.hook.tooLarge(STDIN_LIMIT_BYTES), sessionId: null } : parseHookInput(run.stdin);
  const stdinCwd = parsed.ok ? parsed.input.cwd : null;
  const root = resolveRoot(run.env, stdinCwd, run.cwd);
  const sessionId = resolveSessionId(parsed.ok ? parsed.input.sessionId : parsed.sessionId, run.env.CLAUDE_SESSION_ID, run.ppid);
  const log = (message) => {
    problems.push(message);
    try {
      appendHookError(root, `${nowIso} session ${JSON.stringify(sessionId)}: ${message}`);
    } catch (error) {
      try {
        process.stderr.write(`${telemetryMessages.hook.noLog(`${message} ${reasonOf(error)}`)}
`);
      } catch {
      }
    }
  };
  if (!parsed.ok) {
    log(telemetryMessages.hook.notCounted(parsed.problem));
    return { counted: false, root, sessionId, problems };
  }
  let counted = false;
  try {
    const { input } = parsed;
    const cwd = path4.resolve(run.cwd, input.cwd ?? root);
    mkdirSync4(telemetryStateDir(root), { recursive: true });
    const { siblings } = observeStateDir(root, sessionId, now.getTime());
    appendToolEvent(root, sessionId, planToolEvent(input, { now: nowIso, root, cwd, siblings }));
    counted = true;
    const fold = foldTelemetryState(root, sessionId, nowIso);
    const file = path4.relative(root, telemetryStateFile(root, sessionId));
    if (fold?.corruptMovedTo) log(telemetryMessages.hook.corrupt(file, path4.relative(root, fold.corruptMovedTo)));
    if (fold?.restarted) log(telemetryMessages.hook.journalShrank(file));
    if (fold?.skipped) log(telemetryMessages.hook.tornLines(fold.skipped));
  } catch (error) {
    log(counted ? telemetryMessages.hook.foldFailed(reasonOf(error)) : telemetryMessages.hook.failed(reasonOf(error)));
  }
  return { counted, root, sessionId, problems };
}
function runPostToolUseHookSync() {
  if (process.env.CANON_HOOKS === "0") return;
  let stdin = "";
  let stdinTruncated = false;
  try {
    ({ text: stdin, truncated: stdinTruncated } = readStdinSync(STDIN_LIMIT_BYTES));
  } catch {
  }
  const outcome = recordToolCall({ stdin, stdinTruncated, env: process.env, cwd: process.cwd(), ppid: process.ppid, now: () => /* @__PURE__ */ new Date() });
  showUserNotice(outcome);
}
function showUserNotice(outcome) {
  try {
    const notice = outcome.sessionId === null ? null : takeUserNotice(outcome.root, outcome.sessionId);
    if (notice) process.stdout.write(`${JSON.stringify({ systemMessage: notice })}
`);
  } catch {
  }
}

// tools/bin/hook-post-tool-use.ts
try {
  runPostToolUseHookSync();
} catch {
}
process.exitCode = 0;
