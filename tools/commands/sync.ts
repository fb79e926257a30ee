import { existsSync, lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import {
  planSync,
  markdownDialect,
  markdownVersionParam,
  countActions,
  type PlannedAction,
  formatPlanTable,
  renderLastSync,
  type SyncActionResult,
  createNotionApi,
  applySync,
  isLinkTarget,
  prepareSync,
  redactor,
  toResult,
  withPlan,
  type LoadedNote as Loaded,
  type NotionTarget,
  applyMetadata,
  withSyncMetadata,
} from '../sync/index.js';
import { NOTE_KINDS, type CanonConfig, type NoteKind, type NotionVersion } from '../core/config.js';
import { SYNC_KEYS } from '../core/content-hash.js';
import { isClaimStub } from '../core/frontmatter.js';
import { ExitCode, UsageError, UserError } from '../errors.js';
import { readCommittedNotes, readSyncedVersions } from '../sync/node-host/committed-notes.js';
import { writeFileSafely } from '../io/fs.js';
import { porcelain } from '../io/git.js';
import { acquireLock, LockHeldError } from '../io/lock.js';
import { openRepo } from '../io/repo.js';
import { createHttpFetch } from '../sync/node-host/http-fetch.js';
import { readSentMarkdown, writeSentMarkdown } from '../sync/node-host/sent-markdown.js';
import { commitMetadata, type MetadataWrite } from '../sync/node-host/sync-commit.js';
import { readRefusals, writeRefusals, type Refusal } from '../sync/node-host/sync-refused.js';
import { syncMessages as m } from '../messages/sync.js';
import { createProgress } from '../progress-bar.js';
import { noteSecretFindings } from '../sync/secrets.js';

export interface SyncOptions {
  apply?: boolean;
  kinds?: string;
  commit?: boolean;
  json?: boolean;
  /** Requests per second (overrides CANON_NOTION_RPS and notion.requests_per_second). */
  rps?: string;
}

export interface SyncResult {
  dry_run: boolean;
  notion_version: NotionVersion;
  counts: { create: number; update: number; skip: number; error: number };
  /** Requests sent (0 in a dry run). */
  requests: number;
  /** Requests the plan expects, setup lookups included (retries and 429s not counted). */
  planned_requests: number;
  actions: SyncActionResult[];
  /** Set when Notion's rate limit stopped the run: why; the notes not sent are pending (ADR-0041). */
  stopped?: string;
}

export const LAST_SYNC_FILE = 'docs/sync/LAST_SYNC.md';
const LOCK_FILE = '.claude/state/sync.lock';
/**
 * The sync lock's lease, renewed before each note (ADR-0035): a run that is gone (or frozen) loses the
 * lock after this long, and no retry wait of a live run ends past it (less a margin).
 */
const LOCK_LEASE_MS = 15 * 60 * 1000;
const LEASE_MARGIN_MS = 30_000;

function parseKinds(value: string | undefined): NoteKind[] {
  if (!value) return [...NOTE_KINDS];
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  for (const kind of kinds) if (!(NOTE_KINDS as readonly string[]).includes(kind)) throw new UsageError(m.unknownKind(kind, NOTE_KINDS));
  return kinds as NoteKind[];
}

/** canon's bookkeeping keys, taken from the working file when it has them (content_hash never is). */
const BOOKKEEPING = SYNC_KEYS.filter((k) => k !== 'content_hash');

/**
 * "Changed" means changed in HEAD: sync sends the committed version of each note, never an
 * uncommitted edit (the scheduled mirror publishes what was committed). Sync metadata is canon's own
 * record of Notion's state, so it is read from the working file when that file parses: a write-back
 * left uncommitted still counts, and a second run sends nothing.
 */
async function readCandidates(root: string, config: CanonConfig, kinds: NoteKind[]): Promise<Loaded[]> {
  const { notes, unsent } = await readCommittedNotes(root, config, kinds);
  const loaded: Loaded[] = unsent.map((u) => ({ candidate: { file: u.ref.rel, kind: u.ref.kind, unsent: u.reason } }));
  for (const { ref, head, working } of notes) {
    if (head.problem) {
      const { line, column, message } = head.problem;
      loaded.push({ candidate: { file: ref.rel, kind: ref.kind, problem: `${ref.rel}:${line}:${column}: ${message} (as committed)` } });
      continue;
    }
    const data = { ...head.note.data };
    if (working?.note && !isClaimStub(working.note)) {
      for (const key of BOOKKEEPING) {
        if (key in working.note.data) data[key] = working.note.data[key];
        else delete data[key];
      }
    }
    loaded.push({ note: head.note, text: head.text, candidate: { file: ref.rel, kind: ref.kind, data, body: head.note.body, isStub: isClaimStub(head.note) } });
  }
  return loaded.sort((a, b) => (a.candidate.file < b.candidate.file ? -1 : 1));
}

/** Where write-backs go: the working file at once, and (for --commit) the committed note's edit. */
interface Writes {
  commits: MetadataWrite[];
  working: string[];
  /** A write-back changed a working file / the committed text (the same error stamped again does not). */
  workingChanged: boolean;
  committedChanged: boolean;
}

/**
 * Write sync metadata into a note. The working file is re-read and gets the edit on top of whatever
 * the user has there (their uncommitted text is kept byte for byte); a working file that is gone or
 * does not parse is left alone. The committed version gets the same edit for --commit.
 * content_hash is never touched.
 */
async function writeBack(root: string, sink: Writes, item: Loaded, values: Record<string, unknown>): Promise<boolean> {
  const file = item.candidate.file;
  const full = path.join(root, file);
  let wrote = false;
  if (existsSync(full) && !lstatSync(full).isSymbolicLink()) {
    const current = readFileSync(full, 'utf8');
    const next = applyMetadata(current, values);
    if (next !== null) {
      if (next !== current) {
        await writeFileSafely(full, next);
        sink.working.push(file);
        sink.workingChanged = true;
      }
      wrote = true;
    }
  }
  if (item.note) {
    const committed = withSyncMetadata(item.note, values);
    if (committed !== item.text) {
      sink.commits.push({ file, committed, applyTo: (text) => applyMetadata(text, values) });
      sink.committedChanged = true;
    }
    wrote = true;
  }
  return wrote;
}

function resolveTarget(config: CanonConfig, env: NodeJS.ProcessEnv): NotionTarget {
  const fromEnv = env.NOTION_DATABASE_ID?.trim();
  if (fromEnv) return { databaseId: fromEnv, dataSourceId: null };
  return { databaseId: config.notion.database_id, dataSourceId: config.notion.data_source_id };
}

/** --rps wins, then CANON_NOTION_RPS (tests and the bench), then notion.requests_per_second. */
function resolveRate(config: CanonConfig, env: NodeJS.ProcessEnv, flag: string | undefined): number {
  const [raw, source] = flag !== undefined ? [flag, '--rps'] : [env.CANON_NOTION_RPS?.trim(), 'CANON_NOTION_RPS'];
  if (!raw) return config.notion.requests_per_second;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(m.badRate(source, raw));
  return value;
}

async function who(root: string, env: NodeJS.ProcessEnv): Promise<string> {
  if (env.GITHUB_ACTIONS === 'true')
    return `GitHub Actions (${env.GITHUB_WORKFLOW ?? 'workflow'}, run ${env.GITHUB_RUN_ID ?? '?'}, by ${env.GITHUB_ACTOR ?? '?'})`;
  const git = await porcelain(root);
  const name = ((await git.getConfig('user.name')).value ?? '').trim();
  const email = ((await git.getConfig('user.email')).value ?? '').trim();
  return [name, email ? `<${email}>` : ''].filter(Boolean).join(' ') || env.OPERATOR || 'unknown';
}

export async function runSync(options: SyncOptions, ctx: CommandContext): Promise<CommandOutcome<SyncResult>> {
  const kinds = parseKinds(options.kinds);
  if (options.commit && !options.apply) throw new UsageError(m.commitNeedsApply);
  const repo = openRepo(ctx.cwd);
  const rate = resolveRate(repo.config, ctx.env, options.rps);
  const version = repo.config.notion.version;
  // Notion-flavored Markdown v2 with `markdown_version` on every markdown request (ADR-0036).
  const dialect = markdownDialect(version);
  // One read of the store. With --kinds, the notes of the other kinds are link targets still (a
  // workstream's link to a session stays a link, or stays pending until the session has a page).
  const all = await readCandidates(repo.root, repo.config, [...NOTE_KINDS]);
  const loaded = all.filter((l) => kinds.includes(l.candidate.kind));
  const knownPages = new Map<string, string | null>();
  const others = all.filter((l) => !kinds.includes(l.candidate.kind)).map((l) => l.candidate);
  if (others.length > 0) {
    const byFile = new Map(others.map((c) => [c.file, c]));
    for (const action of planSync(others)) if (isLinkTarget(byFile.get(action.file)!)) knownPages.set(action.file, action.notion_page_id);
  }
  const ids = resolveTarget(repo.config, ctx.env);
  const refusals = readRefusals(repo.root);
  const prepared = await prepareSync(
    {
      notes: loaded,
      knownPages,
      scanSecrets: noteSecretFindings,
      refused: (file, hash) => (refusals.get(file)?.hash === hash ? refusals.get(file)!.reason : null),
      syncedVersions: (wanted) => readSyncedVersions(repo.root, wanted),
      sent: (pageId) => readSentMarkdown(repo.root, pageId),
    },
    { dialect, target: ids },
  );
  const { plan, work, notePlans, planned, setup } = prepared;

  if (!options.apply) {
    const actions = plan.map((a) => withPlan(toResult(a), notePlans.get(a.file)));
    const result: SyncResult = { dry_run: true, notion_version: version, counts: countActions(actions), requests: 0, planned_requests: planned, actions };
    if (options.json) ctx.logger.out(JSON.stringify(result, null, 2));
    else {
      ctx.logger.err(m.planHeader);
      const table = formatPlanTable(actions);
      if (table) ctx.logger.out(table);
      ctx.logger.out(m.planSummary(result.counts, planned, setup, version));
    }
    return { exitCode: result.counts.error > 0 ? ExitCode.failed : ExitCode.ok, result };
  }

  const token = ctx.env.NOTION_TOKEN?.trim();
  if (!token) throw new UsageError(m.noToken, m.noTokenHint);
  const redact = redactor([[token, '[NOTION_TOKEN]']]);
  if (!ids.databaseId && !ids.dataSourceId) throw new UsageError(m.noDatabase, m.noDatabaseHint);

  let lock;
  try {
    lock = acquireLock(path.join(repo.root, LOCK_FILE), { now: ctx.now, staleMs: LOCK_LEASE_MS, releaseOnSignals: true });
  } catch (error) {
    if (error instanceof LockHeldError) {
      const holder = error.owner ? `pid ${error.owner.pid} on ${error.owner.host}, since ${error.owner.since}` : error.file;
      throw new UserError(m.locked(holder), { hint: m.lockedHint });
    }
    throw error;
  }
  const started = ctx.now().getTime();
  let renewedAt = Date.now();
  const held = lock;
  // node:http rather than the global fetch: Node's fetch costs ~210 ms of CPU to load (ADR-0045).
  const transport = createHttpFetch();
  try {
    const api = createNotionApi({
      fetch: transport.fetch,
      deadline: () => renewedAt + LOCK_LEASE_MS - LEASE_MARGIN_MS,
      token,
      notionVersion: version,
      ...(markdownVersionParam(version) ? { markdownVersion: markdownVersionParam(version)! } : {}),
      ...(ctx.env.NOTION_BASE_URL ? { baseUrl: ctx.env.NOTION_BASE_URL } : {}),
      requestsPerSecond: rate,
      ...(ctx.env.CANON_NOTION_RETRY_BASE_MS ? { baseDelayMs: Number(ctx.env.CANON_NOTION_RETRY_BASE_MS) } : {}),
    });
    const sink: Writes = { commits: [], working: [], workingChanged: false, committedChanged: false };
    // Requests still to come, for the progress bar's ETA (the setup lookups are done when the first note starts).
    let remaining = planned;
    let first = true;
    const progress = createProgress('syncing', work.length, {
      enabled: work.length > 0 && ctx.logger.interactive && !options.json,
      status: (elapsedMs) => m.progressStatus(api.requests, remaining, elapsedMs > 0 && api.requests > 0 ? api.requests / (elapsedMs / 1000) : rate),
    });
    const applied = await applySync(prepared, {
      api,
      target: ids,
      propertyNames: repo.config.notion.properties,
      now: ctx.now,
      redact,
      warn: (text) => ctx.logger.err(text),
      sink: {
        note: (item, values) => writeBack(repo.root, sink, item, values),
        sent: (pageId, sent) => writeSentMarkdown(repo.root, pageId, sent),
      },
      // The lease is renewed before each note; a run that lost its lock (judged stale) sends nothing more.
      checkpoint: async () => {
        if (!held.renew()) throw new UserError(m.lockLost, { hint: m.lockLostHint });
        renewedAt = Date.now();
      },
      onStart: (action) => {
        if (first) remaining = planned - api.requests;
        first = false;
        remaining -= notePlans.get(action.file)?.requests.requests ?? 0;
      },
      onDone: (action) => progress.tick(action.external_id ?? action.file),
      onUnwritten: (file) => ctx.logger.err(m.changedDuringSync(file)),
    });
    progress.done();
    const results = applied.results;

    const counts = applied.counts;
    const result: SyncResult = {
      dry_run: false,
      notion_version: version,
      counts,
      requests: api.requests,
      planned_requests: planned,
      actions: results,
      ...(applied.stopped !== null ? { stopped: applied.stopped } : {}),
    };
    const changed = counts.create + counts.update + counts.error > 0 || applied.stopped !== null;
    await rememberRefusals(repo.root, refusals, plan, results, applied.transient);
    // A run that would change nothing but LAST_SYNC.md's timestamp (the same notes refused again)
    // leaves it, and makes no commit.
    const recorded = counts.create + counts.update > 0 || sink.workingChanged || (options.commit === true && sink.committedChanged);
    if (recorded) {
      const seconds = (ctx.now().getTime() - started) / 1000;
      const audit = renderLastSync({
        at: ctx.now().toISOString(),
        who: await who(repo.root, ctx.env),
        dataSource: applied.dataSource,
        counts,
        requests: api.requests,
        seconds,
        actions: results,
        stopped: applied.stopped,
      });
      await writeFileSafely(path.join(repo.root, LAST_SYNC_FILE), redact(audit));
      sink.commits.push({ file: LAST_SYNC_FILE, committed: redact(audit), applyTo: () => redact(audit) });
    }

    let commitFailed = false;
    if (options.commit) commitFailed = !(await commitWrites(repo.root, sink.commits, counts, ctx, options.json === true));

    if (options.json) ctx.logger.out(redact(JSON.stringify(result, null, 2)));
    else {
      const table = formatPlanTable(results);
      if (table) ctx.logger.out(redact(table));
      ctx.logger.out(changed ? m.summary(counts, api.requests) : m.nothingToDo);
      if (counts.error > 0) ctx.logger.err(m.failedHint);
    }
    if (applied.stopped !== null) {
      ctx.logger.err(`canon: ${m.rateLimitStop(results.filter((r) => r.pending).length, applied.stopped)}`);
      ctx.logger.err(m.rateLimitStopHint);
    }
    return { exitCode: counts.error > 0 || commitFailed || applied.stopped !== null ? ExitCode.failed : ExitCode.ok, result };
  } finally {
    transport.close();
    lock.release();
  }
}

/** Refusals that last until the note changes are kept by content hash; any other outcome clears one. */
async function rememberRefusals(
  root: string,
  refusals: Map<string, Refusal>,
  plan: readonly PlannedAction[],
  results: readonly SyncActionResult[],
  transient: ReadonlySet<string>,
): Promise<void> {
  const hashes = new Map(plan.map((a) => [a.file, a.content_hash]));
  let dirty = false;
  for (const r of results) {
    const hash = hashes.get(r.file);
    if (r.action === 'error' && hash && !transient.has(r.file)) {
      const known = refusals.get(r.file);
      if (known?.hash === hash && known.reason === r.reason) continue;
      refusals.set(r.file, { hash, reason: r.reason });
      dirty = true;
    } else if (refusals.delete(r.file)) dirty = true;
  }
  if (dirty) await writeRefusals(root, refusals);
}

/** One commit holding canon's write-backs on top of the committed notes, and nothing the user changed. */
async function commitWrites(
  root: string,
  writes: readonly MetadataWrite[],
  counts: SyncResult['counts'],
  ctx: CommandContext,
  quiet: boolean,
): Promise<boolean> {
  if (writes.length === 0) {
    if (!quiet) ctx.logger.err(m.nothingToCommit);
    return true;
  }
  const last = new Map(writes.map((w) => [w.file, w]));
  const message = `sync: ${counts.create} created, ${counts.update} updated, ${counts.error} failed in Notion`;
  const outcome = await commitMetadata(root, [...last.values()], message);
  if (!outcome.ok) {
    ctx.logger.err(`canon: ${m.commitFailed(outcome.reason)}`);
    ctx.logger.err(m.commitFailedHint);
    return false;
  }
  if (!quiet) ctx.logger.err(m.committed(outcome.sha.slice(0, 7)));
  return true;
}
