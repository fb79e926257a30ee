import { describe, expect, test } from '@jest/globals';
import {
  MAX_BLOCK_CHARS,
  markdownToBlocks,
  notionLanguage,
  planAppendBatches,
  splitText,
  type BlockNode,
  type BlockRequest,
} from '../../tools/sync/notion-blocks.js';
import { validateBlockRequests } from '../helpers/fake-notion.js';

interface Built {
  type: string;
  data: Record<string, unknown>;
  children: Built[];
}

/**
 * Send `nodes` the way canon does (planAppendBatches, then deferred children under the ids the
 * appends return), checking every request against the fake server's rules, and rebuild the tree.
 */
function simulate(nodes: readonly BlockNode[], parentType = 'page'): { tree: Built[]; requests: number } {
  const tree: Built[] = [];
  let requests = 0;
  for (const batch of planAppendBatches(nodes)) {
    validateBlockRequests(batch.blocks, 'body.children', parentType);
    requests += 1;
    batch.blocks.forEach((block, i) => {
      const built = fromRequest(block);
      const deferred = simulate(batch.deferred[i]!, block.type);
      built.children.push(...deferred.tree);
      requests += deferred.requests;
      tree.push(built);
    });
  }
  return { tree, requests };
}

function fromRequest(block: BlockRequest): Built {
  const { children, ...data } = block[block.type] as Record<string, unknown> & { children?: BlockRequest[] };
  return { type: block.type, data, children: (children ?? []).map(fromRequest) };
}

function textOf(nodes: readonly Built[] | readonly BlockNode[]): string {
  return nodes
    .map((n) => {
      const rich = (n.data.rich_text as { text: { content: string } }[] | undefined)?.map((t) => t.text.content).join('') ?? '';
      const cells = (n.data.cells as { text: { content: string } }[][] | undefined)?.map((c) => c.map((t) => t.text.content).join('')).join('|') ?? '';
      return [rich + cells, textOf(n.children as Built[])].filter(Boolean).join('\n');
    })
    .filter(Boolean)
    .join('\n');
}

function depth(nodes: readonly Built[]): number {
  return nodes.length === 0 ? 0 : 1 + Math.max(...nodes.map((n) => depth(n.children)));
}

describe('markdown → Notion blocks', () => {
  test('a 10,000-character paragraph is cut into 2000-character rich text items, losing nothing', () => {
    const text = 'abcdefghij'.repeat(1000);
    const blocks = markdownToBlocks(text);
    expect(blocks).toHaveLength(1);
    const rich = blocks[0]!.data.rich_text as { text: { content: string } }[];
    expect(rich).toHaveLength(5);
    expect(rich.every((r) => r.text.content.length <= 2000)).toBe(true);
    expect(
      simulate(blocks)
        .tree.map((b) => textOf([b]))
        .join(''),
    ).toBe(text);
  });

  test('a 300,000-character paragraph continues in further paragraphs (≤ 100 items, bounded size each)', () => {
    const text = 'x'.repeat(300_000);
    const blocks = markdownToBlocks(text);
    expect(blocks.length).toBeGreaterThan(1);
    for (const block of blocks) {
      const rich = block.data.rich_text as { text: { content: string } }[];
      expect(rich.length).toBeLessThanOrEqual(100);
      expect(rich.reduce((n, r) => n + r.text.content.length, 0)).toBeLessThanOrEqual(MAX_BLOCK_CHARS);
    }
    expect(textOf(simulate(blocks).tree).replace(/\n/g, '')).toBe(text);
  });

  test('300 list items go out in appends of at most 100 blocks, in order', () => {
    const md = Array.from({ length: 300 }, (_, i) => `- item ${i + 1}`).join('\n');
    const blocks = markdownToBlocks(md);
    expect(blocks).toHaveLength(300);
    const batches = planAppendBatches(blocks);
    expect(batches.map((b) => b.blocks.length)).toEqual([100, 100, 100]);
    const { tree, requests } = simulate(blocks);
    expect(requests).toBe(3);
    expect(tree.map((b) => textOf([b]))).toEqual(Array.from({ length: 300 }, (_, i) => `item ${i + 1}`));
  });

  test('five levels of nesting arrive whole, no request carrying more than two levels', () => {
    const md = ['- one', '  - two', '    - three', '      - four', '        - five', '- after'].join('\n');
    const blocks = markdownToBlocks(md);
    const { tree } = simulate(blocks);
    expect(depth(tree)).toBe(5);
    expect(textOf(tree)).toBe('one\ntwo\nthree\nfour\nfive\nafter');
  });

  test('a 200-row table keeps every row: 100 travel with the table, the rest are appended to it', () => {
    const rows = Array.from({ length: 199 }, (_, i) => `| r${i} | ${i} |`);
    const md = ['| name | n |', '| --- | --- |', ...rows].join('\n');
    const blocks = markdownToBlocks(md);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.type).toBe('table');
    expect(blocks[0]!.data.table_width).toBe(2);
    expect(blocks[0]!.children).toHaveLength(200);
    const batches = planAppendBatches(blocks);
    expect((batches[0]!.blocks[0]!.table as { children: unknown[] }).children).toHaveLength(100);
    expect(batches[0]!.deferred[0]).toHaveLength(100);
    const { tree } = simulate(blocks);
    expect(tree[0]!.children).toHaveLength(200);
    expect(textOf(tree[0]!.children.slice(-1))).toBe('r198|198');
  });

  test('code in an unknown language becomes plain text; known aliases map to Notion names', () => {
    const [code] = markdownToBlocks('```klingon\nqapla\n```\n');
    expect(code!.type).toBe('code');
    expect(code!.data.language).toBe('plain text');
    expect(notionLanguage('ts')).toBe('typescript');
    expect(notionLanguage('C++')).toBe('c++');
    expect(notionLanguage(undefined)).toBe('plain text');
    simulate([code!]);
  });

  test('a long code block is cut at 2000 characters per item', () => {
    const source = 'const x = 1;\n'.repeat(500);
    const [code] = markdownToBlocks('```js\n' + source + '```\n');
    expect(code!.data.language).toBe('javascript');
    expect((code!.data.rich_text as unknown[]).length).toBeGreaterThan(1);
    expect(textOf(simulate([code!]).tree)).toBe(source.replace(/\n$/, ''));
  });

  test('headings 4-6, quotes, task lists, dividers, links and annotations', () => {
    const md = [
      '# One',
      '#### Four',
      '###### Six',
      '> quoted **bold**',
      '',
      '- [x] done',
      '- [ ] open',
      '',
      '---',
      '',
      'A [site](https://example.com), a [relative](notes.md) link, *it*, ~~gone~~ and `code`.',
    ].join('\n');
    const blocks = markdownToBlocks(md);
    expect(blocks.map((b) => b.type)).toEqual(['heading_1', 'heading_3', 'heading_3', 'quote', 'to_do', 'to_do', 'divider', 'paragraph']);
    expect(blocks[4]!.data.checked).toBe(true);
    expect(blocks[5]!.data.checked).toBe(false);
    const rich = blocks[7]!.data.rich_text as { text: { content: string; link: { url: string } | null }; annotations?: Record<string, boolean> }[];
    expect(rich.find((r) => r.text.content === 'site')!.text.link).toEqual({ url: 'https://example.com' });
    // Notion refuses relative URLs, so the text stays and the link goes.
    expect(rich.find((r) => r.text.content.includes('relative'))!.text.link).toBeNull();
    expect(rich.filter((r) => r.text.link !== null)).toHaveLength(1);
    expect(rich.find((r) => r.text.content === 'it')!.annotations).toEqual({ italic: true });
    expect(rich.find((r) => r.text.content === 'gone')!.annotations).toEqual({ strikethrough: true });
    expect(rich.find((r) => r.text.content === 'code')!.annotations).toEqual({ code: true });
    simulate(blocks);
  });

  test('on the block path too: alerts become callouts, ```math an equation, a standalone media link its block by URL (ADR-0036)', () => {
    const blocks = markdownToBlocks(
      '> [!WARNING]\n> Mind it.\n>\n> - step\n\n```math\nx^2\n```\n\n![clip](https://x.dev/c.mp4)\n\n![doc](https://x.dev/a.pdf)\n\n![pic](https://x.dev/p.png)\n',
    );
    const { tree } = simulate(blocks);
    expect(tree.map((b) => b.type)).toEqual(['callout', 'equation', 'video', 'pdf', 'image']);
    expect(tree[0]!.data).toMatchObject({ icon: { type: 'emoji', emoji: '⚠️' }, color: 'yellow_background' });
    expect(tree[0]!.children.map((c) => c.type)).toEqual(['bulleted_list_item']);
    expect(tree[1]!.data).toEqual({ expression: 'x^2' });
    expect(tree[2]!.data).toMatchObject({ type: 'external', external: { url: 'https://x.dev/c.mp4' } });
  });

  test('text is never cut inside a surrogate pair', () => {
    const text = `${'a'.repeat(1999)}😀b`;
    const parts = splitText(text, 2000);
    expect(parts.join('')).toBe(text);
    expect(parts[0]).toHaveLength(1999);
  });

  test('an empty body gives no blocks and no requests', () => {
    expect(markdownToBlocks('')).toEqual([]);
    expect(planAppendBatches([])).toEqual([]);
  });

  test('many large blocks are spread over requests under the byte budget', () => {
    const md = Array.from({ length: 30 }, () => 'y'.repeat(30_000)).join('\n\n');
    const blocks = markdownToBlocks(md);
    const batches = planAppendBatches(blocks);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(Buffer.byteLength(JSON.stringify({ children: batch.blocks }))).toBeLessThan(500 * 1024);
  });
});
