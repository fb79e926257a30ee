import { readdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { STATE_DIR } from './telemetry.js';

/** `session-<id>.jsonl` (journal) and `session-<id>.json` (state): the telemetry of one session. */
const SESSION_FILE = /^session-(.+)\.jsonl?$/;

export interface StaleStateFile {
  /** Path from the repository root, forward slashes. */
  rel: string;
  /** Milliseconds since the session (or the archive file) was last written. */
  age: number;
}

function mtimeOf(file: string): number | null {
  try {
    const stat = statSync(file);
    return stat.isFile() ? stat.mtimeMs : null;
  } catch {
    return null; // removed by a concurrent handoff or gc since readdir
  }
}

function readNames(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * Telemetry files `session gc` may prune, sorted by path:
 * - a session's journal and state file, when the newer of the two is older than `telemetryMaxAge`
 *   (a live session, appended to recently, keeps both, however old its other file is);
 * - archive files (`.claude/state/archive/*`, written at handoff) older than `archiveMaxAge`.
 * Age is by mtime only: whatever else a state file records, its mtime says when it was last written.
 */
export function listStaleTelemetry(root: string, now: number, telemetryMaxAge: number, archiveMaxAge: number): StaleStateFile[] {
  const dir = path.join(root, STATE_DIR);
  const sessions = new Map<string, Array<{ name: string; mtime: number }>>();
  for (const name of readNames(dir)) {
    const stem = SESSION_FILE.exec(name)?.[1];
    if (stem === undefined) continue;
    const mtime = mtimeOf(path.join(dir, name));
    if (mtime === null) continue;
    sessions.set(stem, [...(sessions.get(stem) ?? []), { name, mtime }]);
  }
  const stale: StaleStateFile[] = [];
  for (const files of sessions.values()) {
    const age = now - Math.max(...files.map((f) => f.mtime));
    if (age > telemetryMaxAge) for (const f of files) stale.push({ rel: `${STATE_DIR}/${f.name}`, age });
  }
  for (const name of readNames(path.join(dir, 'archive'))) {
    const mtime = mtimeOf(path.join(dir, 'archive', name));
    if (mtime !== null && now - mtime > archiveMaxAge) stale.push({ rel: `${STATE_DIR}/archive/${name}`, age: now - mtime });
  }
  return stale.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/**
 * Remove a file listed by listStaleTelemetry, unless it was written since (a session that woke up
 * between the listing and now keeps its files). Returns whether it was removed.
 */
export function removeStaleTelemetry(root: string, rel: string, now: number, maxAge: number): boolean {
  const file = path.join(root, rel);
  const mtime = mtimeOf(file);
  if (mtime === null || now - mtime <= maxAge) return false;
  try {
    unlinkSync(file);
    return true;
  } catch {
    return false; // removed by someone else first
  }
}
