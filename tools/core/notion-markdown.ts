import type { Blockquote, List, ListItem, PhrasingContent, RootContent, Table } from 'mdast';
import { notionLanguage, parseMarkdown } from './notion-blocks.js';

/**
 * canon's markdown (GFM, parsed to mdast) → the markdown dialect of Notion's page-markdown endpoints
 * (`POST /v1/pages` with `markdown`, `PATCH /v1/pages/{id}/markdown`, `GET …/markdown`).
 *
 * Two dialects (ADR-0012 says what was documented and what is modelled):
 * - `v1` "enhanced markdown", the default of Notion-Version 2026-03-11: one block per line, children
 *   indented one tab deeper than their parent, Notion's own blocks as XML-like tags
 *   (`<callout icon="💡" color="green_bg">`, `<table>`).
 * - `v2` "Notion-flavored Markdown", the default of 2026-12-01: blocks separated by a blank line, tabs
 *   only for children of list items; a quote or callout with children uses its tag form with the
 *   children after a blank line.
 *
 * Both: headings 5 and 6 become heading 4; outside code, Notion's special characters
 * (\ * ~ ` $ [ ] < > { } | ^) are escaped with a backslash; GitHub alerts (`> [!NOTE]`) become
 * callouts; links to other notes become links to their Notion pages once those exist.
 */
export type MarkdownDialect = 'v1' | 'v2';

/** What a link target becomes: an absolute URL, or null to keep only the text (for now, or for good). */
export interface LinkResolution {
  url: string | null;
  /** The target is a note without a Notion page yet: the link appears once it has one. */
  pending?: boolean;
}

export interface NotionMarkdownOptions {
  dialect: MarkdownDialect;
  /** Resolve a link's URL as written in the note (relative links to notes, mostly). */
  resolveLink?: (url: string) => LinkResolution;
}

export interface NotionMarkdown {
  markdown: string;
  /** Link targets that are notes without a page yet (the note is sent again once they have one). */
  pendingLinks: string[];
}

interface Block {
  /** The block's own lines, without indentation. */
  lines: string[];
  children: Block[];
  /** `item`: a list item (children indented with tabs in both dialects); `tag`: has a tag form. */
  shape: 'plain' | 'item' | 'quote' | 'callout' | 'verbatim';
  /** For callouts: the opening tag. */
  open?: string;
}

const SPECIAL = /[\\*~`$[\]<>{}|^]/g;

/** Escape text for Notion's markdown (outside code). */
export function escapeNotionText(text: string): string {
  return text.replace(SPECIAL, (c) => `\\${c}`);
}

/** A line that would read as block syntax (a heading, list item, quote or rule) gets its marker escaped. */
function guardLineStart(line: string): string {
  return line.replace(/^(#{1,6}(?=\s|$)|[-+](?=\s|$)|\d+(?=[.)]\s|[.)]$)|-{3,}$)/, (m) => (/^\d/.test(m) ? `${m}\\` : `\\${m}`));
}

interface Style {
  bold?: boolean;
  italic?: boolean;
  strike?: boolean;
  code?: boolean;
  link?: string | null;
}

interface Segment {
  text: string;
  style: Style;
}

const ALERTS: Record<string, { icon: string; color: string }> = {
  NOTE: { icon: 'ℹ️', color: 'blue_bg' },
  TIP: { icon: '💡', color: 'green_bg' },
  IMPORTANT: { icon: '❗', color: 'purple_bg' },
  WARNING: { icon: '⚠️', color: 'yellow_bg' },
  CAUTION: { icon: '🛑', color: 'red_bg' },
};

function absoluteUrl(url: string): string | null {
  if (!/^(https?:\/\/|mailto:)/i.test(url) || url.length > 2000) return null;
  try {
    new URL(url);
    // Parentheses and spaces would end the markdown link early (encodeURIComponent keeps parentheses).
    return url.replace(/[()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  } catch {
    return null;
  }
}

export function renderNotionMarkdown(body: string, options: NotionMarkdownOptions): NotionMarkdown {
  const pendingLinks: string[] = [];
  const link = (url: string): string | null => {
    const absolute = absoluteUrl(url);
    if (absolute) return absolute;
    const resolved = options.resolveLink?.(url);
    if (resolved?.pending) pendingLinks.push(url);
    return resolved?.url ? absoluteUrl(resolved.url) : null;
  };

  function segments(nodes: readonly PhrasingContent[], style: Style, out: Segment[]): void {
    for (const node of nodes) {
      switch (node.type) {
        case 'text':
          // A soft line break reads as a space, as in any markdown renderer.
          out.push({ text: node.value.replace(/\s*\n\s*/g, ' '), style });
          break;
        case 'inlineCode':
          out.push({ text: node.value, style: { ...style, code: true } });
          break;
        case 'strong':
          segments(node.children, { ...style, bold: true }, out);
          break;
        case 'emphasis':
          segments(node.children, { ...style, italic: true }, out);
          break;
        case 'delete':
          segments(node.children, { ...style, strike: true }, out);
          break;
        case 'link':
          segments(node.children, { ...style, link: link(node.url) ?? style.link ?? null }, out);
          break;
        case 'linkReference':
          segments(node.children, style, out);
          break;
        case 'break':
          out.push({ text: '\n', style });
          break;
        case 'image':
          out.push({ text: node.alt || node.url, style: { ...style, link: link(node.url) ?? style.link ?? null } });
          break;
        case 'imageReference':
          out.push({ text: node.alt ?? '', style });
          break;
        case 'html':
          out.push({ text: node.value, style });
          break;
        case 'footnoteReference':
          out.push({ text: `[^${node.label ?? node.identifier}]`, style });
          break;
        default:
          break;
      }
    }
  }

  const same = (a: Style, b: Style) =>
    !!a.bold === !!b.bold && !!a.italic === !!b.italic && !!a.strike === !!b.strike && !!a.code === !!b.code && (a.link ?? null) === (b.link ?? null);

  function inline(nodes: readonly PhrasingContent[]): string {
    const raw: Segment[] = [];
    segments(nodes, {}, raw);
    const merged: Segment[] = [];
    for (const s of raw) {
      if (s.text === '') continue;
      const last = merged.at(-1);
      if (last && same(last.style, s.style)) last.text += s.text;
      else merged.push({ ...s });
    }
    let out = '';
    for (const s of merged) out += renderSegment(s);
    return out.trim();
  }

  function renderSegment({ text, style }: Segment): string {
    if (text === '\n') return '<br>';
    if (style.code) {
      const ticks = '`'.repeat(Math.max(1, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
      const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
      let code = `${ticks}${pad}${text}${pad}${ticks}`;
      code = wrap(code, style);
      return style.link ? `[${code}](${style.link})` : code;
    }
    // Markers hug the text: spaces at the edges of a styled run go outside it.
    const lead = /^\s*/.exec(text)![0];
    const trail = /\s*$/.exec(text.slice(lead.length))![0];
    const core = text.slice(lead.length, text.length - trail.length);
    const br = (t: string) => t.replace(/\n/g, '<br>');
    if (core === '') return br(text);
    let inner = wrap(br(escapeNotionText(core)), style);
    if (style.link) inner = `[${inner}](${style.link})`;
    return `${br(lead)}${inner}${br(trail)}`;
  }

  function wrap(text: string, style: Style): string {
    let out = text;
    if (style.italic) out = `*${out}*`;
    if (style.bold) out = `**${out}**`;
    if (style.strike) out = `~~${out}~~`;
    return out;
  }

  function lead(children: readonly RootContent[]): { text: string; rest: readonly RootContent[] } {
    const first = children[0];
    if (first?.type === 'paragraph') return { text: inline(first.children), rest: children.slice(1) };
    return { text: '', rest: children };
  }

  function convert(node: RootContent): Block[] {
    switch (node.type) {
      case 'paragraph': {
        const text = inline(node.children);
        return text === '' ? [] : [{ lines: [guardLineStart(text)], children: [], shape: 'plain' }];
      }
      case 'heading': {
        const level = Math.min(node.depth, 4);
        return [{ lines: [`${'#'.repeat(level)} ${inline(node.children)}`], children: [], shape: 'plain' }];
      }
      case 'thematicBreak':
        return [{ lines: ['---'], children: [], shape: 'plain' }];
      case 'blockquote':
        return [quote(node)];
      case 'list':
        return list(node);
      case 'code': {
        const fence = '`'.repeat(Math.max(3, ...[...node.value.matchAll(/^`{3,}/gm)].map((m) => m[0].length + 1)));
        return [{ lines: [`${fence}${notionLanguage(node.lang)}`, ...node.value.split('\n'), fence], children: [], shape: 'verbatim' }];
      }
      case 'html': {
        const text = escapeNotionText(node.value.replace(/\s*\n\s*/g, ' ').trim());
        return text === '' ? [] : [{ lines: [guardLineStart(text)], children: [], shape: 'plain' }];
      }
      case 'table':
        return [table(node)];
      case 'footnoteDefinition': {
        const label = escapeNotionText(`[^${node.label ?? node.identifier}]:`);
        return [{ lines: [label], children: [], shape: 'plain' }, ...convertAll(node.children)];
      }
      case 'definition':
      case 'yaml':
        return [];
      default:
        return 'children' in node ? convertAll((node as { children: RootContent[] }).children) : [];
    }
  }

  function quote(node: Blockquote): Block {
    const first = node.children[0];
    if (first?.type === 'paragraph' && first.children[0]?.type === 'text') {
      const match = /^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*\n?/i.exec(first.children[0].value);
      if (match) {
        const alert = ALERTS[match[1]!.toUpperCase()]!;
        const rest = { ...first.children[0], value: first.children[0].value.slice(match[0].length) };
        const paragraph = { ...first, children: [rest, ...first.children.slice(1)] };
        const text = inline(paragraph.children);
        return {
          lines: text === '' ? [] : [guardLineStart(text)],
          children: convertAll(node.children.slice(1)),
          shape: 'callout',
          open: `<callout icon="${alert.icon}" color="${alert.color}">`,
        };
      }
    }
    const { text, rest } = lead(node.children);
    return { lines: [`> ${text}`.trimEnd()], children: convertAll(rest), shape: 'quote' };
  }

  function list(node: List): Block[] {
    return node.children.map((item: ListItem, i) => {
      const { text, rest } = lead(item.children);
      const start = (node.start ?? 1) + i;
      const marker = typeof item.checked === 'boolean' ? `- [${item.checked ? 'x' : ' '}]` : node.ordered ? `${start}.` : '-';
      return { lines: [`${marker} ${text}`.trimEnd()], children: convertAll(rest), shape: 'item' as const };
    });
  }

  function table(node: Table): Block {
    const width = Math.max(1, ...node.children.map((r) => r.children.length));
    const rows = node.children.map((row) => {
      const cells = Array.from({ length: width }, (_, c) => `<td>${row.children[c] ? inline(row.children[c]!.children) : ''}</td>`);
      return ['<tr>', ...cells, '</tr>'];
    });
    return { lines: ['<table header-row="true">', ...rows.flat(), '</table>'], children: [], shape: 'verbatim' };
  }

  function convertAll(nodes: readonly RootContent[]): Block[] {
    return nodes.flatMap(convert);
  }

  const root = parsedOnce(body);
  const blocks = root.type === 'root' ? convertAll(root.children as RootContent[]) : [];
  const markdown = options.dialect === 'v1' ? serializeV1(blocks) : serializeV2(blocks);
  return { markdown, pendingLinks: [...new Set(pendingLinks)] };
}

/**
 * Parsing is most of the converter's cost, and sync renders a body more than once per run (to plan,
 * then to send with the links known by then): the last few trees are kept. The tree is only read.
 */
const parsed = new Map<string, ReturnType<typeof parseMarkdown>>();
function parsedOnce(body: string): ReturnType<typeof parseMarkdown> {
  let root = parsed.get(body);
  if (!root) {
    root = parseMarkdown(body);
    if (parsed.size >= 8) parsed.delete(parsed.keys().next().value!);
    parsed.set(body, root);
  }
  return root;
}

const indent = (lines: readonly string[], tabs = 1) => lines.map((l) => (l === '' ? l : '\t'.repeat(tabs) + l));

/** v1: one block per line; children one tab deeper; tags for tables and callouts. */
function serializeV1(blocks: readonly Block[]): string {
  const lines = (block: Block): string[] => {
    const children = block.children.flatMap(lines);
    if (block.shape === 'callout') return [block.open!, ...indent([...block.lines, ...children]), '</callout>'];
    if (block.shape === 'verbatim' && block.lines[0]!.startsWith('<table')) {
      const [open, ...rest] = block.lines;
      const body = rest.slice(0, -1).map((l) => (l === '<tr>' || l === '</tr>' ? `\t${l}` : `\t\t${l}`));
      return [open!, ...body, '</table>'];
    }
    return [...block.lines, ...indent(children)];
  };
  return blocks.flatMap(lines).join('\n') + (blocks.length > 0 ? '\n' : '');
}

/** v2: blocks separated by a blank line; tabs only under list items; tag forms for blocks with children. */
function serializeV2(blocks: readonly Block[]): string {
  const render = (list: readonly Block[]): string => {
    const parts: string[] = [];
    list.forEach((block, i) => {
      const text = one(block);
      // Items of one list stay on consecutive lines; every other block boundary is a blank line.
      const glue = i === 0 ? '' : block.shape === 'item' && list[i - 1]!.shape === 'item' ? '\n' : '\n\n';
      parts.push(glue + text);
    });
    return parts.join('');
  };
  const one = (block: Block): string => {
    if (block.shape === 'item') {
      const children = block.children.length > 0 ? '\n' + indent(render(block.children).split('\n')).join('\n') : '';
      return block.lines.join('\n') + children;
    }
    if (block.shape === 'callout') {
      const inner = [block.lines.join('\n'), block.children.length > 0 ? render(block.children) : ''].filter(Boolean).join('\n\n');
      return `${block.open}\n${inner}\n</callout>`;
    }
    if (block.shape === 'quote' && block.children.length > 0) {
      const leadText = block.lines[0]!.replace(/^> ?/, '');
      const inner = [leadText, render(block.children)].filter(Boolean).join('\n\n');
      return `<quote>\n${inner}\n</quote>`;
    }
    return block.lines.join('\n');
  };
  return blocks.length > 0 ? `${render(blocks)}\n` : '';
}

/**
 * Notion's limits per request: "1000 block elements and 500KB overall" (developers.notion.com,
 * request limits). The size is the request body on the wire: JSON, so the markdown with its escapes
 * (a quote, a backslash, a control character or a tab grows when escaped).
 */
export const REQUEST_MAX_BYTES = 500_000;
export const REQUEST_MAX_BLOCKS = 1000;
/** Room kept in a markdown request for the rest of it: properties (up to 2000 characters each), parent, keys. */
export const REQUEST_ENVELOPE_BYTES = 32_768;
/** The most bytes of markdown (as a JSON string) one request carries. */
export const MARKDOWN_MAX_BYTES = REQUEST_MAX_BYTES - REQUEST_ENVELOPE_BYTES;

/** The markdown's size in a request body: its JSON string in UTF-8 bytes. */
export function markdownWireBytes(markdown: string): number {
  return new TextEncoder().encode(JSON.stringify(markdown)).length;
}
