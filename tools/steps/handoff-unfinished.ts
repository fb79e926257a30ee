import path from 'node:path';
import type { CommandContext } from '../context.js';
import type { CanonConfig } from '../core/config.js';
import { formatSessionLogEntry } from '../core/session-log-entry.js';
import { trimSlashes } from '../core/layout.js';
import { commitHandoff, commitHoldsFile, type GitState, type HandoffFile } from '../io/handoff-git.js';
import { findUnfinishedHandoffs, pruneHandoffRecords, settlePendingHandoff, type UnfinishedHandoff } from '../io/unfinished-handoff.js';
import { clearUnpushed, recordUnpushed } from '../io/unpushed-handoffs.js';
import { handoffQueueMessages as m } from '../messages/handoff-queue.js';
import { addToChangelog } from './handoff-changelog.js';
import { removeHandoffDraft } from './handoff-leftovers.js';
import { precheckBeforeCommit } from './handoff-precheck.js';
import { logInWorkstream } from './handoff-session-log.js';

export interface FinishedHandoff {
  handoff: UnfinishedHandoff;
  committed: boolean;
}

/** What a handoff knows about itself, to tell whether an unfinished one is itself run again. */
export interface HandoffIdentity {
  operator: string;
  telemetrySession: string | null;
  title: string;
  summary: string;
}

/**
 * The same handoff, run again after it was killed: the same operator and Claude Code session, or,
 * when either session is unknown, the same title and summary.
 */
export function isSameHandoff(unfinished: UnfinishedHandoff, current: HandoffIdentity): boolean {
  if (unfinished.operator !== current.operator) return false;
  if (unfinished.telemetry_session !== null && current.telemetrySession !== null) return unfinished.telemetry_session === current.telemetrySession;
  return unfinished.title === current.title && unfinished.summary === current.summary;
}

/**
 * Under the handoff lock, before this handoff writes its note: commit each unfinished handoff's note
 * with its Session Log line (written again if the kill came before it), one commit each, exactly as
 * it would have been committed. The hooks run as usual (their pre-commit work done here first where
 * the hook honours it, ADR-0037). A note that cannot be committed (a hook
 * refuses it) stays as it is, with its record, and the user is told.
 */
export async function finishUnfinishedHandoffs(
  root: string,
  config: CanonConfig,
  options: { commit: boolean; push?: boolean; git: GitState; ctx: CommandContext; warn: (text: string) => void },
): Promise<FinishedHandoff[]> {
  const { ctx, warn, git } = options;
  await pruneHandoffRecords(root, ctx.env);
  const unfinished = await findUnfinishedHandoffs({ root, config }, { env: ctx.env, lockHeld: true });
  if (unfinished.length === 0) return [];
  if (!options.commit) {
    warn(m.notFinishedNoCommit(unfinished.map((u) => u.id)));
    return unfinished.map((handoff) => ({ handoff, committed: false }));
  }
  const finished: FinishedHandoff[] = [];
  for (const handoff of unfinished) {
    warn(m.unfinished(handoff.id, handoff.path));
    const files: HandoffFile[] = [{ rel: handoff.path }];
    if (handoff.workstream !== null && handoff.summary !== null && handoff.date !== null) {
      const entry = formatSessionLogEntry(handoff.id, handoff.date, handoff.summary, path.posix.relative(trimSlashes(config.folders.workstream), handoff.path));
      const logged = await logInWorkstream(root, config, handoff.workstream, entry, handoff.id, ctx, warn);
      if (logged) files.push(logged);
    }
    if (handoff.date !== null) {
      // The commits were listed by the killed run if it got that far; a new entry cannot know them.
      const changelog = await addToChangelog(
        root,
        config,
        { id: handoff.id, path: handoff.path, date: handoff.date, title: handoff.title ?? handoff.id, commits: null },
        ctx,
        warn,
        { keepExisting: true },
      );
      if (changelog) files.push(changelog);
    }
    if (options.push !== false && git.upstream !== null && git.branch !== null)
      recordUnpushed(root, { id: handoff.id, path: handoff.path, branch: git.branch });
    // Its pre-commit work done here, as for the handoff's own note (ADR-0037): the hook then starts no node for it.
    const outcome = await commitHandoff(root, files, {
      message: `session ${handoff.id}: ${handoff.title ?? handoff.id}`,
      unborn: git.unborn,
      env: ctx.env,
      beforeCommit: precheckBeforeCommit(root, config, ctx),
    });
    if (!outcome.ok) clearUnpushed(root, [handoff.id]);
    const holds = outcome.ok && (await commitHoldsFile(root, outcome.sha, handoff.path, ctx.env));
    if (outcome.ok && holds) {
      git.unborn = false;
      settlePendingHandoff(root, handoff.id);
      removeHandoffDraft(root, root, undefined, handoff.telemetry_session);
      ctx.logger.step(m.finished(handoff.id, outcome.sha));
      finished.push({ handoff, committed: true });
    } else {
      warn(m.notFinished(handoff.id, outcome.ok ? m.commitMissesNote(outcome.sha, handoff.path) : outcome.detail));
      finished.push({ handoff, committed: false });
    }
  }
  return finished;
}
