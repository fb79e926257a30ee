import { existsSync, lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { NOTE_KINDS, type CanonConfig, type NoteKind } from '../core/config.js';
import { SYNC_KEYS } from '../core/content-hash.js';
import { isClaimStub, parseNote, serializeNote, setFrontmatter, type Note } from '../core/frontmatter.js';
import { markdownToBlocks } from '../core/notion-blocks.js';
import { buildProperties, matchSchema, type PropertyMap, type SchemaProblem } from '../core/notion-properties.js';
import { countActions, planSync, type PlannedAction, type SyncCandidate } from '../core/sync-plan.js';
import { formatPlanTable, renderLastSync, type SyncActionResult } from '../core/sync-report.js';
import { ExitCode, UsageError, UserError } from '../errors.js';
import { writeFileSafely } from '../io/fs.js';
import { execGit } from '../io/git.js';
import { acquireLock, LockHeldError } from '../io/lock.js';
import { createNotionApi, describeError, isMissingPage, PartialPageError, type NotionApi } from '../io/notion.js';
import { openRepo } from '../io/repo.js';
import { scanSecrets } from '../io/secrets.js';
import { readCommittedNotes } from '../io/committed-notes.js';
import { commitMetadata, type MetadataWrite } from '../io/sync-commit.js';
import { syncMessages as m } from '../messages/sync.js';
import { createProgress } from '../progress-bar.js';

export interface SyncOptions {
  apply?: boolean;
  kinds?: string;
  commit?: boolean;
  json?: boolean;
}

export interface SyncResult {
  dry_run: boolean;
  counts: { create: number; update: number; skip: number; error: number };
  requests: number;
  actions: SyncActionResult[];
}

export const LAST_SYNC_FILE = 'docs/sync/LAST_SYNC.md';
const LOCK_FILE = '.claude/state/sync.lock';

function parseKinds(value: string | undefined): NoteKind[] {
  if (!value) return [...NOTE_KINDS];
  const kinds = value.split(',').map((k) => k.trim()).filter(Boolean);
  for (const kind of kinds) if (!(NOTE_KINDS as readonly string[]).includes(kind)) throw new UsageError(m.unknownKind(kind, NOTE_KINDS));
  return kinds as NoteKind[];
}

interface Loaded {
  candidate: SyncCandidate;
  /** The committed note: what is sent, and what a --commit write-back edits. */
  note?: Note;
  text?: string;
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

/** Sync metadata goes last, in canonical order (SPEC §3.1); every other entry keeps its place and bytes. */
function withSyncMetadata(note: Note, values: Record<string, unknown>): string {
  const updated = setFrontmatter(note, values);
  const rank = (key: string) => (SYNC_KEYS as readonly string[]).indexOf(key);
  const others = updated.entries.filter((e) => rank(e.key) < 0);
  const sync = updated.entries.filter((e) => rank(e.key) >= 0).sort((a, b) => rank(a.key) - rank(b.key));
  return serializeNote({ ...updated, entries: [...others, ...sync] });
}

/** The metadata edit applied to any version of a note's text, or null when that text does not parse. */
function applyMetadata(text: string, values: Record<string, unknown>): string | null {
  try {
    return withSyncMetadata(parseNote(text), values);
  } catch {
    return null;
  }
}

/** Where write-backs go: the working file at once, and (for --commit) the committed note's edit. */
interface WriteBackSink {
  commits: MetadataWrite[];
  working: string[];
}

/**
 * Write sync metadata into a note. The working file is re-read and gets the edit on top of whatever
 * the user has there (their uncommitted text is kept byte for byte); a working file that is gone or
 * does not parse is left alone. The committed version gets the same edit for --commit.
 * content_hash is never touched.
 */
async function writeBack(root: string, sink: WriteBackSink, item: Loaded, values: Record<string, unknown>): Promise<boolean> {
  const file = item.candidate.file;
  const full = path.join(root, file);
  let wrote = false;
  if (existsSync(full) && !lstatSync(full).isSymbolicLink()) {
    const next = applyMetadata(readFileSync(full, 'utf8'), values);
    if (next !== null) {
      await writeFileSafely(full, next);
      sink.working.push(file);
      wrote = true;
    }
  }
  if (item.note) {
    sink.commits.push({ file, committed: withSyncMetadata(item.note, values), applyTo: (text) => applyMetadata(text, values) });
    wrote = true;
  }
  return wrote;
}

function resolveTarget(config: CanonConfig, env: NodeJS.ProcessEnv): { databaseId: string | null; dataSourceId: string | null } {
  const fromEnv = env.NOTION_DATABASE_ID?.trim();
  if (fromEnv) return { databaseId: fromEnv, dataSourceId: null };
  return { databaseId: config.notion.database_id, dataSourceId: config.notion.data_source_id };
}

function resolveRate(config: CanonConfig, env: NodeJS.ProcessEnv): number {
  // CANON_NOTION_RPS exists for tests and the bench's fake server; Notion itself allows 3 on average.
  const raw = env.CANON_NOTION_RPS?.trim();
  if (!raw) return config.notion.requests_per_second;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(m.badRate(raw));
  return value;
}

function describeProblems(problems: readonly SchemaProblem[]): string {
  return problems.map((p) => (p.actual === null ? m.missingProperty(p.property, p.expected) : m.wrongType(p.property, p.expected, p.actual))).join(', ');
}

async function who(root: string, env: NodeJS.ProcessEnv): Promise<string> {
  if (env.GITHUB_ACTIONS === 'true') return `GitHub Actions (${env.GITHUB_WORKFLOW ?? 'workflow'}, run ${env.GITHUB_RUN_ID ?? '?'}, by ${env.GITHUB_ACTOR ?? '?'})`;
  const name = (await execGit(['config', 'user.name'], { cwd: root })).stdout.trim();
  const email = (await execGit(['config', 'user.email'], { cwd: root })).stdout.trim();
  return [name, email ? `<${email}>` : ''].filter(Boolean).join(' ') || env.OPERATOR || 'unknown';
}

/** Never let the token reach output, files or logs, whatever an error message carries. */
function redactor(token: string | undefined): (text: string) => string {
  if (!token) return (text) => text;
  return (text) => text.split(token).join('[NOTION_TOKEN]');
}

async function applyOne(
  api: NotionApi,
  action: PlannedAction,
  loaded: Loaded,
  target: { dataSourceId: string; map: PropertyMap },
): Promise<{ pageId: string; reason: string; action: 'create' | 'update' }> {
  const data = loaded.candidate.data!;
  const properties = buildProperties({ kind: action.kind, externalId: action.external_id!, contentHash: action.content_hash!, data }, target.map);
  const body = markdownToBlocks(loaded.candidate.body!);
  const idProperty = target.map.properties.external_id!;
  const create = async (reason: string) => {
    const page = await api.createPage({ dataSourceId: target.dataSourceId, idProperty, externalId: action.external_id!, properties, body });
    return { pageId: page.id, reason: page.adopted ? m.adopted : reason, action: page.adopted ? ('update' as const) : ('create' as const) };
  };
  if (action.action === 'create' || !action.notion_page_id) return create(action.reason);
  try {
    await api.updateProperties(action.notion_page_id, properties);
  } catch (error) {
    if (isMissingPage(error)) return create(m.recreated);
    throw error;
  }
  await api.replaceBody(action.notion_page_id, body);
  return { pageId: action.notion_page_id, reason: action.reason, action: 'update' };
}

export async function runSync(options: SyncOptions, ctx: CommandContext): Promise<CommandOutcome<SyncResult>> {
  const kinds = parseKinds(options.kinds);
  if (options.commit && !options.apply) throw new UsageError(m.commitNeedsApply);
  const repo = openRepo(ctx.cwd);
  const loaded = await readCandidates(repo.root, repo.config, kinds);
  const byFile = new Map(loaded.map((l) => [l.candidate.file, l]));

  // Secrets are looked for only in notes that would be sent: an unchanged store stays cheap.
  let plan = planSync(loaded.map((l) => l.candidate));
  for (const action of plan) {
    if (action.action !== 'create' && action.action !== 'update') continue;
    const item = byFile.get(action.file)!;
    const findings = await scanSecrets(item.text ?? '', action.file);
    if (findings.length > 0) item.candidate.secrets = findings.map((f) => `${f.file}:${f.line}: ${f.message}`);
  }
  plan = planSync(loaded.map((l) => l.candidate));

  if (!options.apply) {
    const actions = plan.map(toResult);
    const result: SyncResult = { dry_run: true, counts: countActions(actions), requests: 0, actions };
    if (options.json) ctx.logger.out(JSON.stringify(result, null, 2));
    else {
      ctx.logger.err(m.planHeader);
      const table = formatPlanTable(plan);
      if (table) ctx.logger.out(table);
      ctx.logger.out(m.planSummary(result.counts));
    }
    return { exitCode: result.counts.error > 0 ? ExitCode.failed : ExitCode.ok, result };
  }

  const token = ctx.env.NOTION_TOKEN?.trim();
  if (!token) throw new UsageError(m.noToken, m.noTokenHint);
  const redact = redactor(token);
  const targetIds = resolveTarget(repo.config, ctx.env);
  if (!targetIds.databaseId && !targetIds.dataSourceId) throw new UsageError(m.noDatabase, m.noDatabaseHint);
  const rate = resolveRate(repo.config, ctx.env);

  let lock;
  try {
    lock = acquireLock(path.join(repo.root, LOCK_FILE), { now: ctx.now });
  } catch (error) {
    if (error instanceof LockHeldError) {
      const holder = error.owner ? `pid ${error.owner.pid} on ${error.owner.host}, since ${error.owner.since}` : error.file;
      throw new UserError(m.locked(holder), { hint: m.lockedHint });
    }
    throw error;
  }
  const started = ctx.now().getTime();
  try {
    const api = createNotionApi({
      token,
      ...(ctx.env.NOTION_BASE_URL ? { baseUrl: ctx.env.NOTION_BASE_URL } : {}),
      requestsPerSecond: rate,
      ...(ctx.env.CANON_NOTION_RETRY_BASE_MS ? { baseDelayMs: Number(ctx.env.CANON_NOTION_RETRY_BASE_MS) } : {}),
    });
    const work = plan.filter((a) => a.action === 'create' || a.action === 'update');
    const results: SyncActionResult[] = [];
    const sink: WriteBackSink = { commits: [], working: [] };
    let dataSource = targetIds.dataSourceId ?? targetIds.databaseId ?? '';

    let map: PropertyMap | null = null;
    if (work.length > 0) {
      try {
        dataSource = await api.resolveDataSource(targetIds);
        const matched = matchSchema(await api.readSchema(dataSource), repo.config.notion.properties);
        const fatal = matched.problems.filter((p) => p.fatal);
        if (fatal.length > 0) throw new UsageError(m.schemaFatal(describeProblems(fatal)), m.schemaFatalHint);
        if (matched.problems.length > 0) ctx.logger.err(m.schemaWarning(describeProblems(matched.problems)));
        map = matched.map;
      } catch (error) {
        if (error instanceof UserError) throw error;
        throw new UserError(redact(m.connect(describeError(error))), { hint: m.connectHint });
      }
    }

    const progress = createProgress('syncing', work.length, { enabled: work.length > 0 && ctx.logger.interactive && !options.json });
    for (const action of plan) {
      if (!map || (action.action !== 'create' && action.action !== 'update')) {
        results.push(toResult(action));
        // A refused note (a secret in it) says so in its own frontmatter; an unreadable one cannot.
        if (action.action === 'error' && byFile.get(action.file)?.note) await writeBack(repo.root, sink, byFile.get(action.file)!, errorValues(action.reason, action.notion_page_id));
        continue;
      }
      try {
        const done = await applyOne(api, action, byFile.get(action.file)!, { dataSourceId: dataSource, map });
        const values = { sync_status: 'synced', notion_page_id: done.pageId, synced_at: ctx.now().toISOString(), synced_hash: action.content_hash, sync_error: undefined };
        if (!(await writeBack(repo.root, sink, byFile.get(action.file)!, values))) ctx.logger.err(m.changedDuringSync(action.file));
        results.push({ ...toResult(action), action: done.action, reason: done.reason, notion_page_id: done.pageId });
      } catch (error) {
        const pageId = error instanceof PartialPageError ? error.pageId : action.notion_page_id;
        const reason = redact(describeError(error instanceof PartialPageError ? error.original : error));
        await writeBack(repo.root, sink, byFile.get(action.file)!, errorValues(reason, pageId));
        results.push({ ...toResult(action), action: 'error', reason, notion_page_id: pageId });
      }
      progress.tick(action.external_id ?? action.file);
    }
    progress.done();

    const counts = countActions(results);
    const result: SyncResult = { dry_run: false, counts, requests: api.requests, actions: results };
    const changed = counts.create + counts.update + counts.error > 0;
    if (changed) {
      const seconds = (ctx.now().getTime() - started) / 1000;
      const audit = renderLastSync({ at: ctx.now().toISOString(), who: await who(repo.root, ctx.env), dataSource, counts, requests: api.requests, seconds, actions: results });
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
    return { exitCode: counts.error > 0 || commitFailed ? ExitCode.failed : ExitCode.ok, result };
  } finally {
    lock.release();
  }
}

function errorValues(reason: string, pageId: string | null): Record<string, unknown> {
  return { sync_status: 'error', ...(pageId ? { notion_page_id: pageId } : {}), sync_error: reason };
}

function toResult(action: PlannedAction): SyncActionResult {
  return { file: action.file, external_id: action.external_id, action: action.action, reason: action.reason, notion_page_id: action.notion_page_id };
}

/** One commit holding canon's write-backs on top of the committed notes, and nothing the user changed. */
async function commitWrites(root: string, writes: readonly MetadataWrite[], counts: SyncResult['counts'], ctx: CommandContext, quiet: boolean): Promise<boolean> {
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
