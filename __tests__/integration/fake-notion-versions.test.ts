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

  test('the markdown dialect follows the version; replace_content_range is refused on 2026-12-01; the markdown endpoints need 2026-03-11', async () => {
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
