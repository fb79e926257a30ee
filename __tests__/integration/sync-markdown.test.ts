import { afterEach, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeContentHash } from '../../tools/core/content-hash.js';
import { parseNote, type Note } from '../../tools/core/frontmatter.js';
import { markdownDialect, markdownVersionParam } from '../../tools/sync/notion-markdown.js';
import { applySync, prepareSync, type LoadedNote, type SentMarkdown } from '../../tools/sync/engine.js';
import { createNotionApi } from '../../tools/sync/notion.js';
import { startFakeNotion, type FakeNotion } from '../helpers/fake-notion.js';
import { sessionNote } from '../helpers/notes.js';

// canon's sync engine and Notion adapter, in process, against the fake Notion of each version
// (ADR-0036): what the fake STORES (its block tree) for a note holding every construct, and what an
// edit costs once Notion answers a page's markdown normalised (tables gain attributes, v2 lists are
// re-spaced) rather than as canon sent it.

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = readFileSync(path.join(here, '../fixtures/notion/all-constructs.md'), 'utf8');

type Version = '2026-03-11' | '2026-12-01';

let fake: FakeNotion | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A store of committed notes, with the write-backs and the sent-markdown record a host keeps. */
class Store {
  files = new Map<string, string>();
  meta = new Map<string, Record<string, unknown>>();
  versions = new Map<string, Note>();
  sent = new Map<string, SentMarkdown>();
}

async function sync(store: Store, f: FakeNotion, version: Version) {
  const notes: LoadedNote[] = [...store.files].map(([file, text]) => {
    const note = parseNote(text);
    store.versions.set(computeContentHash(note.data, note.body), note);
    const data: Record<string, unknown> = { ...note.data, ...store.meta.get(file) };
    for (const [key, value] of Object.entries(data)) if (value === undefined) delete data[key];
    return { note, text, candidate: { file, kind: 'session' as const, data, body: note.body } };
  });
  const target = { databaseId: f.databaseId, dataSourceId: null };
  const prepared = await prepareSync(
    {
      notes,
      syncedVersions: async (wanted) => new Map(wanted.flatMap((w) => (store.versions.has(w.hash) ? [[w.file, store.versions.get(w.hash)!] as const] : []))),
      sent: (pageId) => store.sent.get(pageId) ?? null,
    },
    { dialect: markdownDialect(version), target },
  );
  const markdownVersion = markdownVersionParam(version);
  const api = createNotionApi({
    token: f.token,
    baseUrl: f.baseUrl,
    notionVersion: version,
    ...(markdownVersion ? { markdownVersion } : {}),
    requestsPerSecond: 1000,
    burst: 1000,
  });
  const before = f.requests.length;
  const applied = await applySync(prepared, {
    api,
    target,
    propertyNames: {},
    sink: {
      note: async (item, values) => {
        store.meta.set(item.candidate.file, { ...store.meta.get(item.candidate.file), ...values });
        return true;
      },
      sent: async (pageId, record) => {
        if (record) store.sent.set(pageId, record);
        else store.sent.delete(pageId);
      },
    },
    now: () => new Date('2026-12-06T01:00:00Z'),
    redact: (text) => text,
    warn: () => undefined,
  });
  const requests = f.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, 'ID')} ${r.status}`);
  return { applied, requests };
}

const plain = (rich: { plain_text?: string }[] | undefined) => (rich ?? []).map((t) => t.plain_text ?? '').join('');

describe.each(['2026-03-11', '2026-12-01'] as const)('sync speaks Notion-flavored Markdown v2 to Notion-Version %s', (version) => {
  test('every construct of the fixture note is stored as its Notion block, nothing degraded to escaped text', async () => {
    fake = await startFakeNotion({ keepBodies: true });
    const store = new Store();
    store.files.set('docs/sessions/RT-260511-42.md', FIXTURE);
    const { applied, requests } = await sync(store, fake, version);
    expect(applied.counts).toMatchObject({ create: 1, error: 0 });
    expect(requests.filter((r) => r.startsWith('POST /v1/pages '))).toEqual(['POST /v1/pages 200']);
    const create = fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/pages')!;
    expect(JSON.parse(create.body!)).toMatchObject({ markdown_version: 'v2' });

    const page = fake.pagesByExternalId('RT-260511-42')[0]!;
    const tree = fake.blockTree(page.id);
    const of = (type: string) => tree.filter((b) => b.type === type);
    // Text with inline styles, a link and an inline equation; prices stay text.
    const intro = tree.find((b) => b.type === 'paragraph' && plain(b.data.rich_text).startsWith('Shipped'))!;
    const items = intro.data.rich_text as {
      type: string;
      equation?: { expression: string };
      annotations: Record<string, unknown>;
      plain_text: string;
      href: string | null;
    }[];
    expect(items.find((t) => t.type === 'equation')!.equation!.expression).toBe('E = mc^2');
    expect(items.find((t) => t.annotations.bold)!.plain_text).toBe('bold');
    expect(items.find((t) => t.href)!.href).toBe('https://example.com/a?b=c');
    expect(plain(intro.data.rich_text)).toContain('prices stay $5 and $10.');
    expect(of('heading_4').map((b) => plain(b.data.rich_text))).toEqual(['A fifth-level heading']);
    // Equation blocks: $$ … $$ and ```math.
    expect(of('equation').map((b) => b.data.expression)).toEqual(['a^2 + b^2 = c^2', '\\int_0^1 x\\,dx = \\frac{1}{2}']);
    // The <details> toggle, its children inside it.
    const toggle = of('toggle')[0]!;
    expect(plain(toggle.data.rich_text)).toBe('More detail');
    expect(toggle.children.map((c) => c.type)).toEqual(['paragraph', 'bulleted_list_item', 'bulleted_list_item']);
    // Callouts from GitHub alerts (and Obsidian's spelling), colour and icon kept, children nested.
    const callouts = of('callout');
    expect(callouts.map((b) => [b.data.icon.emoji, b.data.color, plain(b.data.rich_text)])).toEqual([
      ['ℹ️', 'blue_bg', 'A note callout.'],
      ['⚠️', 'yellow_bg', 'Mind the gap.'],
      ['💡', 'green_bg', 'Obsidian spells it this way and Notion shows it as a callout too.'],
    ]);
    expect(callouts[1]!.children.map((c) => [c.type, plain(c.data.rich_text)])).toEqual([
      ['bulleted_list_item', 'step one'],
      ['bulleted_list_item', 'step two'],
    ]);
    // Media, by URL: image, video (a file and YouTube), audio, PDF, file; a relative image keeps its text.
    const media = tree.filter((b) => ['image', 'video', 'audio', 'pdf', 'file'].includes(b.type));
    expect(media.map((b) => [b.type, b.data.external.url, plain(b.data.caption)])).toEqual([
      ['image', 'https://example.com/images/diagram.png', 'A diagram'],
      ['video', 'https://example.com/media/demo.mp4', 'The demo'],
      ['video', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', 'The talk'],
      ['audio', 'https://example.com/media/interview.mp3', 'The interview'],
      ['pdf', 'https://example.com/docs/spec.pdf', 'The spec'],
      ['file', 'https://example.com/data/export.zip', 'The data'],
    ]);
    expect(tree.some((b) => b.type === 'paragraph' && plain(b.data.rich_text) === 'A local image')).toBe(true);
    // The table with its header row; an equation in a cell.
    const table = of('table')[0]!;
    expect(table.data).toMatchObject({ table_width: 2, has_column_header: true, has_row_header: false });
    expect(table.children.map((row) => row.data.cells.map((cell: { plain_text: string }[]) => plain(cell)))).toEqual([
      ['Name', 'Value'],
      ['alpha', '1'],
      ['beta', 'x^2'],
    ]);
    expect(table.children[2]!.data.cells[1][0].type).toBe('equation');
    // Task list, numbered list with a nested item, code with its language, a quote with a child, a divider.
    expect(of('to_do').map((b) => [plain(b.data.rich_text), b.data.checked])).toEqual([
      ['done', true],
      ['to do', false],
    ]);
    const numbered = of('numbered_list_item');
    expect(numbered.map((b) => plain(b.data.rich_text))).toEqual(['first', 'second']);
    expect(numbered[1]!.children.map((c) => [c.type, plain(c.data.rich_text)])).toEqual([['bulleted_list_item', 'nested item']]);
    expect(of('code').map((b) => [b.data.language, plain(b.data.rich_text)])).toEqual([
      ['typescript', 'const answer = 42;'],
      ['python', 'print("hi")'],
      ['mermaid', 'graph TD\n  A --> B'],
    ]);
    const quote = of('quote')[0]!;
    expect([plain(quote.data.rich_text), quote.children.map((c) => plain(c.data.rich_text))]).toEqual(['A quote', ['with a second paragraph']]);
    expect(of('divider')).toHaveLength(1);
    // Nothing came out as escaped markup.
    expect(fake.pageText(page.id)).not.toMatch(/\$\$|<details|<summary|\[!NOTE\]|!\[/);
  });

  test('after a normalising read-back: a one-word edit in a 300-line note is one request, an unchanged store none, a table edit one', async () => {
    fake = await startFakeNotion();
    const store = new Store();
    const file = 'docs/sessions/RT-260511-43.md';
    const body =
      `## Summary\n\n${Array.from({ length: 100 }, (_, k) => `Paragraph ${k} of the long note, with **some** text in it.`).join('\n\n')}\n\n` +
      `${Array.from({ length: 100 }, (_, k) => `- item ${k}`).join('\n')}\n\n| k | v |\n| - | - |\n${Array.from({ length: 96 }, (_, k) => `| ${k} | value ${k} |`).join('\n')}\n`;
    store.files.set(file, sessionNote('RT-260511-43', {}, body));
    expect((await sync(store, fake, version)).requests).toHaveLength(4);
    const pageId = store.meta.get(file)!.notion_page_id as string;
    const sentText = store.sent.get(pageId)!.markdown;
    // Notion's answer is not what canon sent: the table says both header attributes, the list is tight.
    const answered = fake.pageMarkdown(pageId, 'v2');
    expect(answered).not.toBe(sentText);
    expect(answered).toContain('<table header-row="true" header-column="false">');
    expect(sentText).toContain('- item 1\n\n- item 2');
    expect(answered).toContain('- item 1\n- item 2');

    const edit = (from: string, to: string) => store.files.set(file, store.files.get(file)!.replace(from, to));
    edit('Paragraph 57 of the long note', 'Paragraph 57 of the longer note');
    const one = await sync(store, fake, version);
    expect(one.requests).toEqual(['PATCH /v1/pages/ID/markdown 200']);
    expect(fake.pageText(pageId)).toContain('Paragraph 57 of the longer note');
    // Notion's answer to the edit is kept: the next edit is planned against it.
    expect(store.sent.get(pageId)!.rendered).toBe(fake.pageMarkdown(pageId, 'v2'));

    expect((await sync(store, fake, version)).requests).toEqual([]);

    edit('| 40 | value 40 |', '| 40 | value forty |');
    const cell = await sync(store, fake, version);
    expect(cell.requests).toEqual(['PATCH /v1/pages/ID/markdown 200']);
    const table = fake.blockTree(pageId).find((b) => b.type === 'table')!;
    expect(plain(table.children[41]!.data.cells[1])).toBe('value forty');
    // An item added to the list Notion re-spaced: still one request, and the page holds it.
    edit('- item 50\n', '- item 50\n- item 50½\n');
    const added = await sync(store, fake, version);
    expect(added.requests).toEqual(['PATCH /v1/pages/ID/markdown 200']);
    expect(fake.pageText(pageId)).toContain('item 50½');
    expect(fake.blockTree(pageId).filter((b) => b.type === 'bulleted_list_item')).toHaveLength(101);
  });
});
