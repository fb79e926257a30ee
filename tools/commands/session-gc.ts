import { readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { isClaimStub, parseNote } from '../core/frontmatter.js';
import { trimSlashes } from '../core/layout.js';
import { formatAge, parseAge } from '../core/session-id.js';
import { UsageError } from '../errors.js';
import { openRepo } from '../io/repo.js';
import { listNotes } from '../io/store.js';
import { STATE_DIR } from '../io/telemetry.js';
import { listStaleTelemetry, removeStaleTelemetry } from '../io/telemetry-gc.js';
import { sessionMessages } from '../messages/session.js';

export interface SessionGcOptions {
  olderThan?: string;
  telemetryOlderThan?: string;
  archiveOlderThan?: string;
  apply?: boolean;
  json?: boolean;
}

export interface SessionGcResult {
  dry_run: boolean;
  /** Claim stubs, telemetry files and archive files older than their bounds: what --apply removes. */
  stale: string[];
  removed: string[];
}

/** Temp files of a claim killed between write and link are older than any claim in progress after this. */
const TEMP_MAX_AGE_MS = 3_600_000;

/** Telemetry of a session untouched this long is of a session that ended without a handoff. */
export const TELEMETRY_MAX_AGE = '7d';
/** Archived telemetry (moved there at handoff) is kept this long. */
export const ARCHIVE_MAX_AGE = '30d';

function parseBound(option: string, value: string): number {
  const ms = parseAge(value);
  if (ms === null) throw new UsageError(sessionMessages.gc.badAge(value, option));
  return ms;
}

export async function runSessionGc(options: SessionGcOptions, ctx: CommandContext): Promise<CommandOutcome<SessionGcResult>> {
  const bound = options.olderThan ?? '24h';
  const maxAge = parseBound('--older-than', bound);
  const telemetryBound = options.telemetryOlderThan ?? TELEMETRY_MAX_AGE;
  const telemetryMaxAge = parseBound('--telemetry-older-than', telemetryBound);
  const archiveBound = options.archiveOlderThan ?? ARCHIVE_MAX_AGE;
  const archiveMaxAge = parseBound('--archive-older-than', archiveBound);
  const repo = openRepo(ctx.cwd);
  const now = ctx.now().getTime();

  const stale: Array<{ rel: string; age: number; text: string }> = [];
  for (const ref of listNotes(repo.root, repo.config, ['session'])) {
    const file = path.join(repo.root, ref.rel);
    let text: string;
    try {
      // A stub is about 80 bytes; anything much larger holds more than a stub and is never touched.
      if (statSync(file).size > 4096) continue;
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    let note;
    try {
      note = parseNote(text);
    } catch {
      continue;
    }
    if (!isClaimStub(note)) continue;
    const claimedAt = Date.parse(String(note.data.claimed_at));
    const age = now - (Number.isNaN(claimedAt) ? statSync(file).mtimeMs : claimedAt);
    if (age > maxAge) stale.push({ rel: ref.rel, age, text });
  }

  const removed: string[] = [];
  if (options.apply) {
    for (const { rel, text } of stale) {
      const file = path.join(repo.root, rel);
      // A handoff may have written its note over the stub since it was read: remove only the very stub.
      try {
        if (readFileSync(file, 'utf8') !== text) continue;
        unlinkSync(file);
      } catch {
        continue; // gone already
      }
      removed.push(rel);
    }
    sweepClaimTemps(path.join(repo.root, trimSlashes(repo.config.folders.session)), now);
  }

  const telemetry = listStaleTelemetry(repo.root, now, telemetryMaxAge, archiveMaxAge);
  if (options.apply) {
    for (const { rel } of telemetry) {
      const bound = rel.startsWith(`${STATE_DIR}/archive/`) ? archiveMaxAge : telemetryMaxAge;
      if (removeStaleTelemetry(repo.root, rel, now, bound)) removed.push(rel);
    }
  }

  const result = { dry_run: !options.apply, stale: [...stale.map((s) => s.rel), ...telemetry.map((t) => t.rel)], removed };
  if (options.json) ctx.logger.out(JSON.stringify(result, null, 2));
  else if (result.stale.length === 0) ctx.logger.out(sessionMessages.gc.none(bound, telemetryBound, archiveBound));
  else {
    for (const s of stale) ctx.logger.out(sessionMessages.gc.stale(s.rel, formatAge(s.age)));
    for (const t of telemetry) ctx.logger.out(sessionMessages.gc.staleTelemetry(t.rel, formatAge(t.age)));
    ctx.logger.err(options.apply ? sessionMessages.gc.removed(removed.length) : sessionMessages.gc.dryRunHint);
  }
  return { exitCode: 0, result };
}

function sweepClaimTemps(folder: string, now: number): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    if (!/^\.claim-\d+-[0-9a-f]+\.tmp$/.test(name)) continue;
    const file = path.join(folder, name);
    try {
      if (now - statSync(file).mtimeMs > TEMP_MAX_AGE_MS) unlinkSync(file);
    } catch {
      // raced with its owner or another gc: fine
    }
  }
}
