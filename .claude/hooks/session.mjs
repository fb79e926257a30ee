// tools/hooks/session.ts
import { spawnSync as spawnSync2 } from "node:child_process";
import { existsSync as existsSync2, readFileSync as readFileSync5, statSync as statSync5 } from "node:fs";
import path4 from "node:path";

// tools/core/resume-cache-codec.ts
var RESUME_CACHE_FILE = ".claude/state/resume-cache.json";
var RESUME_CACHE_VERSION = 2;
var CACHE_TAG = "canon resume cache";
function decodeCache(text2) {
  let parsed;
  try {
    parsed = JSON.parse(text2);
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== "object" || parsed.tool !== CACHE_TAG || parsed.version !== RESUME_CACHE_VERSION) return null;
  const { path: paths, type } = parsed;
  if (!Array.isArray(paths) || typeof type !== "string" || type.length !== paths.length || !/^[swtp]*$/.test(type)) return null;
  const columns = [parsed.key, parsed.a, parsed.b, parsed.c, parsed.d];
  if (!columns.every((column) => Array.isArray(column) && column.length === paths.length)) return null;
  const row = /* @__PURE__ */ new Map();
  for (let i = 0; i < paths.length; i++) {
    if (typeof paths[i] !== "string" || typeof parsed.key[i] !== "string") return null;
    row.set(paths[i], i);
  }
  return { file: parsed, row };
}
var textAt = (column, i) => {
  const value = column[i];
  return typeof value === "string" ? value : null;
};
function factsAt(file, i, rel) {
  switch (file.type[i]) {
    case "s":
      return { type: "session", operator: textAt(file.a, i), date: textAt(file.b, i), title: textAt(file.c, i), ended_at: textAt(file.d, i) };
    case "w":
      return { type: "workstream", owner: textAt(file.a, i), status: textAt(file.b, i), title: textAt(file.c, i), priority: textAt(file.d, i) };
    case "t":
      return { type: "stub" };
    default:
      return { type: "problem", message: textAt(file.c, i) ?? rel };
  }
}
function cachedFacts(cached) {
  const sessions = [];
  const workstreams = [];
  const { file } = cached;
  for (let i = 0; i < file.path.length; i++) {
    const rel = file.path[i];
    const stem = rel.slice(rel.lastIndexOf("/") + 1).replace(/\.md$/, "");
    const facts = factsAt(file, i, rel);
    if (facts.type === "session")
      sessions.push({ id: stem, path: rel, operator: facts.operator, date: facts.date, title: facts.title, ended_at: facts.ended_at });
    else if (facts.type === "workstream") {
      workstreams.push({ slug: stem, path: rel, title: facts.title, owner: facts.owner, status: facts.status, priority: facts.priority });
    }
  }
  return { sessions, workstreams };
}

// tools/core/frontmatter-fast.ts
var KEY_LINE = /^([A-Za-z_][A-Za-z0-9_.-]*):(?: (.*))?$/;
var NESTED_PAIR = /^ {2}([A-Za-z_][A-Za-z0-9_.-]*):(?: (.*))?$/;
var NESTED_ITEM = /^ {2}- (.*)$/;
var INT = /^[-+]?[0-9]+$/;
var FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
var JSON_STRING = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"$/;
var FAIL = /* @__PURE__ */ Symbol("fail");
function plain(text2) {
  const s = text2.trimEnd();
  if (s === "" || s === "~" || s === "null" || s === "Null" || s === "NULL") return null;
  if (s === "true" || s === "True" || s === "TRUE") return true;
  if (s === "false" || s === "False" || s === "FALSE") return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s) && !/^-[0-9.]/.test(s)) return FAIL;
  if (s.includes(" #") || s.includes(": ") || s.endsWith(":") || s.includes("	")) return FAIL;
  if (INT.test(s)) return safeNumber(Number.parseInt(s, 10), s);
  if (/^0o[0-7]+$/.test(s)) return safeNumber(Number.parseInt(s.slice(2), 8), s);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return safeNumber(Number.parseInt(s.slice(2), 16), s);
  if (FLOAT.test(s)) return Number.parseFloat(s);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s) || /^\.(nan|NaN|NAN)$/.test(s)) return FAIL;
  return s;
}
function safeNumber(n, source) {
  return Number.isSafeInteger(n) ? n : source.length > 0 ? FAIL : FAIL;
}
function scalar(text2) {
  const s = text2.trimEnd();
  if (s.startsWith('"')) return JSON_STRING.test(s) ? JSON.parse(s) : FAIL;
  if (s.startsWith("'")) {
    if (s.length < 2 || !s.endsWith("'")) return FAIL;
    const inner = s.slice(1, -1);
    if (/'(?!')/.test(inner.replace(/''/g, ""))) return FAIL;
    return inner.replace(/''/g, "'");
  }
  if (s.startsWith("[")) return FAIL;
  return plain(s);
}
function flowList(text2) {
  const s = text2.trimEnd();
  if (!s.startsWith("[") || !s.endsWith("]")) return FAIL;
  const inner = s.slice(1, -1).trim();
  if (inner === "") return [];
  if (/[[\]{}"'#&*!|>]/.test(inner)) return FAIL;
  const items = [];
  for (const part of inner.split(",")) {
    const item = part.trim();
    if (item === "") return FAIL;
    const value = plain(item);
    if (value === FAIL || value === null) return FAIL;
    items.push(value);
  }
  return items;
}
function parseFrontmatterFast(raw) {
  if (raw.includes("\r") || raw.includes("	")) return null;
  const lines = raw.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const data = {};
  const entries = [];
  let offset = 0;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const match = KEY_LINE.exec(line);
    if (!match) return null;
    const key = match[1];
    if (Object.prototype.hasOwnProperty.call(data, key) || key === "__proto__") return null;
    const start = offset;
    const rest = match[2];
    offset += line.length + 1;
    const startLine = i;
    i++;
    let value;
    if (rest === void 0 || rest.trim() === "") {
      const nested = [];
      while (i < lines.length && lines[i].startsWith("  ")) nested.push(lines[i++]);
      if (nested.length === 0) value = null;
      else if (nested.every((l) => NESTED_ITEM.test(l))) {
        const items = nested.map((l) => scalar(NESTED_ITEM.exec(l)[1]));
        if (items.includes(FAIL)) return null;
        value = items;
      } else {
        const map = {};
        for (const l of nested) {
          const m = NESTED_PAIR.exec(l);
          if (!m || m[2] === void 0 || Object.prototype.hasOwnProperty.call(map, m[1]) || m[1] === "__proto__") return null;
          const v = scalar(m[2]);
          if (v === FAIL) return null;
          map[m[1]] = v;
        }
        value = map;
      }
      for (const l of nested) offset += l.length + 1;
    } else if (rest.trimEnd() === "{}") {
      value = {};
    } else if (rest.startsWith("[")) {
      value = flowList(rest);
      if (value === FAIL) return null;
    } else {
      value = scalar(rest);
      if (value === FAIL) return null;
    }
    data[key] = value;
    entries.push({ key, line: startLine, start, end: offset });
  }
  return { data, entries };
}

// tools/core/resume-facts.ts
function parseNoteFast(input) {
  let text2 = input.charCodeAt(0) === 65279 ? input.slice(1) : input;
  if (text2.includes("\r")) text2 = text2.replace(/\r\n?/g, "\n");
  if (!text2.startsWith("---\n")) return null;
  const close = text2.indexOf("\n---", 3);
  if (close === -1) return null;
  const lineEnd = text2.indexOf("\n", close + 1);
  const closingLine = text2.slice(close + 1, lineEnd === -1 ? void 0 : lineEnd);
  if (closingLine !== "---") return null;
  const raw = close === 3 ? "" : text2.slice(4, close + 1);
  const parsed = parseFrontmatterFast(raw);
  if (parsed === null) return null;
  return { data: parsed.data, body: lineEnd === -1 ? "" : text2.slice(lineEnd + 1) };
}

// tools/core/inert-text.ts
var UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
var UNSAFE_ALL = new RegExp(UNSAFE.source, "g");
function visibleEscape(char) {
  const code = char.charCodeAt(0);
  return code <= 255 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}
function inertText(text2) {
  return UNSAFE.test(text2) ? text2.replace(UNSAFE_ALL, visibleEscape) : text2;
}
function inertLine(text2) {
  return inertText(text2.replace(/\s+/g, " ").trim());
}
function inertData(value) {
  if (typeof value === "string") return inertText(value);
  if (Array.isArray(value)) return value.map((item) => inertData(item));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [inertText(key), inertData(item)]));
  }
  return value;
}

// tools/core/resume-view.ts
var LEGACY_PREFIXES = ["CONV-", "LOCAL-"];
var SESSION_NN = /^[A-Za-z]+-\d{6}-(\d+)$/;
var MY_STATUSES = ["active", "blocked", "paused"];
var PEER_WINDOW_DAYS = 7;
function ownedBy(operator) {
  const prefix = `${operator.initials}-`;
  return (s) => s.id.startsWith(prefix) || s.operator === operator.slug && LEGACY_PREFIXES.some((p) => s.id.startsWith(p));
}
function compareNatural(a, b) {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    if (i % 2 === 1) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}
function sequence(id) {
  const match = SESSION_NN.exec(id);
  return match ? Number(match[1]) : -1;
}
function endedMs(session) {
  if (session.ended_at === null) return -Infinity;
  const ms = Date.parse(session.ended_at);
  return Number.isNaN(ms) ? -Infinity : ms;
}
function compareSessions(a, b) {
  if (a.date !== b.date) {
    if (a.date === null) return 1;
    if (b.date === null) return -1;
    return a.date < b.date ? 1 : -1;
  }
  const ea = endedMs(a);
  const eb = endedMs(b);
  if (ea !== eb) return eb > ea ? 1 : -1;
  return sequence(b.id) - sequence(a.id) || compareNatural(b.id, a.id);
}
function selectOwnSessions(sessions, operator) {
  return sessions.filter(ownedBy(operator)).sort(compareSessions);
}
var PRIORITY_RANK = (p) => p !== null && /^P\d$/.test(p) ? Number(p.slice(1)) : 9;
function byPriorityThenSlug(a, b) {
  return PRIORITY_RANK(a.priority) - PRIORITY_RANK(b.priority) || (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0);
}
function partitionWorkstreams(workstreams, slug) {
  const mine = workstreams.filter((w) => w.owner === slug && MY_STATUSES.includes(w.status)).sort((a, b) => MY_STATUSES.indexOf(a.status) - MY_STATUSES.indexOf(b.status) || byPriorityThenSlug(a, b)).map((w) => ({ slug: w.slug, title: w.title, status: w.status, priority: w.priority }));
  const others = workstreams.filter((w) => w.owner !== null && w.owner !== slug && w.status === "active").sort(byPriorityThenSlug).map((w) => ({ slug: w.slug, title: w.title, status: "active", owner: w.owner }));
  return { mine, others };
}
function localDate(now) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
function shiftDate(today, days) {
  const t = Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1, Number(today.slice(8, 10)));
  return new Date(t - days * 864e5).toISOString().slice(0, 10);
}
function selectPeerSessions(sessions, operator, today) {
  const since = shiftDate(today, PEER_WINDOW_DAYS - 1);
  const own = ownedBy(operator);
  return sessions.filter((s) => s.date !== null && s.date >= since && s.operator !== null && s.operator !== operator.slug && !own(s)).sort(compareSessions).map((s) => ({ id: s.id, operator: s.operator, date: s.date, title: s.title }));
}
function noSessionsMessage(slug) {
  return `no prior sessions for ${slug}`;
}
function buildResumeView(input) {
  const { operator } = input;
  return {
    operator: { slug: operator.slug, initials: operator.initials },
    last_session: input.last,
    sessions_count: input.own.length,
    sessions: input.own.slice(0, Math.max(0, input.limit)).map((s) => ({ id: s.id, date: s.date, title: s.title, path: s.path })),
    workstreams: partitionWorkstreams(input.workstreams, operator.slug),
    peers: selectPeerSessions(input.sessions, operator, input.today),
    message: input.own.length === 0 ? noSessionsMessage(operator.slug) : null
  };
}
function extractResumePrompt(body) {
  const lines = body.split("\n");
  const start = lines.findIndex((l) => /^##[ \t]+Resume Prompt[ \t]*#*[ \t]*$/i.test(l));
  if (start === -1) return null;
  let end = lines.length;
  let fence = null;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === null || marker[0] === fence[0] && marker.length >= fence.length)) {
      fence = fence === null ? marker : null;
      continue;
    }
    if (fence === null && /^#{1,2}[ \t]/.test(line)) {
      end = i;
      break;
    }
  }
  const text2 = lines.slice(start + 1, end).join("\n").replace(/^\s*\n/, "").trimEnd();
  return text2 === "" ? null : text2;
}

// tools/core/hook-blocks.ts
var RUNNER_REL = "canon/run";
var FIND_RUNNER = `canon_run="$(git rev-parse --git-common-dir)/${RUNNER_REL}"`;

// tools/messages/claude.ts
var claudeMessages = {
  resolve: {
    ambiguous: (ids) => `${ids.length} Claude Code sessions are live in this repository (${ids.join(", ")}), and nothing says which one this handoff is for.`,
    ambiguousHint: "Run it again with --session-id <id> (inside Claude Code, /canon:handoff passes it for you; the id is also in $CLAUDE_CODE_SESSION_ID)."
  },
  hook: {
    contextFailed: (reason) => `SessionStart: no resume context for the model (${reason}).`,
    endFailed: (reason) => `SessionEnd: could not mark the session ended (${reason}).`
  },
  context: {
    header: (slug, initials) => `canon resume context for ${slug} (${initials}), from the repository's session notes:`,
    lastSession: (id, date, title) => `Last session: ${id}${date ? ` (${date})` : ""}${title ? ` \u2014 ${title}` : ""}`,
    resumePrompt: "Its Resume Prompt:",
    noPrompt: "It has no Resume Prompt.",
    noSessions: (slug) => `No prior sessions for ${slug}.`,
    workstreams: "Your active workstreams:",
    peers: "Peers since then:",
    unfinished: (n, calls) => `Unfinished: ${n} session(s) with ${calls} tool call(s) and no note (run \`npm run resume\`).`,
    truncated: "[\u2026cut to fit; run `npm run resume` for the whole dashboard]"
  },
  transcript: {
    missing: (where) => `No transcript of this session was found (${where}); none was archived.`,
    failed: (reason) => `The transcript could not be archived (${reason}).`,
    masked: (n) => `${n} secret(s) were masked in the archived transcript.`
  },
  unfinished: (n, calls, ids) => `unfinished: ${n} session(s) with ${calls} tool call(s) and no note (${ids.slice(0, 3).join(", ")}${ids.length > 3 ? ", \u2026" : ""}); hand off with \`npm run handoff -- --session-id <id>\`.`,
  commits: {
    none: (since) => `No commits since this session started (${since}).`,
    noneRecorded: "No commits by this session since it started or since its last handoff.",
    noStart: "canon does not know when this session started (no telemetry for it); the last commits instead:"
  }
};

// tools/core/session-context.ts
var WORKSTREAMS_SHOWN = 8;
var PEERS_SHOWN = 8;
function renderSessionStartContext(input, unfinished, maxChars) {
  const view = inertData(input);
  const parts = [claudeMessages.context.header(view.operator.slug, view.operator.initials)];
  const last = view.last_session;
  if (last === null) parts.push(claudeMessages.context.noSessions(view.operator.slug));
  else {
    parts.push(claudeMessages.context.lastSession(last.id, last.date, last.title === null ? null : inertLine(last.title)));
    parts.push(last.resume_prompt === null ? claudeMessages.context.noPrompt : `${claudeMessages.context.resumePrompt}
${last.resume_prompt}`);
  }
  const active = view.workstreams.mine.filter((w) => w.status === "active").slice(0, WORKSTREAMS_SHOWN);
  if (active.length > 0) {
    parts.push(
      [claudeMessages.context.workstreams, ...active.map((w) => `- ${w.slug}${w.priority ? ` (${w.priority})` : ""}${w.title ? `: ${inertLine(w.title)}` : ""}`)].join("\n")
    );
  }
  const since = last?.date ?? null;
  const peers = view.peers.filter((p) => since === null || p.date >= since).slice(0, PEERS_SHOWN);
  if (peers.length > 0)
    parts.push([claudeMessages.context.peers, ...peers.map((p) => `- ${p.id} (${p.operator}, ${p.date})${p.title ? `: ${inertLine(p.title)}` : ""}`)].join("\n"));
  if (unfinished !== null && unfinished.sessions > 0) parts.push(claudeMessages.context.unfinished(unfinished.sessions, unfinished.tool_calls));
  return fit(parts.join("\n\n"), maxChars);
}
function fit(text2, maxChars) {
  if (text2.length <= maxChars) return text2;
  const marker = `
${claudeMessages.context.truncated}`;
  const room = Math.max(0, maxChars - marker.length);
  const cut = text2.lastIndexOf("\n", room);
  const head = cut > room / 2 ? text2.slice(0, cut) : text2.slice(0, room);
  return `${head}${marker}`.slice(0, maxChars);
}

// tools/core/telemetry.ts
function isSessionMark(event) {
  return event.mark !== void 0;
}
var SUBAGENT_TOOLS = /* @__PURE__ */ new Set(["Agent", "Task"]);
var MAX_FILES_TOUCHED = 200;
var ACTIVE_GAP_MS = 15 * 60 * 1e3;
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
function fingerprint(text2) {
  let hash = 2166136261;
  for (let i = 0; i < text2.length; i++) {
    hash ^= text2.charCodeAt(i);
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
function serializeToolEvent(event) {
  return `${JSON.stringify(event)}
`;
}
function parseToolEvents(text2) {
  const end = text2.lastIndexOf("\n") + 1;
  const events = [];
  let skipped = 0;
  for (const line of text2.slice(0, end).split("\n")) {
    if (line === "") continue;
    const event = parseToolEvent(line);
    if (event === null) skipped++;
    else events.push(event);
  }
  return { events, consumed: Buffer.byteLength(text2.slice(0, end), "utf8"), skipped };
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
    const text2 = (v) => typeof v === "string" ? v : null;
    const mark = { at: raw.at, mark: "start", source: text2(raw.source), transcript: text2(raw.transcript), cwd: raw.cwd };
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
function parseTelemetryState(text2) {
  let raw;
  try {
    raw = JSON.parse(text2);
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

// tools/io/operator-cache.ts
import { readFileSync, statSync } from "node:fs";
import path from "node:path";

// tools/io/git.ts
import { execFile, spawnSync } from "node:child_process";
function execGit(args, options) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      args,
      { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 512 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({ code: error ? error.code : 0, stdout, stderr });
      }
    );
    if (options.input !== void 0) child.stdin?.end(options.input);
  });
}
function splitNul(output) {
  return output.split("\0").filter((s) => s.length > 0);
}

// tools/io/operator-cache.ts
var OPERATOR_CACHE = ".claude/state/operator.cache";
var CACHE_VERSION = 2;
var OPERATORS_FILE = ".claude/operators.yaml";
function present(value) {
  return value !== void 0 && value.trim() !== "";
}
function inputKey(input, env) {
  const parts = [input.operator, input.email, env.OPERATOR, env.CLAUDE_USER_EMAIL].map((v) => present(v) ? v.trim() : "");
  return JSON.stringify(parts);
}
function operatorsFingerprint(root) {
  try {
    const s = statSync(path.join(root, OPERATORS_FILE), { bigint: true });
    return `${s.mtimeNs}:${s.ctimeNs}:${s.size}:${s.ino}`;
  } catch {
    return null;
  }
}
function readOperatorCache(root, fingerprint3) {
  try {
    const data = JSON.parse(readFileSync(path.join(root, OPERATOR_CACHE), "utf8"));
    if (data.version !== CACHE_VERSION || data.operators !== fingerprint3 || typeof data.entries !== "object" || data.entries === null) return null;
    return data;
  } catch {
    return null;
  }
}
async function cachedOperator(root, input, env) {
  const fingerprint3 = operatorsFingerprint(root);
  if (fingerprint3 === null) return null;
  const hit = readOperatorCache(root, fingerprint3)?.entries[inputKey(input, env)];
  if (hit === void 0) return null;
  if (hit.via !== "git-config") return hit.operator;
  const git = await execGit(["config", "--get", "user.email"], { cwd: root, env });
  const email = git.code === 0 ? git.stdout.trim() : null;
  return email !== null && email.toLowerCase() === hit.operator.email ? hit.operator : null;
}

// tools/io/resume-snapshot.ts
import { mkdirSync, readFileSync as readFileSync2, renameSync, statSync as statSync2, writeFileSync } from "node:fs";
import path2 from "node:path";

// tools/core/config.ts
var DEFAULT_FORBIDDEN_MCP = ["*notion*"];
var DEFAULT_INVARIANT_COUNTER = "notion_offplan";
var DEFAULT_SESSION_START_MAX_CHARS = 2e3;
var DEFAULT_CONFIG = {
  folders: {
    session: "docs/sessions",
    workstream: "workstreams",
    plan: "docs/plans",
    adr: "docs/adr",
    learning: "docs/learnings"
  },
  invariant: { forbidden_mcp: [...DEFAULT_FORBIDDEN_MCP], counter: DEFAULT_INVARIANT_COUNTER },
  precommit: { mode: "error" },
  limits: { max_note_bytes: 1024 * 1024 },
  claude: { session_start_max_chars: DEFAULT_SESSION_START_MAX_CHARS, transcripts_dir: null },
  changelog: { file: "CHANGELOG.md" },
  notion: { database_id: null, data_source_id: null, properties: {}, requests_per_second: 3, version: "2026-03-11" }
};

// tools/core/layout.ts
function trimSlashes(folder) {
  return folder.replace(/^\.?\/+/, "").replace(/\/+$/, "");
}

// tools/io/resume-snapshot.ts
var RESUME_SNAPSHOT_FILE = ".claude/state/resume-view.json";
var RACY_MS = 2e3;
var SNAPSHOT_FORMAT = "resume-view 2";
function indexFile(root, env) {
  if (env.GIT_INDEX_FILE || env.GIT_DIR) return null;
  const dotGit = path2.join(root, ".git");
  try {
    if (statSync2(dotGit).isDirectory()) return path2.join(dotGit, "index");
    const target = /^gitdir: (.+)$/m.exec(readFileSync2(dotGit, "utf8"))?.[1]?.trim();
    return target ? path2.join(path2.resolve(root, target), "index") : null;
  } catch {
    return null;
  }
}
function stamp(file, nowMs, young) {
  try {
    const s = statSync2(file, { bigint: true });
    if (nowMs - Number(s.mtimeMs) < RACY_MS) young.value = true;
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch {
    return "-";
  }
}
function foldersOf(config) {
  return [.../* @__PURE__ */ new Set([trimSlashes(config.folders.session), trimSlashes(config.folders.workstream)])];
}
var DIFF_FILES = (config) => ["--no-optional-locks", "diff-files", "--name-only", "-z", "--", ...foldersOf(config)];
function startSnapshotCheck(root, config) {
  const key = `${root}
${foldersOf(config).join("\n")}`;
  const early = prestarted.get(key);
  if (early) {
    prestarted.delete(key);
    return early;
  }
  return execGit(DIFF_FILES(config), { cwd: root });
}
var prestarted = /* @__PURE__ */ new Map();
function readFoldersUnchecked(root) {
  let folders = {};
  try {
    folders = JSON.parse(readFileSync2(path2.join(root, "canon.config.json"), "utf8")).folders ?? {};
  } catch {
  }
  const pick = (kind) => typeof folders[kind] === "string" && folders[kind] !== "" ? folders[kind] : DEFAULT_CONFIG.folders[kind];
  return { ...DEFAULT_CONFIG, folders: { ...DEFAULT_CONFIG.folders, session: pick("session"), workstream: pick("workstream") } };
}
async function fingerprint2(inputs, untracked, nowMs, started) {
  return keyOf(inputs, untracked, nowMs, await (started ?? startSnapshotCheck(inputs.root, inputs.config)));
}
function keyOf(inputs, untracked, nowMs, status) {
  const index = indexFile(inputs.root, inputs.env);
  if (index === null) return null;
  const folders = foldersOf(inputs.config);
  if (status.code !== 0) return null;
  const young = { value: false };
  const parts = [
    SNAPSHOT_FORMAT,
    inputs.operator,
    String(inputs.limit),
    inputs.today,
    stamp(index, nowMs, young),
    ...folders.map((f) => `${f}=${stamp(path2.join(inputs.root, f), nowMs, young)}`),
    `config=${stamp(path2.join(inputs.root, "canon.config.json"), nowMs, young)}`,
    `operators=${stamp(path2.join(inputs.root, ".claude/operators.yaml"), nowMs, young)}`,
    ...splitNul(status.stdout).map((rel) => `${rel}=${stamp(path2.join(inputs.root, rel), nowMs, young)}`),
    ...untracked.map((rel) => `${rel}=${stamp(path2.join(inputs.root, rel), nowMs, young)}`)
  ];
  return { key: parts.join("\n"), young: young.value };
}
async function readResumeSnapshot(inputs, nowMs, started) {
  let snapshot;
  try {
    snapshot = JSON.parse(readFileSync2(path2.join(inputs.root, RESUME_SNAPSHOT_FILE), "utf8"));
  } catch {
    return null;
  }
  const now = await fingerprint2(inputs, snapshot.untracked ?? [], nowMs, started);
  if (now === null || now.key !== snapshot.key) return null;
  return { view: snapshot.view, problems: snapshot.problems };
}

// tools/io/stdin.ts
import { fstatSync as fstatSync2, readSync } from "node:fs";

// tools/io/lock.ts
import {
  closeSync,
  fstatSync,
  linkSync,
  mkdirSync as mkdirSync2,
  openSync,
  readFileSync as readFileSync3,
  renameSync as renameSync2,
  statSync as statSync3,
  unlinkSync,
  utimesSync,
  writeFileSync as writeFileSync2,
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
function parseLockOwner(text2) {
  try {
    const raw = JSON.parse(text2);
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
    const stat = statSync3(file);
    const text2 = readFileSync3(file, "utf8");
    return { text: text2, identity: `${stat.ino}:${stat.mtimeMs}:${text2}`, ageMs: Date.now() - stat.mtimeMs };
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
    renameSync2(file, grave);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return;
    throw error;
  }
  try {
    const fd = openSync(grave, "r");
    let moved;
    try {
      const stat = fstatSync(fd);
      moved = `${stat.ino}:${stat.mtimeMs}:${readFileSync3(fd, "utf8")}`;
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
    writeFileSync2(temp, token, { flag: "wx" });
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
      return readFileSync3(file, "utf8") === token;
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

// tools/io/telemetry.ts
import {
  appendFileSync,
  closeSync as closeSync2,
  existsSync,
  fstatSync as fstatSync3,
  mkdirSync as mkdirSync3,
  openSync as openSync2,
  readdirSync,
  readFileSync as readFileSync4,
  readSync as readSync2,
  renameSync as renameSync3,
  statSync as statSync4,
  unlinkSync as unlinkSync2,
  writeFileSync as writeFileSync3
} from "node:fs";
import path3 from "node:path";
var STATE_DIR = ".claude/state";
var HOOK_ERROR_LOG = "hook-errors.log";
var HOOK_ERROR_LOG_MAX_BYTES = 64 * 1024;
var SWEEP_AFTER_MS = 60 * 60 * 1e3;
var PARALLEL_WINDOW_MS = 60 * 60 * 1e3;
var FOLD_LOCK = { staleMs: 2e3, timeoutMs: 250 };
var SESSION_FILE = /^session-(.+)\.jsonl?$/;
var ENDED_FILE = /^session-(.+)\.ended$/;
var HANDOFF_FILE = /^session-(.+)\.handoff$/;
function telemetryStateDir(root) {
  return path3.join(root, STATE_DIR);
}
function telemetryStateFile(root, sessionId) {
  return path3.join(telemetryStateDir(root), `session-${sanitizeSessionId(sessionId)}.json`);
}
function telemetryJournalFile(root, sessionId) {
  return `${telemetryStateFile(root, sessionId)}l`;
}
function sessionHandoffFile(root, sessionId) {
  return path3.join(telemetryStateDir(root), `session-${sanitizeSessionId(sessionId)}.handoff`);
}
function sessionEndedFile(root, sessionId) {
  return path3.join(telemetryStateDir(root), `session-${sanitizeSessionId(sessionId)}.ended`);
}
function fileStamp(iso) {
  return iso.replace(/[:.]/g, "-");
}
function errorCode2(error) {
  return error?.code;
}
function readTextOrNull(file) {
  try {
    return readFileSync4(file, "utf8");
  } catch (error) {
    if (errorCode2(error) === "ENOENT") return null;
    throw error;
  }
}
function appendToolEvent(root, sessionId, event) {
  appendFileSync(telemetryJournalFile(root, sessionId), serializeToolEvent(event));
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
  const text2 = readTextOrNull(file);
  let state = text2 === null ? null : parseTelemetryState(text2);
  let corruptMovedTo = null;
  if (text2 !== null && state === null && moveCorrupt !== null) corruptMovedTo = moveCorrupt(file);
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
    writeFileSync3(temp, serializeTelemetryState(result.state));
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
function appendHookError(root, line) {
  const dir = telemetryStateDir(root);
  mkdirSync3(dir, { recursive: true });
  const log = path3.join(dir, HOOK_ERROR_LOG);
  try {
    if (statSync4(log).size > HOOK_ERROR_LOG_MAX_BYTES) renameSync3(log, `${log}.1`);
  } catch (error) {
    if (errorCode2(error) !== "ENOENT") throw error;
  }
  appendFileSync(log, line.endsWith("\n") ? line : `${line}
`);
}
function readInvariantRule(root) {
  try {
    const text2 = readTextOrNull(path3.join(root, "canon.config.json"));
    if (text2 === null) return DEFAULT_INVARIANT_RULE;
    const invariant = JSON.parse(text2).invariant;
    const list = invariant?.forbidden_mcp;
    const forbidden = Array.isArray(list) && list.every((s) => typeof s === "string") ? list : DEFAULT_INVARIANT_RULE.forbidden;
    const counter = typeof invariant?.counter === "string" && /^[A-Za-z0-9_-]+$/.test(invariant.counter) ? invariant.counter : DEFAULT_INVARIANT_RULE.counter;
    return { forbidden, counter };
  } catch {
    return DEFAULT_INVARIANT_RULE;
  }
}
function recordSessionStart(root, sessionId, mark) {
  mkdirSync3(telemetryStateDir(root), { recursive: true });
  appendToolEvent(root, sessionId, mark);
  for (const marker of [sessionEndedFile(root, sessionId), sessionHandoffFile(root, sessionId)]) {
    try {
      unlinkSync2(marker);
    } catch (error) {
      if (errorCode2(error) !== "ENOENT") throw error;
    }
  }
}
var CLEARED_FILE = "cleared-session.json";
var CLEAR_WINDOW_MS = 3e4;
function recordSessionEnd(root, sessionId, endedAt, options = {}) {
  mkdirSync3(telemetryStateDir(root), { recursive: true });
  writeFileSync3(sessionEndedFile(root, sessionId), `${endedAt}
`);
  if (existsSync(telemetryJournalFile(root, sessionId))) appendToolEvent(root, sessionId, { at: endedAt, mark: "end", cwd: options.cwd ?? root });
  if (options.cleared) {
    const file = path3.join(telemetryStateDir(root), CLEARED_FILE);
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync3(temp, `${JSON.stringify({ session_id: sessionId, at: endedAt })}
`);
    renameSync3(temp, file);
  }
}
function takeClearedSession(root, sessionId, nowMs) {
  const file = path3.join(telemetryStateDir(root), CLEARED_FILE);
  const text2 = readTextOrNull(file);
  if (text2 === null) return null;
  try {
    const raw = JSON.parse(text2);
    const at = typeof raw.at === "string" ? Date.parse(raw.at) : NaN;
    if (typeof raw.session_id !== "string" || raw.session_id === sessionId || !(nowMs - at <= CLEAR_WINDOW_MS)) return null;
    unlinkSync2(file);
    return raw.session_id;
  } catch {
    return null;
  }
}
function listTelemetrySessions(root) {
  const dir = telemetryStateDir(root);
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const sessions = /* @__PURE__ */ new Map();
  const endedStems = /* @__PURE__ */ new Map();
  const handedOff = /* @__PURE__ */ new Set();
  for (const name of names) {
    const handoffStem = HANDOFF_FILE.exec(name)?.[1];
    if (handoffStem !== void 0) {
      handedOff.add(handoffStem);
      continue;
    }
    const endedStem = ENDED_FILE.exec(name)?.[1];
    if (endedStem !== void 0) {
      const text2 = readTextOrNull(path3.join(dir, name))?.trim() ?? "";
      endedStems.set(endedStem, Number.isNaN(Date.parse(text2)) ? (/* @__PURE__ */ new Date(0)).toISOString() : text2);
      continue;
    }
    const stem = SESSION_FILE.exec(name)?.[1];
    if (stem === void 0) continue;
    let mtimeMs;
    try {
      mtimeMs = statSync4(path3.join(dir, name)).mtimeMs;
    } catch {
      continue;
    }
    const seen = sessions.get(stem);
    if (seen === void 0 || seen.mtimeMs < mtimeMs) sessions.set(stem, { stem, mtimeMs, endedAt: null, handedOff: false });
  }
  for (const session of sessions.values()) {
    session.endedAt = endedStems.get(session.stem) ?? null;
    session.handedOff = handedOff.has(session.stem);
  }
  return [...sessions.values()].sort((a, b) => b.mtimeMs - a.mtimeMs || (a.stem < b.stem ? -1 : 1));
}
function listUnfinishedSessions(root, now = /* @__PURE__ */ new Date()) {
  const out = [];
  for (const session of listTelemetrySessions(root)) {
    if (session.endedAt === null || session.handedOff) continue;
    let calls = 0;
    try {
      calls = computeState(root, session.stem, now.toISOString(), null).state.tool_calls_count;
    } catch {
      continue;
    }
    if (calls > 0) out.push({ stem: session.stem, ended_at: session.endedAt, tool_calls: calls });
  }
  return out;
}

// tools/hooks/session.ts
var STDIN_LIMIT_BYTES = 1024 * 1024;
var DEFAULT_MAX_CHARS = 2e3;
var COLD_TIMEOUT_MS = 8e3;
function text(value, max = 4096) {
  return typeof value === "string" && value.trim() !== "" && value.length <= max ? value.trim() : null;
}
function parseSessionInput(stdin) {
  try {
    const raw = JSON.parse(stdin);
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return null;
    return {
      sessionId: text(raw.session_id, 512),
      event: text(raw.hook_event_name, 64),
      source: text(raw.source, 64),
      reason: text(raw.reason, 64),
      transcript: text(raw.transcript_path),
      cwd: text(raw.cwd)
    };
  } catch {
    return null;
  }
}
function findRoot(dir) {
  for (let current = dir; ; ) {
    if (existsSync2(path4.join(current, ".git"))) return current;
    const parent = path4.dirname(current);
    if (parent === current) return dir;
    current = parent;
  }
}
function reasonOf(error) {
  return error instanceof Error ? error.message : String(error);
}
function readMaxChars(root) {
  try {
    const value = JSON.parse(readFileSync5(path4.join(root, "canon.config.json"), "utf8")).claude?.session_start_max_chars;
    return typeof value === "number" && Number.isInteger(value) && value >= 200 ? value : DEFAULT_MAX_CHARS;
  } catch {
    return DEFAULT_MAX_CHARS;
  }
}
function sessionsFolder(root) {
  return readFoldersUnchecked(root).folders.session.replace(/^\/+|\/+$/g, "");
}
async function viewFromCaches(root, env, now, early) {
  const operator = await cachedOperator(root, {}, env);
  if (operator === null) return null;
  const snapshot = await readResumeSnapshot(
    { root, config: readFoldersUnchecked(root), operator: operator.slug, limit: 5, today: localDate(now), env },
    now.getTime(),
    early ?? void 0
  );
  if (snapshot !== null) return snapshot.view;
  const cacheFile = path4.join(root, RESUME_CACHE_FILE);
  let cacheText;
  let cacheMtime;
  try {
    cacheMtime = statSync5(cacheFile).mtimeMs;
    cacheText = readFileSync5(cacheFile, "utf8");
  } catch {
    return null;
  }
  try {
    if (statSync5(path4.join(root, sessionsFolder(root))).mtimeMs > cacheMtime) return null;
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
      parts = parseNoteFast(readFileSync5(path4.join(root, s.path), "utf8"));
    } catch {
      return null;
    }
    if (parts === null) return null;
    const str = (v) => typeof v === "string" ? v : null;
    last = {
      id: s.id,
      date: str(parts.data.date),
      title: str(parts.data.title),
      summary: str(parts.data.summary),
      resume_prompt: extractResumePrompt(parts.body),
      path: s.path
    };
  }
  return buildResumeView({ operator, own, last, sessions, workstreams, today: localDate(now), limit: 5 });
}
function findCanonCommand(root) {
  for (const rel of ["node_modules/canon-notes/dist/canon.js", ".canon/canon-notes/dist/canon.js", "dist/canon.js"]) {
    const file = path4.join(root, rel);
    if (existsSync2(file)) return [process.execPath, [file]];
  }
  const common = spawnSync2("git", ["rev-parse", "--git-common-dir"], { cwd: root, encoding: "utf8" });
  const runner = common.status === 0 ? path4.resolve(root, common.stdout.trim(), RUNNER_REL) : null;
  return runner !== null && existsSync2(runner) ? ["sh", [runner]] : null;
}
function viewFromCli(root, env) {
  const command = findCanonCommand(root);
  if (command === null) throw new Error("canon is not installed in this repository (no node_modules/canon-notes, no .git/canon/run)");
  const [program, args] = command;
  const run = spawnSync2(program, [...args, "resume", "--json"], { cwd: root, env: { ...env, NO_COLOR: "1" }, encoding: "utf8", timeout: COLD_TIMEOUT_MS });
  if (run.status !== 0) throw new Error((run.stderr || `canon resume exited ${run.status ?? run.signal}`).trim().split("\n")[0]);
  return JSON.parse(run.stdout);
}
async function runSessionHook(run) {
  const now = run.now();
  const nowIso = now.toISOString();
  const input = parseSessionInput(run.stdin);
  const project = run.env.CLAUDE_PROJECT_DIR;
  const root = project !== void 0 && project.trim() !== "" ? path4.resolve(run.cwd, project) : findRoot(path4.resolve(run.cwd, input?.cwd ?? "."));
  const sessionId = resolveSessionId(input?.sessionId ?? null, run.env.CLAUDE_CODE_SESSION_ID ?? run.env.CLAUDE_SESSION_ID, run.ppid);
  const outcome = { event: input?.event ?? null, root, sessionId, stdout: "", problems: [], contextFrom: null };
  const log = (message) => {
    outcome.problems.push(message);
    try {
      appendHookError(root, `${nowIso} session ${JSON.stringify(sessionId)}: ${message}`);
    } catch {
    }
  };
  if (input === null) {
    log("session hook: stdin is not a JSON object; nothing recorded.");
    return outcome;
  }
  if (input.event === "SessionEnd") {
    try {
      recordSessionEnd(root, sessionId, nowIso, { cwd: input.cwd ?? root, cleared: input.reason === "clear" });
      if (existsSync2(telemetryJournalFile(root, sessionId))) foldTelemetryState(root, sessionId, nowIso);
    } catch (error) {
      log(claudeMessages.hook.endFailed(reasonOf(error)));
    }
    return outcome;
  }
  if (input.event !== "SessionStart") return outcome;
  try {
    const replaces = input.source === "clear" ? takeClearedSession(root, sessionId, now.getTime()) : null;
    recordSessionStart(root, sessionId, {
      at: nowIso,
      mark: "start",
      source: input.source,
      transcript: input.transcript,
      cwd: input.cwd ?? root,
      ...replaces ? { replaces } : {}
    });
  } catch (error) {
    log(`SessionStart: could not record the session start (${reasonOf(error)}).`);
  }
  try {
    let view = await viewFromCaches(root, run.env, now, run.early ?? null);
    outcome.contextFrom = "cache";
    if (view === null) {
      view = viewFromCli(root, run.env);
      outcome.contextFrom = "cli";
    }
    const unfinished = listUnfinishedSessions(root, now).filter((s) => s.stem !== sessionId);
    const context = renderSessionStartContext(
      view,
      { sessions: unfinished.length, tool_calls: unfinished.reduce((n, s) => n + s.tool_calls, 0) },
      readMaxChars(root)
    );
    outcome.stdout = `${JSON.stringify({ hookSpecificOutput: { hookEventName: "SessionStart", additionalContext: context } })}
`;
  } catch (error) {
    outcome.contextFrom = null;
    log(claudeMessages.hook.contextFailed(reasonOf(error)));
  }
  return outcome;
}
async function runSessionHookMain() {
  if (process.env.CANON_HOOKS === "0") return;
  const project = process.env.CLAUDE_PROJECT_DIR;
  const early = project !== void 0 && project.trim() !== "" ? startSnapshotCheck(path4.resolve(project), readFoldersUnchecked(path4.resolve(project))) : null;
  early?.catch(() => void 0);
  let stdin = "";
  try {
    stdin = readStdinSync(STDIN_LIMIT_BYTES).text;
  } catch {
  }
  const outcome = await runSessionHook({ stdin, env: process.env, cwd: process.cwd(), ppid: process.ppid, now: () => /* @__PURE__ */ new Date(), early });
  if (outcome.stdout !== "") {
    try {
      process.stdout.write(outcome.stdout);
    } catch {
    }
  }
}

// tools/bin/hook-session.ts
runSessionHookMain().catch(() => void 0).finally(() => {
  process.exitCode = 0;
});
