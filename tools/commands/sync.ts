import { readFileSync } from 'node:fs';
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
import { listNotes, readNote } from '../io/store.js';
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
  note?: Note;
  text?: string;
}

function readCandidates(root: string, config: CanonConfig, kinds: NoteKind[]): Loaded[] {
  return listNotes(root, config, kinds).map((ref) => {
    const loaded = readNote(root, ref, config);
    if (loaded.problem) {
      const { line, column, message } = loaded.problem;
      return { candidate: { file: ref.rel, kind: ref.kind, problem: `${ref.rel}:${line}:${column}: ${message}` } };
    }
    const { note, text } = loaded;
    return { note, text, candidate: { file: ref.rel, kind: ref.kind, data: note.data, body: note.body, isStub: isClaimStub(note) } };
  });
}

/** Sync metadata goes last, in canonical order (SPEC §3.1); every other entry keeps its place and bytes. */
function withSyncMetadata(note: Note, values: Record<string, unknown>): string {
  const updated = setFrontmatter(note, values);
  const rank = (key: string) => (SYNC_KEYS as readonly string[]).indexOf(key);
  const others = updated.entries.filter((e) => rank(e.key) < 0);
  const sync = updated.entries.filter((e) => rank(e.key) >= 0).sort((a, b) => rank(a.key) - rank(b.key));
  return serializeNote({ ...updated, entries: [...others, ...sync] });
}

/**
 * Write sync metadata into a note, re-reading it first: an edit made while the sync ran is kept
 * (its hash then differs from synced_hash, so the next sync sends it). content_hash is never touched.
 */
async function writeBack(root: string, file: string, values: Record<string, unknown>): Promise<boolean> {
  const full = path.join(root, file);
  let note: Note;
  try {
    note = parseNote(readFileSync(full, 'utf8'));
  } catch {
    return false;
  }
  const text = withSyncMetadata(note, values);
  await writeFileSafely(full, text);
  return true;
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
  const loaded = readCandidates(repo.root, repo.config, kinds);
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
    const written: string[] = [];
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
        if (action.action === 'error' && byFile.get(action.file)?.note && (await writeBack(repo.root, action.file, errorValues(action.reason, action.notion_page_id)))) {
          written.push(action.file);
        }
        continue;
      }
      try {
        const done = await applyOne(api, action, byFile.get(action.file)!, { dataSourceId: dataSource, map });
        const values = { sync_status: 'synced', notion_page_id: done.pageId, synced_at: ctx.now().toISOString(), synced_hash: action.content_hash, sync_error: undefined };
        if (await writeBack(repo.root, action.file, values)) written.push(action.file);
        else ctx.logger.err(m.changedDuringSync(action.file));
        results.push({ ...toResult(action), action: done.action, reason: done.reason, notion_page_id: done.pageId });
      } catch (error) {
        const pageId = error instanceof PartialPageError ? error.pageId : action.notion_page_id;
        const reason = redact(describeError(error instanceof PartialPageError ? error.original : error));
        if (await writeBack(repo.root, action.file, errorValues(reason, pageId))) written.push(action.file);
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
      written.push(LAST_SYNC_FILE);
    }

    let commitFailed = false;
    if (options.commit) commitFailed = !(await commitWrites(repo.root, written, counts, ctx, options.json === true));

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

/** One commit holding exactly the files sync wrote: explicit pathspecs, nothing else the user staged. */
async function commitWrites(root: string, files: readonly string[], counts: SyncResult['counts'], ctx: CommandContext, quiet: boolean): Promise<boolean> {
  if (files.length === 0) {
    if (!quiet) ctx.logger.err(m.nothingToCommit);
    return true;
  }
  const unique = [...new Set(files)];
  const message = `sync: ${counts.create} created, ${counts.update} updated, ${counts.error} failed in Notion`;
  const add = await execGit(['add', '--', ...unique], { cwd: root });
  const commit = add.code === 0 ? await execGit(['commit', '-q', '-m', message, '--', ...unique], { cwd: root }) : add;
  if (commit.code !== 0) {
    ctx.logger.err(`canon: ${m.commitFailed((commit.stderr || commit.stdout).trim() || `git exited ${commit.code}`)}`);
    ctx.logger.err(m.commitFailedHint);
    return false;
  }
  const sha = (await execGit(['rev-parse', '--short', 'HEAD'], { cwd: root })).stdout.trim();
  if (!quiet) ctx.logger.err(m.committed(sha));
  return true;
}
