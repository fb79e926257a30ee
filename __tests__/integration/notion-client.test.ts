import { afterEach, describe, expect, test } from '@jest/globals';
import { markdownToBlocks } from '../../tools/sync/notion-blocks.js';
import { parseNote } from '../../tools/core/frontmatter.js';
import { buildProperties, matchSchema } from '../../tools/sync/notion-properties.js';
import { applySync, prepareSync, type AppliedSync, type LoadedNote, type SentMarkdown } from '../../tools/sync/engine.js';
import { withSyncMetadata } from '../../tools/sync/write-back.js';
import { syncMessages } from '../../tools/messages/sync.js';
import { sessionNote } from '../helpers/notes.js';
import {
  ChildContentError,
  createNotionApi,
  isRefusedContent,
  isRefusedRequest,
  RateLimitStopError,
  spliceUnknownBlocks,
  TokenBucket,
  type NotionApi,
} from '../../tools/sync/notion.js';
import { RATE_LIMIT_REASONS } from '../../tools/fake-notion/server.mjs';
import { startFakeNotion, type FakeNotion, type FakeNotionOptions } from '../helpers/fake-notion.js';
import { createHttpFetch, type HttpFetch } from '../../tools/sync/node-host/http-fetch.js';

let fake: FakeNotion | undefined;
let transport: HttpFetch | undefined;
afterEach(async () => {
  transport?.close();
  transport = undefined;
  await fake?.close();
  fake = undefined;
});

/**
 * The real @notionhq/client against the fake server, over the CLI's transport (the Node host's
 * http-fetch.ts; the tests that build an adapter of their own use the global fetch, as the Worker
 * does); sleeps are recorded, not waited.
 */
async function setup(
  options: FakeNotionOptions = {},
  adapter: { realSleep?: boolean; deadline?: () => number | null; notionVersion?: string } = {},
): Promise<{ api: NotionApi; sleeps: number[]; dataSourceId: string; props: (id: string) => Record<string, unknown> }> {
  fake = await startFakeNotion(options);
  transport?.close();
  transport = createHttpFetch();
  const sleeps: number[] = [];
  const api = createNotionApi({
    fetch: transport.fetch,
    token: fake.token,
    baseUrl: fake.baseUrl,
    requestsPerSecond: 1000,
    ...(adapter.deadline ? { deadline: adapter.deadline } : {}),
    ...(adapter.notionVersion ? { notionVersion: adapter.notionVersion } : {}),
    sleep: async (ms) => {
      sleeps.push(ms);
      // A window limit is kept in real time by the fake: its Retry-After must really pass.
      if (adapter.realSleep) await new Promise((resolve) => setTimeout(resolve, ms));
    },
  });
  const dataSourceId = await api.resolveDataSource({ databaseId: fake.databaseId });
  const { map } = matchSchema(await api.readSchema(dataSourceId), {});
  const props = (id: string) =>
    buildProperties({ kind: 'session', externalId: id, contentHash: 'sha256:x', data: { title: `Note ${id}`, operator: 'roman' } }, map);
  return { api, sleeps, dataSourceId, props };
}

describe('Notion adapter against the fake server', () => {
  test('a database id resolves to its data source; the schema is read', async () => {
    const { dataSourceId } = await setup();
    expect(dataSourceId).toBe(fake!.dataSourceId);
  });

  test('429s are ridden out, waiting what Retry-After says', async () => {
    const { api, sleeps, dataSourceId, props } = await setup({ retryAfterSeconds: 2 });
    fake!.setFaults({ rateLimitBurst: 4 });
    const before = sleeps.length;
    const page = await api.createPage({ dataSourceId, idProperty: 'external_id', externalId: 'A-1', properties: props('A-1'), body: markdownToBlocks('hi') });
    expect(page.adopted).toBe(false);
    expect(sleeps.slice(before).filter((ms) => ms === 2000)).toHaveLength(4);
    expect(fake!.requests.filter((r) => r.status === 429)).toHaveLength(4);
    expect(fake!.pagesByExternalId('A-1')).toHaveLength(1);
  });

  test('529 service_overload is a rate limit: Retry-After is waited and a create goes again with no lookup; a wait past the cap gives up', async () => {
    const { api, sleeps, dataSourceId, props } = await setup({ retryAfterSeconds: 3 });
    fake!.setFaults({ overloadCreates: 2 });
    const origin = fake!.requests.length;
    const before = sleeps.length;
    const page = await api.createPage({ dataSourceId, idProperty: 'external_id', externalId: 'O-1', properties: props('O-1'), body: markdownToBlocks('hi') });
    expect(page.adopted).toBe(false);
    // The lookup before the first create only: a 529 was not applied, so nothing is looked up again.
    expect(fake!.requests.slice(origin).map((r) => `${r.path.endsWith('/query') ? 'query' : r.path} ${r.status}`)).toEqual([
      'query 200',
      '/v1/pages 529',
      '/v1/pages 529',
      '/v1/pages 200',
    ]);
    expect(sleeps.slice(before).filter((ms) => ms > 10)).toEqual([3000, 3000]); // (the bucket paces in ms after a rate limit)
    expect(fake!.pagesByExternalId('O-1')).toHaveLength(1);

    // Asked to wait longer than a run waits (60 s): the request fails at once, for the next run.
    await fake!.close();
    fake = undefined;
    const slow = await setup({ retryAfterSeconds: 120 });
    fake!.setFaults({ overloadBurst: 1 });
    const waited = slow.sleeps.length;
    const stop = await slow.api.updateProperties('00000000-0000-4000-8000-000000000001', {}).catch((e: unknown) => e);
    expect(stop).toBeInstanceOf(RateLimitStopError);
    expect((stop as RateLimitStopError).original).toMatchObject({ status: 529, code: 'service_overload' });
    expect((stop as RateLimitStopError).waitMs).toBe(120_000);
    expect(slow.sleeps.slice(waited)).toEqual([]);
  });

  test('a body past 500 KB on the wire is answered 413: refused content (the block path is next), not retried', async () => {
    const { api, sleeps } = await setup();
    const before = fake!.requests.length;
    // 260,000 quotes: 260 KB of markdown, 520 KB as a JSON string.
    const error = await api.replaceMarkdown('00000000-0000-4000-8000-000000000002', '"'.repeat(260_000)).catch((e: unknown) => e);
    expect((error as { status?: number }).status).toBe(413);
    expect(isRefusedContent(error)).toBe(true);
    expect(isRefusedRequest(error)).toBe(true);
    expect(fake!.requests.slice(before).map((r) => r.status)).toEqual([413]);
    expect(sleeps.filter((ms) => ms > 10)).toEqual([]);
  });

  test('a create whose answer is lost is looked up, not repeated: one page', async () => {
    const { api, dataSourceId, props } = await setup();
    fake!.setFaults({ dropAfterCreate: 1 });
    const page = await api.createPage({
      dataSourceId,
      idProperty: 'external_id',
      externalId: 'B-1',
      properties: props('B-1'),
      body: markdownToBlocks('body text'),
    });
    expect(page.adopted).toBe(true);
    expect(fake!.pagesByExternalId('B-1').map((p) => p.id)).toEqual([page.id]);
    expect(fake!.pageText(page.id)).toBe('body text');
    const creates = fake!.requests.filter((r) => r.method === 'POST' && r.path === '/v1/pages');
    expect(creates).toHaveLength(1);
  });

  test('a create answered 500 is looked up before it is tried again', async () => {
    const { api, dataSourceId, props } = await setup();
    fake!.setFaults({ failCreates: 1 });
    const origin = fake!.requests.length;
    await api.createPage({ dataSourceId, idProperty: 'external_id', externalId: 'C-1', properties: props('C-1'), body: [] });
    expect(fake!.pagesByExternalId('C-1')).toHaveLength(1);
    expect(fake!.requests.slice(origin).map((r) => (r.path.endsWith('/query') ? 'query' : r.path))).toEqual(['query', '/v1/pages', 'query', '/v1/pages']);
  });

  test('under 20 % injected 5xx, body replacement ends with exactly the new body', async () => {
    const { api, dataSourceId, props } = await setup();
    const first = await api.createPage({
      dataSourceId,
      idProperty: 'external_id',
      externalId: 'D-1',
      properties: props('D-1'),
      body: markdownToBlocks('- a\n- b\n  - c\n'),
    });
    fake!.setFaults({ serverErrorRate: 0.2, seed: 7 });
    const body = markdownToBlocks(Array.from({ length: 150 }, (_, i) => `- new ${i}`).join('\n'));
    let done = false;
    for (let run = 0; run < 5 && !done; run++) {
      try {
        await api.replaceBody(first.id, body);
        done = true;
      } catch {
        // the next run starts over from the page's real content
      }
    }
    expect(done).toBe(true);
    expect(fake!.pageText(first.id).split('\n')).toEqual(Array.from({ length: 150 }, (_, i) => `new ${i}`));
  });

  test('a wrong token is a clear 401, not retried', async () => {
    fake = await startFakeNotion();
    const api = createNotionApi({ token: 'wrong', baseUrl: fake.baseUrl, requestsPerSecond: 1000, sleep: async () => undefined });
    await expect(api.resolveDataSource({ databaseId: fake.databaseId })).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(fake.requests).toHaveLength(1);
  });
});

describe('Notion limits and error codes as documented (ADR-0041), against the fake', () => {
  const V = '2026-03-11';
  const trail = (from: number) => fake!.requests.slice(from).map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{32,36}/g, '<id>')} ${r.status}`);

  test('the per-connection window: Retry-After (≤ the window) is waited and every request goes through; the body says which limit', async () => {
    const { api, sleeps, dataSourceId } = await setup({ connectionLimit: { requests: 4, windowSeconds: 1 } }, { realSleep: true, notionVersion: V });
    const origin = fake!.requests.length;
    for (let i = 0; i < 6; i++) await api.findPages(dataSourceId, 'external_id', `X-${i}`);
    const limited = fake!.requests.slice(origin).filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(fake!.requests.slice(origin).filter((r) => r.status === 200)).toHaveLength(6);
    // Each wait is what Retry-After said: whole seconds, never more than the window.
    expect(sleeps.filter((ms) => ms >= 1000)).toEqual(limited.map(() => 1000));
  });

  test('the per-workspace limit, spent by another connection, asks for more than a run waits: the request stops the run, nothing waited', async () => {
    const { api, sleeps, dataSourceId } = await setup(
      { otherTokens: ['ntn_other_integration'], workspaceLimit: { requests: 5, retryAfterSeconds: 120 } },
      { notionVersion: V },
    );
    // The setup read the database and its schema (2 of 5); the other integration spends the rest.
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${fake!.baseUrl}/v1/data_sources/${dataSourceId}`, {
        headers: { authorization: 'Bearer ntn_other_integration', 'notion-version': '2026-03-11' },
      });
      expect(res.status).toBe(200);
    }
    const before = sleeps.length;
    const stop = await api.findPages(dataSourceId, 'external_id', 'W-1').catch((e: unknown) => e);
    expect(stop).toBeInstanceOf(RateLimitStopError);
    expect(stop).toMatchObject({ limit: RATE_LIMIT_REASONS.workspace, waitMs: 120_000 });
    expect((stop as Error).message).toMatch(/429 rate_limited.*\(workspace_rate_limit\); asked to wait 120 s, longer than a run waits \(60 s\)/);
    expect(sleeps.slice(before)).toEqual([]);
  });

  test("a wait that would end past the run's lease is not waited: the run stops", async () => {
    const { api, sleeps, dataSourceId } = await setup(
      { connectionLimit: { requests: 3, windowSeconds: 30 } },
      { deadline: () => Date.now() + 5_000, notionVersion: V },
    );
    await api.findPages(dataSourceId, 'external_id', 'L-1');
    const stop = await api.findPages(dataSourceId, 'external_id', 'L-2').catch((e: unknown) => e);
    expect(stop).toBeInstanceOf(RateLimitStopError);
    expect(stop).toMatchObject({ limit: RATE_LIMIT_REASONS.connection });
    expect((stop as RateLimitStopError).waitMs).toBeLessThanOrEqual(30_000);
    expect((stop as Error).message).toMatch(/lease ends before the wait would/);
    expect(sleeps.filter((ms) => ms > 10)).toEqual([]);
  });

  test('409 conflict_error is tried once more, a create included (nothing was applied), and a second 409 stands', async () => {
    const { api, dataSourceId, props } = await setup({}, { notionVersion: V });
    fake!.setFaults({ errors: [{ method: 'POST', path: '/v1/pages', status: 409, code: 'conflict_error' }] });
    let origin = fake!.requests.length;
    await api.createMarkdownPage({ dataSourceId, idProperty: 'external_id', externalId: 'K-1', properties: props('K-1'), markdown: 'Hi.\n' });
    expect(trail(origin)).toEqual(['POST /v1/pages 409', 'POST /v1/pages 200']);
    expect(fake!.pagesByExternalId('K-1')).toHaveLength(1);
    fake!.setFaults({ errors: [{ method: 'POST', path: '/v1/pages', status: 409, code: 'conflict_error', times: 2 }] });
    origin = fake!.requests.length;
    const error = await api
      .createMarkdownPage({ dataSourceId, idProperty: 'external_id', externalId: 'K-2', properties: props('K-2'), markdown: 'Hi.\n' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 409, code: 'conflict_error' });
    expect(trail(origin)).toEqual(['POST /v1/pages 409', 'POST /v1/pages 409']);
    expect(fake!.pagesByExternalId('K-2')).toHaveLength(0);
  });

  test('504 gateway_timeout after the create was applied: the page is looked up, not made twice', async () => {
    const { api, dataSourceId, props } = await setup({}, { notionVersion: V });
    fake!.setFaults({ errors: [{ method: 'POST', path: '/v1/pages', status: 504, code: 'gateway_timeout', apply: true }] });
    const origin = fake!.requests.length;
    const page = await api.createMarkdownPage({ dataSourceId, idProperty: 'external_id', externalId: 'G-1', properties: props('G-1'), markdown: 'Body.\n' });
    expect(fake!.pagesByExternalId('G-1').map((p) => p.id)).toEqual([page.id]);
    expect(trail(origin)).toEqual([
      'POST /v1/pages 504',
      'POST /v1/data_sources/<id>/query 200',
      'PATCH /v1/pages/<id> 200',
      'PATCH /v1/pages/<id>/markdown 200',
    ]);
    expect(fake!.pageMarkdown(page.id)).toBe('Body.\n');
  });

  test('403 restricted_resource is not retried', async () => {
    const { api, dataSourceId, props } = await setup({}, { notionVersion: V });
    const page = await api.createMarkdownPage({ dataSourceId, idProperty: 'external_id', externalId: 'R-1', properties: props('R-1'), markdown: 'One.\n' });
    fake!.setFaults({ errors: [{ path: '/markdown', status: 403, code: 'restricted_resource' }] });
    const origin = fake!.requests.length;
    await expect(api.replaceMarkdown(page.id, 'Two.\n')).rejects.toMatchObject({ status: 403, code: 'restricted_resource' });
    expect(trail(origin)).toEqual(['PATCH /v1/pages/<id>/markdown 403']);
  });

  test('child pages added in Notion are never deleted: no allow_deleting_content, and the block path refuses before deleting anything', async () => {
    const { api, dataSourceId, props } = await setup({ keepBodies: true }, { notionVersion: V });
    const page = await api.createMarkdownPage({
      dataSourceId,
      idProperty: 'external_id',
      externalId: 'P-1',
      properties: props('P-1'),
      markdown: 'One.\nTwo.\n',
    });
    fake!.addChildPage(page.id, 'Meeting notes');
    const before = fake!.pageMarkdown(page.id);
    expect(before).toMatch(/^One\.\nTwo\.\n<page url="https:\/\/www\.notion\.so\/[0-9a-f]{32}">Meeting notes<\/page>\n$/);
    const refused = await api.replaceMarkdown(page.id, 'Three.\n').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ChildContentError);
    expect(isRefusedContent(refused)).toBe(false);
    expect(isRefusedRequest(refused)).toBe(false);
    const origin = fake!.requests.length;
    const blocked = await api.replaceBody(page.id, markdownToBlocks('Three.')).catch((e: unknown) => e);
    expect(blocked).toMatchObject({ name: 'ChildContentError', titles: ['Meeting notes'] });
    expect(trail(origin)).toEqual(['GET /v1/blocks/<id>/children 200']);
    expect(fake!.pageMarkdown(page.id)).toBe(before);
    // An edit that leaves the child page alone goes through and keeps it.
    await api.editMarkdown(page.id, [{ old_str: 'One.', new_str: 'Uno.' }]);
    expect(fake!.pageMarkdown(page.id)).toBe(before.replace('One.', 'Uno.'));
    expect(fake!.requests.filter((r) => r.body?.includes('allow_deleting_content'))).toEqual([]);
  });

  test('a truncated read of a large page is completed from unknown_block_ids; one that cannot be is null', async () => {
    const { api, dataSourceId, props } = await setup({ markdownRecordLimit: 4 }, { notionVersion: V });
    const text = Array.from({ length: 7 }, (_, i) => `Paragraph ${i + 1}.`).join('\n') + '\n';
    const page = await api.createMarkdownPage({ dataSourceId, idProperty: 'external_id', externalId: 'T-1', properties: props('T-1'), markdown: text });
    let origin = fake!.requests.length;
    expect(await api.retrieveMarkdown(page.id)).toBe(text);
    expect(trail(origin)).toEqual(Array.from({ length: 4 }, () => 'GET /v1/pages/<id>/markdown 200'));
    fake!.setFaults({ errors: [{ method: 'GET', path: '/markdown', status: 404, code: 'object_not_found', skip: 1 }] });
    origin = fake!.requests.length;
    expect(await api.retrieveMarkdown(page.id)).toBeNull();
    expect(spliceUnknownBlocks('a\n<unknown url="https://www.notion.so/p#abc" alt="paragraph"/>\n', new Map([['abc', 'b\n']]))).toBe('a\nb\n');
    expect(spliceUnknownBlocks('a\n<unknown url="https://www.notion.so/p#abc" alt="paragraph"/>\n', new Map())).toBeNull();
  });
});

/**
 * The engine's per-note outcomes (ADR-0041), in-process: a store held in memory (its write-backs
 * applied to the texts, as the hosts do), the real adapter and the fake.
 */
describe('sync outcomes for limits and error codes', () => {
  const ids = ['RT-260511-01', 'RT-260511-02', 'RT-260511-03', 'RT-260511-04'];
  function memoryStore(texts: Map<string, string>) {
    const sent = new Map<string, SentMarkdown>();
    const load = (): LoadedNote[] =>
      [...texts].map(([file, text]) => {
        const note = parseNote(text);
        return { note, text, candidate: { file, kind: 'session', data: { ...note.data }, body: note.body, isStub: false } };
      });
    const run = async (options: { deadline?: () => number | null } = {}): Promise<AppliedSync> => {
      const api = createNotionApi({
        token: fake!.token,
        baseUrl: fake!.baseUrl,
        notionVersion: '2026-03-11',
        requestsPerSecond: 1000,
        ...(options.deadline ? { deadline: options.deadline } : {}),
        sleep: async () => undefined,
      });
      const target = { databaseId: fake!.databaseId, dataSourceId: null };
      const prepared = await prepareSync(
        { notes: load(), syncedVersions: async () => new Map(), sent: (pageId) => sent.get(pageId) ?? null },
        { dialect: 'v1', target },
      );
      return applySync(prepared, {
        api,
        target,
        propertyNames: {},
        now: () => new Date('2026-12-06T01:00:00Z'),
        redact: (t) => t,
        warn: () => undefined,
        sink: {
          note: async (item, values) => {
            texts.set(item.candidate.file, withSyncMetadata(parseNote(texts.get(item.candidate.file)!), values));
            return true;
          },
          sent: async (pageId, record) => {
            if (record) sent.set(pageId, record);
            else sent.delete(pageId);
          },
        },
      });
    };
    return { run, data: (file: string) => parseNote(texts.get(file)!).data };
  }
  const files = ids.map((id) => `docs/sessions/${id}.md`);

  test('a workspace limit the run cannot wait out stops it: the notes not sent stay pending with the reason, and the next run sends them, one page each', async () => {
    fake = await startFakeNotion({ workspaceLimit: { requests: 6, retryAfterSeconds: 300 }, otherTokens: ['ntn_other'] });
    const store = memoryStore(new Map(ids.map((id, i) => [files[i]!, sessionNote(id)])));
    const first = await store.run();
    // 6 requests: the database, its schema, canon's pages, then one create each for the first three notes.
    expect(first.results.map((r) => r.action)).toEqual(['create', 'create', 'create', 'skip']);
    expect(first.stopped).toMatch(/429 rate_limited: .*limit reached: workspace_rate_limit.*Retry-After 300 s; asked to wait 300 s, longer than a run waits/);
    expect(first.results[3]!.reason).toBe(syncMessages.rateLimitPending(first.stopped!));
    expect(first.transient.has(files[3]!)).toBe(true);
    expect(store.data(files[3]!)).toMatchObject({ sync_status: 'pending' });
    expect(store.data(files[3]!).sync_error).toBeUndefined();
    expect(store.data(files[0]!)).toMatchObject({ sync_status: 'synced' });
    fake.setLimits({ workspace: null });
    const second = await store.run();
    expect(second.stopped).toBeNull();
    expect(second.results.map((r) => r.action)).toEqual(['skip', 'skip', 'skip', 'create']);
    for (const id of ids) expect(fake.pagesByExternalId(id)).toHaveLength(1);
    for (const file of files) expect(store.data(file)).toMatchObject({ sync_status: 'synced' });
  });

  test('403, a second 409 and a page holding child pages: each note fails alone with a clear reason, is tried again next run, and no child page is deleted', async () => {
    fake = await startFakeNotion();
    const store = memoryStore(new Map(ids.slice(0, 3).map((id, i) => [files[i]!, sessionNote(id)])));
    await store.run();
    const pageOf = (i: number) => fake!.pagesByExternalId(ids[i]!)[0]!.id;
    fake.addChildPage(pageOf(2), 'Minutes');
    const texts = new Map(files.slice(0, 3).map((file, i) => [file, sessionNote(ids[i]!, {}, '## Summary\n\nSomething else shipped.\n')]));
    // Keep the write-backs (page ids, synced hashes): only the bodies change.
    const edited = memoryStore(
      new Map(
        [...texts].map(([file, text]) => {
          const before = store.data(file);
          return [
            file,
            withSyncMetadata(parseNote(text), { sync_status: before.sync_status, notion_page_id: before.notion_page_id, synced_hash: before.synced_hash }),
          ];
        }),
      ),
    );
    fake.setFaults({
      errors: [
        { path: `/v1/pages/${pageOf(0)}/markdown`, status: 403, code: 'restricted_resource' },
        { path: `/v1/pages/${pageOf(1)}/markdown`, status: 409, code: 'conflict_error', times: 2 },
      ],
    });
    const result = await edited.run();
    expect(result.results.map((r) => r.action)).toEqual(['error', 'error', 'error']);
    expect(result.results[0]!.reason).toMatch(/403 restricted_resource.*share the database/);
    expect(result.results[1]!.reason).toMatch(/409 conflict_error.*refused the change twice/);
    expect(result.results[2]!.reason).toBe(syncMessages.childContent(['Minutes']));
    expect([...result.transient].sort()).toEqual(files.slice(0, 3));
    expect(fake.pageMarkdown(pageOf(2))).toMatch(/<page url="[^"]+">Minutes<\/page>/);
    expect(fake.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
    // The 403 and 409 pass: the next run updates those two; the page with a child page waits for a person.
    const again = await edited.run();
    expect(again.results.map((r) => r.action)).toEqual(['update', 'update', 'error']);
    expect(fake.pageMarkdown(pageOf(0))).toContain('Something else shipped.');
  });
});

describe('TokenBucket', () => {
  test('lets a burst through, then paces to the rate', async () => {
    let now = 0;
    const waits: number[] = [];
    const bucket = new TokenBucket(
      3,
      3,
      () => now,
      async (ms) => {
        waits.push(ms);
        now += ms;
      },
    );
    for (let i = 0; i < 9; i++) await bucket.take();
    // 3 at once, then 6 more at 3/s: two seconds of waiting in all.
    expect(now).toBeGreaterThanOrEqual(1999);
    expect(now).toBeLessThanOrEqual(2010);
    bucket.drain();
    const before = now;
    await bucket.take();
    expect(now - before).toBeGreaterThanOrEqual(333);
  });
});

describe('the fake server holds clients to Notion rules', () => {
  const call = async (path: string, init: { method?: string; body?: unknown; version?: string | null } = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${fake!.token}`, 'content-type': 'application/json' };
    if (init.version !== null) headers['notion-version'] = init.version ?? '2025-09-03';
    const res = await fetch(`${fake!.baseUrl}${path}`, { method: init.method ?? 'GET', headers, ...(init.body ? { body: JSON.stringify(init.body) } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  test('Notion-Version, page_size, text length, nesting and language are checked with Notion error shapes', async () => {
    fake = await startFakeNotion();
    expect(await call(`/v1/databases/${fake.databaseId}`, { version: null })).toMatchObject({
      status: 400,
      body: { object: 'error', code: 'missing_version' },
    });
    const query = await call(`/v1/data_sources/${fake.dataSourceId}/query`, { method: 'POST', body: { page_size: 101 } });
    expect(query).toMatchObject({ status: 400, body: { code: 'validation_error' } });
    const page = await call('/v1/pages', { method: 'POST', body: { parent: { data_source_id: fake.dataSourceId }, properties: {} } });
    const id = page.body.id as string;
    const paragraph = (text: string, children?: unknown[]) => ({
      type: 'paragraph',
      paragraph: { rich_text: [{ type: 'text', text: { content: text } }], ...(children ? { children } : {}) },
    });
    const long = await call(`/v1/blocks/${id}/children`, { method: 'PATCH', body: { children: [paragraph('x'.repeat(2001))] } });
    expect(long.body.message).toBe(
      'body failed validation: body.children[0].paragraph.rich_text[0].text.content.length should be ≤ `2000`, instead was `2001`.',
    );
    const deep = await call(`/v1/blocks/${id}/children`, { method: 'PATCH', body: { children: [paragraph('a', [paragraph('b', [paragraph('c')])])] } });
    expect(deep).toMatchObject({ status: 400, body: { message: expect.stringContaining('children should be not present') } });
    const code = await call(`/v1/blocks/${id}/children`, {
      method: 'PATCH',
      body: { children: [{ type: 'code', code: { rich_text: [], language: 'klingon' } }] },
    });
    expect(code.status).toBe(400);
    const many = await call(`/v1/blocks/${id}/children`, { method: 'PATCH', body: { children: Array.from({ length: 101 }, () => paragraph('p')) } });
    expect(many.status).toBe(400);
  });

  test('block children paginate 100 at a time', async () => {
    fake = await startFakeNotion();
    const api = createNotionApi({ token: fake.token, baseUrl: fake.baseUrl, requestsPerSecond: 1000 });
    const dataSourceId = await api.resolveDataSource({ databaseId: fake.databaseId });
    const body = markdownToBlocks(Array.from({ length: 250 }, (_, i) => `${i + 1}. n${i}`).join('\n'));
    const page = await api.createPage({
      dataSourceId,
      idProperty: 'external_id',
      externalId: 'E-1',
      properties: { external_id: { rich_text: [{ type: 'text', text: { content: 'E-1', link: null } }] } },
      body,
    });
    const first = await call(`/v1/blocks/${page.id}/children`);
    expect(first.body).toMatchObject({ object: 'list', has_more: true });
    expect((first.body.results as unknown[]).length).toBe(100);
    const before = fake.requests.length;
    await api.replaceBody(page.id, markdownToBlocks('only this'));
    expect(fake.requests.slice(before).filter((r) => r.method === 'GET')).toHaveLength(3);
    expect(fake.pageText(page.id)).toBe('only this');
  });
});
