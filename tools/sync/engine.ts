import type { NoteKind } from '../core/config.js';
import type { Note } from '../core/frontmatter.js';
import { markdownToBlocks } from './notion-blocks.js';
import { renderNotionMarkdown, type LinkResolution, type MarkdownDialect } from './notion-markdown.js';
import { buildProperties, matchSchema, pickProperties, type PropertyMap, type SchemaProblem } from './notion-properties.js';
import { countActions, planSync, REASONS, type PlannedAction, type SyncCandidate } from './sync-plan.js';
import type { SyncActionResult } from './sync-report.js';
import { planMarkdownEdits, planNoteRequests, type NoteRequestPlan } from './sync-requests.js';
import { UsageError, UserError } from '../errors.js';
import { syncMessages as m } from '../messages/sync.js';
import {
  ChildContentError,
  describeError,
  isMissingPage,
  isRefusedContent,
  isRefusedRequest,
  PartialPageError,
  RateLimitStopError,
  UncertainWriteError,
  type NotionApi,
} from './notion.js';
import { dirname, joinNormalize } from './paths.js';
import { errorValues } from './write-back.js';

/**
 * The sync engine shared by both hosts (ADR-0017): the CLI (`canon sync`, notes read from git,
 * write-backs to files and a local commit) and the Cloudflare Worker (notes read through the GitHub
 * REST API, write-backs committed through the Git Data API). It touches no file, process or
 * Node-only global: a host hands it the notes (a NoteSource) and takes the outcome of each note
 * (a WriteBackSink); the Notion adapter does the HTTP with the host's fetch.
 */

/** A note as a host loaded it. */
export interface LoadedNote {
  candidate: SyncCandidate;
  /** The committed note: what is sent, and what the write-back edits. */
  note?: Note;
  text?: string;
}

/**
 * What canon last sent as a page's markdown body, and what Notion answered it holds, so the next
 * update can be planned as an edit Notion can apply (ADR-0036). Only a hint: a miss costs one
 * replace_content.
 */
export interface SentMarkdown {
  hash: string;
  dialect: string;
  /** canon's rendering of the note at `hash`: what the next edit is computed from. */
  markdown: string;
  /**
   * The page's markdown as Notion rendered it after the last write (the answer of PATCH …/markdown),
   * when it differs from `markdown`; absent: not known (after a create) or the same.
   */
  rendered?: string;
}

/** The record of a body Notion now holds: `rendered` is kept only when it says something `markdown` does not. */
export function sentRecord(hash: string, dialect: string, markdown: string, rendered: string | null): SentMarkdown {
  return { hash, dialect, markdown, ...(rendered !== null && rendered !== markdown ? { rendered } : {}) };
}

export interface NoteSource {
  /** Every note the run considers, sorted by file. */
  notes: LoadedNote[];
  /**
   * Page ids of notes the host did not load (the Worker's unchanged notes): link targets. Null: the
   * note has no page yet.
   */
  knownPages?: ReadonlyMap<string, string | null>;
  /** Secret findings in a note about to be sent (masked, `file:line: message`). */
  scanSecrets?(text: string, file: string): Promise<string[]>;
  /** For each note, the version whose content hash is its synced_hash (what Notion holds). */
  syncedVersions(wanted: readonly { file: string; hash: string }[]): Promise<Map<string, Note>>;
  /** The text canon last sent to a page, when the host kept it. */
  sent(pageId: string): SentMarkdown | null;
  /**
   * A refusal the host remembers for this note at this content hash (see `AppliedSync.transient`):
   * its reason, or null. Such a note is planned as an error again without being scanned or sent.
   */
  refused?(file: string, contentHash: string): string | null;
}

export interface WriteBackSink {
  /**
   * Record sync metadata for a note (`values`: keys to set; undefined removes). Returns false when
   * the note could not take it (its working file changed meanwhile, say).
   */
  note(item: LoadedNote, values: Record<string, unknown>): Promise<boolean>;
  /** What was sent to a page (null: nothing reusable, the block path was taken). */
  sent(pageId: string, sent: SentMarkdown | null): Promise<void>;
}

export interface NotePlan {
  markdown: string;
  /** The page's markdown as Notion last answered it, when known and the body is unchanged since. */
  page: string | null;
  pendingLinks: string[];
  /** The files of the notes those pending links point at. */
  pendingTargets: string[];
  requests: NoteRequestPlan;
}

export interface NotionTarget {
  databaseId: string | null;
  dataSourceId: string | null;
}

/** Notion's address of a page: what a link to another note becomes. */
export function pageUrl(pageId: string): string {
  return `https://www.notion.so/${pageId.replace(/-/g, '')}`;
}

/** A link's path as a file name: `%20` is a space; a malformed escape (`%zz`) is kept as written, never a crash. */
function safeDecode(file: string): string {
  try {
    return decodeURIComponent(file);
  } catch {
    return file;
  }
}

/** A note other notes' links can point at in Notion: one that is ever sent (not a stub, not local-only). */
export function isLinkTarget(candidate: SyncCandidate): boolean {
  return candidate.data !== undefined && !candidate.isStub && candidate.data.sync_status !== 'local-only';
}

/**
 * Links between notes: a relative link whose target is a note becomes a link to that note's page
 * when it has one; until then only its text is sent (the link is pending, `onPending` is told its
 * target's file). Other relative links keep their text (Notion refuses relative URLs).
 */
function linkResolver(file: string, notes: ReadonlyMap<string, string | null>, onPending?: (target: string) => void): (url: string) => LinkResolution {
  return (url) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('#') || url.startsWith('/')) return { url: null };
    const target = joinNormalize(dirname(file), safeDecode(url.split(/[#?]/)[0]!));
    if (!notes.has(target)) return { url: null };
    const pageId = notes.get(target);
    if (pageId) return { url: pageUrl(pageId) };
    onPending?.(target);
    return { url: null, pending: true };
  };
}

/**
 * The order a run sends its notes in (ADR-0035): a note's link targets that get their page in this
 * run go first, so its links are real when it is sent. Only notes in a cycle of links (A links B, B
 * links A) are sent before a target; they get one more request once it has its page (`linkPass`).
 */
export function sendOrder(
  work: readonly PlannedAction[],
  targetsOf: ReadonlyMap<string, readonly string[]>,
): { order: PlannedAction[]; linkPass: Set<string> } {
  const byFile = new Map(work.map((a) => [a.file, a]));
  const seen = new Set<string>();
  const order: PlannedAction[] = [];
  const visit = (action: PlannedAction) => {
    if (seen.has(action.file)) return;
    seen.add(action.file);
    for (const target of targetsOf.get(action.file) ?? []) {
      const next = byFile.get(target);
      if (next) visit(next);
    }
    order.push(action);
  };
  for (const action of work) visit(action);
  const position = new Map(order.map((a, i) => [a.file, i]));
  const linkPass = new Set(order.filter((a) => (targetsOf.get(a.file) ?? []).some((t) => (position.get(t) ?? -1) > position.get(a.file)!)).map((a) => a.file));
  return { order, linkPass };
}

/** The page body and request plan for one note, with links resolved against what is known now. */
export function planNote(
  action: PlannedAction,
  item: LoadedNote,
  previous: Note | undefined,
  dialect: MarkdownDialect,
  pages: ReadonlyMap<string, string | null>,
  sent: SentMarkdown | null,
): NotePlan {
  const resolve = linkResolver(action.file, pages);
  const pendingTargets = new Set<string>();
  const current = renderNotionMarkdown(item.candidate.body!, { dialect, resolveLink: linkResolver(action.file, pages, (t) => pendingTargets.add(t)) });
  const status = item.candidate.data!.sync_status;
  // What the page holds: the text canon last sent for it when that is on record for this version,
  // else the synced version rendered again. A note whose links were pending then cannot be rendered
  // as it was, so without the record its body is replaced rather than edited.
  // Edits are computed from that text and must apply to the page's text as Notion answered it.
  let before = '';
  let page: string | null = null;
  if (previous && status !== 'error') {
    if (sent && sent.hash === item.candidate.data!.synced_hash && sent.dialect === dialect) {
      before = sent.markdown;
      page = sent.rendered ?? null;
    } else if (status !== 'pending') before = renderNotionMarkdown(previous.body, { dialect, resolveLink: resolve }).markdown;
  }
  const requests = planNoteRequests({
    kind: action.kind,
    externalId: action.external_id!,
    mode: action.action === 'create' || !action.notion_page_id ? 'create' : 'update',
    current: { data: item.candidate.data!, body: item.candidate.body! },
    currentMarkdown: current.markdown,
    previous: previous ? { version: { data: previous.data, body: previous.body }, markdown: before, page: page ?? before } : null,
  });
  return { markdown: current.markdown, page, pendingLinks: current.pendingLinks, pendingTargets: [...pendingTargets], requests };
}

/** The plan of a run: what each note needs, and the requests that costs. */
export interface PreparedSync {
  dialect: MarkdownDialect;
  plan: PlannedAction[];
  byFile: Map<string, LoadedNote>;
  /** Page ids known now, per note file: what links between notes resolve to. */
  pages: Map<string, string | null>;
  /** The notes that are created or updated, in the order they are sent (link targets first). */
  work: PlannedAction[];
  /** Notes sent before a note they link to has its page (a cycle): one more request adds the links. */
  linkPass: Set<string>;
  previous: Map<string, Note>;
  notePlans: Map<string, NotePlan>;
  needsTarget: boolean;
  needsIndex: boolean;
  /** Requests to read the database, its schema and canon's pages. */
  setup: number;
  /** Requests the plan expects, setup included (retries and 429s not counted). */
  planned: number;
  source: NoteSource;
}

/** Plan a run: no request is sent, nothing is written. */
export async function prepareSync(source: NoteSource, options: { dialect: MarkdownDialect; target: NotionTarget }): Promise<PreparedSync> {
  const { dialect } = options;
  const loaded = source.notes;
  const byFile = new Map(loaded.map((l) => [l.candidate.file, l]));

  // A note refused before for a reason that lasts until it changes is refused again as it was.
  let plan = planSync(loaded.map((l) => l.candidate));
  if (source.refused) {
    for (const action of plan) {
      if ((action.action !== 'create' && action.action !== 'update') || !action.content_hash) continue;
      const reason = source.refused(action.file, action.content_hash);
      if (reason !== null) byFile.get(action.file)!.candidate.refused = reason;
    }
    plan = planSync(loaded.map((l) => l.candidate));
  }
  // Secrets are looked for only in notes that would be sent: an unchanged store stays cheap.
  if (source.scanSecrets) {
    for (const action of plan) {
      if (action.action !== 'create' && action.action !== 'update') continue;
      const item = byFile.get(action.file)!;
      const findings = await source.scanSecrets(item.text ?? '', action.file);
      if (findings.length > 0) item.candidate.secrets = findings;
    }
    plan = planSync(loaded.map((l) => l.candidate));
  }

  // Notes that are never sent (stubs, local-only) are not link targets: a link to one keeps its text for good.
  const pages = new Map<string, string | null>(source.knownPages ?? []);
  for (const action of plan) {
    const candidate = byFile.get(action.file)?.candidate;
    if (candidate && isLinkTarget(candidate)) pages.set(action.file, action.notion_page_id);
  }
  // A note sent while a note it links to had no page yet (sync_status: pending) is sent again once
  // every such link can be made (docs/contract.md §3.6): its targets have pages, or get them in this run (they
  // are sent first, ADR-0035); until then it costs nothing.
  const sent = (action: PlannedAction) => action.action === 'create' || action.action === 'update';
  for (let changed = true; changed;) {
    changed = false;
    const sending = new Set(plan.filter(sent).map((a) => a.file));
    plan = plan.map((action) => {
      const item = byFile.get(action.file);
      if (action.action !== 'skip' || action.reason !== REASONS.unchanged || item?.candidate.data?.sync_status !== 'pending') return action;
      let waits = false;
      renderNotionMarkdown(item.candidate.body!, { dialect, resolveLink: linkResolver(action.file, pages, (t) => (waits ||= !sending.has(t))) });
      if (waits) return action;
      changed = true;
      return { ...action, action: 'update' as const, reason: m.linksResolved };
    });
  }

  const unordered = plan.filter((a) => a.action === 'create' || a.action === 'update');
  const previous = await source.syncedVersions(
    unordered.flatMap((a) => {
      const hash = byFile.get(a.file)?.candidate.data?.synced_hash;
      return a.action === 'update' && typeof hash === 'string' ? [{ file: a.file, hash }] : [];
    }),
  );
  const sentOf = (a: PlannedAction) => (a.notion_page_id ? source.sent(a.notion_page_id) : null);
  const notePlans = new Map(unordered.map((a) => [a.file, planNote(a, byFile.get(a.file)!, previous.get(a.file), dialect, pages, sentOf(a))]));
  // Which notes each note links to that have no page yet but get one in this run: sent first.
  const sending = new Set(unordered.map((a) => a.file));
  const targetsOf = new Map(unordered.map((a) => [a.file, notePlans.get(a.file)!.pendingTargets.filter((t) => sending.has(t) && t !== a.file)]));
  const { order: work, linkPass } = sendOrder(unordered, targetsOf);
  for (const file of linkPass) {
    const notePlan = notePlans.get(file)!;
    const { requests } = notePlan;
    notePlans.set(file, { ...notePlan, requests: { ...requests, requests: requests.requests + 1, summary: `${requests.summary}; then ${m.linkPassPlan}` } });
  }
  const needsTarget = [...notePlans.values()].some((p) => p.requests.create !== null || p.requests.properties !== null);
  const needsIndex = [...notePlans.values()].some((p) => p.requests.create !== null);
  const setup = (needsTarget ? (options.target.dataSourceId ? 1 : 2) : 0) + (needsIndex ? 1 : 0);
  const planned = setup + [...notePlans.values()].reduce((n, p) => n + p.requests.requests, 0);
  return { dialect, plan, byFile, pages, work, linkPass, previous, notePlans, needsTarget, needsIndex, setup, planned, source };
}

function describeProblems(problems: readonly SchemaProblem[]): string {
  return problems.map((p) => (p.actual === null ? m.missingProperty(p.property, p.expected) : m.wrongType(p.property, p.expected, p.actual))).join(', ');
}

/** The run's lookups, each made at most once and only when a note needs it. */
export interface Lookups {
  target(): Promise<{ dataSourceId: string; map: PropertyMap }>;
  pages(): Promise<Map<string, string>>;
}

function createLookups(api: NotionApi, ids: NotionTarget, names: Record<string, string>, warn: (text: string) => void): Lookups {
  let target: Promise<{ dataSourceId: string; map: PropertyMap }> | undefined;
  let pages: Promise<Map<string, string>> | undefined;
  let filter: string[] = [];
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
        filter = [idOf(idProperty)];
        return { dataSourceId, map: matched.map };
      })()),
    pages: () =>
      (pages ??= (async () => {
        const { dataSourceId, map } = await lookups.target();
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
  /** The page's markdown as Notion answered it after the body was written; null: not known. */
  rendered: string | null;
}

async function applyOne(api: NotionApi, action: PlannedAction, item: LoadedNote, plan: NotePlan, lookups: Lookups): Promise<Applied> {
  const data = item.candidate.data!;
  const build = (map: PropertyMap) => buildProperties({ kind: action.kind, externalId: action.external_id!, contentHash: action.content_hash!, data }, map);

  const create = async (reason: string): Promise<Applied> => {
    const { dataSourceId, map } = await lookups.target();
    const properties = build(map);
    const existing = (await lookups.pages()).get(action.external_id!);
    if (existing) {
      // A page made by a run that crashed before writing back (or by hand): adopt it, send it all.
      await api.updateProperties(existing, properties);
      const { fallback, rendered } = await replaceBody(existing);
      return { pageId: existing, action: 'update', reason: m.adopted, rendered, ...(fallback ? { fallback } : {}) };
    }
    const idProperty = map.properties.external_id!;
    if (plan.requests.create !== 'blocks') {
      try {
        const page = await api.createMarkdownPage({ dataSourceId, idProperty, externalId: action.external_id!, properties, markdown: plan.markdown });
        return { pageId: page.id, action: 'create', reason, rendered: page.markdown };
      } catch (error) {
        if (!isRefusedContent(error)) throw error;
        const page = await api.createPage({
          dataSourceId,
          idProperty,
          externalId: action.external_id!,
          properties,
          body: markdownToBlocks(item.candidate.body!),
        });
        return { pageId: page.id, action: 'create', reason, rendered: null, fallback: m.markdownRefused(describeError(error)) };
      }
    }
    const page = await api.createPage({ dataSourceId, idProperty, externalId: action.external_id!, properties, body: markdownToBlocks(item.candidate.body!) });
    return {
      pageId: page.id,
      action: 'create',
      reason,
      rendered: null,
      fallback: plan.requests.body.kind === 'blocks' ? plan.requests.body.reason : 'block path',
    };
  };

  /** One replace_content; if Notion refuses the markdown, the block path for this note. */
  const replaceBody = async (pageId: string): Promise<{ fallback?: string; rendered: string | null }> => {
    if (plan.requests.body.kind === 'blocks') {
      await api.replaceBody(pageId, markdownToBlocks(item.candidate.body!));
      return { fallback: plan.requests.body.reason, rendered: null };
    }
    try {
      return { rendered: await api.replaceMarkdown(pageId, plan.markdown) };
    } catch (error) {
      if (!isRefusedContent(error)) throw error;
      await api.replaceBody(pageId, markdownToBlocks(item.candidate.body!));
      return { fallback: m.markdownRefused(describeError(error)), rendered: null };
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
    // An unchanged body: Notion still holds what it answered last time.
    let written: { fallback?: string; rendered: string | null } = { rendered: plan.page };
    if (body.kind === 'edit') {
      try {
        written = { rendered: await api.editMarkdown(pageId, body.edits) };
      } catch (error) {
        // The page is not what canon last sent (edited in Notion) or the answer was lost: an
        // update_content is all or nothing, so one whole replace puts the page right either way.
        if (!isRefusedContent(error) && !(error instanceof UncertainWriteError)) throw error;
        written = await replaceBody(pageId);
      }
    } else if (body.kind === 'replace' || body.kind === 'blocks') written = await replaceBody(pageId);
    const { fallback, rendered } = written;
    return { pageId, action: 'update', reason: action.reason, rendered, ...(fallback ? { fallback } : {}) };
  } catch (error) {
    if (isMissingPage(error)) return create(m.recreated);
    throw error;
  }
}

/**
 * Turn a page's markdown `before` (what was just sent; Notion answered `page` for it, when known) into
 * `after` (its links made real): one edit, or one replace. Returns Notion's rendering of the result.
 */
async function addLinks(api: NotionApi, pageId: string, before: string, page: string | null, after: string): Promise<string | null> {
  const edits = planMarkdownEdits(before, after, page ?? before);
  if (edits && edits.length > 0) {
    try {
      return await api.editMarkdown(pageId, edits);
    } catch (error) {
      if (!isRefusedContent(error) && !(error instanceof UncertainWriteError)) throw error;
    }
  }
  return api.replaceMarkdown(pageId, after);
}

export function withPlan(result: SyncActionResult, plan: NotePlan | undefined): SyncActionResult {
  return plan ? { ...result, requests: plan.requests.requests, plan: plan.requests.summary } : result;
}

export function toResult(action: PlannedAction): SyncActionResult {
  return { file: action.file, external_id: action.external_id, action: action.action, reason: action.reason, notion_page_id: action.notion_page_id };
}

export interface ApplyOptions {
  api: NotionApi;
  target: NotionTarget;
  /** notion.properties of canon.config.json. */
  propertyNames: Record<string, string>;
  sink: WriteBackSink;
  now: () => Date;
  /** Masks the token in anything that reaches output or files. */
  redact: (text: string) => string;
  warn: (text: string) => void;
  /**
   * Awaited before each note is sent: a host renews its lock's lease here, and a throw (the lease is
   * gone) stops the run before anything more is sent.
   */
  checkpoint?: () => Promise<void>;
  /** Called before and after each note that is sent (the CLI's progress bar). */
  onStart?: (action: PlannedAction) => void;
  onDone?: (action: PlannedAction) => void;
  /** The changed-during-sync notice: the note's write-back could not be recorded. */
  onUnwritten?: (file: string) => void;
}

export interface AppliedSync {
  results: SyncActionResult[];
  /**
   * Why a rate limit stopped the run before every note was sent (ADR-0041), or null: the notes it
   * did not send are `pending` (reported as skipped, with the reason) and the next run sends them.
   */
  stopped: string | null;
  counts: ReturnType<typeof countActions>;
  requests: number;
  /** The data source written to (for LAST_SYNC.md). */
  dataSource: string;
  /**
   * Failed notes whose failure may pass on its own (5xx, 429, a network error, a lost answer, a
   * token Notion no longer takes): they are tried again next run. Every other error (a secret, an
   * unreadable note, no external_id, a request Notion refuses with 400/413/422) lasts until the note
   * changes, so a host may remember it by content and not retry it.
   */
  transient: Set<string>;
}

/** What a note's failure says (masked by the caller): Notion's answer, and what to do about it. */
export function explainFailure(error: unknown): string {
  const original = error instanceof PartialPageError ? error.original : error;
  if (original instanceof ChildContentError) return m.childContent(original.titles);
  const inner = original instanceof UncertainWriteError ? original.original : original;
  const status = (inner as { status?: unknown } | undefined)?.status;
  const code = (inner as { code?: unknown } | undefined)?.code;
  const said = describeError(inner);
  if (status === 403 && code === 'restricted_resource') return m.restricted(said);
  if (status === 409) return m.conflict(said);
  if (status === 504 || original instanceof UncertainWriteError) return m.outcomeUnknown(said);
  return said;
}

/** The rate limit that stopped a run, if this failure is one (a partly made page included). */
function stopOf(error: unknown): RateLimitStopError | null {
  const original = error instanceof PartialPageError ? error.original : error;
  return original instanceof RateLimitStopError ? original : null;
}

/** Whether a failed request may succeed if simply sent again later. */
function isTransientFailure(error: unknown): boolean {
  const original = error instanceof PartialPageError ? error.original : error;
  return !isRefusedRequest(original instanceof UncertainWriteError ? original.original : original);
}

/** Send what the plan says, note by note, and hand each outcome to the sink. */
export async function applySync(prepared: PreparedSync, options: ApplyOptions): Promise<AppliedSync> {
  const { api, sink, redact } = options;
  const { plan, byFile, pages, previous, dialect, source } = prepared;
  const lookups = createLookups(api, options.target, options.propertyNames, options.warn);
  const sentOf = (a: PlannedAction) => (a.notion_page_id ? source.sent(a.notion_page_id) : null);
  const outcomes = new Map<string, SyncActionResult>();
  const transient = new Set<string>();
  // The schema is read before the first write, so a database that cannot hold canon's notes stops
  // the run with nothing sent (exit 2).
  /** Set once a rate limit this run cannot wait out is reached: nothing more is sent. */
  let stopped: string | null = null;
  const stop = (error: RateLimitStopError) =>
    (stopped ??= redact(m.rateLimitWhy(describeError(error.original), error.limit, error.waitMs === null ? null : Math.ceil(error.waitMs / 1000), error.why)));
  if (prepared.needsTarget) {
    try {
      await lookups.target();
    } catch (error) {
      if (error instanceof UserError) throw error;
      if (error instanceof RateLimitStopError) stop(error);
      else throw new UserError(redact(m.connect(describeError(error))), { hint: m.connectHint });
    }
  }
  /** A note the run did not get to send (or finish): `pending`, with the rate limit as its reason. */
  const leavePending = async (action: PlannedAction, item: LoadedNote, pageId: string | null, notePlan?: NotePlan) => {
    transient.add(action.file);
    const values = { sync_status: 'pending', sync_error: undefined, ...(pageId ? { notion_page_id: pageId } : {}) };
    if (item.note && !(await sink.note(item, values))) options.onUnwritten?.(action.file);
    outcomes.set(action.file, {
      ...withPlan(toResult(action), notePlan),
      action: 'skip',
      reason: m.rateLimitPending(stopped!),
      notion_page_id: pageId,
      pending: true,
    });
  };
  for (const action of plan) {
    const item = byFile.get(action.file);
    if (action.action === 'create' || action.action === 'update') continue;
    outcomes.set(action.file, toResult(action));
    // A refused note (a secret in it) says so in its own frontmatter; an unreadable one cannot.
    if (action.action === 'error' && item?.note) await sink.note(item, errorValues(action.reason, action.notion_page_id));
  }
  /** Notes sent while a note they link to had no page: written back after the link pass. */
  const waiting: { action: PlannedAction; item: LoadedNote; notePlan: NotePlan; done: Applied; result: SyncActionResult }[] = [];
  for (const action of prepared.work) {
    const item = byFile.get(action.file)!;
    if (stopped !== null) {
      await leavePending(action, item, action.notion_page_id);
      continue;
    }
    await options.checkpoint?.();
    options.onStart?.(action);
    const before = api.requests;
    // Planned again now: a note created earlier in this run turns its links into real ones.
    const notePlan = planNote(action, item, previous.get(action.file), dialect, pages, sentOf(action));
    try {
      const done = await applyOne(api, action, item, notePlan, lookups);
      pages.set(action.file, done.pageId);
      await sink.sent(done.pageId, done.fallback ? null : sentRecord(action.content_hash!, dialect, notePlan.markdown, done.rendered));
      const result: SyncActionResult = {
        ...withPlan(toResult(action), notePlan),
        action: done.action,
        reason: [done.reason, done.fallback ? m.fellBack(done.fallback) : ''].filter(Boolean).join('; '),
        notion_page_id: done.pageId,
        requests: api.requests - before,
        path: done.fallback ? 'blocks' : 'markdown',
      };
      if (notePlan.pendingLinks.length > 0) waiting.push({ action, item, notePlan, done, result });
      else {
        await writeSynced(item, action, done.pageId, 'synced');
        outcomes.set(action.file, result);
      }
    } catch (error) {
      if (error instanceof UserError) throw error;
      const pageId = error instanceof PartialPageError ? error.pageId : action.notion_page_id;
      const limit = stopOf(error);
      if (limit) {
        stop(limit);
        await leavePending(action, item, pageId, notePlan);
        options.onDone?.(action);
        continue;
      }
      const reason = redact(explainFailure(error));
      await sink.note(item, errorValues(reason, pageId));
      if (isTransientFailure(error)) transient.add(action.file);
      outcomes.set(action.file, { ...withPlan(toResult(action), notePlan), action: 'error', reason, notion_page_id: pageId, requests: api.requests - before });
    }
    options.onDone?.(action);
  }

  // The link pass: every page now exists that will exist this run, so the links that waited for one
  // are added — one request per note (update_content), none on the block path (it carries no links
  // between notes). A note whose target failed keeps `pending` and the next run adds the link.
  for (const { action, item, notePlan, done, result } of waiting) {
    const again = renderNotionMarkdown(item.candidate.body!, { dialect, resolveLink: linkResolver(action.file, pages) });
    let status = again.pendingLinks.length > 0 ? 'pending' : 'synced';
    const reasons = [result.reason];
    if (stopped !== null && again.pendingLinks.length < notePlan.pendingLinks.length && result.path === 'markdown') {
      // The run stopped on a rate limit: the page holds the note, its links wait for the next run.
      transient.add(action.file);
      await writeSynced(item, action, done.pageId, 'pending');
      outcomes.set(action.file, { ...result, reason: [result.reason, m.linksStopped(stopped)].join('; ') });
      continue;
    }
    if (again.pendingLinks.length < notePlan.pendingLinks.length && result.path === 'markdown') {
      await options.checkpoint?.();
      const before = api.requests;
      try {
        const rendered = await addLinks(api, done.pageId, notePlan.markdown, done.rendered, again.markdown);
        await sink.sent(done.pageId, sentRecord(action.content_hash!, dialect, again.markdown, rendered));
        reasons.push(m.linksAdded(notePlan.pendingLinks.length - again.pendingLinks.length));
      } catch (error) {
        if (error instanceof UserError) throw error;
        const limit = stopOf(error);
        // The page holds the note with its links as text: `pending`, and the next run adds them.
        status = 'pending';
        transient.add(action.file);
        await writeSynced(item, action, done.pageId, status);
        if (limit) {
          stop(limit);
          outcomes.set(action.file, {
            ...result,
            reason: `${result.reason}; ${m.linksStopped(stopped!)}`,
            requests: (result.requests ?? 0) + api.requests - before,
          });
          continue;
        }
        const reason = redact(m.linksFailed(explainFailure(error)));
        outcomes.set(action.file, {
          ...result,
          action: 'error',
          reason: `${result.reason}; ${reason}`,
          requests: (result.requests ?? 0) + api.requests - before,
        });
        continue;
      }
      result.requests = (result.requests ?? 0) + api.requests - before;
    }
    if (again.pendingLinks.length > 0) reasons.push(m.linksPending(again.pendingLinks.length));
    await writeSynced(item, action, done.pageId, status);
    outcomes.set(action.file, { ...result, reason: reasons.filter(Boolean).join('; ') });
  }
  const results = plan.map((a) => outcomes.get(a.file)!);

  async function writeSynced(item: LoadedNote, action: PlannedAction, pageId: string, status: 'synced' | 'pending' | string): Promise<void> {
    const values = {
      sync_status: status,
      notion_page_id: pageId,
      synced_at: options.now().toISOString(),
      synced_hash: action.content_hash,
      sync_error: undefined,
    };
    if (!(await sink.note(item, values))) options.onUnwritten?.(action.file);
  }
  const counts = countActions(results);
  const dataSource = prepared.needsTarget ? (await lookups.target()).dataSourceId : (options.target.dataSourceId ?? options.target.databaseId ?? '');
  return { results, counts, requests: api.requests, dataSource, transient, stopped };
}

/** Never let the token reach output, files or logs, whatever an error message carries. */
/**
 * Never let a token reach output, files or logs, whatever an error message carries: each secret
 * (trimmed, as the clients send it) is replaced by its label.
 */
export function redactor(secrets: ReadonlyArray<readonly [secret: string | undefined, label: string]>): (text: string) => string {
  const known = secrets.map(([secret, label]) => [secret?.trim() ?? '', label] as const).filter(([secret]) => secret !== '');
  return (text) => known.reduce((out, [secret, label]) => out.split(secret).join(label), text);
}

export type { NoteKind };
