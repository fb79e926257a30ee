import { afterEach, describe, expect, test } from '@jest/globals';
import { startFakeNotion, type FakeNotion } from '../helpers/fake-notion.js';

// The fake must model what differs between the Notion-Versions canon supports, or the sync suite
// run against both would prove nothing (ADR-0012).
let fake: FakeNotion | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function call(f: FakeNotion, version: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${f.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${f.token}`, 'notion-version': version, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

const properties = { Name: { title: [{ text: { content: 'A note' } }] }, external_id: { rich_text: [{ text: { content: 'RT-260511-01' } }] } };

describe('fake Notion: the differences between versions', () => {
  test('2026-12-01 lists only the title unless filter_properties names more; 2026-03-11 lists all', async () => {
    fake = await startFakeNotion();
    await call(fake, '2026-03-11', 'POST', '/v1/pages', { parent: { data_source_id: fake.dataSourceId }, properties, markdown: 'Hi.\n' });
    const query = `/v1/data_sources/${fake.dataSourceId}/query`;
    const old = await call(fake, '2026-03-11', 'POST', query, {});
    expect(Object.keys(old.json.results[0].properties)).toContain('external_id');
    const bare = await call(fake, '2026-12-01', 'POST', query, {});
    expect(Object.keys(bare.json.results[0].properties)).toEqual(['Name']);
    const named = await call(fake, '2026-12-01', 'POST', `${query}?filter_properties=external_id`, {});
    expect(Object.keys(named.json.results[0].properties).sort()).toEqual(['Name', 'external_id']);
  });

  test('2026-03-11 renamed `archived` to `in_trash`: answers carry only in_trash from then on, `archived` is refused, and an edit in the trash says so', async () => {
    fake = await startFakeNotion();
    const id = (await call(fake, '2026-03-11', 'POST', '/v1/pages', { parent: { data_source_id: fake.dataSourceId }, properties, markdown: 'Hi.\n' })).json.id;
    const old = await call(fake, '2025-09-03', 'GET', `/v1/pages/${id}`);
    expect(old.json).toMatchObject({ archived: false, in_trash: false });
    const renamed = await call(fake, '2026-03-11', 'GET', `/v1/pages/${id}`);
    expect(renamed.json.in_trash).toBe(false);
    expect('archived' in renamed.json).toBe(false);
    expect((await call(fake, '2026-03-11', 'PATCH', `/v1/pages/${id}`, { archived: true })).status).toBe(400);
    expect((await call(fake, '2026-03-11', 'PATCH', `/v1/pages/${id}`, { in_trash: true })).json.in_trash).toBe(true);
    const edit = await call(fake, '2026-03-11', 'PATCH', `/v1/pages/${id}`, { properties });
    expect(edit).toMatchObject({ status: 400, json: { code: 'validation_error', message: expect.stringMatching(/in the trash/) } });
    expect((await call(fake, '2025-09-03', 'PATCH', `/v1/pages/${id}`, { properties })).json.message).toMatch(/archived/);
  });

  test("without markdown_version the dialect is the version's default; replace_content_range is refused on 2026-12-01; the markdown endpoints need 2026-03-11", async () => {
    fake = await startFakeNotion();
    const created = await call(fake, '2026-03-11', 'POST', '/v1/pages', {
      parent: { data_source_id: fake.dataSourceId },
      properties,
      markdown: 'One.\n> Quote\n\tChild.\n',
    });
    const id = created.json.id;
    expect((await call(fake, '2026-03-11', 'GET', `/v1/pages/${id}/markdown`)).json.markdown).toBe('One.\n> Quote\n\tChild.\n');
    expect((await call(fake, '2026-12-01', 'GET', `/v1/pages/${id}/markdown`)).json.markdown).toBe('One.\n\n<quote>\nQuote\n\nChild.\n</quote>\n');
    const range = { type: 'replace_content_range', replace_content_range: { content: 'x', content_range: 'One...' } };
    const refused = await call(fake, '2026-12-01', 'PATCH', `/v1/pages/${id}/markdown`, range);
    expect(refused.status).toBe(400);
    expect(refused.json.message).toMatch(/replace_content_range is not supported in Notion-Version 2026-12-01/);
    expect((await call(fake, '2025-09-03', 'GET', `/v1/pages/${id}/markdown`)).status).toBe(400);
  });

  test('markdown_version: accepted by 2026-03-11 (v1 or v2, default v1), only "v2" by 2026-12-01; a body parameter, a query parameter on GET, never without markdown', async () => {
    fake = await startFakeNotion();
    const parent = { data_source_id: fake.dataSourceId };
    const v2Text = 'One.\n\n- a\n\n- b\n\n| x |\n\n<toggle>\nMore\n\nInside.\n</toggle>\n';
    const created = await call(fake, '2026-03-11', 'POST', '/v1/pages', { parent, properties, markdown: v2Text, markdown_version: 'v2' });
    expect(created.status).toBe(200);
    const id = created.json.id;
    expect(fake.blockTree(id).map((b) => b.type)).toEqual(['paragraph', 'bulleted_list_item', 'bulleted_list_item', 'paragraph', 'toggle']);
    // Read back normalised: the list tight; v1 (the default of 2026-03-11) writes the toggle as <details>.
    const asV2 = await call(fake, '2026-03-11', 'GET', `/v1/pages/${id}/markdown?markdown_version=v2`);
    expect(asV2.json.markdown).toBe('One.\n\n- a\n- b\n\n\\| x \\|\n\n<toggle>\nMore\n\nInside.\n</toggle>\n');
    const asV1 = await call(fake, '2026-03-11', 'GET', `/v1/pages/${id}/markdown`);
    expect(asV1.json.markdown).toBe('One.\n- a\n- b\n\\| x \\|\n<details>\n<summary>More</summary>\n\tInside.\n</details>\n');
    // The same text read as v1 (no markdown_version on 2026-03-11) is other blocks: one per line, the tags as text.
    const asDefault = await call(fake, '2026-03-11', 'POST', '/v1/pages', { parent, properties, markdown: v2Text });
    expect(fake.blockTree(asDefault.json.id).map((b) => b.type)).not.toEqual(fake.blockTree(id).map((b) => b.type));
    // 2026-12-01 refuses v1 wherever markdown_version goes, and takes v2.
    const refusedCreate = await call(fake, '2026-12-01', 'POST', '/v1/pages', { parent, properties, markdown: 'Hi.\n', markdown_version: 'v1' });
    expect(refusedCreate).toMatchObject({
      status: 400,
      json: { code: 'validation_error', message: expect.stringMatching(/markdown_version "v1" is not supported/) },
    });
    const replace = { type: 'replace_content', replace_content: { new_str: 'Hi.\n' } };
    expect((await call(fake, '2026-12-01', 'PATCH', `/v1/pages/${id}/markdown`, { ...replace, markdown_version: 'v1' })).status).toBe(400);
    expect((await call(fake, '2026-12-01', 'GET', `/v1/pages/${id}/markdown?markdown_version=v1`)).status).toBe(400);
    expect((await call(fake, '2026-12-01', 'GET', `/v1/pages/${id}/markdown?markdown_version=v2`)).json.markdown).toBe(asV2.json.markdown);
    expect((await call(fake, '2026-03-11', 'GET', `/v1/pages/${id}/markdown?markdown_version=v3`)).status).toBe(400);
    // Only with markdown: with children it is a validation error.
    const withChildren = await call(fake, '2026-03-11', 'POST', '/v1/pages', { parent, properties, children: [], markdown_version: 'v2' });
    expect(withChildren).toMatchObject({ status: 400, json: { message: expect.stringMatching(/only be sent with markdown/) } });
    // A PATCH answers with the page's markdown as Notion renders it (normalised), in the request's dialect.
    const patched = await call(fake, '2026-12-01', 'PATCH', `/v1/pages/${id}/markdown`, {
      type: 'replace_content',
      replace_content: { new_str: '| a |\n\n<table header-row="true">\n<tr>\n<td>k</td>\n</tr>\n</table>\n' },
      markdown_version: 'v2',
    });
    expect(patched.json).toMatchObject({
      object: 'page_markdown',
      markdown: '\\| a \\|\n\n<table header-row="true" header-column="false">\n<tr>\n<td>k</td>\n</tr>\n</table>\n',
    });
  });

  test('update_content is all or nothing: one edit that does not match leaves the page as it was', async () => {
    fake = await startFakeNotion();
    const created = await call(fake, '2026-03-11', 'POST', '/v1/pages', {
      parent: { data_source_id: fake.dataSourceId },
      properties,
      markdown: 'One.\nTwo.\n',
    });
    const id = created.json.id;
    const edits = {
      type: 'update_content',
      update_content: {
        content_updates: [
          { old_str: 'One.', new_str: 'Uno.' },
          { old_str: 'Three.', new_str: 'Tres.' },
        ],
      },
    };
    expect((await call(fake, '2026-03-11', 'PATCH', `/v1/pages/${id}/markdown`, edits)).status).toBe(400);
    expect(fake.pageMarkdown(id)).toBe('One.\nTwo.\n');
  });
});

describe.each(['2025-09-03', '2026-03-11', '2026-12-01'])('fake Notion, Notion-Version %s: the request limits and error codes of ADR-0041', (version) => {
  const get = (f: FakeNotion, token: string) =>
    fetch(`${f.baseUrl}/v1/data_sources/${f.dataSourceId}`, { headers: { authorization: `Bearer ${token}`, 'notion-version': version } });

  test("a connection's budget per window: 429 rate_limited, Retry-After until the window resets (≤ 60 s), the limit named in additional_data", async () => {
    fake = await startFakeNotion({ connectionLimit: { requests: 2 }, otherTokens: ['ntn_other'] });
    expect((await get(fake, fake.token)).status).toBe(200);
    expect((await get(fake, fake.token)).status).toBe(200);
    const limited = await get(fake, fake.token);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await limited.json()).toMatchObject({
      object: 'error',
      status: 429,
      code: 'rate_limited',
      additional_data: { rate_limit_reason: 'connection_rate_limit' },
    });
    // Another connection of the workspace has its own budget.
    expect((await get(fake, 'ntn_other')).status).toBe(200);
  });

  test("the workspace's budget is shared by its connections, and its Retry-After can pass a minute", async () => {
    fake = await startFakeNotion({ workspaceLimit: { requests: 2, retryAfterSeconds: 90 }, otherTokens: ['ntn_other'] });
    expect((await get(fake, 'ntn_other')).status).toBe(200);
    expect((await get(fake, 'ntn_other')).status).toBe(200);
    const limited = await get(fake, fake.token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('90');
    expect(((await limited.json()) as { additional_data?: unknown }).additional_data).toEqual({ rate_limit_reason: 'workspace_rate_limit' });
  });

  test('scripted errors answer with Notion codes and messages; a 504 can come after the write was applied', async () => {
    fake = await startFakeNotion();
    fake.setFaults({
      errors: [
        { method: 'GET', path: '/v1/data_sources', status: 403, code: 'restricted_resource' },
        { method: 'GET', path: '/v1/data_sources', status: 409, code: 'conflict_error' },
        { method: 'POST', path: '/v1/pages', status: 504, code: 'gateway_timeout', apply: true },
      ],
    });
    expect(await (await get(fake, fake.token)).json()).toMatchObject({
      status: 403,
      code: 'restricted_resource',
      message: 'API token does not have access to this resource.',
    });
    expect(await (await get(fake, fake.token)).json()).toMatchObject({ status: 409, code: 'conflict_error' });
    expect((await get(fake, fake.token)).status).toBe(200);
    const created = await call(fake, version, 'POST', '/v1/pages', { parent: { data_source_id: fake.dataSourceId }, properties });
    expect(created).toMatchObject({ status: 504, json: { code: 'gateway_timeout' } });
    expect(fake.pagesByExternalId('RT-260511-01')).toHaveLength(1);
  });
});

describe.each(['2026-03-11', '2026-12-01'])('fake Notion, Notion-Version %s: child pages and large pages in page markdown', (version) => {
  test('a child page is a <page> tag; an update that drops it is refused without allow_deleting_content, keeps it when the tag stays, deletes it with the flag', async () => {
    fake = await startFakeNotion();
    const id = (await call(fake, version, 'POST', '/v1/pages', { parent: { data_source_id: fake.dataSourceId }, properties, markdown: 'One.\n' })).json.id;
    const child = fake.addChildPage(id, 'Minutes');
    const tag = `<page url="https://www.notion.so/${child.replaceAll('-', '')}">Minutes</page>`;
    const sep = version >= '2026-12-01' ? '\n\n' : '\n';
    const read = await call(fake, version, 'GET', `/v1/pages/${id}/markdown`);
    expect(read.json.markdown).toBe(`One.${sep}${tag}\n`);
    const replace = (new_str: string, allow?: boolean) =>
      call(fake!, version, 'PATCH', `/v1/pages/${id}/markdown`, {
        type: 'replace_content',
        replace_content: { new_str, ...(allow ? { allow_deleting_content: true } : {}) },
      });
    const refused = await replace('Two.\n');
    expect(refused).toMatchObject({ status: 400, json: { code: 'validation_error', message: expect.stringMatching(/allow_deleting_content/) } });
    expect(fake.pageMarkdown(id, version >= '2026-12-01' ? 'v2' : 'v1')).toBe(`One.${sep}${tag}\n`);
    expect((await replace(`${tag}${sep}Two.\n`)).status).toBe(200);
    expect(fake.pageMarkdown(id, version >= '2026-12-01' ? 'v2' : 'v1')).toBe(`${tag}${sep}Two.\n`);
    expect((await replace('Three.\n', true)).status).toBe(200);
    expect(fake.pageMarkdown(id, version >= '2026-12-01' ? 'v2' : 'v1')).toBe('Three.\n');
  });

  test('past the record limit a read is truncated: <unknown> tags, their ids listed, each answered by GET /v1/pages/{block id}/markdown', async () => {
    fake = await startFakeNotion({ markdownRecordLimit: 2 });
    const id = (await call(fake, version, 'POST', '/v1/pages', { parent: { data_source_id: fake.dataSourceId }, properties, markdown: 'A.\n\nB.\n\nC.\n' }))
      .json.id;
    const read = await call(fake, version, 'GET', `/v1/pages/${id}/markdown`);
    expect(read.json).toMatchObject({ truncated: true, unknown_block_ids: [expect.any(String)] });
    const [unknown] = read.json.unknown_block_ids as string[];
    expect(read.json.markdown).toContain(`<unknown url="https://www.notion.so/${id.replaceAll('-', '')}#${unknown!.replaceAll('-', '')}" alt="paragraph"/>`);
    expect((await call(fake, version, 'GET', `/v1/pages/${unknown}/markdown`)).json).toMatchObject({
      markdown: 'C.\n',
      truncated: false,
      unknown_block_ids: [],
    });
  });
});
