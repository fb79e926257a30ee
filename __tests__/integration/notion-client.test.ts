import { afterEach, describe, expect, test } from '@jest/globals';
import { markdownToBlocks } from '../../tools/core/notion-blocks.js';
import { buildProperties, matchSchema } from '../../tools/core/notion-properties.js';
import { createNotionApi, isRefusedContent, isRefusedRequest, TokenBucket, type NotionApi } from '../../tools/sync-core/notion.js';
import { startFakeNotion, type FakeNotion, type FakeNotionOptions } from '../helpers/fake-notion.js';

let fake: FakeNotion | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** The real @notionhq/client against the fake server; sleeps are recorded, not waited. */
async function setup(
  options: FakeNotionOptions = {},
): Promise<{ api: NotionApi; sleeps: number[]; dataSourceId: string; props: (id: string) => Record<string, unknown> }> {
  fake = await startFakeNotion(options);
  const sleeps: number[] = [];
  const api = createNotionApi({
    token: fake.token,
    baseUrl: fake.baseUrl,
    requestsPerSecond: 1000,
    sleep: async (ms) => {
      sleeps.push(ms);
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
    await expect(slow.api.updateProperties('00000000-0000-4000-8000-000000000001', {})).rejects.toMatchObject({ status: 529, code: 'service_overload' });
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
