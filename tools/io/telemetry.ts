// Telemetry files in `.claude/state/` (docs/contract.md §5). Bundled into the standalone hook: Node built-ins and
// pure core only.
//
// Per session two files:
//   session-<id>.jsonl  the journal: one line per counted call, appended with a single O_APPEND write.
//                       The append is the commit point: it needs no lock and cannot lose a concurrent
//                       call, however many agents' hooks run at once and however long any of them is
//                       descheduled (a lock with a bounded wait cannot promise that on a busy machine:
//                       200 hooks on 2 cores lost half their counts in our first design).
//   session-<id>.json   the state of docs/contract.md §5, folded from the journal under a lock and written through
//                       a temp file + rename. It records `journal_offset`, how much of the journal it
//                       holds, in the same atomic write: so a fold that crashes, runs twice or races
//                       another never double-counts or drops a line. Readers add the journal lines past
//                       the offset, so what they get is exact even when the last fold was skipped.
import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import {
  applyToolEvents,
  createTelemetryState,
  DEFAULT_INVARIANT_RULE,
  type InvariantRule,
  type JournalEvent,
  parseTelemetryState,
  parseToolEvents,
  sanitizeSessionId,
  serializeTelemetryState,
  serializeToolEvent,
  type TelemetryState,
} from '../core/telemetry.js';
import { acquireLockSync, LockTimeoutError, withLockSync, type LockOptions } from './lock.js';

export const STATE_DIR = '.claude/state';
const HOOK_ERROR_LOG = 'hook-errors.log';
/** The error log rotates to `hook-errors.log.1` past this size: at most twice this on disk. */
export const HOOK_ERROR_LOG_MAX_BYTES = 64 * 1024;
/** Temp files and moved-aside stale locks older than this were left by killed processes. */
const SWEEP_AFTER_MS = 60 * 60 * 1000;
/** A sibling session counts as a parallel terminal if it recorded a call within this window. */
export const PARALLEL_WINDOW_MS = 60 * 60 * 1000;

/**
 * A fold takes well under a millisecond of CPU; a lock older than 2 s was left by a killed process.
 * The hook waits at most 250 ms for it: its call is already safe in the journal, and whoever holds the
 * lock, the next call or the reader folds it.
 */
const FOLD_LOCK: LockOptions = { staleMs: 2000, timeoutMs: 250 };
const ARCHIVE_LOCK: LockOptions = { staleMs: 2000, timeoutMs: 10_000 };

const SESSION_FILE = /^session-(.+)\.jsonl?$/;
/** `session-<id>.ended`: written by the SessionEnd hook, removed when the session starts again or hands off. */
const ENDED_FILE = /^session-(.+)\.ended$/;
/** `session-<id>.handoff`: written when handoff archives the session, removed when it starts again. */
const HANDOFF_FILE = /^session-(.+)\.handoff$/;

export function telemetryStateDir(root: string): string {
  return path.join(root, STATE_DIR);
}

export function telemetryStateFile(root: string, sessionId: string): string {
  return path.join(telemetryStateDir(root), `session-${sanitizeSessionId(sessionId)}.json`);
}

export function telemetryJournalFile(root: string, sessionId: string): string {
  return `${telemetryStateFile(root, sessionId)}l`;
}

/** The handoff marker of a session: the calls left after it (the handoff's own Bash call) are not unfinished work. */
function sessionHandoffFile(root: string, sessionId: string): string {
  return path.join(telemetryStateDir(root), `session-${sanitizeSessionId(sessionId)}.handoff`);
}

/** The SessionEnd marker of a session: its presence says the session ended; its mtime says when. */
function sessionEndedFile(root: string, sessionId: string): string {
  return path.join(telemetryStateDir(root), `session-${sanitizeSessionId(sessionId)}.ended`);
}

/** `2026-05-11T10:00:00.000Z` → `2026-05-11T10-00-00-000Z`: safe in a file name on every OS. */
function fileStamp(iso: string): string {
  return iso.replace(/[:.]/g, '-');
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function readTextOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

/** Commit one call: a single append of one short line (O_APPEND: concurrent appends never interleave). */
export function appendToolEvent(root: string, sessionId: string, event: JournalEvent): void {
  appendFileSync(telemetryJournalFile(root, sessionId), serializeToolEvent(event));
}

/** The journal's complete lines from `offset` on, or null when the journal is shorter than `offset`. */
function readJournalTail(journal: string, offset: number): { text: string; consumed: number } | null {
  let fd: number;
  try {
    fd = openSync(journal, 'r');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return offset === 0 ? { text: '', consumed: 0 } : null;
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    if (size < offset) return null;
    const buffer = Buffer.alloc(size - offset);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
    // A line is whole once its newline is written; anything after the last one is read next time.
    const end = buffer.subarray(0, read).lastIndexOf(0x0a) + 1;
    return { text: buffer.toString('utf8', 0, end), consumed: end };
  } finally {
    closeSync(fd);
  }
}

export interface FoldResult {
  state: TelemetryState;
  /** Where a corrupt state file was moved before the state was rebuilt from the journal. */
  corruptMovedTo: string | null;
  /** Journal lines that were not events (a torn write on a full disk), skipped. */
  skipped: number;
  /** The journal was shorter than the state said (replaced by hand): folded again from its start. */
  restarted: boolean;
}

/**
 * The exact state of a session from its state file and journal, without writing anything.
 * `moveCorruptTo` is called (under the fold lock only) to set a corrupt state file aside.
 */
function computeState(
  root: string,
  sessionId: string,
  now: string,
  moveCorrupt: ((file: string) => string) | null,
  journal: string = telemetryJournalFile(root, sessionId),
): FoldResult {
  const file = telemetryStateFile(root, sessionId);
  const text = readTextOrNull(file);
  let state = text === null ? null : parseTelemetryState(text);
  let corruptMovedTo: string | null = null;
  if (text !== null && state === null && moveCorrupt !== null) corruptMovedTo = moveCorrupt(file);
  const rule = readInvariantRule(root);
  const fresh = () => createTelemetryState(sessionId, '', now, rule.forbidden.length > 0 ? [rule.counter] : []);
  state ??= fresh();
  let tail = readJournalTail(journal, state.journal_offset);
  let restarted = false;
  if (tail === null) {
    restarted = true;
    state = fresh();
    tail = readJournalTail(journal, 0) ?? { text: '', consumed: 0 };
  }
  const { events, skipped } = parseToolEvents(tail.text);
  return { state: applyToolEvents(state, events, tail.consumed, rule), corruptMovedTo, skipped, restarted };
}

/**
 * Fold the journal into the state file, under the session's lock. Returns null when another process
 * holds the lock (it, or a later call, folds our line). Lock or no lock, a fold can only write a state
 * consistent with its own `journal_offset`, so even two folds racing never double-count.
 */
export function foldTelemetryState(root: string, sessionId: string, now: string, lockOptions: LockOptions = FOLD_LOCK): FoldResult | null {
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
      renameSync(corrupt, aside);
      return aside;
    });
    const temp = `${file}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`;
    writeFileSync(temp, serializeTelemetryState(result.state));
    // Judged stale and broken while we worked (descheduled > 2 s): a newer fold may already be in place.
    if (!lock.stillHeld()) {
      unlinkSync(temp);
      return null;
    }
    renameSync(temp, file);
    return result;
  } finally {
    lock.release();
  }
}

export interface StateDirObservation {
  /** Other sessions that recorded a call within PARALLEL_WINDOW_MS. */
  siblings: number;
  swept: string[];
}

/**
 * One pass over `.claude/state/`: count sibling sessions active within the hour, and remove temp files
 * and moved-aside locks that killed processes left behind more than an hour ago.
 */
export function observeStateDir(root: string, sessionId: string, nowMs: number): StateDirObservation {
  const dir = telemetryStateDir(root);
  const self = sanitizeSessionId(sessionId);
  const active = new Set<string>();
  const swept: string[] = [];
  const names = readdirSync(dir);
  // A session that ended (SessionEnd) is not live, however recently its files changed.
  const ended = new Set<string>();
  for (const name of names) {
    const stem = ENDED_FILE.exec(name)?.[1];
    if (stem !== undefined) ended.add(stem);
  }
  for (const name of names) {
    const isTemp = name.endsWith('.tmp');
    const stem = SESSION_FILE.exec(name)?.[1];
    if (!isTemp && (stem === undefined || stem === self || active.has(stem) || ended.has(stem))) continue;
    const file = path.join(dir, name);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      continue; // renamed or removed by a concurrent call since readdir
    }
    if (stem !== undefined) {
      if (nowMs - mtimeMs <= PARALLEL_WINDOW_MS) active.add(stem);
    } else if (nowMs - mtimeMs > SWEEP_AFTER_MS) {
      try {
        unlinkSync(file);
        swept.push(name);
      } catch {
        // Another call swept it first.
      }
    }
  }
  return { siblings: active.size, swept };
}

/**
 * Append one line to `.claude/state/hook-errors.log`, rotating it to `.1` when it grows past the bound,
 * so a hook failing on every call for months still uses a fixed amount of disk.
 */
export function appendHookError(root: string, line: string): void {
  const dir = telemetryStateDir(root);
  mkdirSync(dir, { recursive: true });
  const log = path.join(dir, HOOK_ERROR_LOG);
  try {
    if (statSync(log).size > HOOK_ERROR_LOG_MAX_BYTES) renameSync(log, `${log}.1`);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  appendFileSync(log, line.endsWith('\n') ? line : `${line}\n`);
}

/**
 * `invariant.forbidden_mcp` and `invariant.counter` from canon.config.json, read without the schema
 * validator (hook budget). An invalid config is `validate`'s business: the defaults apply.
 */
export function readInvariantRule(root: string): InvariantRule {
  try {
    const text = readTextOrNull(path.join(root, 'canon.config.json'));
    if (text === null) return DEFAULT_INVARIANT_RULE;
    const invariant = (JSON.parse(text) as { invariant?: { forbidden_mcp?: unknown; counter?: unknown } }).invariant;
    const list = invariant?.forbidden_mcp;
    const forbidden = Array.isArray(list) && list.every((s) => typeof s === 'string') ? (list as string[]) : DEFAULT_INVARIANT_RULE.forbidden;
    const counter = typeof invariant?.counter === 'string' && /^[A-Za-z0-9_-]+$/.test(invariant.counter) ? invariant.counter : DEFAULT_INVARIANT_RULE.counter;
    return { forbidden, counter };
  } catch {
    return DEFAULT_INVARIANT_RULE;
  }
}

/** The servers whose `mcp__<server>` key a fresh state holds at 0: the invariant's counter (none if nothing is forbidden). */
export function readForbiddenMcp(root: string): string[] {
  const rule = readInvariantRule(root);
  return rule.forbidden.length > 0 ? [rule.counter] : [];
}

/** One journal line marking that the session started (SessionStart): its start time and transcript. */
export function recordSessionStart(root: string, sessionId: string, mark: JournalEvent): void {
  mkdirSync(telemetryStateDir(root), { recursive: true });
  appendToolEvent(root, sessionId, mark);
  for (const marker of [sessionEndedFile(root, sessionId), sessionHandoffFile(root, sessionId)]) {
    try {
      unlinkSync(marker);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }
}

/** Written by SessionEnd on `/clear`, taken by the SessionStart that follows it within CLEAR_WINDOW_MS. */
const CLEARED_FILE = 'cleared-session.json';
const CLEAR_WINDOW_MS = 30_000;

/**
 * SessionEnd: the session is no longer live. The marker's mtime is when it ended; its journal gets an
 * end mark (active time never spans a closed session). On `/clear`, the next SessionStart learns
 * which session it replaces.
 */
export function recordSessionEnd(root: string, sessionId: string, endedAt: string, options: { cwd?: string; cleared?: boolean } = {}): void {
  mkdirSync(telemetryStateDir(root), { recursive: true });
  writeFileSync(sessionEndedFile(root, sessionId), `${endedAt}\n`);
  if (existsSync(telemetryJournalFile(root, sessionId))) appendToolEvent(root, sessionId, { at: endedAt, mark: 'end', cwd: options.cwd ?? root });
  if (options.cleared) {
    const file = path.join(telemetryStateDir(root), CLEARED_FILE);
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ session_id: sessionId, at: endedAt })}\n`);
    renameSync(temp, file);
  }
}

/**
 * SessionStart after `/clear`: the session the `/clear` ended, if one ended so within the last
 * CLEAR_WINDOW_MS (two terminals clearing in the same seconds is the one case this can mix up).
 * The record is taken: a later start does not inherit it.
 */
export function takeClearedSession(root: string, sessionId: string, nowMs: number): string | null {
  const file = path.join(telemetryStateDir(root), CLEARED_FILE);
  const text = readTextOrNull(file);
  if (text === null) return null;
  try {
    const raw = JSON.parse(text) as { session_id?: unknown; at?: unknown };
    const at = typeof raw.at === 'string' ? Date.parse(raw.at) : NaN;
    if (typeof raw.session_id !== 'string' || raw.session_id === sessionId || !(nowMs - at <= CLEAR_WINDOW_MS)) return null;
    unlinkSync(file);
    return raw.session_id;
  } catch {
    return null;
  }
}

export interface SessionListing {
  /** The session's file stem (its sanitised id). */
  stem: string;
  /** Newest mtime of its state, journal or end marker. */
  mtimeMs: number;
  /** When SessionEnd marked it ended, or null while it is live (or never ended cleanly). */
  endedAt: string | null;
  /** Handed off since it last started: what is left is the handoff's own call. */
  handedOff: boolean;
}

/** The sessions with telemetry in `.claude/state/` (not archived), from names and stats only. */
export function listTelemetrySessions(root: string): SessionListing[] {
  const dir = telemetryStateDir(root);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const sessions = new Map<string, SessionListing>();
  const endedStems = new Map<string, string>();
  const handedOff = new Set<string>();
  for (const name of names) {
    const handoffStem = HANDOFF_FILE.exec(name)?.[1];
    if (handoffStem !== undefined) {
      handedOff.add(handoffStem);
      continue;
    }
    const endedStem = ENDED_FILE.exec(name)?.[1];
    if (endedStem !== undefined) {
      const text = readTextOrNull(path.join(dir, name))?.trim() ?? '';
      endedStems.set(endedStem, Number.isNaN(Date.parse(text)) ? new Date(0).toISOString() : text);
      continue;
    }
    const stem = SESSION_FILE.exec(name)?.[1];
    if (stem === undefined) continue;
    let mtimeMs: number;
    try {
      mtimeMs = statSync(path.join(dir, name)).mtimeMs;
    } catch {
      continue;
    }
    const seen = sessions.get(stem);
    if (seen === undefined || seen.mtimeMs < mtimeMs) sessions.set(stem, { stem, mtimeMs, endedAt: null, handedOff: false });
  }
  for (const session of sessions.values()) {
    session.endedAt = endedStems.get(session.stem) ?? null;
    session.handedOff = handedOff.has(session.stem);
  }
  return [...sessions.values()].sort((a, b) => b.mtimeMs - a.mtimeMs || (a.stem < b.stem ? -1 : 1));
}

/** The session whose state or journal changed last, as the stem of its file names. */
function newestSessionStem(root: string): string | null {
  const dir = telemetryStateDir(root);
  if (!existsSync(dir)) return null;
  let newest: { stem: string; mtimeMs: number } | null = null;
  for (const name of readdirSync(dir)) {
    const stem = SESSION_FILE.exec(name)?.[1];
    if (stem === undefined) continue;
    try {
      const { mtimeMs } = statSync(path.join(dir, name));
      if (newest === null || mtimeMs > newest.mtimeMs) newest = { stem, mtimeMs };
    } catch {
      // Archived or moved aside since readdir.
    }
  }
  return newest?.stem ?? null;
}

export interface TelemetryLookup {
  /** The state file (it may not exist yet when only the journal does). */
  file: string;
  state: TelemetryState;
}

/** A session's exact telemetry (the newest session when no id is given), or null if none recorded. */
export function findTelemetryState(root: string, sessionId?: string, now: Date = new Date()): TelemetryLookup | null {
  // The newest file's stem is already sanitised, and sanitising is the identity on its output.
  const id = sessionId ?? newestSessionStem(root);
  if (id === null) return null;
  const file = telemetryStateFile(root, id);
  if (!existsSync(file) && !existsSync(telemetryJournalFile(root, id))) return null;
  const { state } = computeState(root, id, now.toISOString(), null);
  return { file, state };
}

/** Parsed telemetry of a session (the newest when no id is given), or null if none was recorded. */
export function readTelemetryState(root: string, sessionId?: string): TelemetryState | null {
  return findTelemetryState(root, sessionId)?.state ?? null;
}

/** One handoff of a session, kept after its telemetry is archived (a later handoff of it reads them). */
export interface HandoffLedgerEntry {
  /** The note's id. */
  id: string;
  at: string;
  tool_calls: number;
  /** The `mcp__*` counts of the calls that note covered: the invariant is the whole session's. */
  mcp: Record<string, number>;
}

/** `handoffs-<id>.json`: not a `session-*` file, so nothing takes it for a session's telemetry. */
function handoffLedgerFile(root: string, sessionId: string): string {
  return path.join(telemetryStateDir(root), `handoffs-${sanitizeSessionId(sessionId)}.json`);
}

/** The earlier handoffs of a session, oldest first ([] when none, or when the file is unreadable). */
export function readHandoffLedger(root: string, sessionId: string): HandoffLedgerEntry[] {
  try {
    const raw = JSON.parse(readFileSync(handoffLedgerFile(root, sessionId), 'utf8')) as { handoffs?: unknown };
    if (!Array.isArray(raw.handoffs)) return [];
    return raw.handoffs.filter(
      (e): e is HandoffLedgerEntry =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as HandoffLedgerEntry).id === 'string' &&
        typeof (e as HandoffLedgerEntry).mcp === 'object' &&
        (e as HandoffLedgerEntry).mcp !== null,
    );
  } catch {
    return [];
  }
}

function appendHandoffLedger(root: string, sessionId: string, entry: HandoffLedgerEntry): void {
  const file = handoffLedgerFile(root, sessionId);
  const handoffs = [...readHandoffLedger(root, sessionId).filter((e) => e.id !== entry.id), entry];
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ session_id: sessionId, handoffs }, null, 2)}\n`);
  renameSync(temp, file);
}

/**
 * Move a session's telemetry into `.claude/state/archive/` (after handoff): the exact state, folded,
 * and its journal. Later calls of the same session start a fresh count; the handoff (`handoffId`) is
 * kept in the session's ledger, so a later handoff of the same session states the invariant for all
 * of it. Returns the archived state file.
 */
export function archiveTelemetryState(root: string, sessionId: string, now: Date = new Date(), handoffId?: string): string | null {
  const file = telemetryStateFile(root, sessionId);
  const journal = telemetryJournalFile(root, sessionId);
  if (!existsSync(file) && !existsSync(journal)) return null;
  const archive = path.join(telemetryStateDir(root), 'archive');
  mkdirSync(archive, { recursive: true });
  const target = path.join(archive, `${path.basename(file, '.json')}.${fileStamp(now.toISOString())}.json`);
  return withLockSync(`${file}.lock`, ARCHIVE_LOCK, () => {
    // The journal moves first, and the archived state is folded from where it moved to: a call that
    // appends before the move is in the archive, one after starts the next count. Folding first and
    // moving after would drop a call appended in between from both.
    const archivedJournal = `${target}l`;
    try {
      renameSync(journal, archivedJournal);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    const { state } = computeState(root, sessionId, now.toISOString(), null, archivedJournal);
    writeFileSync(target, serializeTelemetryState(state));
    if (handoffId !== undefined) {
      const mcp = Object.fromEntries(Object.entries(state.tool_calls_breakdown).filter(([k]) => k.startsWith('mcp__')));
      appendHandoffLedger(root, sessionId, { id: handoffId, at: now.toISOString(), tool_calls: state.tool_calls_count, mcp });
    }
    writeFileSync(sessionHandoffFile(root, sessionId), `${now.toISOString()}\n`);
    for (const done of [file, sessionEndedFile(root, sessionId)]) {
      try {
        unlinkSync(done);
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error;
      }
    }
    return target;
  });
}

export interface UnfinishedSession {
  stem: string;
  ended_at: string;
  tool_calls: number;
}

/**
 * Sessions that ended (SessionEnd) with tool calls still in `.claude/state/`: no handoff archived
 * them, so no note holds their counts. Newest first.
 */
export function listUnfinishedSessions(root: string, now: Date = new Date()): UnfinishedSession[] {
  const out: UnfinishedSession[] = [];
  for (const session of listTelemetrySessions(root)) {
    if (session.endedAt === null || session.handedOff) continue;
    let calls = 0;
    try {
      calls = computeState(root, session.stem, now.toISOString(), null).state.tool_calls_count;
    } catch {
      continue; // unreadable: `telemetry show` reports it
    }
    if (calls > 0) out.push({ stem: session.stem, ended_at: session.endedAt, tool_calls: calls });
  }
  return out;
}
