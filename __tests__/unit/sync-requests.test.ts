import { describe, expect, test } from '@jest/globals';
import { renderNotionMarkdown } from '../../tools/sync/notion-markdown.js';
import { planMarkdownEdits, planNoteRequests } from '../../tools/sync/sync-requests.js';

const md = (body: string) => renderNotionMarkdown(body, { dialect: 'v1' }).markdown;
const data = { title: 'T', operator: 'roman', summary: 'S', kind: 'session', external_id: 'RT-260511-01', date: '2026-05-11', tags: ['a'] };
const long = Array.from({ length: 300 }, (_, i) => `Line ${i} says something.`).join('\n\n');

describe('planMarkdownEdits', () => {
  test('a one-word change is one small, unique, exact edit', () => {
    const before = md(long);
    const after = md(long.replace('Line 150 says', 'Line 150 shouts'));
    const edits = planMarkdownEdits(before, after)!;
    expect(edits).toEqual([{ old_str: '150 says something', new_str: '150 shouts something' }]);
    expect(before.replace(edits[0]!.old_str, edits[0]!.new_str)).toBe(after);
  });

  test("planned against Notion's own text: the edit must occur once there too; where Notion's text differs at the change, replace (null)", () => {
    const table = '| k | v |\n| - | - |\n| 1 | one |\n';
    const before = renderNotionMarkdown(`Intro words here.\n\n${table}\n- a\n- b\n`, { dialect: 'v2' }).markdown;
    const after = renderNotionMarkdown(`Intro words there.\n\n${table}\n- a\n- b\n`, { dialect: 'v2' }).markdown;
    // Notion answers the table with both header attributes and the list tight.
    const page = before.replace('<table header-row="true">', '<table header-row="true" header-column="false">').replace('- a\n\n- b', '- a\n- b');
    expect(page).not.toBe(before);
    const edits = planMarkdownEdits(before, after, page)!;
    expect(edits).toEqual([{ old_str: 'here', new_str: 'there' }]);
    expect(page.replace(edits[0]!.old_str, edits[0]!.new_str)).toBe(
      after.replace('<table header-row="true">', '<table header-row="true" header-column="false">').replace('- a\n\n- b', '- a\n- b'),
    );
    // A change inside what Notion re-spaced: no old_str can be found in Notion's text.
    const listEdit = renderNotionMarkdown(`Intro words here.\n\n${table}\n- a\n- c\n- b\n`, { dialect: 'v2' }).markdown;
    const inserted = planMarkdownEdits(before, listEdit, page);
    if (inserted) expect(page.split(inserted[0]!.old_str)).toHaveLength(2);
    // A word that is once in canon's text but twice in Notion's: widened until unique in both.
    const text = 'one two three four five six seven eight\n';
    const twice = planMarkdownEdits(text, text.replace('two', 'TWO'), `${text}\ntwo\n`);
    expect(twice).toEqual([{ old_str: 'one two three', new_str: 'one TWO three' }]);
    expect(planMarkdownEdits('a b c d e f\n', 'a b X d e f\n', 'a b C d e f\n')).toBeNull();
  });

  test('a changed line that occurs twice is widened with context until it is unique', () => {
    const before = 'a\nsame\nb\nsame\nc\nd\ne\nf\n';
    const after = 'a\nsame\nb\nother\nc\nd\ne\nf\n';
    const edits = planMarkdownEdits(before, after)!;
    expect(before.split(edits[0]!.old_str)).toHaveLength(2);
    expect(before.replace(edits[0]!.old_str, edits[0]!.new_str)).toBe(after);
  });

  test('an edit as big as the new text is not worth it: replace instead (null); no change: no edits', () => {
    expect(planMarkdownEdits('a\n', 'b\n')).toBeNull();
    expect(planMarkdownEdits('', 'b\n')).toBeNull();
    expect(planMarkdownEdits('x\n', 'x\n')).toEqual([]);
  });
});

describe('planNoteRequests', () => {
  const base = { kind: 'session' as const, externalId: 'RT-260511-01' };
  test('create: 1 request with the markdown body', () => {
    const plan = planNoteRequests({ ...base, mode: 'create', current: { data, body: long }, currentMarkdown: md(long), previous: null });
    expect(plan).toMatchObject({ create: 'markdown', requests: 1 });
  });

  test('body changed: 1 update_content; property changed: 1 PATCH naming it; both: 2; neither: 0', () => {
    const previous = { version: { data, body: long }, markdown: md(long) };
    const edited = long.replace('Line 7 says', 'Line 7 said');
    const body = planNoteRequests({ ...base, mode: 'update', current: { data, body: edited }, currentMarkdown: md(edited), previous });
    expect(body).toMatchObject({ properties: null, body: { kind: 'edit' }, requests: 1 });
    const tagged = { ...data, tags: ['a', 'b'] };
    const property = planNoteRequests({ ...base, mode: 'update', current: { data: tagged, body: long }, currentMarkdown: md(long), previous });
    expect(property).toMatchObject({ properties: ['tags'], body: { kind: 'none' }, requests: 1 });
    const both = planNoteRequests({ ...base, mode: 'update', current: { data: tagged, body: edited }, currentMarkdown: md(edited), previous });
    expect(both.requests).toBe(2);
    const neither = planNoteRequests({
      ...base,
      mode: 'update',
      current: { data: { ...data, unknown_key: 1 }, body: long },
      currentMarkdown: md(long),
      previous,
    });
    expect(neither.requests).toBe(0);
  });

  test('unknown previous state: every property and one replace_content', () => {
    const plan = planNoteRequests({ ...base, mode: 'update', current: { data, body: long }, currentMarkdown: md(long), previous: null });
    expect(plan).toMatchObject({ properties: 'all', body: { kind: 'replace' }, requests: 2 });
  });

  test('a body too large for the markdown endpoints goes on the block path, and says why', () => {
    const huge = 'word '.repeat(100_000);
    const plan = planNoteRequests({ ...base, mode: 'create', current: { data, body: huge }, currentMarkdown: md(huge), previous: null });
    expect(plan.create).toBe('blocks');
    expect(plan.summary).toMatch(/block path: .*KB in a request body; a request takes at most 456 KB of it \(500 KB overall\)/);
  });

  test('the size is measured on the wire: markdown whose JSON escapes double it goes on the block path; 1000 blocks is the other limit', () => {
    // 300 KB of text, but every quote and backslash is two bytes in the JSON body: 600 KB on the wire.
    const escaped = `${'"\\'.repeat(50_000)}\n`.repeat(3);
    expect(new TextEncoder().encode(escaped).length).toBeLessThan(400_000);
    const wire = planNoteRequests({ ...base, mode: 'create', current: { data, body: escaped }, currentMarkdown: escaped, previous: null });
    expect(wire.create).toBe('blocks');
    expect(wire.summary).toMatch(/its markdown is \d+ KB in a request body/);
    // The same bytes without escapes fit in one request.
    const plain = `${'ab'.repeat(50_000)}\n`.repeat(3);
    expect(planNoteRequests({ ...base, mode: 'create', current: { data, body: plain }, currentMarkdown: plain, previous: null }).create).toBe('markdown');
    // 1001 list items: small, but past the block limit; 1000 fit.
    const items = (n: number) => Array.from({ length: n }, (_, i) => `- ${i}`).join('\n');
    const many = planNoteRequests({ ...base, mode: 'update', current: { data, body: items(1001) }, currentMarkdown: items(1001), previous: null });
    expect(many.body).toEqual({ kind: 'blocks', reason: 'it holds 1001 blocks; a request takes at most 1000' });
    expect(planNoteRequests({ ...base, mode: 'create', current: { data, body: items(1000) }, currentMarkdown: items(1000), previous: null }).create).toBe(
      'markdown',
    );
  });
});
