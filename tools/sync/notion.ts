import { APIResponseError, Client, isNotionClientError, RequestTimeoutError, UnknownHTTPResponseError } from '@notionhq/client';
import { planAppendBatches, type BlockNode, type BlockRequest } from './notion-blocks.js';
import type { MarkdownDialect } from './notion-markdown.js';
import { classifyNotionStatus, createRetryPolicy, parseRetryAfter, type FailureKind } from './retry-policy.js';

/**
 * canon's adapter around @notionhq/client 5.x. The SDK's own retries are turned off: they cover 429
 * everywhere but 5xx only on GET/DELETE and never timeouts, and they would slip past canon's pacing.
 * Instead every HTTP attempt passes a token bucket (≤ N requests/s on average), and canon's one retry
 * policy (retry-policy.ts, ADR-0035) decides: 429 and 529 wait Retry-After (capped); 5xx and network errors
 * back off briefly with jitter; no wait passes the run's deadline; a write whose outcome is unknown (a
 * create whose answer was lost, a 504) is never blindly repeated. ADR-0041: a rate limit the run cannot
 * wait out is a RateLimitStopError (the run stops, the rest stays pending); a 409 goes once more; a
 * refusal to delete child pages is a ChildContentError (never a fallback that would delete them).
 */
export interface NotionOptions {
  token: string;
  /** The Notion-Version header (the SDK's default, 2025-09-03, has no markdown endpoints). */
  notionVersion?: string;
  /**
   * `markdown_version` sent on every markdown request (POST /v1/pages with markdown, PATCH and GET
   * /v1/pages/{id}/markdown; ADR-0036); unset: none is sent and the version's default applies.
   */
  markdownVersion?: MarkdownDialect;
  baseUrl?: string;
  requestsPerSecond: number;
  /** Requests the bucket lets through at once before pacing starts. */
  burst?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  /** Give up after this many 429s in a row for one request. */
  maxRateLimited?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The longest Retry-After that is waited; a longer one fails the request (the next run retries). */
  retryAfterCapMs?: number;
  /** Epoch ms no retry wait may end after (the run's lease), or null. */
  deadline?: () => number | null;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  clock?: () => number;
  /** The host's HTTP transport (workerd's fetch; the Node host's http-fetch.ts); the global fetch if unset. */
  fetch?: NotionFetch;
}

/**
 * The part of fetch that @notionhq/client 5.x and canon use, so a host can pass a transport of its own
 * (the global fetch is one). The SDK calls `fetch(url, { method, headers, body })` (and an `agent`,
 * undefined, which a transport ignores), then reads `ok`, `status`, `text()` and, to build its errors,
 * `headers.get()` (Retry-After, x-notion-request-id, cf-ray, content-type).
 */
export type NotionFetch = (url: string, init: NotionFetchInit) => Promise<NotionFetchResponse>;

export interface NotionFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array | null;
  signal?: AbortSignal | null;
}

export interface NotionFetchResponse {
  ok: boolean;
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export type Failure = FailureKind;

export interface RateLimitedInfo {
  waitMs: number;
}

/** Block types that are pages or databases of their own: canon never deletes them. */
const CHILD_CONTENT = new Set(['child_page', 'child_database']);
/** How many levels of `unknown_block_ids` a read follows before it gives up on the page. */
const MAX_UNKNOWN_DEPTH = 4;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A token bucket: `take()` resolves when a request may go. Time comes in through `clock`/`sleep`. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly rate: number,
    private readonly capacity: number,
    private readonly clock: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.tokens = capacity;
    this.last = clock();
  }

  private refill(): void {
    const now = this.clock();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }

  async take(): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.sleep(Math.ceil(((1 - this.tokens) / this.rate) * 1000));
    }
  }

  /** After a 429 the server's own bucket is empty: start from nothing so no burst follows. */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }
}

/** fetch rejected: no answer came (refused, reset or dropped connection). The request may have been applied. */
export class NetworkError extends Error {
  constructor(original: unknown) {
    const inner = original as { message?: string; cause?: unknown } | undefined;
    super(inner?.message ?? String(original), { cause: inner?.cause ?? original });
    this.name = 'NetworkError';
  }
}

/** What kind of failure an error is, and whether the request may have been applied anyway. */
export function classifyError(error: unknown): Failure {
  if (error instanceof NetworkError) return 'transient';
  if (error instanceof APIResponseError || error instanceof UnknownHTTPResponseError) return classifyNotionStatus(error.status);
  if (error instanceof RequestTimeoutError) return 'transient';
  if (isNotionClientError(error)) return 'fatal';
  // fetch rejects with a TypeError ("fetch failed") for refused, reset or dropped connections (the Node
  // host's transport, node-host/http-fetch.ts, rejects the same way). Checked
  // by name: the error may come from another realm (undici inside a test VM), where instanceof fails.
  const name = (error as Error | undefined)?.name;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (name === 'TypeError' || (typeof code === 'string' && code.startsWith('E'))) return 'transient';
  return 'fatal';
}

/** Retry-After is "an integer number of seconds" per Notion; an HTTP date is accepted too. */
export function retryAfterMs(error: unknown, now: number): number | null {
  if (!(error instanceof APIResponseError)) return null;
  const headers = error.headers as { get?: (name: string) => string | null } | Record<string, string> | undefined;
  const raw = typeof headers?.get === 'function' ? headers.get('retry-after') : (headers as Record<string, string> | undefined)?.['retry-after'];
  return parseRetryAfter(raw, now);
}

export function describeError(error: unknown): string {
  if (error instanceof APIResponseError) return `Notion answered ${error.status} ${error.code}: ${error.message}`;
  if (error instanceof UnknownHTTPResponseError) return `Notion answered ${error.status} with an unexpected body`;
  if (error instanceof RequestTimeoutError) return 'the request to Notion timed out';
  const { name, message, cause } = (error ?? {}) as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (classifyError(error) === 'transient') return `could not reach Notion: ${cause?.code ?? cause?.message ?? message ?? name}`;
  return message ?? String(error);
}

/** A write that may or may not have happened: the caller must look before it repeats it. */
export class UncertainWriteError extends Error {
  constructor(readonly original: unknown) {
    super(describeError(original));
    this.name = 'UncertainWriteError';
  }
}

/**
 * A rate limit this run cannot wait out (ADR-0041): Notion asked for a wait longer than a run waits
 * (the per-workspace limit's Retry-After can pass a minute), or one that would end past the run's
 * lease, or kept answering 429/529. Nothing of the refused request was applied; the run stops here
 * and leaves the notes it did not send `pending` for the next run.
 */
export class RateLimitStopError extends Error {
  constructor(
    readonly original: unknown,
    /** Why the wait is not waited (the retry policy's words). */
    readonly why: string,
    /** What Notion asked to wait (ms), when it said. */
    readonly waitMs: number | null,
    /** `additional_data.rate_limit_reason`: which limit was reached, when Notion said. */
    readonly limit: string | null,
  ) {
    super(`${describeError(original).replace(/\.$/, '')}${limit ? ` (${limit})` : ''}; ${why}`);
    this.name = 'RateLimitStopError';
  }
}

/**
 * The page holds child pages or databases (someone added them in Notion): replacing its body would
 * delete them. canon never sends `allow_deleting_content` (it makes no child pages or databases, so
 * they are never its own) and never deletes them on the block path either (ADR-0041).
 */
export class ChildContentError extends Error {
  constructor(
    readonly pageId: string,
    /** Titles of the child pages or databases, when known (the block path reads them). */
    readonly titles: readonly string[],
    readonly original?: unknown,
  ) {
    super(original ? describeError(original) : `the page holds ${titles.length} child page(s) or database(s): ${titles.join(', ')}`);
    this.name = 'ChildContentError';
  }
}

/** Notion's documented refusal of an update that would delete child pages or databases without allow_deleting_content. */
export function isChildContentRefusal(error: unknown): boolean {
  return (
    error instanceof APIResponseError &&
    error.status === 400 &&
    error.code === 'validation_error' &&
    /allow_deleting_content|child pages? or databases?/i.test(error.message)
  );
}

/** Which rate limit a 429 reached (`additional_data.rate_limit_reason`), or null. */
export function rateLimitReason(error: unknown): string | null {
  if (!(error instanceof APIResponseError)) return null;
  const value = error.additional_data?.rate_limit_reason;
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A page_markdown answer: the text, and whether Notion left parts of a large page out. */
export interface PageMarkdownAnswer {
  markdown: string;
  truncated?: boolean;
  unknown_block_ids?: readonly string[];
}

/**
 * Put the blocks Notion left out of a large page (`<unknown url="…#id" …/>` tags, their ids in
 * `unknown_block_ids`) back in place, from what `fetched` returned for each id. Null when a tag
 * cannot be found or an id was not fetched: the text is not the page, and nothing may be planned on it.
 */
export function spliceUnknownBlocks(markdown: string, fetched: ReadonlyMap<string, string>): string | null {
  let out = markdown;
  for (const [id, text] of fetched) {
    const bare = id.replace(/-/g, '');
    const tag = new RegExp(`<unknown\\b[^>]*\\burl="[^"]*(?:${id}|${bare})[^"]*"[^>]*/?>(?:</unknown>)?`, 'i');
    if (!tag.test(out)) return null;
    out = out.replace(tag, () => text.replace(/\n+$/, ''));
  }
  return /<unknown\b/i.test(out) ? null : out;
}

interface PageRef {
  id: string;
}

/** The answer of GET and PATCH /v1/pages/{id}/markdown. */
interface PageMarkdown {
  object: 'page_markdown';
  id: string;
  markdown: string;
  truncated?: boolean;
  unknown_block_ids?: string[];
}

export interface NotionApi {
  /** HTTP requests sent so far (every attempt, 429s included). */
  readonly requests: number;
  /** The data source id of a database (its first data source), or the given data source id. */
  resolveDataSource(ids: { databaseId?: string | null; dataSourceId?: string | null }): Promise<string>;
  readSchema(dataSourceId: string): Promise<Record<string, { type?: unknown }>>;
  /** Live pages whose `property` (rich text) equals `externalId`, oldest first. */
  findPages(dataSourceId: string, property: string, externalId: string): Promise<string[]>;
  /** Create a page with its whole body; the last-chance lookup happens first and after any lost answer. */
  createPage(input: {
    dataSourceId: string;
    idProperty: string;
    externalId: string;
    properties: Record<string, unknown>;
    body: BlockNode[];
  }): Promise<{ id: string; adopted: boolean }>;
  updateProperties(pageId: string, properties: Record<string, unknown>): Promise<void>;
  /** Replace a page's body: delete its top-level blocks, append the new ones. */
  replaceBody(pageId: string, body: BlockNode[]): Promise<void>;
  /**
   * Every live page of the data source that has an external_id, in one paginated query, reading only
   * the properties named (2026-12-01 returns only the title unless `filter_properties` names more).
   */
  listPages(dataSourceId: string, idProperty: string, filterProperties: readonly string[]): Promise<ListedPage[]>;
  /**
   * Create a page with properties and a markdown body in one request; the lost-create guard applies.
   * `markdown`: the body as Notion rendered it, when a request answered with it (POST answers with a
   * page object, so only after an adoption); null when not known.
   */
  createMarkdownPage(input: {
    dataSourceId: string;
    idProperty: string;
    externalId: string;
    properties: Record<string, unknown>;
    markdown: string;
  }): Promise<{ id: string; adopted: boolean; markdown: string | null }>;
  /**
   * Change a page's body with page-markdown edits (exact old → new strings), all or nothing. Returns
   * the page's markdown as Notion answers it after the edit (null if it cannot be had whole).
   */
  editMarkdown(pageId: string, edits: readonly MarkdownEdit[]): Promise<string | null>;
  /** Replace a page's whole body with markdown, in one request; returns Notion's rendering as editMarkdown does. */
  replaceMarkdown(pageId: string, markdown: string): Promise<string | null>;
  /**
   * The page's body as Notion renders it, whole: a large page's truncated answer is completed from
   * its `unknown_block_ids` (one request each). Null when it cannot be made whole: plan nothing on it.
   */
  retrieveMarkdown(pageId: string): Promise<string | null>;
  /** Complete a page_markdown answer (GET or PATCH) the same way: the whole text, or null. */
  completeMarkdown(answer: PageMarkdownAnswer): Promise<string | null>;
}

export interface MarkdownEdit {
  old_str: string;
  new_str: string;
}

export interface ListedPage {
  id: string;
  externalId: string;
}

export function createNotionApi(options: NotionOptions): NotionApi {
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const clock = options.clock ?? Date.now;
  const bucket = new TokenBucket(options.requestsPerSecond, options.burst ?? Math.max(1, Math.floor(options.requestsPerSecond)), clock, sleep);
  const policy = createRetryPolicy({
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.maxRateLimited !== undefined ? { maxRateLimited: options.maxRateLimited } : {}),
    ...(options.baseDelayMs !== undefined ? { baseDelayMs: options.baseDelayMs } : {}),
    ...(options.maxDelayMs !== undefined ? { maxDelayMs: options.maxDelayMs } : {}),
    ...(options.retryAfterCapMs !== undefined ? { retryAfterCapMs: options.retryAfterCapMs } : {}),
    ...(options.deadline ? { deadline: options.deadline } : {}),
    random,
    clock,
  });
  const realFetch: NotionFetch = options.fetch ?? globalThis.fetch;
  // @notionhq/client 5.26 drops parameters it does not know (markdown_version arrives in 5.29), so the
  // markdown requests go through its generic `request`, which sends the body as given.
  const markdownBody = (body: Record<string, unknown>) => (options.markdownVersion ? { ...body, markdown_version: options.markdownVersion } : body);
  /** A page_markdown answer: its markdown, unless Notion cut it short. */
  const rendered = (page: PageMarkdown) => (page.truncated || typeof page.markdown !== 'string' ? null : page.markdown);
  const patchMarkdown = (pageId: string, body: Record<string, unknown>) =>
    client.request<PageMarkdown>({ path: `pages/${pageId}/markdown`, method: 'patch', body: markdownBody(body) });
  /** GET /v1/pages/{id}/markdown (a page or, for a truncated answer's left-out blocks, a block id). */
  const getMarkdown = (id: string) => {
    const query = options.markdownVersion ? { markdown_version: options.markdownVersion } : undefined;
    return call(() => client.request<PageMarkdown>({ path: `pages/${id}/markdown`, method: 'get', ...(query ? { query } : {}) }), true);
  };
  let requests = 0;

  const pacedFetch: NotionFetch = async (input, init) => {
    await bucket.take();
    requests += 1;
    try {
      return await realFetch(input, init);
    } catch (error) {
      // Whatever fetch rejects with is the network's doing (Node: TypeError "fetch failed"; workerd:
      // Error "Network connection lost."): named here, where it is known, for classifyError.
      throw new NetworkError(error);
    }
  };
  const client = new Client({
    auth: options.token,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(options.notionVersion ? { notionVersion: options.notionVersion } : {}),
    retry: false,
    fetch: pacedFetch as never,
    // The SDK's console logger would print every retried failure; canon reports outcomes itself.
    logger: () => undefined,
  });

  /** The wait before another look-then-try of a write whose answer was lost, or null: give up. */
  const retryWait = (failures: number): number | null => policy.next({ kind: 'transient', failures }).waitMs ?? null;

  /**
   * Run one request under canon's policy. `idempotent` requests are repeated after 5xx or network
   * errors; others throw UncertainWriteError so the caller can check before repeating. A rate-limited
   * answer (429, 529) was not applied, so any request waits and goes again.
   */
  async function call<T>(request: () => Promise<T>, idempotent: boolean): Promise<T> {
    let failures = 0;
    let limited = 0;
    let conflicts = 0;
    for (;;) {
      try {
        return await request();
      } catch (error) {
        // 409 conflict_error: "the transaction could not be completed … try again" — nothing was
        // applied, so any request goes once more after a short backoff; a second 409 stands (ADR-0041).
        if (error instanceof APIResponseError && error.status === 409) {
          if (++conflicts > 1) throw error;
          await sleep(policy.backoff(conflicts));
          continue;
        }
        const kind = classifyError(error);
        if (kind === 'fatal') throw error;
        if (kind === 'transient' && !idempotent) throw new UncertainWriteError(error);
        const serverWaitMs = retryAfterMs(error, clock());
        const decision = policy.next({ kind, failures: kind === 'rate_limited' ? ++limited : ++failures, serverWaitMs });
        if (decision.giveUp !== undefined) {
          // A limit this run cannot wait out stops the run (the caller leaves the rest pending).
          if (kind === 'rate_limited') throw new RateLimitStopError(error, decision.giveUp, serverWaitMs, rateLimitReason(error));
          throw error;
        }
        if (kind === 'rate_limited') bucket.drain();
        await sleep(decision.waitMs);
      }
    }
  }

  type QueryResult = Awaited<ReturnType<typeof client.dataSources.query>>['results'][number];

  /** Every result of a data source query, page by page (100 at a time). */
  async function queryAll(params: Omit<Parameters<typeof client.dataSources.query>[0], 'start_cursor' | 'page_size'>): Promise<QueryResult[]> {
    const results: QueryResult[] = [];
    let cursor: string | undefined;
    do {
      const page = await call(() => client.dataSources.query({ ...params, page_size: 100, ...(cursor ? { start_cursor: cursor } : {}) }), true);
      results.push(...page.results);
      cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
    } while (cursor);
    return results;
  }

  async function findPages(dataSourceId: string, property: string, externalId: string): Promise<string[]> {
    const results = await queryAll({ data_source_id: dataSourceId, filter: { property, rich_text: { equals: externalId } } });
    return results.filter((r) => r.object === 'page').map((r) => r.id);
  }

  async function listChildren(blockId: string): Promise<{ id: string; type: string; title: string }[]> {
    const found: { id: string; type: string; title: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await call(() => client.blocks.children.list({ block_id: blockId, page_size: 100, ...(cursor ? { start_cursor: cursor } : {}) }), true);
      for (const block of page.results as { id: string; type?: string; [key: string]: unknown }[]) {
        const type = block.type ?? '';
        const title = (block[type] as { title?: unknown } | undefined)?.title;
        found.push({ id: block.id, type, title: typeof title === 'string' ? title : '' });
      }
      cursor = page.has_more && page.next_cursor ? page.next_cursor : undefined;
    } while (cursor);
    return found;
  }

  async function deleteBlock(id: string): Promise<void> {
    try {
      await call(() => client.blocks.delete({ block_id: id }), true);
    } catch (error) {
      // A repeated delete whose first answer was lost finds the block already in the trash: done.
      if (isInTrash(error)) return;
      throw error;
    }
  }

  /** Append blocks in requests Notion accepts, then (once their ids are known) what was deferred under them. */
  async function appendTree(parentId: string, nodes: readonly BlockNode[]): Promise<void> {
    for (const batch of planAppendBatches(nodes)) {
      const response = await call(() => client.blocks.children.append({ block_id: parentId, children: batch.blocks as never }), false);
      for (let i = 0; i < batch.deferred.length; i++) {
        const deferred = batch.deferred[i]!;
        if (deferred.length === 0) continue;
        const created = response.results[i];
        if (!created) throw new Error(`Notion returned ${response.results.length} blocks for an append of ${batch.blocks.length}`);
        await appendTree(created.id, deferred);
      }
    }
  }

  return {
    get requests() {
      return requests;
    },

    async resolveDataSource({ databaseId, dataSourceId }) {
      if (dataSourceId) return dataSourceId;
      if (!databaseId) throw new Error('no database id');
      const database = await call(() => client.databases.retrieve({ database_id: databaseId }), true);
      const first = 'data_sources' in database ? database.data_sources[0] : undefined;
      if (!first) throw new Error(`database ${databaseId} has no data source`);
      return first.id;
    },

    async readSchema(dataSourceId) {
      const source = await call(() => client.dataSources.retrieve({ data_source_id: dataSourceId }), true);
      return 'properties' in source ? (source.properties as Record<string, { type?: unknown }>) : {};
    },

    findPages,

    async createPage({ dataSourceId, idProperty, externalId, properties, body }) {
      // The page is created with as much of its body as one request carries; blocks with deferred
      // children need their ids, which only an append answers with, so they go in appends.
      const first = planAppendBatches(body)[0];
      let inline = 0;
      while (first && inline < first.blocks.length && first.deferred[inline]!.length === 0) inline += 1;
      const children: BlockRequest[] = first ? first.blocks.slice(0, inline) : [];
      let failures = 0;
      for (;;) {
        // Last-chance lookup: a page created by a run that crashed before writing back is adopted.
        const existing = await findPages(dataSourceId, idProperty, externalId);
        if (existing[0]) {
          await call(() => client.pages.update({ page_id: existing[0]!, properties: properties as never }), true);
          await replace(existing[0], body);
          return { id: existing[0], adopted: true };
        }
        let page: PageRef;
        try {
          page = await call(
            () => client.pages.create({ parent: { data_source_id: dataSourceId }, properties: properties as never, children: children as never }),
            false,
          );
        } catch (error) {
          const wait = error instanceof UncertainWriteError ? retryWait(++failures) : null;
          if (wait === null) throw error instanceof UncertainWriteError ? error.original : error;
          await sleep(wait);
          continue;
        }
        try {
          await appendTree(page.id, body.slice(inline));
        } catch (error) {
          try {
            if (!(error instanceof UncertainWriteError)) throw error;
            await replace(page.id, body);
          } catch (final) {
            throw new PartialPageError(page.id, final);
          }
        }
        return { id: page.id, adopted: false };
      }
    },

    async updateProperties(pageId, properties) {
      await call(() => client.pages.update({ page_id: pageId, properties: properties as never }), true);
    },

    replaceBody: (pageId, body) => replace(pageId, body),

    async listPages(dataSourceId, idProperty, filterProperties) {
      const pages: ListedPage[] = [];
      const results = await queryAll({
        data_source_id: dataSourceId,
        filter: { property: idProperty, rich_text: { is_not_empty: true } },
        filter_properties: [...filterProperties],
      });
      for (const result of results) {
        if (result.object !== 'page' || !('properties' in result)) continue;
        const value = (result.properties as Record<string, { type?: string; rich_text?: { plain_text?: string }[] }>)[idProperty];
        const externalId = (value?.rich_text ?? []).map((t) => t.plain_text ?? '').join('');
        if (externalId) pages.push({ id: result.id, externalId });
      }
      return pages;
    },

    async createMarkdownPage({ dataSourceId, idProperty, externalId, properties, markdown }) {
      let failures = 0;
      for (;;) {
        try {
          const page = await call(
            () =>
              client.request<PageRef>({
                path: 'pages',
                method: 'post',
                body: markdownBody({ parent: { data_source_id: dataSourceId }, properties, markdown }),
              }),
            false,
          );
          return { id: page.id, adopted: false, markdown: null };
        } catch (error) {
          const wait = error instanceof UncertainWriteError ? retryWait(++failures) : null;
          if (wait === null) throw error instanceof UncertainWriteError ? error.original : error;
          // The answer was lost: the page may exist. Look for this one note before repeating the create.
          await sleep(wait);
        }
        const existing = await findPages(dataSourceId, idProperty, externalId);
        if (existing[0]) {
          await call(() => client.pages.update({ page_id: existing[0]!, properties: properties as never }), true);
          const answered = await replaceMarkdown(existing[0], markdown);
          return { id: existing[0], adopted: false, markdown: answered };
        }
      }
    },

    async editMarkdown(pageId, edits) {
      const page = await guardChildren(pageId, () =>
        call(() => patchMarkdown(pageId, { type: 'update_content', update_content: { content_updates: edits.map((e) => ({ ...e })) } }), false),
      );
      return rendered(page);
    },

    replaceMarkdown: (pageId, markdown) => replaceMarkdown(pageId, markdown),

    async retrieveMarkdown(pageId) {
      return completeMarkdown(await getMarkdown(pageId));
    },

    completeMarkdown: (answer) => completeMarkdown(answer),
  };

  /**
   * A large page's markdown comes back `truncated`, the blocks left out as `<unknown>` tags whose ids
   * are in `unknown_block_ids`; GET /v1/pages/{id}/markdown takes those ids and answers their subtrees
   * (developers.notion.com/reference/retrieve-page-markdown). Fetched and put in place, a few levels
   * deep; what still cannot be had makes the answer null.
   */
  async function completeMarkdown(answer: PageMarkdownAnswer, depth = 0): Promise<string | null> {
    const ids = answer.unknown_block_ids ?? [];
    if (ids.length === 0) return answer.truncated ? null : answer.markdown;
    if (depth >= MAX_UNKNOWN_DEPTH) return null;
    const fetched = new Map<string, string>();
    for (const id of ids) {
      let part: PageMarkdownAnswer;
      try {
        part = await getMarkdown(id);
      } catch (error) {
        // A subtree Notion will not give (gone, or not a page's block): the page cannot be read whole.
        if (error instanceof APIResponseError && (error.status === 404 || error.status === 400)) return null;
        throw error;
      }
      const whole = await completeMarkdown(part, depth + 1);
      if (whole === null) return null;
      fetched.set(id, whole);
    }
    return spliceUnknownBlocks(answer.markdown, fetched);
  }

  /** Notion's refusal to delete child pages or databases, as canon's own error (never a fallback). */
  async function guardChildren<T>(pageId: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!isChildContentRefusal(error)) throw error;
      // One read names them in the note's reason (best effort: the refusal stands either way).
      const titles = await listChildren(pageId)
        .then((found) => found.filter((b) => CHILD_CONTENT.has(b.type)).map((b) => b.title || b.type))
        .catch(() => []);
      throw new ChildContentError(pageId, titles, error);
    }
  }

  /** replace_content sets the whole body: repeating it after a lost answer lands on the same page. */
  async function replaceMarkdown(pageId: string, markdown: string): Promise<string | null> {
    const page = await guardChildren(pageId, () =>
      call(() => patchMarkdown(pageId, { type: 'replace_content', replace_content: { new_str: markdown } }), true),
    );
    return rendered(page);
  }

  async function replace(pageId: string, body: BlockNode[]): Promise<void> {
    let failures = 0;
    for (;;) {
      try {
        const present = await listChildren(pageId);
        // Deleting a child_page or child_database block trashes that page or database: never canon's
        // to delete (ADR-0041). The page is left as it is and the note says why.
        const foreign = present.filter((b) => CHILD_CONTENT.has(b.type));
        if (foreign.length > 0)
          throw new ChildContentError(
            pageId,
            foreign.map((b) => b.title || b.type),
          );
        for (const { id } of present) await deleteBlock(id);
        await appendTree(pageId, body);
        return;
      } catch (error) {
        // An append whose answer was lost may have landed: start over from the page's real content.
        const wait = error instanceof UncertainWriteError ? retryWait(++failures) : null;
        if (wait === null) throw error instanceof UncertainWriteError ? error.original : error;
        await sleep(wait);
      }
    }
  }
}

/** The page exists but its body is incomplete: record its id so the next run repairs it in place. */
export class PartialPageError extends Error {
  constructor(
    readonly pageId: string,
    readonly original: unknown,
  ) {
    super(describeError(original instanceof UncertainWriteError ? original.original : original));
    this.name = 'PartialPageError';
  }
}

/**
 * Notion refused an edit because the page or block is in the trash. Notion-Version 2026-03-11 renamed
 * `archived` to `in_trash`; the message says "archived" before it and "trash" from it on, so both are read.
 */
export function isInTrash(error: unknown): boolean {
  return error instanceof APIResponseError && error.status === 400 && /\barchived\b|\bin[ _]?(?:the )?trash\b|\btrashed\b/i.test(error.message);
}

/** 413: the request body is past Notion's size limit (whatever body the answer has). */
function isTooLarge(error: unknown): boolean {
  return (error instanceof APIResponseError || error instanceof UnknownHTTPResponseError) && error.status === 413;
}

/**
 * Notion refused the request's content (400 validation_error, or 413 too large): nothing was written,
 * so another path (the block API, in requests of at most 100 blocks, or a whole replace instead of
 * edits) may be tried.
 */
export function isRefusedContent(error: unknown): boolean {
  if (isTooLarge(error)) return true;
  return error instanceof APIResponseError && error.status === 400 && error.code === 'validation_error' && !isInTrash(error) && !isChildContentRefusal(error);
}

/**
 * Notion refused the request itself (400 validation, 413 too large, 422): sending it again gives
 * the same answer until the note changes. Auth, rate-limit, conflict and server errors are not this.
 */
export function isRefusedRequest(error: unknown): boolean {
  if (isTooLarge(error)) return true;
  return (
    error instanceof APIResponseError &&
    (error.status === 400 || error.status === 413 || error.status === 422) &&
    !isInTrash(error) &&
    !isChildContentRefusal(error)
  );
}

/** A page that is gone (deleted or in the trash in Notion): sync creates a new one instead. */
export function isMissingPage(error: unknown): boolean {
  return error instanceof APIResponseError && (error.status === 404 || isInTrash(error));
}
