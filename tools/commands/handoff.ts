import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { invariantServers, type CanonConfig } from '../core/config.js';
import { POST_COMMIT_RESUME } from '../core/hook-blocks.js';
import { createNote, parseNote, serializeNote } from '../core/frontmatter.js';
import { isoSeconds, NO_GIT_STATS, type GitStats } from '../core/git-log-stats.js';
import {
  completeDraft,
  mergeDrafts,
  parseHandoffJson,
  parseHandoffMarkdown,
  splitConfidence,
  splitTags,
  type Confidence,
  type DraftResult,
  type HandoffContent,
  type HandoffDraft,
} from '../core/handoff-input.js';
import { checkResumePrompt, type ResumePromptProblem } from '../core/resume-prompt.js';
import { formatSessionLogEntry } from '../core/session-log-entry.js';
import { findInvariantBreaches, hasFullSections, isTrivialSession, planNoteTelemetry, planSessionNote, type NoteTelemetry } from '../core/session-note-plan.js';
import { activeMinutes, mergeTelemetryStates, type TelemetryState } from '../core/telemetry.js';
import { trimSlashes } from '../core/layout.js';
import { normalizeNote } from '../core/normalize.js';
import { formatLocalDate } from '../core/session-id.js';
import { validateNote } from '../core/validate-note.js';
import { errorMessage, ExitCode, UsageError, UserError } from '../errors.js';
import { writeFileSafely } from '../io/fs.js';
import {
  commitHandoff,
  fetchAndFindUpstreamFile,
  listDirtyPaths,
  pushHandoff,
  readGitEmail,
  readGitState,
  readCommitStats,
  readGitStats,
  readLastHandoffTime,
  stageFiles,
  type GitState,
  type HandoffFile,
} from '../io/handoff-git.js';
import { lockHandoffs } from '../io/handoff-lock.js';
import type { HeldLock } from '../io/lock.js';
import { readOperators } from '../io/operators.js';
import { openRepo } from '../io/repo.js';
import { getValidators } from '../io/schemas.js';
import { claimSessionId, releaseClaim, type Claim } from '../io/session-claim.js';
import { markSessionHandoff, readSessionCommits } from '../io/session-commits-log.js';
import { givenSessionId, resolveSessionIdFor } from '../io/session-resolve.js';
import { keepSessionTranscript } from '../io/transcript-archive.js';
import { listNotes, readNote } from '../io/store.js';
import { archiveTelemetryState, findTelemetryState, readHandoffLedger, type HandoffLedgerEntry, type TelemetryLookup } from '../io/telemetry.js';
import { pauseForTest } from '../io/test-pause.js';
import { HANDOFF_RECORDS_DIR, recordPendingHandoff, settlePendingHandoff } from '../io/unfinished-handoff.js';
import { cannotWriteError } from '../io/writable.js';
import { clearUnpushed, listUnpushedRecords, recordUnpushed } from '../io/unpushed-handoffs.js';
import { resolveOperator, type ResolvedOperator } from '../io/whoami.js';
import { handoffMessages as m } from '../messages/handoff.js';
import { handoffQueueMessages as q } from '../messages/handoff-queue.js';
import { createPaint } from '../output.js';
import { addToChangelog } from '../steps/handoff-changelog.js';
import { clearHandoffLeftovers, removeHandoffDraft } from '../steps/handoff-leftovers.js';
import { claimStubsAmong } from '../io/claim-stubs.js';
import { logInWorkstream } from '../steps/handoff-session-log.js';
import { checkHandoffText } from '../core/handoff-text-check.js';
import { precheckBeforeCommit } from '../steps/handoff-precheck.js';
import { finishUnfinishedHandoffs, isSameHandoff, type FinishedHandoff, type HandoffIdentity } from '../steps/handoff-unfinished.js';

export interface HandoffOptions {
  operator?: string;
  /** A .json or .md file, or `-` for stdin. */
  from?: string;
  quick?: boolean;
  title?: string;
  summary?: string;
  workstream?: string;
  tags?: string;
  resumePrompt?: string;
  confidence?: Confidence;
  sessionId?: string;
  yes?: boolean;
  /** false with --no-commit. */
  commit?: boolean;
  /** false with --no-push. */
  push?: boolean;
  json?: boolean;
  /** The bin's stdin, read only for `--from -`. */
  readStdin?: () => Promise<string>;
}

/** docs/contract.md §13: `--json` prints exactly this. */
export interface HandoffResult {
  id: string | null;
  path: string | null;
  committed: boolean;
  pushed: boolean;
  warnings: string[];
}

/**
 * `canon handoff` (docs/contract.md §6): claim an id, gather content, telemetry and git stats, write the session
 * note over the claim stub, log it in the workstream, commit exactly those files (the hooks normalise,
 * validate, scan and index), push, archive the telemetry. Everything that can refuse the handoff
 * without the user's content at stake (bad input, repository state, operator) is checked before the
 * claim; once the note is written it is never removed, whatever fails after.
 */
export async function runHandoff(options: HandoffOptions, ctx: CommandContext): Promise<CommandOutcome<HandoffResult>> {
  const startedMs = ctx.now().getTime();
  const { root, config } = openRepo(ctx.cwd);
  const { logger } = ctx;
  const paint = createPaint(logger.color);
  const result: HandoffResult = { id: null, path: null, committed: false, pushed: false, warnings: [] };
  const warn = (text: string) => {
    result.warnings.push(text);
    logger.err(paint.yellow(`warning: ${text}`));
  };
  // Set once this handoff has told the user how it ended: it is then not an unfinished one.
  let reported = false;
  let telemetrySession: string | null = null;
  const finish = (exitCode: 0 | 1): CommandOutcome<HandoffResult> => {
    reported = true;
    if (exitCode === ExitCode.ok) removeHandoffDraft(root, ctx.cwd, options.from, telemetrySession);
    if (options.json) logger.out(JSON.stringify(result));
    return { exitCode, result };
  };
  const run: HandoffRun = { root, config, options, ctx, paint, result, warn };

  // Content that came with the command: a bad --from fails here, before anything is claimed.
  const { given, interactive } = await readContentBeforeClaim(run);
  const commit = options.commit !== false;
  const git = await readGitState(root, ctx.env);
  checkRepositoryState(git, commit);
  const operator = await identifyOperator(run);
  const sessionNames = await sweepSessionFolder(run, git, commit);
  const now = ctx.now();
  const date = formatLocalDate(now, ctx.env.TZ, process.env.TZ);
  const claim = await claimId(run, { operator, date, now, sessionNames });

  let written = false;
  let handoffLock: HeldLock | null = null;
  try {
    if (isFirstHandoff(sessionNames, operator.initials, claim.id)) logger.step(m.firstHandoff);
    const session = await readSession(run, operator);
    const { content, mode } = await settleContent(run, given, interactive, session);

    // Handoffs in one clone queue here, from the note to its commit; unfinished ones are finished first.
    handoffLock = await lockHandoffs(root, (text) => logger.step(text));
    await pauseForTest('handoff:locked', ctx.env, (text) => logger.err(text));
    telemetrySession = session.telemetry === null ? null : telemetryStem(session.telemetry);
    const same = await finishUnfinished(run, git, commit, { operator: operator.slug, telemetrySession, title: content.title, summary: content.summary });
    if (same !== undefined) return finish(await takeOverUnfinished(run, same, { claim, git, telemetry: session.telemetry, handoffLock }));

    // Step 4: the note, canonical and hashed before any hook sees it, over the claim stub.
    const note = await writeSessionNote(run, { claim, operator, date, content, mode, session, telemetrySession, startedMs });
    written = true;
    logger.step(m.steps.written(claim.path, mode));
    await pauseForTest('handoff:note-written', ctx.env, (text) => logger.err(text));
    if (!checkWrittenNote(run, claim, content, note)) return finish(ExitCode.failed);

    // What else is uncommitted, for the warning below: git walks the tree while steps 5 and 5b run.
    const dirtyPaths = listDirtyPaths(root, ctx.env);
    // Step 5: the workstream's Session Log, and the changelog.
    const files = await logSession(run, claim, date, content, session.stats);

    // Steps 6 and 7: stage exactly canon's files, commit, push.
    await warnOtherChanges(run, files, dirtyPaths);
    const paths = files.map((f) => f.rel);
    const done = commit ? await commitAndPush(run, { claim, content, files, paths, git, handoffLock, session }) : await stageOnly(run, claim, files, paths);
    if (!done) return finish(ExitCode.failed);

    // Step 8: the note holds the counts now; the next session of this id starts from zero.
    archiveTelemetry(run, session, claim.id);
    // The resume cache is left to its next reader (ADR-0042): after this commit the dashboard's
    // snapshot is stale anyway, so resume and SessionStart do a full run, which updates the cache.

    logger.step(m.steps.done(claim.id, claim.path));
    if (!options.json) {
      logger.out(
        `${claim.id}  ${claim.path}  ${result.committed ? 'committed' : 'not committed'}${result.committed ? (result.pushed ? ', pushed' : ', not pushed') : ''}`,
      );
    }
    return finish(ExitCode.ok);
  } catch (error) {
    if (!written) {
      const released = releaseClaim(root, claim.id, config);
      result.id = null;
      result.path = null;
      if (isCancelled(error)) throw new UserError(m.cancelled(released, claim.id));
    }
    throw error;
  } finally {
    if (reported && written) settlePendingHandoff(root, claim.id);
    handoffLock?.release();
  }
}

/** What every step of one handoff shares: where it runs, what it was asked, and what it reports. */
interface HandoffRun {
  root: string;
  config: CanonConfig;
  options: HandoffOptions;
  ctx: CommandContext;
  paint: ReturnType<typeof createPaint>;
  result: HandoffResult;
  warn: (text: string) => void;
}

/** The session as telemetry and git know it: its calls (and those of the session `/clear` ended), its commits. */
interface SessionFacts {
  telemetry: TelemetryLookup | null;
  sessionId: string | null;
  continued: { id: string; state: TelemetryState } | null;
  sessionState: TelemetryState | null;
  earlier: HandoffLedgerEntry[];
  stats: GitStats;
}

/** The given content, checked as far as it can be before the claim (complete unless the user is to be asked). */
async function readContentBeforeClaim({ options, ctx, warn }: HandoffRun): Promise<{ given: GivenContent; interactive: boolean }> {
  const { logger } = ctx;
  const given = await readGivenContent(options, ctx, warn);
  checkHandoffText(given.draft, options, given.source);
  const interactive = logger.interactive && options.from === undefined && (given.draft.title === undefined || given.draft.summary === undefined);
  if (!interactive) {
    const complete = completeDraft(given.draft);
    if (!complete.ok) {
      const missingOnly = complete.problems.every((p) => / is required$/.test(p));
      throw missingOnly && options.from === undefined
        ? new UsageError(m.input.missing(complete.problems), m.input.missingHint)
        : new UsageError(m.input.invalid(given.source, complete.problems), m.input.invalidHint);
    }
  }
  return { given, interactive };
}

/** Who hands off, said on stderr, and confirmed at a terminal unless --yes. */
async function identifyOperator({ root, options, ctx }: HandoffRun): Promise<ResolvedOperator> {
  const { logger } = ctx;
  const operator = await resolveOperator(root, options.operator === undefined ? {} : { operator: options.operator }, ctx.env);
  logger.step(
    m.steps.operator(`${operator.initials} (${operator.slug}${operator.name ? `, ${operator.name}` : ''})${operator.email ? ` <${operator.email}>` : ''}`),
  );
  if (logger.interactive && !options.yes) await confirmOperator(operator);
  return operator;
}

/** The session folder's names, after the sweep of killed handoffs' leftovers. */
async function sweepSessionFolder({ root, config, options, ctx, warn }: HandoffRun, git: GitState, commit: boolean): Promise<string[]> {
  // The session folder is read once for the sweeps, the claim and the first-handoff question.
  let sessionNames = listFolder(path.join(root, trimSlashes(config.folders.session)));
  // ADR-0025: a state folder that takes no write stops here; killed handoffs' stubs and temp files go.
  const { removedStubs } = await clearHandoffLeftovers(root, config, {
    pushBranch: commit && options.push !== false && git.upstream !== null ? git.branch : null,
    ctx,
    warn,
    sessionNames,
  });
  if (removedStubs.length > 0) {
    const gone = new Set(removedStubs.map((rel) => path.posix.basename(rel)));
    sessionNames = sessionNames.filter((name) => !gone.has(name));
  }
  return sessionNames;
}

/** The session id this handoff writes under, its stub in place. */
async function claimId(
  { root, config, ctx, result, warn }: HandoffRun,
  { operator, date, now, sessionNames }: { operator: ResolvedOperator; date: string; now: Date; sessionNames: string[] },
): Promise<Claim> {
  const claim = await claimSessionId(root, config, { operator, date, now, env: ctx.env, owned: true, listed: sessionNames });
  claim.warnings.forEach(warn);
  result.id = claim.id;
  result.path = claim.path;
  ctx.logger.step(m.steps.claimed(claim.id, claim.path));
  return claim;
}

/** Steps 2 and 3: the session's telemetry and its commits. */
async function readSession(run: HandoffRun, operator: ResolvedOperator): Promise<SessionFacts> {
  const { root, config, options, ctx, warn } = run;
  const telemetry = readTelemetry(root, options, ctx, warn);
  const sessionId = telemetry !== null ? telemetryStem(telemetry) : resolveSessionIdFor(root, options.sessionId, ctx.env, ctx.now()).id;
  // After `/clear` the work goes on under a new id: the session it replaced, if no handoff took its calls.
  const continued = telemetry === null ? null : readContinuedSession(root, telemetry.state, ctx.now());
  const sessionState = continued === null ? (telemetry?.state ?? null) : mergeTelemetryStates(continued.state, telemetry!.state);
  const earlier = sessionId === null ? [] : readHandoffLedger(root, sessionId);
  const { stats, since } = await readStats(root, config, operator, { telemetry, sessionId, continued: continued?.id ?? null }, ctx, warn);
  if (since !== null) ctx.logger.step(m.steps.stats(stats.commits, stats.linesAdded, stats.linesRemoved, since));
  return { telemetry, sessionId, continued, sessionState, earlier, stats };
}

/** Step 1: the content (asked for at a terminal when the flags lack it) and the note's form, quick or full. */
async function settleContent(
  { root, config, options, ctx, warn }: HandoffRun,
  given: GivenContent,
  interactive: boolean,
  { telemetry, sessionState, stats }: SessionFacts,
): Promise<{ content: HandoffContent; mode: 'full' | 'quick' }> {
  const { logger } = ctx;
  let draft = given.draft;
  const explicitQuick = options.quick === true || draft.quick === true;
  const trivial = draft.quick !== false && !explicitQuick && isTrivialSession(stats, sessionState);
  if (interactive) {
    logger.step(m.steps.content(m.contentFrom.prompts));
    const { askHandoffContent } = await import('../io/handoff-prompts.js');
    draft = await askHandoffContent({
      defaults: draft,
      workstreams: listWorkstreams(root, config),
      suggestedWorkstream: stats.touched.workstreams.length === 1 ? stats.touched.workstreams[0]! : null,
      quick: explicitQuick || trivial,
      filesTouched: telemetry?.state.files_touched ?? [],
      show: (text) => logger.err(text),
    });
  } else logger.step(m.steps.content(given.how));
  const complete = completeDraft(draft);
  if (!complete.ok) throw new UsageError(m.input.invalid(given.source, complete.problems), m.input.invalidHint);
  const content = complete.content;

  let mode: 'full' | 'quick' = 'full';
  if (explicitQuick) {
    mode = 'quick';
    const dropped = droppedByQuick(content);
    if (dropped.length > 0) warn(m.quickDrops(dropped.join(', ')));
  } else if (trivial && !hasFullSections(content)) {
    mode = 'quick';
    logger.step(m.quickAuto(telemetry?.state.tool_calls_count ?? 0));
  }
  return { content, mode };
}

/** Unfinished handoffs of this clone, finished first; the one that is this handoff run again, if any. */
async function finishUnfinished(
  { root, config, options, ctx, warn }: HandoffRun,
  git: GitState,
  commit: boolean,
  self: HandoffIdentity,
): Promise<FinishedHandoff | undefined> {
  const unfinished = await finishUnfinishedHandoffs(root, config, { commit, push: options.push !== false, git, ctx, warn });
  return unfinished.find((u) => isSameHandoff(u.handoff, self));
}

/** Run again after a kill: the note it wrote is this handoff's; a second one would be a duplicate. */
async function takeOverUnfinished(
  { root, config, options, ctx, result, warn }: HandoffRun,
  same: FinishedHandoff,
  { claim, git, telemetry, handoffLock }: { claim: Claim; git: GitState; telemetry: TelemetryLookup | null; handoffLock: HeldLock },
): Promise<0 | 1> {
  releaseClaim(root, claim.id, config);
  result.id = same.handoff.id;
  result.path = same.handoff.path;
  result.committed = same.committed;
  warn(q.sameAsUnfinished(same.handoff.id));
  if (!same.committed) return ExitCode.failed;
  handoffLock.release();
  result.pushed = await push(root, git, same.handoff.id, same.handoff.path, options, ctx, warn);
  if (telemetry !== null) archiveTelemetryState(root, telemetryStem(telemetry), ctx.now(), same.handoff.id);
  return ExitCode.ok;
}

interface WrittenNote {
  text: string;
  noteTelemetry: NoteTelemetry;
  forbiddenMcp: string[];
  earlier: HandoffLedgerEntry[];
}

/** Step 4: the note planned, normalised and written over the claim stub, recorded as pending first. */
async function writeSessionNote(
  { root, config, ctx, warn }: HandoffRun,
  plan: {
    claim: Claim;
    operator: ResolvedOperator;
    date: string;
    content: HandoffContent;
    mode: 'full' | 'quick';
    session: SessionFacts;
    telemetrySession: string | null;
    startedMs: number;
  },
): Promise<WrittenNote> {
  const { claim, operator, date, content, mode, telemetrySession, startedMs } = plan;
  const { telemetry, sessionState, stats, earlier, continued } = plan.session;
  const forbiddenMcp = invariantServers(config.invariant);
  const noteTelemetry = planNoteTelemetry(sessionState, forbiddenMcp);
  const startedAt = validIso(sessionState?.started_at);
  const endedAt = isoSeconds(ctx.now().getTime());
  const transcriptBytes = await keepSessionTranscript(root, config, claim.id, telemetry?.state ?? null, ctx.env, warn);
  const planned = planSessionNote({
    id: claim.id,
    operator: operator.slug,
    date,
    content,
    mode,
    telemetry: noteTelemetry,
    telemetryRecorded: telemetry !== null,
    stats,
    startedAt,
    endedAt,
    activeMinutes: sessionState === null || startedAt === null ? null : activeMinutes(sessionState, new Date(endedAt).toISOString()),
    writeMinutes: Math.round((ctx.now().getTime() - startedMs) / 6_000) / 10,
    forbiddenMcp,
    transcriptBytes,
    earlier,
    continues: continued?.id ?? null,
  });
  const note = normalizeNote(createNote(planned.data, planned.body), 'session');
  const text = serializeNote(note);
  try {
    recordPendingHandoff(root, {
      id: claim.id,
      path: claim.path,
      started_at: ctx.now().toISOString(),
      operator: operator.slug,
      telemetry_session: telemetrySession,
    });
  } catch (error) {
    throw cannotWriteError(HANDOFF_RECORDS_DIR, error);
  }
  try {
    await writeFileSafely(path.join(root, claim.path), text);
  } catch (error) {
    throw new UserError(m.fail.writeFailed(claim.path, errorMessage(error)), { cause: error });
  }
  return { text, noteTelemetry, forbiddenMcp, earlier };
}

/** The written note's warnings (invariant, Resume Prompt) and the store's rules: false when it breaks them. */
function checkWrittenNote({ root, config, ctx, paint, result, warn }: HandoffRun, claim: Claim, content: HandoffContent, note: WrittenNote): boolean {
  const { logger } = ctx;
  const breaches = findInvariantBreaches(note.noteTelemetry, note.forbiddenMcp, note.earlier);
  if (breaches.length > 0) {
    const text = m.warn.invariant(breaches.map((b) => `${b.key} was called ${b.count} time(s)`).join(', '), claim.path);
    result.warnings.push(text);
    logger.err(paint.bold(paint.red(text)));
  }
  for (const problem of checkResumePrompt(content.resumePrompt, content.confidence)) warn(describePromptProblem(problem));

  const invalid = validateWritten(root, config, claim.path, claim.id, note.text);
  if (invalid.length > 0) {
    logger.err(`canon: ${m.fail.invalidNote(claim.path, invalid)}`);
    logger.err(m.fail.invalidNoteHint(claim.path));
    return false;
  }
  return true;
}

/** Step 5: the note's entry in its workstream's Session Log and in the changelog; the files to commit. */
async function logSession(
  { root, config, ctx, warn }: HandoffRun,
  claim: Claim,
  date: string,
  content: HandoffContent,
  stats: GitStats,
): Promise<HandoffFile[]> {
  const { logger } = ctx;
  const files: HandoffFile[] = [{ rel: claim.path }];
  if (content.workstream !== null) {
    const logged = await logInWorkstream(
      root,
      config,
      content.workstream,
      formatSessionLogEntry(claim.id, date, content.summary, path.posix.relative(trimSlashes(config.folders.workstream), claim.path)),
      claim.id,
      ctx,
      warn,
    );
    if (logged) {
      files.push(logged);
      logger.step(m.steps.sessionLog(logged.rel));
    }
  }
  const changelog = await addToChangelog(root, config, { id: claim.id, path: claim.path, date, title: content.title, commits: stats.list }, ctx, warn);
  if (changelog) {
    files.push(changelog);
    logger.step(m.steps.changelog(changelog.rel));
  }
  await pauseForTest('handoff:session-logged', ctx.env, (text) => logger.err(text));
  return files;
}

/** The user's other uncommitted changes, which the handoff's commit leaves out. */
async function warnOtherChanges(
  { root, config, warn }: HandoffRun,
  files: readonly HandoffFile[],
  dirtyPaths: ReturnType<typeof listDirtyPaths>,
): Promise<void> {
  const ours = new Set(files.map((f) => f.rel));
  // Other handoffs' claim stubs are theirs, in flight: not this user's stray changes.
  // The listing ran while this handoff wrote its files: their atomic-write temps (`CHANGELOG.md.<n>`) are ours too.
  const dirty = (await dirtyPaths).filter((p) => !ours.has(p) && !ours.has(p.replace(/\.\d{1,10}$/, '')));
  const inFlight = new Set(claimStubsAmong(root, config, dirty).map((stub) => stub.rel));
  const others = dirty.filter((p) => !inFlight.has(p));
  if (others.length > 0) warn(m.warn.dirty(others));
}

/** With --no-commit: canon's files staged, nothing committed; false when git refused. */
async function stageOnly({ root, ctx, warn }: HandoffRun, claim: Claim, files: HandoffFile[], paths: string[]): Promise<boolean> {
  const { logger } = ctx;
  const staged = await stageFiles(root, files, ctx.env);
  if (staged.code !== 0) {
    logger.err(`canon: ${m.fail.commitRefused(claim.path, staged.stderr.trim())}`);
    return false;
  }
  logger.step(m.steps.staged(paths));
  warn(m.warn.noCommit(paths));
  return true;
}

/** Steps 6 and 7: exactly canon's files committed (the session marked as handed off), then pushed; false when the commit failed. */
async function commitAndPush(
  run: HandoffRun,
  handoff: { claim: Claim; content: HandoffContent; files: HandoffFile[]; paths: string[]; git: GitState; handoffLock: HeldLock; session: SessionFacts },
): Promise<boolean> {
  const { root, config, options, ctx, result, warn } = run;
  const { logger } = ctx;
  const { claim, content, files, paths, git, handoffLock } = handoff;
  const { sessionId, continued } = handoff.session;
  if (!handoffLock.stillHeld()) throw new UserError(q.lockLost);
  const subject = `session ${claim.id}: ${content.title}`;
  // Until the push succeeds the commit may be local only: a kill from here on is announced (ADR-0025).
  if (options.push !== false && git.upstream !== null && git.branch !== null) recordUnpushed(root, { id: claim.id, path: claim.path, branch: git.branch });
  // The note's commit is marked as the session's handoff below: post-commit need not record it
  // (nor start node for it), so the session id stays out of the commit's environment; nor refresh
  // the resume cache, which its next reader brings up to date (ADR-0042).
  const { CLAUDE_CODE_SESSION_ID: _recordedBelow, ...sessionless } = ctx.env;
  const commitEnv = { ...sessionless, [POST_COMMIT_RESUME]: '0' };
  const committed = await commitHandoff(root, files, {
    message: subject,
    unborn: git.unborn,
    env: commitEnv,
    beforeCommit: precheckBeforeCommit(root, config, ctx),
  });
  if (!committed.ok) {
    clearUnpushed(root, [claim.id]);
    logger.err(`canon: ${m.fail.commitRefused(claim.path, committed.detail)}`);
    logger.err(m.fail.commitRefusedHint(paths));
    return false;
  }
  if (!committed.changed.includes(claim.path)) {
    logger.err(`canon: ${m.fail.commitRefused(claim.path, q.commitMissesNote(committed.sha, claim.path))}`);
    return false;
  }
  result.committed = true;
  if (sessionId !== null) await markSessionHandoff(root, sessionId, committed.fullSha || committed.sha, ctx.env).catch(() => undefined);
  if (continued !== null) await markSessionHandoff(root, continued.id, committed.fullSha || committed.sha, ctx.env).catch(() => undefined);
  handoffLock.release();
  await pauseForTest('handoff:committed', ctx.env, (text) => logger.err(text));
  logger.step(m.steps.committed(committed.sha, subject));
  if (committed.overlap.length > 0) warn(m.warn.unstagedOverlap(committed.overlap));
  result.pushed = await push(root, git, claim.id, claim.path, options, ctx, warn);
  return true;
}

/** Step 8: the session's state files archived (a failure only warns: the note is committed). */
function archiveTelemetry({ root, ctx, warn }: HandoffRun, { telemetry, continued }: SessionFacts, id: string): void {
  if (telemetry !== null) {
    try {
      if (continued !== null) archiveTelemetryState(root, continued.id, ctx.now(), id);
      const archived = archiveTelemetryState(root, telemetryStem(telemetry), ctx.now(), id);
      if (archived !== null) ctx.logger.step(m.steps.archived(path.relative(root, archived)));
    } catch (error) {
      warn(m.warn.archiveFailed(errorMessage(error)));
    }
  }
}

function isCancelled(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

interface GivenContent {
  draft: HandoffDraft;
  /** For messages: "from draft.json". */
  source: string;
  how: string;
}

/** The --from input (file or stdin) with the content flags layered on top. */
async function readGivenContent(options: HandoffOptions, ctx: CommandContext, warn: (text: string) => void): Promise<GivenContent> {
  let fromFile: HandoffDraft = {};
  let source = 'from the flags';
  let how: string = m.contentFrom.flags;
  if (options.from !== undefined) {
    const stdin = options.from === '-';
    source = stdin ? 'on stdin' : options.from;
    how = stdin ? m.contentFrom.stdin : m.contentFrom.file(options.from);
    let text: string;
    try {
      text = stdin ? await (options.readStdin ?? (async () => ''))() : readFileSync(path.resolve(ctx.cwd, options.from), 'utf8');
    } catch (error) {
      throw new UsageError(
        m.input.unreadable(options.from, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(error)),
        m.input.invalidHint,
      );
    }
    const parsed: DraftResult = looksLikeJson(options.from, text) ? parseHandoffJson(text) : parseHandoffMarkdown(text);
    if (!parsed.ok) throw new UsageError(m.input.invalid(source, parsed.problems), m.input.invalidHint);
    if (parsed.ignored.length > 0) warn(m.input.ignored(parsed.ignored));
    fromFile = parsed.draft;
  }
  const flags: HandoffDraft = {};
  if (options.title !== undefined) flags.title = options.title;
  if (options.summary !== undefined) flags.summary = options.summary;
  if (options.workstream !== undefined) flags.workstream = options.workstream;
  if (options.tags !== undefined) flags.tags = splitTags(options.tags);
  if (options.resumePrompt !== undefined) Object.assign(flags, splitConfidence(options.resumePrompt));
  if (options.confidence !== undefined) flags.confidence = options.confidence;
  if (options.quick) flags.quick = true;
  return { draft: mergeDrafts(fromFile, flags), source, how };
}

function looksLikeJson(from: string, text: string): boolean {
  if (/\.json$/i.test(from)) return true;
  if (/\.(md|markdown)$/i.test(from)) return false;
  return text.trimStart().startsWith('{');
}

function checkRepositoryState(git: GitState, commit: boolean): void {
  if (git.midOperation !== null) throw new UsageError(m.pre.midOperation(git.midOperation), m.pre.midOperationHint(git.midOperation));
  if (!commit) return;
  if (git.branch === null) throw new UsageError(m.pre.detached, m.pre.detachedHint);
  if (!git.identity) throw new UsageError(m.pre.noIdentity, m.pre.noIdentityHint);
}

async function confirmOperator(operator: ResolvedOperator): Promise<void> {
  const { askConfirmOperator } = await import('../io/handoff-prompts.js');
  let ok: boolean;
  try {
    ok = await askConfirmOperator(m.confirm(operator.initials, operator.email, operator.slug));
  } catch (error) {
    if (isCancelled(error)) throw new UserError(m.cancelled(false, null));
    throw error;
  }
  if (!ok) throw new UserError(m.notConfirmed, { hint: m.notConfirmedHint });
}

/** No session file of this operator but the one just claimed (names only: no file is read). */
function isFirstHandoff(sessionNames: readonly string[], initials: string, id: string): boolean {
  return !sessionNames.some((name) => name.startsWith(`${initials}-`) && name !== `${id}.md`);
}

/** A folder's names; none when it does not exist (yet). */
function listFolder(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** docs/contract.md §6 step 2, as io/session-resolve.ts decides: never a guess when an id is known or several sessions are live. */
function readTelemetry(root: string, options: HandoffOptions, ctx: CommandContext, warn: (text: string) => void): TelemetryLookup | null {
  const id = resolveSessionIdFor(root, options.sessionId, ctx.env, ctx.now()).id ?? undefined;
  const lookup = id === undefined ? null : findTelemetryState(root, id, ctx.now());
  if (lookup === null) {
    warn(m.warn.noTelemetry(id === undefined ? 'no state file in .claude/state/' : `no state file for session ${id}`));
    return null;
  }
  ctx.logger.step(m.steps.telemetry(m.telemetryFrom(path.relative(root, lookup.file), lookup.state.tool_calls_count)));
  return lookup;
}

function telemetryStem(lookup: TelemetryLookup): string {
  return path.basename(lookup.file, '.json').replace(/^session-/, '');
}

/**
 * docs/contract.md §6 step 3, exactly: the commits canon's post-commit recorded for this session since its last
 * handoff (io/session-commits-log.ts). Only where this clone records none (hooks older than that, a
 * handoff outside Claude Code) the session is taken to start when the hook first counted a call, else
 * at the operator's last handoff, and its commits are the operator's since then.
 */
async function readStats(
  root: string,
  config: CanonConfig,
  operator: ResolvedOperator,
  session: { telemetry: TelemetryLookup | null; sessionId: string | null; continued: string | null },
  ctx: CommandContext,
  warn: (text: string) => void,
) {
  const { telemetry, sessionId, continued } = session;
  if (sessionId !== null) {
    const recorded = await readSessionCommits(root, sessionId, ctx.env);
    if (recorded.recording) {
      // After `/clear`, the commits of the session it ended are this work's too, as its calls are.
      const before = continued === null ? [] : (await readSessionCommits(root, continued, ctx.env)).shas;
      const shas = [...new Set([...before, ...recorded.shas])];
      const stats = await readCommitStats(root, shas, { folders: config.folders, env: ctx.env });
      return { stats, since: validIso(telemetry?.state.started_at) ?? stats.firstCommitAt };
    }
  }
  const since = validIso(telemetry?.state.started_at) ?? (await readLastHandoffTime(root, trimSlashes(config.folders.session), operator.initials, ctx.env));
  if (since === null) {
    warn(m.warn.noSessionStart);
    return { stats: NO_GIT_STATS, since: null };
  }
  const authors = new Set<string>();
  const registry = readOperators(root, { optional: true });
  for (const email of registry?.bySlug.get(operator.slug)?.emails ?? []) authors.add(email.toLowerCase());
  if (operator.email) authors.add(operator.email.toLowerCase());
  const gitEmail = await readGitEmail(root, ctx.env);
  if (gitEmail) authors.add(gitEmail);
  const stats = await readGitStats(root, { since, authors: authors.size > 0 ? authors : null, folders: config.folders, env: ctx.env });
  // Inside Claude Code a current post-commit hook records the session's commits: without a record,
  // these may be another terminal's, and the user should know why.
  if (sessionId !== null && stats.commits > 0 && givenSessionId(ctx.env.CLAUDE_CODE_SESSION_ID) !== null) warn(m.warn.commitsByTime(stats.commits));
  return { stats, since };
}

/**
 * The session `/clear` ended to start this one (its SessionStart named it), when calls of it are
 * still in `.claude/state/` (no handoff took them): they are this work's too.
 */
function readContinuedSession(root: string, state: TelemetryState, now: Date): { id: string; state: TelemetryState } | null {
  if (state.replaces === null) return null;
  const lookup = findTelemetryState(root, state.replaces, now);
  return lookup !== null && lookup.state.tool_calls_count > 0 ? { id: state.replaces, state: lookup.state } : null;
}

function validIso(value: string | null | undefined): string | null {
  if (typeof value !== 'string' || value === '' || Number.isNaN(Date.parse(value))) return null;
  return isoSeconds(Date.parse(value));
}

function droppedByQuick(content: HandoffContent): string[] {
  const s = content.sections;
  return [
    s.shipped && 'What shipped',
    s.decisions && 'Decisions',
    s.openQuestions && 'Open questions',
    s.nextSteps && 'Next steps',
    s.extra && 'the extra sections',
  ].filter((x): x is string => Boolean(x));
}

function describePromptProblem(problem: ResumePromptProblem): string {
  switch (problem.rule) {
    case 'missing':
      return m.warn.resumePrompt.missing;
    case 'too-short':
      return m.warn.resumePrompt.tooShort(problem.words);
    case 'too-long':
      return m.warn.resumePrompt.tooLong(problem.words);
    case 'no-confidence':
      return m.warn.resumePrompt.noConfidence;
  }
}

/** The store's rules for the written note (schema, id, operator, invariant key): error messages, if any. */
function validateWritten(root: string, config: CanonConfig, rel: string, id: string, text: string): string[] {
  const validators = getValidators();
  const issues = validateNote({ rel, kind: 'session', stem: id }, parseNote(text), {
    validators,
    operators: readOperators(root, { optional: true }),
    workstreamExists: (slug) => existsSync(path.join(root, trimSlashes(config.folders.workstream), `${slug}.md`)),
    forbiddenMcp: invariantServers(config.invariant),
    strict: true,
  });
  return issues.filter((i) => i.severity === 'error').map((i) => `${i.file}:${i.line}:${i.column} ${i.pointer || '/'} ${i.message} (${i.rule})`);
}

function listWorkstreams(root: string, config: CanonConfig) {
  return listNotes(root, config, ['workstream']).flatMap((ref) => {
    const loaded = readNote(root, ref, config);
    if (!loaded.note) return [];
    const { title, status } = loaded.note.data;
    return [{ slug: ref.stem, title: typeof title === 'string' ? title : ref.stem, status: typeof status === 'string' ? status : null }];
  });
}

async function push(
  root: string,
  git: GitState,
  id: string,
  rel: string,
  options: HandoffOptions,
  ctx: CommandContext,
  warn: (text: string) => void,
): Promise<boolean> {
  if (options.push === false) {
    ctx.logger.step(m.warn.noPush);
    return false;
  }
  if (git.upstream === null) {
    warn(m.warn.noUpstream(git.branch ?? 'HEAD'));
    return false;
  }
  const pushed = await pushHandoff(root, git.upstream, ctx.env);
  if (pushed.ok) {
    // The branch is on its upstream now, with every earlier handoff commit of it.
    clearUnpushed(
      root,
      listUnpushedRecords(root)
        .filter((r) => r.branch === git.branch)
        .map((r) => r.id),
    );
    ctx.logger.step(m.steps.pushed(git.upstream.name));
    return true;
  }
  if (pushed.reason === 'rejected') {
    const collision = await fetchAndFindUpstreamFile(root, git.upstream, rel, ctx.env);
    warn(`${m.warn.pushRejected(git.upstream.name)} ${collision ? m.warn.pushRejectedCollision(id) : m.warn.pushRejectedSteps}`);
  } else if (pushed.reason === 'hook') warn(m.warn.pushHookRefused(pushed.detail));
  else warn(m.warn.pushFailed(pushed.detail));
  return false;
}
