import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { trimSlashes } from '../core/layout.js';
import { formatAge, parseAge } from '../core/session-id.js';
import { UsageError } from '../errors.js';
import { openRepo } from '../io/repo.js';
import { listClaimStubs, removeClaimStub } from '../io/claim-stubs.js';
import { CLAIM_TEMP_PREFIX, sweepDeadTemps } from '../io/temp-sweep.js';
import { PROBE_PREFIX } from '../io/writable.js';
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

/** Telemetry of a session untouched this long is of a session that ended without a handoff. */
const TELEMETRY_MAX_AGE = '7d';
/** Archived telemetry (moved there at handoff) is kept this long. */
const ARCHIVE_MAX_AGE = '30d';

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

  // ADR-0025: a stub whose handoff is gone goes at once; one whose process still runs is never
  // touched; one without an owner here (`session claim`, another host) goes after the bound.
  const stale: Array<{ rel: string; age: number; text: string; dead: boolean }> = [];
  for (const stub of listClaimStubs(repo.root, repo.config)) {
    const age = now - stub.claimedMs;
    if (stub.state === 'dead' || (stub.state === 'unknown' && age > maxAge)) stale.push({ rel: stub.rel, age, text: stub.text, dead: stub.state === 'dead' });
  }

  const removed: string[] = [];
  if (options.apply) {
    // A handoff may have written its note over the stub since it was read: remove only the very stub.
    for (const stub of stale) if (removeClaimStub(repo.root, stub)) removed.push(stub.rel);
    sweepDeadTemps(path.join(repo.root, trimSlashes(repo.config.folders.session)), CLAIM_TEMP_PREFIX, now);
    const state = path.join(repo.root, STATE_DIR);
    for (const prefix of ['handoff.lock.', PROBE_PREFIX]) sweepDeadTemps(state, prefix, now);
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
    for (const s of stale) ctx.logger.out(s.dead ? sessionMessages.gc.staleDead(s.rel, formatAge(s.age)) : sessionMessages.gc.stale(s.rel, formatAge(s.age)));
    for (const t of telemetry) ctx.logger.out(sessionMessages.gc.staleTelemetry(t.rel, formatAge(t.age)));
    ctx.logger.err(options.apply ? sessionMessages.gc.removed(removed.length) : sessionMessages.gc.dryRunHint);
  }
  return { exitCode: 0, result };
}
