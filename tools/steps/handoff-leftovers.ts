import { readdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext } from '../context.js';
import type { CanonConfig } from '../core/config.js';
import { trimSlashes } from '../core/layout.js';
import { removeDeadClaims } from '../io/claim-stubs.js';
import { HANDOFF_LOCK } from '../io/handoff-lock.js';
import { STATE_DIR } from '../io/telemetry.js';
import { sweepAtomicWriteTemps, sweepDeadTemps } from '../io/temp-sweep.js';
import { findUnpushedHandoffs, listUnpushedRecords } from '../io/unpushed-handoffs.js';
import { checkWritableFolder, PROBE_PREFIX } from '../io/writable.js';
import { faultMessages as m } from '../messages/faults.js';

/** Where the /handoff command writes its drafts (core/command-wrappers.ts, HANDOFF_DRAFT). */
const DRAFT_DIR = '.canon';
const DRAFT_MAX_AGE_MS = 7 * 24 * 3_600_000;

/**
 * Before a handoff claims its id (ADR-0025): the state folder must take a write (else one line naming
 * it and the fix, and nothing is claimed); what killed handoffs left is cleared (their claim stubs and
 * temp files); handoff commits that never reached the remote are announced. Returns the stubs it removed.
 */
export async function clearHandoffLeftovers(
  root: string,
  config: CanonConfig,
  options: { pushBranch: string | null; ctx: CommandContext; warn: (text: string) => void; sessionNames?: readonly string[] },
): Promise<{ removedStubs: string[] }> {
  const { ctx, warn } = options;
  checkWritableFolder(root, STATE_DIR);
  const state = path.join(root, STATE_DIR);
  sweepDeadTemps(state, `${path.basename(HANDOFF_LOCK)}.`);
  sweepDeadTemps(state, PROBE_PREFIX);
  // Note writes killed before their rename (the note, its workstream, the changelog) leave `X.md.<n>`.
  for (const folder of new Set([config.folders.session, config.folders.workstream, path.posix.dirname(config.changelog.file ?? '.')])) {
    const listed = trimSlashes(folder) === trimSlashes(config.folders.session) ? options.sessionNames : undefined;
    sweepAtomicWriteTemps(path.join(root, trimSlashes(folder)), Date.now(), listed);
  }
  const removed = await removeDeadClaims(root, config, ctx.env);
  if (removed.length > 0) ctx.logger.step(m.removedStubs(removed));
  sweepOldDrafts(root, ctx.now().getTime());
  if (listUnpushedRecords(root).length === 0) return { removedStubs: removed };
  const unpushed = await findUnpushedHandoffs(root, ctx.env);
  if (unpushed.length === 0) return { removedStubs: removed };
  for (const branch of new Set(unpushed.map((u) => u.branch))) {
    const ids = unpushed.filter((u) => u.branch === branch).map((u) => u.id);
    warn(branch === options.pushBranch ? m.unpushedByThis(ids) : m.unpushed(ids, branch));
  }
  return { removedStubs: removed };
}

/** The /handoff command's draft of a handoff that is done (or was run again and finished) is not kept. */
export function removeHandoffDraft(root: string, cwd: string, from: string | undefined, telemetrySession: string | null): void {
  const files = [
    ...(from === undefined || from === '-' ? [] : [path.resolve(cwd, from)]),
    ...(telemetrySession === null ? [] : [path.join(root, DRAFT_DIR, `handoff-${telemetrySession}.json`)]),
  ];
  for (const file of files) {
    if (path.dirname(file) !== path.join(root, DRAFT_DIR) || !/^handoff-[^/]+\.json$/.test(path.basename(file))) continue;
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  }
}

/** Drafts no handoff used for a week are of sessions that ended without one. */
function sweepOldDrafts(root: string, nowMs: number): void {
  const dir = path.join(root, DRAFT_DIR);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^handoff-.+\.json$/.test(n));
  } catch {
    return;
  }
  for (const name of names) {
    try {
      if (nowMs - statSync(path.join(dir, name)).mtimeMs > DRAFT_MAX_AGE_MS) unlinkSync(path.join(dir, name));
    } catch {
      // raced with its handoff
    }
  }
}
