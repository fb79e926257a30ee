import { existsSync, lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { NOTE_KINDS, type CanonConfig, type NoteKind, type NotionVersion } from '../core/config.js';
import { SYNC_KEYS } from '../core/content-hash.js';
import { isClaimStub, parseNote, serializeNote, setFrontmatter, type Note } from '../core/frontmatter.js';
import { markdownToBlocks } from '../core/notion-blocks.js';
import { renderNotionMarkdown, type LinkResolution, type MarkdownDialect } from '../core/notion-markdown.js';
import { buildProperties, matchSchema, pickProperties, type PropertyMap, type SchemaProblem } from '../core/notion-properties.js';
import { countActions, planSync, REASONS, type PlannedAction, type SyncCandidate } from '../core/sync-plan.js';
import { formatPlanTable, renderLastSync, type SyncActionResult } from '../core/sync-report.js';
import { planNoteRequests, type NoteRequestPlan } from '../core/sync-requests.js';
import { ExitCode, UsageError, UserError } from '../errors.js';
import { readCommittedNotes, readSyncedVersions } from '../io/committed-notes.js';
import { writeFileSafely } from '../io/fs.js';
import { porcelain } from '../io/git.js';
import { acquireLock, LockHeldError } from '../io/lock.js';
import { createNotionApi, describeError, isMissingPage, isRefusedContent, PartialPageError, UncertainWriteError, type NotionApi } from '../io/notion.js';
import { openRepo } from '../io/repo.js';
import { scanSecrets } from '../io/secrets.js';
import { readSentMarkdown, writeSentMarkdown, type SentMarkdown } from '../io/sent-markdown.js';
import { commitMetadata, type MetadataWrite } from '../io/sync-commit.js';
import { syncMessages as m } from '../messages/sync.js';
import { createProgress } from '../progress-bar.js';

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
}

export const LAST_SYNC_FILE = 'docs/sync/LAST_SYNC.md';
const LOCK_FILE = '.claude/state/sync.lock';

/** Markdown dialect per Notion-Version: each version's default, so no markdown_version is sent. */
const DIALECTS: Record<NotionVersion, MarkdownDialect> = { '2026-03-11': 'v1', '2026-12-01': 'v2' };

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

/** --rps wins, then CANON_NOTION_RPS (tests and the bench), then notion.requests_per_second. */
function resolveRate(config: CanonConfig, env: NodeJS.ProcessEnv, flag: string | undefined): number {
  const [raw, source] = flag !== undefined ? [flag, '--rps'] : [env.CANON_NOTION_RPS?.trim(), 'CANON_NOTION_RPS'];
  if (!raw) return config.notion.requests_per_second;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(m.badRate(source, raw));
  return value;
}

function describeProblems(problems: readonly SchemaProblem[]): string {
  return problems.map((p) => (p.actual === null ? m.missingProperty(p.property, p.expected) : m.wrongType(p.property, p.expected, p.actual))).join(', ');
}

async function who(root: string, env: NodeJS.ProcessEnv): Promise<string> {
  if (env.GITHUB_ACTIONS === 'true') return `GitHub Actions (${env.GITHUB_WORKFLOW ?? 'workflow'}, run ${env.GITHUB_RUN_ID ?? '?'}, by ${env.GITHUB_ACTOR ?? '?'})`;
  const git = await porcelain(root);
  const name = ((await git.getConfig('user.name')).value ?? '').trim();
  const email = ((await git.getConfig('user.email')).value ?? '').trim();
  return [name, email ? `<${email}>` : ''].filter(Boolean).join(' ') || env.OPERATOR || 'unknown';
}

/** Never let the token reach output, files or logs, whatever an error message carries. */
function redactor(token: string | undefined): (text: string) => string {
  if (!token) return (text) => text;
  return (text) => text.split(token).join('[NOTION_TOKEN]');
}

/** Notion's address of a page: what a link to another note becomes. */
function pageUrl(pageId: string): string {
  return `https://www.notion.so/${pageId.replace(/-/g, '')}`;
}

/**
 * Links between notes: a relative link whose target is a note becomes a link to that note's page
 * when it has one; until then only its text is sent and the note is marked `pending`, so the next
 * run adds the link. Other relative links keep their text (Notion refuses relative URLs).
 */
function linkResolver(file: string, notes: ReadonlyMap<string, string | null>): (url: string) => LinkResolution {
  return (url) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('#') || url.startsWith('/')) return { url: null };
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), safeDecode(url.split(/[#?]/)[0]!)));
    if (!notes.has(target)) return { url: null };
    const pageId = notes.get(target);
    return pageId ? { url: pageUrl(pageId) } : { url: null, pending: true };
  };
}

/** A link's path as a file name: `%20` is a space; a malformed escape (`%zz`) is kept as written, never a crash. */
function safeDecode(file: string): string {
  try {
    return decodeURIComponent(file);
  } catch {
    return file;
  }
}

interface NotePlan {
  markdown: string;
  pendingLinks: string[];
  requests: NoteRequestPlan;
}

/** The page body and request plan for one note, with links resolved against what is known now. */
function planNote(action: PlannedAction, item: Loaded, previous: Note | undefined, dialect: MarkdownDialect, pages: ReadonlyMap<string, string | null>, sent: SentMarkdown | null): NotePlan {
  const resolve = linkResolver(action.file, pages);
  const current = renderNotionMarkdown(item.candidate.body!, { dialect, resolveLink: resolve });
  const status = item.candidate.data!.sync_status;
  // What the page holds: the text canon last sent for it when that is on record for this version,
  // else the synced version rendered again. A note whose links were pending then cannot be rendered
  // as it was, so without the record its body is replaced rather than edited.
  let before = '';
  if (previous && status !== 'error') {
    if (sent && sent.hash === item.candidate.data!.synced_hash && sent.dialect === dialect) before = sent.markdown;
    else if (status !== 'pending') before = renderNotionMarkdown(previous.body, { dialect, resolveLink: resolve }).markdown;
  }
  const requests = planNoteRequests({
    kind: action.kind,
    externalId: action.external_id!,
    mode: action.action === 'create' || !action.notion_page_id ? 'create' : 'update',
    current: { data: item.candidate.data!, body: item.candidate.body! },
    currentMarkdown: current.markdown,
    previous: previous ? { version: { data: previous.data, body: previous.body }, markdown: before } : null,
  });
  return { markdown: current.markdown, pendingLinks: current.pendingLinks, requests };
}

/** The run's lookups, each made at most once and only when a note needs it. */
interface Lookups {
  target(): Promise<{ dataSourceId: string; map: PropertyMap }>;
  pages(): Promise<Map<string, string>>;
}

function createLookups(api: NotionApi, ids: { databaseId: string | null; dataSourceId: string | null }, names: Record<string, string>, warn: (text: string) => void): Lookups {
  let target: Promise<{ dataSourceId: string; map: PropertyMap }> | undefined;
  let pages: Promise<Map<string, string>> | undefined;
  const lookups: Lookups = {
    target: () =>
      (target ??= (async () => {
        const dataSourceId = await api.resolveDataSource(ids);
        const schema = await api.readSchema(dataSourceId);
        const matched = matchSchema(schema, names);
        const fatal = matched.problems.filter((p) => p.fatal);
        if (fatal.length > 0) throw new UsageError(m.schemaFatal(describeProblems(fatal)), m.schemaFatalHint);
        if (matched.problems.length > 0) warn(m.schemaWarning(describeProblems(matched.problems)));
        // filter_properties takes property ids: canon reads external_id only (2026-12-01 sends the title too).
        const idProperty = matched.map.properties.external_id!;
        const idOf = (name: string) => String((schema[name] as { id?: unknown } | undefined)?.id ?? name);
        (lookups as { filter?: string[] }).filter = [idOf(idProperty)];
        return { dataSourceId, map: matched.map };
      })()),
    pages: () =>
      (pages ??= (async () => {
        const { dataSourceId, map } = await lookups.target();
        const filter = (lookups as { filter?: string[] }).filter ?? [];
        const listed = await api.listPages(dataSourceId, map.properties.external_id!, filter);
        const byId = new Map<string, string>();
        // Oldest first: if a crash ever left two pages, the first one keeps being the note's page.
        for (const page of listed) if (!byId.has(page.externalId)) byId.set(page.externalId, page.id);
        return byId;
      })()),
  };
  return lookups;
}

interface Applied {
  pageId: string;
  action: 'create' | 'update';
  reason: string;
  /** Set when the note went (all or partly) through the block API, with why. */
  fallback?: string;
}

async function applyOne(api: NotionApi, action: PlannedAction, item: Loaded, plan: NotePlan, lookups: Lookups): Promise<Applied> {
  const data = item.candidate.data!;
  const build = (map: PropertyMap) => buildProperties({ kind: action.kind, externalId: action.external_id!, contentHash: action.content_hash!, data }, map);

  const create = async (reason: string): Promise<Applied> => {
    const { dataSourceId, map } = await lookups.target();
    const properties = build(map);
    const existing = (await lookups.pages()).get(action.external_id!);
    if (existing) {
      // A page made by a run that crashed before writing back (or by hand): adopt it, send it all.
      await api.updateProperties(existing, properties);
      const fallback = await replaceBody(existing);
      return { pageId: existing, action: 'update', reason: m.adopted, ...(fallback ? { fallback } : {}) };
    }
    const idProperty = map.properties.external_id!;
    if (plan.requests.create !== 'blocks') {
      try {
        const page = await api.createMarkdownPage({ dataSourceId, idProperty, externalId: action.external_id!, properties, markdown: plan.markdown });
        return { pageId: page.id, action: 'create', reason };
      } catch (error) {
        if (!isRefusedContent(error)) throw error;
        const page = await api.createPage({ dataSourceId, idProperty, externalId: action.external_id!, properties, body: markdownToBlocks(item.candidate.body!) });
        return { pageId: page.id, action: 'create', reason, fallback: m.markdownRefused(describeError(error)) };
      }
    }
    const page = await api.createPage({ dataSourceId, idProperty, externalId: action.external_id!, properties, body: markdownToBlocks(item.candidate.body!) });
    return { pageId: page.id, action: 'create', reason, fallback: plan.requests.body.kind === 'blocks' ? plan.requests.body.reason : 'block path' };
  };

  /** One replace_content; if Notion refuses the markdown, the block path for this note. */
  const replaceBody = async (pageId: string): Promise<string | undefined> => {
    if (plan.requests.body.kind === 'blocks') {
      await api.replaceBody(pageId, markdownToBlocks(item.candidate.body!));
      return plan.requests.body.reason;
    }
    try {
      await api.replaceMarkdown(pageId, plan.markdown);
      return undefined;
    } catch (error) {
      if (!isRefusedContent(error)) throw error;
      await api.replaceBody(pageId, markdownToBlocks(item.candidate.body!));
      return m.markdownRefused(describeError(error));
    }
  };

  if (plan.requests.create) return create(action.reason);
  const pageId = action.notion_page_id!;
  try {
    const wanted = plan.requests.properties;
    if (wanted) {
      const { map } = await lookups.target();
      const properties = build(map);
      await api.updateProperties(pageId, wanted === 'all' ? properties : pickProperties(properties, map, wanted));
    }
    const body = plan.requests.body;
    let fallback: string | undefined;
    if (body.kind === 'edit') {
      try {
        await api.editMarkdown(pageId, body.edits);
      } catch (error) {
        // The page is not what canon last sent (edited in Notion) or the answer was lost: an
        // update_content is all or nothing, so one whole replace puts the page right either way.
        if (!isRefusedContent(error) && !(error instanceof UncertainWriteError)) throw error;
        fallback = await replaceBody(pageId);
      }
    } else if (body.kind === 'replace' || body.kind === 'blocks') fallback = await replaceBody(pageId);
    return { pageId, action: 'update', reason: action.reason, ...(fallback ? { fallback } : {}) };
  } catch (error) {
    if (isMissingPage(error)) return create(m.recreated);
    throw error;
  }
}

export async function runSync(options: SyncOptions, ctx: CommandContext): Promise<CommandOutcome<SyncResult>> {
  const kinds = parseKinds(options.kinds);
  if (options.commit && !options.apply) throw new UsageError(m.commitNeedsApply);
  const repo = openRepo(ctx.cwd);
  const rate = resolveRate(repo.config, ctx.env, options.rps);
  const version = repo.config.notion.version;
  const dialect = DIALECTS[version];
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

  // Page ids known now, per note file: what links between notes resolve to. Notes that are never
  // sent (stubs, local-only) are not link targets: a link to one keeps its text for good. With
  // --kinds, the notes of the other kinds are link targets too (a workstream's link to a session
  // stays a link, or stays pending until the session has a page), read but never sent.
  const pages = new Map<string, string | null>();
  const all = kinds.length < NOTE_KINDS.length ? await readCandidates(repo.root, repo.config, [...NOTE_KINDS]) : loaded;
  const allByFile = all === loaded ? byFile : new Map(all.map((l) => [l.candidate.file, l]));
  for (const action of all === loaded ? plan : planSync(all.map((l) => l.candidate))) {
    const candidate = allByFile.get(action.file)?.candidate;
    if (candidate?.data && !candidate.isStub && candidate.data.sync_status !== 'local-only') pages.set(action.file, action.notion_page_id);
  }
  // A note sent while a note it links to had no page yet (sync_status: pending) is sent again once
  // every such link can be made (issue 14.2); until then it costs nothing.
  plan = plan.map((action) => {
    const item = byFile.get(action.file);
    if (action.action !== 'skip' || action.reason !== REASONS.unchanged || item?.candidate.data?.sync_status !== 'pending') return action;
    const rendered = renderNotionMarkdown(item.candidate.body!, { dialect, resolveLink: linkResolver(action.file, pages) });
    return rendered.pendingLinks.length === 0 ? { ...action, action: 'update' as const, reason: m.linksResolved } : action;
  });

  const work = plan.filter((a) => a.action === 'create' || a.action === 'update');
  const previous = await readSyncedVersions(
    repo.root,
    work.flatMap((a) => {
      const hash = byFile.get(a.file)?.candidate.data?.synced_hash;
      return a.action === 'update' && typeof hash === 'string' ? [{ file: a.file, hash }] : [];
    }),
  );
  const sentOf = (a: PlannedAction) => (a.notion_page_id ? readSentMarkdown(repo.root, a.notion_page_id) : null);
  const notePlans = new Map(work.map((a) => [a.file, planNote(a, byFile.get(a.file)!, previous.get(a.file), dialect, pages, sentOf(a))]));
  const needsTarget = [...notePlans.values()].some((p) => p.requests.create !== null || p.requests.properties !== null);
  const needsIndex = [...notePlans.values()].some((p) => p.requests.create !== null);
  const ids = resolveTarget(repo.config, ctx.env);
  const setup = (needsTarget ? (ids.dataSourceId ? 1 : 2) : 0) + (needsIndex ? 1 : 0);
  const planned = setup + [...notePlans.values()].reduce((n, p) => n + p.requests.requests, 0);

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
  const redact = redactor(token);
  if (!ids.databaseId && !ids.dataSourceId) throw new UsageError(m.noDatabase, m.noDatabaseHint);

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
      notionVersion: version,
      ...(ctx.env.NOTION_BASE_URL ? { baseUrl: ctx.env.NOTION_BASE_URL } : {}),
      requestsPerSecond: rate,
      ...(ctx.env.CANON_NOTION_RETRY_BASE_MS ? { baseDelayMs: Number(ctx.env.CANON_NOTION_RETRY_BASE_MS) } : {}),
    });
    const lookups = createLookups(api, ids, repo.config.notion.properties, (text) => ctx.logger.err(text));
    const results: SyncActionResult[] = [];
    const sink: WriteBackSink = { commits: [], working: [] };
    // The schema is read before the first write, so a database that cannot hold canon's notes stops
    // the run with nothing sent (exit 2), as before.
    if (needsTarget) {
      try {
        await lookups.target();
      } catch (error) {
        if (error instanceof UserError) throw error;
        throw new UserError(redact(m.connect(describeError(error))), { hint: m.connectHint });
      }
    }

    let remaining = planned - api.requests;
    const progress = createProgress('syncing', work.length, {
      enabled: work.length > 0 && ctx.logger.interactive && !options.json,
      status: (elapsedMs) => m.progressStatus(api.requests, remaining, elapsedMs > 0 && api.requests > 0 ? api.requests / (elapsedMs / 1000) : rate),
    });
    for (const action of plan) {
      const item = byFile.get(action.file);
      if (action.action !== 'create' && action.action !== 'update') {
        results.push(toResult(action));
        // A refused note (a secret in it) says so in its own frontmatter; an unreadable one cannot.
        if (action.action === 'error' && item?.note) await writeBack(repo.root, sink, item, errorValues(action.reason, action.notion_page_id));
        continue;
      }
      const before = api.requests;
      // Planned again now: a note created earlier in this run turns its links into real ones.
      const notePlan = planNote(action, item!, previous.get(action.file), dialect, pages, sentOf(action));
      remaining -= notePlans.get(action.file)?.requests.requests ?? 0;
      try {
        const done = await applyOne(api, action, item!, notePlan, lookups);
        pages.set(action.file, done.pageId);
        await writeSentMarkdown(repo.root, done.pageId, done.fallback ? null : { hash: action.content_hash!, dialect, markdown: notePlan.markdown });
        const status = notePlan.pendingLinks.length > 0 ? 'pending' : 'synced';
        const values = { sync_status: status, notion_page_id: done.pageId, synced_at: ctx.now().toISOString(), synced_hash: action.content_hash, sync_error: undefined };
        if (!(await writeBack(repo.root, sink, item!, values))) ctx.logger.err(m.changedDuringSync(action.file));
        const reason = [done.reason, done.fallback ? m.fellBack(done.fallback) : '', notePlan.pendingLinks.length > 0 ? m.linksPending(notePlan.pendingLinks.length) : ''].filter(Boolean).join('; ');
        results.push({ ...withPlan(toResult(action), notePlan), action: done.action, reason, notion_page_id: done.pageId, requests: api.requests - before, path: done.fallback ? 'blocks' : 'markdown' });
      } catch (error) {
        if (error instanceof UserError) throw error;
        const pageId = error instanceof PartialPageError ? error.pageId : action.notion_page_id;
        const reason = redact(describeError(error instanceof PartialPageError ? error.original : error));
        await writeBack(repo.root, sink, item!, errorValues(reason, pageId));
        results.push({ ...withPlan(toResult(action), notePlan), action: 'error', reason, notion_page_id: pageId, requests: api.requests - before });
      }
      progress.tick(action.external_id ?? action.file);
    }
    progress.done();

    const counts = countActions(results);
    const result: SyncResult = { dry_run: false, notion_version: version, counts, requests: api.requests, planned_requests: planned, actions: results };
    const changed = counts.create + counts.update + counts.error > 0;
    if (changed) {
      const seconds = (ctx.now().getTime() - started) / 1000;
      const dataSource = needsTarget ? (await lookups.target()).dataSourceId : (ids.dataSourceId ?? ids.databaseId ?? '');
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

function withPlan(result: SyncActionResult, plan: NotePlan | undefined): SyncActionResult {
  return plan ? { ...result, requests: plan.requests.requests, plan: plan.requests.summary } : result;
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
