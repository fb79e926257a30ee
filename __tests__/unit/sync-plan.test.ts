import { describe, expect, test } from '@jest/globals';
import { computeContentHash } from '../../tools/core/content-hash.js';
import { buildProperties, matchSchema } from '../../tools/sync/notion-properties.js';
import { countActions, isNotionId, planSync, type SyncCandidate } from '../../tools/sync/sync-plan.js';

const PAGE = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const body = '## Summary\n\nDone.\n';
const data = { title: 'T', operator: 'roman', kind: 'session', external_id: 'RT-260511-01', date: '2026-05-11' };
const hash = computeContentHash(data, body);
const note = (extra: Record<string, unknown> = {}, more: Partial<SyncCandidate> = {}): SyncCandidate => ({
  file: 'docs/sessions/RT-260511-01.md',
  kind: 'session',
  data: { ...data, ...extra },
  body,
  ...more,
});
const plan = (c: SyncCandidate) => planSync([c])[0]!;

describe('planSync', () => {
  test('a new note is created', () => {
    expect(plan(note())).toMatchObject({ action: 'create', external_id: 'RT-260511-01', content_hash: hash, notion_page_id: null });
  });
  test('an unchanged synced note is skipped', () => {
    expect(plan(note({ notion_page_id: PAGE, sync_status: 'synced', synced_hash: hash }))).toMatchObject({ action: 'skip', notion_page_id: PAGE });
  });
  test('a changed note is updated; a stale content_hash stamp does not matter', () => {
    const p = plan(note({ notion_page_id: PAGE, sync_status: 'synced', synced_hash: 'sha256:' + '0'.repeat(64), content_hash: 'sha256:' + '0'.repeat(64) }));
    expect(p).toMatchObject({ action: 'update', reason: 'content changed since the last sync', content_hash: hash });
  });
  test('a note whose last sync failed is retried even when hashes match', () => {
    expect(plan(note({ notion_page_id: PAGE, sync_status: 'error', synced_hash: hash })).action).toBe('update');
  });
  test('pending-reconcile is not a page id: create, after the lookup by external_id', () => {
    const p = plan(note({ notion_page_id: 'pending-reconcile' }));
    expect(p.action).toBe('create');
    expect(p.reason).toMatch(/pending-reconcile/);
  });
  test('local-only notes and claim stubs are never synced', () => {
    expect(plan(note({ sync_status: 'local-only' })).action).toBe('skip');
    expect(plan(note({}, { isStub: true })).action).toBe('skip');
  });
  test('unreadable notes, notes without external_id and notes holding a secret are errors', () => {
    expect(plan({ file: 'docs/sessions/x.md', kind: 'session', problem: 'x.md:2:1: invalid YAML' })).toMatchObject({
      action: 'error',
      reason: 'x.md:2:1: invalid YAML',
    });
    expect(plan(note({ external_id: undefined })).action).toBe('error');
    expect(plan(note({}, { secrets: ['x.md:4: holds a secret (ghp_********, github)'] }))).toMatchObject({
      action: 'error',
      reason: expect.stringMatching(/^not sent: .*ghp_\*/),
    });
  });
  test('counts', () => {
    expect(countActions([{ action: 'create' }, { action: 'skip' }, { action: 'skip' }])).toEqual({ create: 1, update: 0, skip: 2, error: 0 });
    expect(isNotionId(PAGE.replace(/-/g, ''))).toBe(true);
    expect(isNotionId('pending-reconcile')).toBe(false);
  });
});

describe('Notion properties', () => {
  const schema = {
    Title: { type: 'title' },
    external_id: { type: 'rich_text' },
    kind: { type: 'select' },
    operator: { type: 'select' },
    status: { type: 'select' },
    tags: { type: 'multi_select' },
    date: { type: 'date' },
    summary: { type: 'rich_text' },
    content_hash: { type: 'rich_text' },
  };
  test('the title property is found by its type, whatever its name', () => {
    const { map, problems } = matchSchema(schema, {});
    expect(problems).toEqual([]);
    expect(map.title).toBe('Title');
  });
  test('a missing external_id is fatal; a missing or mistyped optional property is not', () => {
    const { external_id: _, tags: __, ...rest } = schema;
    const { problems } = matchSchema({ ...rest, status: { type: 'rich_text' } }, {});
    expect(problems).toEqual([
      { property: 'external_id', logical: 'external_id', expected: 'rich_text', actual: null, fatal: true },
      { property: 'status', logical: 'status', expected: 'select', actual: 'rich_text', fatal: false },
      { property: 'tags', logical: 'tags', expected: 'multi_select', actual: null, fatal: false },
    ]);
  });
  test('renamed properties are honoured', () => {
    const { map } = matchSchema({ ...schema, 'External ID': { type: 'rich_text' } }, { external_id: 'External ID' });
    expect(map.properties.external_id).toBe('External ID');
  });
  test('values: operator from owner for workstreams, no commas in options, long summary cut', () => {
    const { map } = matchSchema(schema, {});
    const props = buildProperties(
      {
        kind: 'workstream',
        externalId: 'WS-x',
        contentHash: hash,
        data: { title: 'X', owner: 'sergei', status: 'active', tags: ['a', 'a', 'b,c'], started: '2026-01-02', summary: 's'.repeat(5000) },
      },
      map,
    );
    expect(props.operator).toEqual({ select: { name: 'sergei' } });
    expect(props.tags).toEqual({ multi_select: [{ name: 'a' }, { name: 'b c' }] });
    expect(props.date).toEqual({ date: { start: '2026-01-02' } });
    const summary = (props.summary as { rich_text: { text: { content: string } }[] }).rich_text;
    expect(summary).toHaveLength(1);
    expect(summary[0]!.text.content).toHaveLength(2000);
    expect(props.Title).toEqual({ title: [{ type: 'text', text: { content: 'X', link: null } }] });
  });
});
