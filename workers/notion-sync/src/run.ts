import {
  resolveConfig,
  type CanonConfig,
  computeContentHash,
  isClaimStub,
  NoteSyntaxError,
  parseNote,
  type Note,
  classifyPath,
  markdownDialect,
  markdownVersionParam,
  REASONS,
  renderLastSync,
  applySync,
  isLinkTarget,
  prepareSync,
  redactor,
  type LoadedNote,
  type SentMarkdown,
  createNotionApi,
  withSyncMetadata,
} from '../../../tools/sync/index.js';
import { noteSecretFindings } from '../../../tools/sync/secrets.js';
import { createGitHub, gitBlobSha, type GitHub, type NewFile, type TreeEntry } from './github.js';

/** The Worker's configuration (wrangler vars and secrets; names as in docs/guides/sync.md, "Deploy as a Cloudflare Worker"). */
export interface SyncEnv {
  GITHUB_REPOSITORY: string;
  GITHUB_BRANCH?: string;
  GITHUB_API_URL?: string;
  NOTION_DATABASE_ID?: string;
  NOTION_BASE_URL?: string;
  GITHUB_TOKEN: string;
  NOTION_TOKEN: string;
  RUN_TOKEN?: string;
  /** Changed notes read and synced per run (the rest waits for the next run). */
  SYNC_BATCH?: string;
  /** Requests per second to Notion (default: notion.requests_per_second of canon.config.json). */
  NOTION_RPS?: string;
  /**
   * How long a run's lock lasts without being renewed (renewed before each note; default 300, under
   * the 15-minute tick, so the lock of a run that is gone is taken over on the next tick).
   */
  LOCK_LEASE_SECONDS?: string;
  /** First backoff of a retried request, in ms (tests make it short). */
  RETRY_BASE_MS?: string;
  SYNC_AUTHOR_NAME?: string;
  SYNC_AUTHOR_EMAIL?: string;
}

/** Storage the run keeps between runs (a Durable Object's storage in the Worker). */
export interface StateStore {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  putMany(entries: Record<string, unknown>): Promise<void>;
  delete(keys: string[]): Promise<void>;
  list<T>(prefix: string): Promise<Map<string, T>>;
}

/** What the Worker remembers of a note between runs. */
interface FileState {
  /** The blob it last saw (or wrote) for this path. */
  sha: string;
  pageId: string | null;
  /** Read again next run even if unchanged: its sync failed, or its links wait for other pages. */
  retry: boolean;
  /** A link target (not a stub, not local-only). */
  linkable: boolean;
  /**
   * Why this blob was refused for a reason that lasts until the note changes (a secret, an unreadable
   * note, a request Notion refuses): it is not read or sent again while its blob is this one.
   */
  refused?: string;
}

export interface RunSummary {
  at: string;
  trigger: string;
  head: string;
  commit: string | null;
  counts: { create: number; update: number; skip: number; error: number };
  /** Changed notes not read this run (batch limit): the next run continues. */
  left: number;
  /** Notes whose write-back waits for the next run (a person edited them while this run went). */
  deferred: string[];
  requests: { github: number; notion: number };
  seconds: number;
  error?: string;
  /** Set when Notion's rate limit stopped the run: why; the notes not sent stay pending for the next run (ADR-0041). */
  stopped?: string;
}

export const CONFIG_FILE = 'canon.config.json';
export const DEFAULT_LEASE_SECONDS = 300;

/** The run's lease was taken over (it outlived it): it stops before sending or committing anything more. */
export class LeaseLostError extends Error {
  constructor() {
    super('the run outlived its lock lease and another run took the lock over: this run stopped (the next run continues)');
    this.name = 'LeaseLostError';
  }
}
export const LAST_SYNC_FILE = 'docs/sync/LAST_SYNC.md';
const BOOKKEEPING_STATUSES = new Set(['error', 'pending']);
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The Worker's three secrets, masked in everything it says. */
export function workerRedactor(env: SyncEnv): (text: string) => string {
  return redactor([
    [env.NOTION_TOKEN, '[NOTION_TOKEN]'],
    [env.GITHUB_TOKEN, '[GITHUB_TOKEN]'],
    [env.RUN_TOKEN, '[RUN_TOKEN]'],
  ]);
}

export function positive(raw: string | undefined, fallback: number): number {
  const value = Number(raw);
  return raw !== undefined && raw !== '' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** A committed note as sync sees it (the Worker has no working tree: the blob is the note). */
/**
 * A Durable Object stores at most 2 MB per value. Two copies of a large body (what canon sent and how
 * Notion rendered it) could pass that as two-byte strings; Notion's rendering is then left out, and the
 * next edit is planned against canon's text (one request more at worst, never a failed run).
 */
const VALUE_LIMIT_CHARS = 900_000;
export function withinValueLimit(record: SentMarkdown): SentMarkdown {
  if (record.rendered === undefined || record.markdown.length + record.rendered.length <= VALUE_LIMIT_CHARS) return record;
  const { rendered: _dropped, ...rest } = record;
  return rest;
}

function loadNote(entry: TreeEntry, kind: LoadedNote['candidate']['kind'], bytes: Uint8Array, config: CanonConfig): LoadedNote {
  const file = entry.path;
  const problem = (message: string, line = 1, column = 1) => ({ candidate: { file, kind, problem: `${file}:${line}:${column}: ${message} (as committed)` } });
  if (bytes.length > config.limits.max_note_bytes)
    return problem(
      `is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; a note may hold at most ${Math.round(config.limits.max_note_bytes / 1024)} KB (limits.max_note_bytes in canon.config.json)`,
    );
  if (bytes.includes(0)) return problem('holds binary data (a NUL byte); a note is UTF-8 text');
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return problem('is not valid UTF-8 text');
  }
  let note: Note;
  try {
    note = parseNote(text);
  } catch (error) {
    if (error instanceof NoteSyntaxError) return problem(error.message, error.line, error.column);
    throw error;
  }
  return { note, text, candidate: { file, kind, data: { ...note.data }, body: note.body, isStub: isClaimStub(note) } };
}

export interface RunOptions {
  trigger: string;
  /** Called before each note and before the write-back: renews the lock's lease, throws if it is lost. */
  heartbeat?: () => Promise<void>;
  /** Epoch ms no retry wait may end after (the lease's end), or null. */
  deadline?: () => number | null;
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

/** One run: read what changed on the branch, mirror it into Notion, commit the write-back. */
export async function runOnce(env: SyncEnv, state: StateStore, options: RunOptions): Promise<RunSummary> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const redact = workerRedactor(env);
  const retryBase = positive(env.RETRY_BASE_MS, 500);
  const gh: GitHub = createGitHub({
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    repository: env.GITHUB_REPOSITORY,
    token: env.GITHUB_TOKEN,
    retry: { baseDelayMs: retryBase, ...(options.deadline ? { deadline: options.deadline } : {}) },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  // The default branch is asked once, then remembered (GITHUB_BRANCH set: never asked).
  let branch = env.GITHUB_BRANCH || (await state.get<string>('default-branch'));
  if (!branch) {
    branch = await gh.defaultBranch();
    await state.put('default-branch', branch);
  }
  const head = await gh.head(branch);
  const summary: RunSummary = {
    at: new Date().toISOString(),
    trigger: options.trigger,
    head,
    commit: null,
    counts: { create: 0, update: 0, skip: 0, error: 0 },
    left: 0,
    deferred: [],
    requests: { github: 0, notion: 0 },
    seconds: 0,
  };
  const finish = (notion: number) => {
    summary.requests = { github: gh.requests, notion };
    summary.seconds = (Date.now() - started) / 1000;
    return summary;
  };
  // Nothing moved since a run that finished everything: one request, and done.
  if ((await state.get<string>('done-head')) === head) return finish(0);

  const tree = await gh.tree(head);
  if (tree.truncated) throw new Error(`the tree of ${env.GITHUB_REPOSITORY}@${branch} is too large for one GitHub tree request (truncated)`);
  const config = await readConfig(
    gh,
    state,
    tree.entries.find((e) => e.path === CONFIG_FILE),
  );
  const files = await state.list<FileState>('file:');
  const batch = positive(env.SYNC_BATCH, 100);

  const knownPages = new Map<string, string | null>();
  const notes: LoadedNote[] = [];
  const changed: { entry: TreeEntry; kind: LoadedNote['candidate']['kind'] }[] = [];
  const seen = new Set<string>();
  for (const entry of [...tree.entries].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const info = entry.type === 'blob' ? classifyPath(entry.path, config) : null;
    if (!info || info.role !== 'note') continue;
    seen.add(entry.path);
    if (entry.mode === '120000') {
      notes.push({ candidate: { file: entry.path, kind: info.kind, unsent: 'is a symlink in git; canon never syncs through a symlink' } });
      continue;
    }
    const known = files.get(entry.path);
    if (known && known.sha === entry.sha && known.refused !== undefined) {
      // Refused as it is: reported again (LAST_SYNC.md lists it), never read or sent.
      if (known.linkable) knownPages.set(entry.path, known.pageId);
      notes.push({ candidate: { file: entry.path, kind: info.kind, problem: known.refused } });
      continue;
    }
    if (known && known.sha === entry.sha && !known.retry) {
      if (known.linkable) knownPages.set(entry.path, known.pageId);
      notes.push({ candidate: { file: entry.path, kind: info.kind, unsent: REASONS.unchanged } });
      continue;
    }
    changed.push({ entry, kind: info.kind });
  }
  // Bounded batches: the platform limits subrequests per run, so the rest waits for the next run.
  const now = changed.slice(0, batch);
  const later = changed.slice(batch);
  summary.left = later.length;
  for (const { entry } of later) {
    const known = files.get(entry.path);
    if (known?.linkable) knownPages.set(entry.path, known.pageId);
  }
  const read = new Map<string, TreeEntry>();
  for (const { entry, kind } of now) {
    notes.push(loadNote(entry, kind, await gh.blob(entry.sha), config));
    read.set(entry.path, entry);
  }
  notes.sort((a, b) => (a.candidate.file < b.candidate.file ? -1 : 1));

  // What Notion holds for the notes read: the synced version and the markdown last sent.
  const synced = new Map<string, { hash: string; text: string }>();
  const sent = new Map<string, SentMarkdown>();
  for (const item of notes) {
    if (!read.has(item.candidate.file)) continue;
    const s = await state.get<{ hash: string; text: string }>(`synced:${item.candidate.file}`);
    if (s) synced.set(item.candidate.file, s);
    const pageId = item.candidate.data?.notion_page_id;
    if (typeof pageId === 'string' && pageId) {
      const record = await state.get<SentMarkdown>(`sent:${pageId}`);
      if (record) sent.set(pageId, record);
    }
  }

  const dialect = markdownDialect(config.notion.version);
  const target = env.NOTION_DATABASE_ID?.trim()
    ? { databaseId: env.NOTION_DATABASE_ID.trim(), dataSourceId: null }
    : { databaseId: config.notion.database_id, dataSourceId: config.notion.data_source_id };
  const prepared = await prepareSync(
    {
      notes,
      knownPages,
      syncedVersions: async (wanted) => {
        const found = new Map<string, Note>();
        for (const { file, hash } of wanted) {
          const record = synced.get(file);
          if (!record || record.hash !== hash) continue;
          try {
            const note = parseNote(record.text);
            if (computeContentHash(note.data, note.body) === hash) found.set(file, note);
          } catch {
            // an unreadable record is no previous version
          }
        }
        return found;
      },
      sent: (pageId) => sent.get(pageId) ?? null,
      // The commit door's scanner: a note committed past it (HUSKY=0, say) is refused here as by canon sync.
      scanSecrets: noteSecretFindings,
    },
    { dialect, target },
  );

  const writes = new Map<string, { item: LoadedNote; values: Record<string, unknown> }>();
  let notionRequests = 0;
  let applied: Awaited<ReturnType<typeof applySync>> | null = null;
  const sentUpdates: Record<string, unknown> = {};
  const sentDeletes: string[] = [];
  if (prepared.work.length > 0 || prepared.plan.some((a) => a.action === 'error')) {
    if (!env.NOTION_TOKEN) throw new Error('NOTION_TOKEN is not set (wrangler secret put NOTION_TOKEN)');
    if (!target.databaseId && !target.dataSourceId)
      throw new Error('No Notion database is configured: set NOTION_DATABASE_ID (a var) or notion.database_id in canon.config.json');
    const api = createNotionApi({
      token: env.NOTION_TOKEN,
      notionVersion: config.notion.version,
      ...(markdownVersionParam(config.notion.version) ? { markdownVersion: markdownVersionParam(config.notion.version)! } : {}),
      ...(env.NOTION_BASE_URL ? { baseUrl: env.NOTION_BASE_URL } : {}),
      requestsPerSecond: positive(env.NOTION_RPS, config.notion.requests_per_second),
      baseDelayMs: retryBase,
      ...(options.deadline ? { deadline: options.deadline } : {}),
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    });
    applied = await applySync(prepared, {
      api,
      target,
      propertyNames: config.notion.properties,
      now: () => new Date(),
      redact,
      warn: (text) => log(redact(text)),
      sink: {
        note: async (item, values) => {
          if (!item.note) return false;
          writes.set(item.candidate.file, { item, values });
          return true;
        },
        sent: async (pageId, record) => {
          if (record) sentUpdates[`sent:${pageId}`] = withinValueLimit(record);
          else sentDeletes.push(`sent:${pageId}`);
        },
      },
      // The lease is renewed before every note; a run whose lease was taken over stops there.
      ...(options.heartbeat ? { checkpoint: options.heartbeat } : {}),
    });
    notionRequests = applied.requests;
    summary.counts = applied.counts;
    if (applied.stopped !== null) summary.stopped = applied.stopped;
  } else {
    for (const a of prepared.plan) summary.counts[a.action] += 1;
  }
  if (Object.keys(sentUpdates).length > 0) await state.putMany(sentUpdates);
  if (sentDeletes.length > 0) await state.delete(sentDeletes);

  // The write-back: one commit on the branch head, rebuilt on the new head if the branch moved.
  // A write-back that leaves a note as it is (the same error stamped again) is no change: a run that
  // would only move LAST_SYNC.md's timestamp makes no commit and sends GitHub no write at all.
  const texts = new Map<string, string>();
  for (const [file, { item, values }] of writes) {
    const text = withSyncMetadata(item.note!, values);
    if (text !== item.text) texts.set(file, text);
  }
  const pending = new Set(texts.keys());
  const lastSync =
    applied && texts.size > 0
      ? redact(
          renderLastSync({
            at: new Date().toISOString(),
            who: `Cloudflare Worker (${options.trigger})`,
            dataSource: applied.dataSource,
            counts: applied.counts,
            requests: applied.requests,
            seconds: (Date.now() - started) / 1000,
            actions: applied.results,
            left: summary.left,
            stopped: applied.stopped,
          }),
        )
      : null;
  let committedOn = head;
  if (lastSync !== null) {
    await options.heartbeat?.();
    let parent = head;
    let base = tree;
    for (let attempt = 1; ; attempt++) {
      const modes = new Map(base.entries.map((e) => [e.path, e]));
      // A note a person changed (or removed) since it was read keeps their version: its write-back waits.
      for (const file of [...pending]) {
        if (modes.get(file)?.sha !== read.get(file)?.sha) {
          pending.delete(file);
          summary.deferred.push(file);
        }
      }
      const list: NewFile[] = [...pending].map((file) => ({ path: file, mode: modes.get(file)!.mode, content: texts.get(file)! }));
      list.push({ path: LAST_SYNC_FILE, mode: '100644', content: lastSync });
      const c = summary.counts;
      const message = `sync: ${c.create} created, ${c.update} updated, ${c.error} failed in Notion${summary.left > 0 ? ` (${summary.left} left for the next run)` : ''}`;
      const commit = await gh.commit({
        parent,
        baseTree: base.sha,
        files: list,
        message,
        author: { name: env.SYNC_AUTHOR_NAME || 'canon-sync[bot]', email: env.SYNC_AUTHOR_EMAIL || 'canon-sync@users.noreply.github.com' },
      });
      if (await gh.advance(branch, commit)) {
        summary.commit = commit;
        committedOn = parent;
        break;
      }
      if (attempt >= 5) throw new Error(`the branch ${branch} kept moving: the write-back was not committed (the next run repeats it)`);
      parent = await gh.head(branch);
      base = await gh.tree(parent);
      log(`the branch moved to ${parent.slice(0, 7)} during the run: the write-back is rebuilt on it`);
    }
  }

  // What this run leaves for the next: every note read is known by the blob it now has.
  const updates: Record<string, unknown> = {};
  const results = new Map((applied?.results ?? []).map((r) => [r.file, r]));
  for (const item of notes) {
    const file = item.candidate.file;
    if (!read.has(file) || summary.deferred.includes(file)) continue;
    const written = pending.has(file) ? texts.get(file)! : null;
    const values = writes.get(file)?.values;
    const data = { ...(item.candidate.data ?? {}), ...(values ?? {}) };
    const status = data.sync_status;
    const pageId = typeof data.notion_page_id === 'string' && /^[0-9a-f-]{32,36}$/i.test(data.notion_page_id) ? data.notion_page_id : null;
    const linkable = item.candidate.data !== undefined && isLinkTarget({ ...item.candidate, data });
    const action = prepared.plan.find((a) => a.file === file);
    const result = results.get(file);
    const refused = result?.action === 'error' && !applied!.transient.has(file) ? result.reason : undefined;
    updates[`file:${file}`] = {
      sha: written !== null ? await gitBlobSha(written) : read.get(file)!.sha,
      pageId,
      retry: refused === undefined && typeof status === 'string' && BOOKKEEPING_STATUSES.has(status) && Boolean(item.note),
      linkable,
      ...(refused !== undefined ? { refused } : {}),
    } satisfies FileState;
    if (values?.sync_status && values.sync_status !== 'error' && action?.content_hash && item.text)
      updates[`synced:${file}`] = { hash: action.content_hash, text: item.text };
  }
  if (Object.keys(updates).length > 0) await state.putMany(updates);
  const gone = [...files.keys()].filter((file) => !seen.has(file));
  if (gone.length > 0) await state.delete(gone.flatMap((file) => [`file:${file}`, `synced:${file}`]));
  // A write-back rebuilt on a head that moved during the run carries commits this run never read:
  // the next run must look at that tree again, so the run is not "done" at the new head.
  const moved = summary.commit !== null && committedOn !== head;
  const unfinished = moved || summary.left > 0 || summary.deferred.length > 0 || Object.values(updates).some((u) => (u as FileState).retry === true);
  if (unfinished) await state.delete(['done-head']);
  else await state.put('done-head', summary.commit ?? head);
  return finish(notionRequests);
}

async function readConfig(gh: GitHub, state: StateStore, entry: TreeEntry | undefined): Promise<CanonConfig> {
  const cached = await state.get<{ sha: string; config: CanonConfig }>('config');
  if (cached && cached.sha === (entry?.sha ?? 'none')) return cached.config;
  let user: Record<string, unknown> | null = null;
  if (entry) {
    const text = new TextDecoder().decode(await gh.blob(entry.sha));
    try {
      user = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`${CONFIG_FILE}: not valid JSON (${(error as Error).message})`, { cause: error });
    }
  }
  const config = resolveConfig(user as never);
  await state.put('config', { sha: entry?.sha ?? 'none', config });
  return config;
}
