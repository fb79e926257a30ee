import type { Blockquote, Image, List, ListItem, PhrasingContent, RootContent, Table } from 'mdast';
import type { NotionVersion } from '../core/config.js';
import { ALERT_ALIASES, ALERT_PATTERN, ALERTS, mediaKind, notionLanguage, parsedOnce, parseMarkdown } from './notion-blocks.js';

export { mediaKind };

/**
 * canon's markdown (GFM, parsed to mdast) → the markdown dialect of Notion's page-markdown endpoints
 * (`POST /v1/pages` with `markdown`, `PATCH /v1/pages/{id}/markdown`, `GET …/markdown`).
 *
 * Two dialects (ADR-0036 says what is documented and what is modelled; ADR-0012 the first model):
 * - `v1` "enhanced markdown" (deprecated): one block per line, children indented one tab deeper than
 *   their parent, Notion's own blocks as XML-like tags or fenced divs (`::: callout {icon="💡"}`,
 *   `<details>`, `<table>`).
 * - `v2` "Notion-flavored Markdown": every block separated by a blank line (a single newline does not
 *   start a block), tabs only for children of list items, a block with children in its tag form
 *   (`<quote>`, `<toggle>`, `<callout …>`) with the children after a blank line, colours as attributes.
 *
 * Both: headings 5 and 6 become heading 4; outside code and equations, Notion's special characters
 * (\ * ~ ` $ [ ] < > { } | ^) are escaped with a backslash; GitHub alerts (`> [!NOTE]`) become
 * callouts, `<details><summary>` toggles, `$$…$$` and ```` ```math ```` equation blocks, `$…$` inline
 * equations, a standalone `![caption](https://…)` an image, video, audio, PDF or file block (by its
 * URL); links to other notes become links to their Notion pages once those exist.
 */
export type MarkdownDialect = 'v1' | 'v2';

/**
 * What each Notion-Version does with `markdown_version` ("Migrate to Notion-flavored Markdown (v2)"):
 * every current version accepts it (default v1), the next one defaults to v2 and refuses "v1".
 */
export const MARKDOWN_VERSIONS: Record<NotionVersion, { default: MarkdownDialect; accepts: readonly MarkdownDialect[] }> = {
  '2026-03-11': { default: 'v1', accepts: ['v1', 'v2'] },
  '2026-12-01': { default: 'v2', accepts: ['v2'] },
};

/** The dialect canon speaks to a Notion-Version: v2 wherever it is accepted; v1 only for a version that knows no other. */
export function markdownDialect(version: NotionVersion): MarkdownDialect {
  const known = MARKDOWN_VERSIONS[version];
  return known.accepts.includes('v2') ? 'v2' : known.default;
}

/** The `markdown_version` canon sends to a Notion-Version: its dialect when the version takes the parameter. */
export function markdownVersionParam(version: NotionVersion): MarkdownDialect | undefined {
  const dialect = markdownDialect(version);
  return MARKDOWN_VERSIONS[version].accepts.includes(dialect) ? dialect : undefined;
}

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

/** A block before it is written in a dialect. `text` is inline markdown (escaped); `lines` are written as they are. */
type Block =
  | { kind: 'lines'; lines: string[] }
  | { kind: 'item'; marker: string; text: string; children: Block[] }
  | { kind: 'quote'; text: string; children: Block[] }
  | { kind: 'callout'; icon: string; color: string; text: string; children: Block[] }
  | { kind: 'toggle'; text: string; children: Block[] }
  | { kind: 'table'; rows: string[][] };

const SPECIAL = /[\\*~`$[\]<>{}|^]/g;

/** Escape text for Notion's markdown (outside code). */
export function escapeNotionText(text: string): string {
  return text.replace(SPECIAL, (c) => `\\${c}`);
}

/** A line that would read as block syntax (a heading, list item, quote, rule or fence) gets its marker escaped. */
function guardLineStart(line: string): string {
  return line.replace(/^(#{1,6}(?=\s|$)|[-+](?=\s|$)|\d+(?=[.)]\s|[.)]$)|-{3,}$|:{3,})/, (m) => (/^\d/.test(m) ? `${m}\\` : `\\${m}`));
}

interface Style {
  bold?: boolean;
  italic?: boolean;
  strike?: boolean;
  code?: boolean;
  equation?: boolean;
  link?: string | null;
}

interface Segment {
  text: string;
  style: Style;
}

function absoluteUrl(url: string): string | null {
  if (!/^(https?:\/\/|mailto:)/i.test(url) || url.length > 2000) return null;
  try {
    new URL(url);
    // Parentheses, spaces, quotes and angle brackets would end the link (or a src attribute) early.
    return url.replace(/[()\s"<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------ equations
// GFM has no math: `$…$` and `$$…$$` would be parsed as text (and `\{`, `*`, `_` inside them taken
// as markdown). So they are lifted out of the source first, each replaced by a token the parser
// leaves alone, and put back as equations (or, inside code, as the text they were).
const BLOCK_MATH = /\uE000(\d+)\uE001/;
const ANY_MATH = /\uE000(\d+)\uE001|\uE002(\d+)\uE003/g;
const CONTAINER = /^((?:[ \t]*>)*[ \t]*)/;

interface LiftedMath {
  text: string;
  /** Each token's expression. */
  math: string[];
  /** Each token's source, for code that happened to hold one. */
  raw: string[];
}

function liftMath(body: string): LiftedMath {
  const lifted: LiftedMath = { text: body, math: [], raw: [] };
  if (!body.includes('$') || /[\uE000-\uE003]/.test(body)) return lifted;
  const token = (expression: string, raw: string, block: boolean) => {
    lifted.math.push(expression);
    lifted.raw.push(raw);
    const n = lifted.math.length - 1;
    return block ? `\uE000${n}\uE001` : `\uE002${n}\uE003`;
  };
  const lines = body.split('\n');
  const out: string[] = [];
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const prefix = CONTAINER.exec(line)![1]!;
    const rest = line.slice(prefix.length);
    const marker = /^(`{3,}|~{3,})/.exec(rest)?.[1];
    if (fence !== null) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && rest.trim() === marker) fence = null;
      out.push(line);
      continue;
    }
    if (marker) {
      fence = marker;
      out.push(line);
      continue;
    }
    if (/^\$\$[ \t]*$/.test(rest)) {
      // A display block: `$$` alone on a line, the expression, `$$` alone on a line (same container).
      const bare = prefix.trimEnd();
      let close = -1;
      for (let j = i + 1; j < lines.length; j++) {
        const other = lines[j]!;
        if (!other.startsWith(bare)) break;
        if (/^\$\$[ \t]*$/.test(other.slice(CONTAINER.exec(other)![1]!.length))) {
          close = j;
          break;
        }
      }
      if (close > 0) {
        const inner = lines.slice(i + 1, close).map((l) => (l.startsWith(prefix) ? l.slice(prefix.length) : l.slice(bare.length)));
        out.push(prefix + token(inner.join('\n').trim(), lines.slice(i, close + 1).join('\n'), true));
        i = close;
        continue;
      }
    }
    const single = /^\$\$(.+?)\$\$[ \t]*$/.exec(rest);
    if (single && !single[1]!.includes('$$')) {
      out.push(prefix + token(single[1]!.trim(), rest, true));
      continue;
    }
    out.push(liftInline(line, token));
  }
  lifted.text = out.join('\n');
  return lifted;
}

/** `$…$` (and `$$…$$` inside a line) outside code spans and escapes: opener not before a space, closer not after one nor before a digit. */
function liftInline(line: string, token: (expression: string, raw: string, block: boolean) => string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      out += line.slice(i, i + 2);
      i += 1;
      continue;
    }
    if (c === '`') {
      const run = /^`+/.exec(line.slice(i))![0];
      const end = line.indexOf(run, i + run.length);
      if (end > 0 && line[end + run.length] !== '`') {
        out += line.slice(i, end + run.length);
        i = end + run.length - 1;
      } else {
        out += run;
        i += run.length - 1;
      }
      continue;
    }
    if (c === '$') {
      const double = line[i + 1] === '$';
      const open = double ? 2 : 1;
      const first = line[i + open];
      if (first !== undefined && !/\s/.test(first) && first !== '$') {
        const close = findMathClose(line, i + open, double);
        if (close > 0) {
          const expression = line.slice(i + open, close);
          out += token(expression, line.slice(i, close + open), false);
          i = close + open - 1;
          continue;
        }
      }
    }
    out += c;
  }
  return out;
}

function findMathClose(line: string, from: number, double: boolean): number {
  for (let j = from + 1; j < line.length; j++) {
    if (line[j] === '\\') {
      j += 1;
      continue;
    }
    if (line[j] !== '$') continue;
    if (double) {
      if (line[j + 1] === '$') return j;
      continue;
    }
    if (line[j + 1] === '$') return -1;
    if (/\s/.test(line[j - 1]!) || /\d/.test(line[j + 1] ?? '')) continue;
    return j;
  }
  return -1;
}

// ------------------------------------------------------------------ conversion

export function renderNotionMarkdown(body: string, options: NotionMarkdownOptions): NotionMarkdown {
  const pendingLinks: string[] = [];
  const lifted = liftMath(body);
  /** A token's source back (code, raw HTML and URLs hold text, not equations). */
  const restore = (text: string) => (lifted.math.length === 0 ? text : text.replace(ANY_MATH, (_m, b, i) => lifted.raw[Number(b ?? i)]!));
  const link = (raw: string): string | null => {
    const url = restore(raw);
    const absolute = absoluteUrl(url);
    if (absolute) return absolute;
    const resolved = options.resolveLink?.(url);
    if (resolved?.pending) pendingLinks.push(url);
    return resolved?.url ? absoluteUrl(resolved.url) : null;
  };

  function textSegments(value: string, style: Style, out: Segment[]): void {
    if (lifted.math.length === 0) {
      out.push({ text: value, style });
      return;
    }
    let at = 0;
    for (const match of value.matchAll(ANY_MATH)) {
      out.push({ text: value.slice(at, match.index), style });
      out.push({ text: lifted.math[Number(match[1] ?? match[2])]!, style: { ...style, equation: true } });
      at = match.index + match[0].length;
    }
    out.push({ text: value.slice(at), style });
  }

  function segments(nodes: readonly PhrasingContent[], style: Style, out: Segment[]): void {
    for (const node of nodes) {
      switch (node.type) {
        case 'text':
          // A soft line break reads as a space, as in any markdown renderer.
          textSegments(node.value.replace(/\s*\n\s*/g, ' '), style, out);
          break;
        case 'inlineCode':
          out.push({ text: restore(node.value), style: { ...style, code: true } });
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
          textSegments(node.alt || restore(node.url), { ...style, link: link(node.url) ?? style.link ?? null }, out);
          break;
        case 'imageReference':
          out.push({ text: node.alt ?? '', style });
          break;
        case 'html':
          out.push({ text: restore(node.value), style });
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
    !a.equation &&
    !b.equation &&
    !!a.bold === !!b.bold &&
    !!a.italic === !!b.italic &&
    !!a.strike === !!b.strike &&
    !!a.code === !!b.code &&
    (a.link ?? null) === (b.link ?? null);

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
    merged.forEach((s, i) => {
      let piece = renderSegment(s);
      if (s.style.equation) {
        // Notion reads `$…$` only between whitespace (or the line's edges).
        if (out !== '' && !/\s$/.test(out)) piece = ` ${piece}`;
        const next = merged[i + 1];
        if (next && !/^\s/.test(next.text)) piece = `${piece} `;
      }
      out += piece;
    });
    return out.trim();
  }

  function renderSegment({ text, style }: Segment): string {
    if (text === '\n') return '<br>';
    if (style.code || style.equation) {
      const ticks = '`'.repeat(Math.max(1, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
      const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
      let code = `${ticks}${pad}${text}${pad}${ticks}`;
      if (style.equation) code = `$${code}$`;
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

  const lines = (...text: string[]): Block => ({ kind: 'lines', lines: text });
  const equation = (expression: string): Block => lines('$$', ...expression.split('\n'), '$$');

  function media(node: Image): Block | null {
    const url = absoluteUrl(restore(node.url));
    if (!url) return null;
    const kind = mediaKind(url);
    const caption = escapeNotionText(node.alt ?? '').replace(/\n/g, ' ');
    return lines(kind === 'image' ? `![${caption}](${url})` : `<${kind} src="${url}">${caption}</${kind}>`);
  }

  /**
   * A paragraph, split where Notion needs a block of its own: an equation written as its own
   * paragraph (`$$…$$`), and a standalone image or other media with an absolute URL.
   */
  function paragraph(children: readonly PhrasingContent[]): Block[] {
    const out: Block[] = [];
    let run: PhrasingContent[] = [];
    const flush = () => {
      const text = inline(run);
      if (text !== '') out.push(lines(guardLineStart(text)));
      run = [];
    };
    for (const node of children) {
      if (node.type === 'image') {
        const block = media(node);
        if (block) {
          flush();
          out.push(block);
          continue;
        }
      }
      if (node.type === 'text' && BLOCK_MATH.test(node.value)) {
        const parts = node.value.split(/\uE000(\d+)\uE001/);
        parts.forEach((part, k) => {
          if (k % 2 === 0) {
            if (part.trim() !== '') run.push({ type: 'text', value: part });
            return;
          }
          flush();
          out.push(equation(lifted.math[Number(part)]!));
        });
        continue;
      }
      run.push(node);
    }
    flush();
    return out;
  }

  /** A paragraph holding an equation block or media, which cannot be a block's own (inline) text. */
  const splits = (children: readonly PhrasingContent[]) =>
    children.some((c) => (c.type === 'text' && BLOCK_MATH.test(c.value)) || (c.type === 'image' && absoluteUrl(restore(c.url)) !== null));

  /** A container's own text (its first paragraph) and the blocks that are its children. */
  function lead(children: readonly RootContent[]): { text: string; rest: readonly RootContent[] } {
    const first = children[0];
    if (first?.type === 'paragraph' && !splits(first.children)) return { text: inline(first.children), rest: children.slice(1) };
    return { text: '', rest: children };
  }

  function convert(node: RootContent): Block[] {
    switch (node.type) {
      case 'paragraph':
        return paragraph(node.children);
      case 'heading': {
        const level = Math.min(node.depth, 4);
        return [lines(`${'#'.repeat(level)} ${inline(node.children)}`)];
      }
      case 'thematicBreak':
        return [lines('---')];
      case 'blockquote':
        return [quote(node)];
      case 'list':
        return list(node);
      case 'code': {
        const value = restore(node.value);
        if (node.lang?.toLowerCase() === 'math') return [equation(value)];
        const fence = '`'.repeat(Math.max(3, ...[...value.matchAll(/^`{3,}/gm)].map((m) => m[0].length + 1)));
        return [lines(`${fence}${notionLanguage(node.lang)}`, ...value.split('\n'), fence)];
      }
      case 'html': {
        const text = escapeNotionText(
          restore(node.value)
            .replace(/\s*\n\s*/g, ' ')
            .trim(),
        );
        return text === '' ? [] : [lines(guardLineStart(text))];
      }
      case 'table':
        return [table(node)];
      case 'footnoteDefinition': {
        const label = escapeNotionText(`[^${node.label ?? node.identifier}]:`);
        return [lines(label), ...convertAll(node.children)];
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
      const match = ALERT_PATTERN.exec(first.children[0].value);
      if (match) {
        const name = match[1]!.toUpperCase();
        const alert = ALERTS[ALERT_ALIASES[name] ?? name]!;
        const rest = { ...first.children[0], value: first.children[0].value.slice(match[0].length) };
        const text = inline([rest, ...first.children.slice(1)]);
        return { kind: 'callout', icon: alert.icon, color: alert.color, text: guardLineStart(text), children: convertAll(node.children.slice(1)) };
      }
    }
    const { text, rest } = lead(node.children);
    return { kind: 'quote', text, children: convertAll(rest) };
  }

  function list(node: List): Block[] {
    return node.children.map((item: ListItem, i) => {
      const { text, rest } = lead(item.children);
      const start = (node.start ?? 1) + i;
      const marker = typeof item.checked === 'boolean' ? `- [${item.checked ? 'x' : ' '}]` : node.ordered ? `${start}.` : '-';
      return { kind: 'item' as const, marker, text, children: convertAll(rest) };
    });
  }

  function table(node: Table): Block {
    const width = Math.max(1, ...node.children.map((r) => r.children.length));
    const rows = node.children.map((row) => Array.from({ length: width }, (_, c) => (row.children[c] ? inline(row.children[c]!.children) : '')));
    return { kind: 'table', rows };
  }

  /** The inline text of a `<summary>`: tags dropped, entities decoded, markdown inside read as markdown. */
  function summaryText(html: string): string {
    const text = html
      .replace(/<[^>]*>/g, '')
      .replace(/&(lt|gt|quot|#39|apos|nbsp|amp);/g, (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'", nbsp: ' ', amp: '&' })[e]!)
      .trim();
    const root = parseMarkdown(text);
    const first = root.type === 'root' ? root.children[0] : undefined;
    return first?.type === 'paragraph' ? inline(first.children) : escapeNotionText(text);
  }

  /** Markdown held in a raw HTML node (the inside of a `<details>` written without blank lines). */
  function htmlMarkdown(html: string): Block[] {
    const root = parseMarkdown(html);
    return root.type === 'root' ? convertAll(root.children as RootContent[]) : [];
  }

  const opens = (html: string) => (html.match(/<details\b/gi) ?? []).length;
  const closes = (html: string) => (html.match(/<\/details\s*>/gi) ?? []).length;

  /** `<details>` … `</details>` starting at nodes[i] (GFM leaves HTML as raw nodes around the markdown inside). */
  function details(nodes: readonly RootContent[], i: number): { blocks: Block[]; next: number } {
    const opening = (nodes[i] as { value: string }).value;
    let summary = '';
    let text = opening.replace(/^\s*<details\b[^>]*>/i, '');
    const take = (html: string) => {
      const found = /^\s*<summary\b[^>]*>([\s\S]*?)<\/summary\s*>/i.exec(html);
      if (!found) return html;
      summary = summaryText(found[1]!);
      return html.slice(found[0].length);
    };
    text = take(text);
    let depth = opens(opening) - closes(opening);
    const children: Block[] = [];
    let after: Block[] = [];
    if (depth <= 0) {
      // Written without blank lines: one HTML node holds it all.
      const end = text.search(/<\/details\s*>(?![\s\S]*<\/details\s*>)/i);
      children.push(...htmlMarkdown(text.slice(0, end)));
      after = htmlMarkdown(text.slice(end).replace(/^<\/details\s*>/i, ''));
      return { blocks: [{ kind: 'toggle', text: summary, children }, ...after], next: i + 1 };
    }
    if (text.trim() !== '') children.push(...htmlMarkdown(text));
    let j = i + 1;
    const inner: RootContent[] = [];
    for (; j < nodes.length; j++) {
      const node = nodes[j]!;
      if (node.type === 'html') {
        if (summary === '' && inner.length === 0 && /^\s*<summary\b/i.test(node.value)) {
          const rest = take(node.value);
          if (rest.trim() !== '') children.push(...htmlMarkdown(rest));
          continue;
        }
        depth += opens(node.value) - closes(node.value);
        if (depth <= 0) {
          const end = node.value.search(/<\/details\s*>(?![\s\S]*<\/details\s*>)/i);
          const before = node.value.slice(0, end);
          children.push(...convertAll(inner));
          if (before.trim() !== '') children.push(...htmlMarkdown(before));
          after = htmlMarkdown(node.value.slice(end).replace(/^<\/details\s*>/i, ''));
          return { blocks: [{ kind: 'toggle', text: summary, children }, ...after], next: j + 1 };
        }
      }
      inner.push(node);
    }
    // Never closed: everything after it is inside, as a browser shows it.
    children.push(...convertAll(inner));
    return { blocks: [{ kind: 'toggle', text: summary, children }], next: j };
  }

  function convertAll(nodes: readonly RootContent[]): Block[] {
    const out: Block[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      if (node.type === 'html' && /^\s*<details\b/i.test(node.value)) {
        const { blocks, next } = details(nodes, i);
        out.push(...blocks);
        i = next - 1;
        continue;
      }
      out.push(...convert(node));
    }
    return out;
  }

  const root = parsedOnce(lifted.text);
  const blocks = root.type === 'root' ? convertAll(root.children as RootContent[]) : [];
  const markdown = options.dialect === 'v1' ? serializeV1(blocks) : serializeV2(blocks);
  return { markdown, pendingLinks: [...new Set(pendingLinks)] };
}

const indent = (lines: readonly string[]) => lines.map((l) => (l === '' ? l : `\t${l}`));

/** v1: one block per line; children one tab deeper; fenced-div callouts, `<details>` toggles, tab-indented tables. */
function serializeV1(blocks: readonly Block[]): string {
  const lines = (block: Block): string[] => {
    switch (block.kind) {
      case 'lines':
        return block.lines;
      case 'item':
        return [`${block.marker} ${block.text}`.trimEnd(), ...indent(block.children.flatMap(lines))];
      case 'quote':
        return [`> ${block.text}`.trimEnd(), ...indent(block.children.flatMap(lines))];
      case 'callout':
        return [`::: callout {icon="${block.icon}" color="${block.color}"}`, ...(block.text ? [block.text] : []), ...block.children.flatMap(lines), ':::'];
      case 'toggle':
        return ['<details>', `<summary>${block.text}</summary>`, ...indent(block.children.flatMap(lines)), '</details>'];
      case 'table':
        return ['<table header-row="true">', ...block.rows.flatMap((row) => ['\t<tr>', ...row.map((cell) => `\t\t<td>${cell}</td>`), '\t</tr>']), '</table>'];
    }
  };
  return blocks.flatMap(lines).join('\n') + (blocks.length > 0 ? '\n' : '');
}

/** v2: every block separated by a blank line; tabs only under list items; tag forms for blocks with children. */
function serializeV2(blocks: readonly Block[]): string {
  const render = (list: readonly Block[]): string => list.map(one).join('\n\n');
  const tagged = (open: string, close: string, text: string, children: readonly Block[]) =>
    `${open}\n${[text, children.length > 0 ? render(children) : ''].filter(Boolean).join('\n\n')}\n${close}`;
  const one = (block: Block): string => {
    switch (block.kind) {
      case 'lines':
        return block.lines.join('\n');
      case 'item': {
        const own = `${block.marker} ${block.text}`.trimEnd();
        return block.children.length > 0 ? `${own}\n\n${indent(render(block.children).split('\n')).join('\n')}` : own;
      }
      case 'quote':
        return block.children.length > 0 ? tagged('<quote>', '</quote>', block.text, block.children) : `> ${block.text}`.trimEnd();
      case 'callout':
        return tagged(`<callout icon="${block.icon}" color="${block.color}">`, '</callout>', block.text, block.children);
      case 'toggle':
        return tagged('<toggle>', '</toggle>', block.text, block.children);
      case 'table':
        return ['<table header-row="true">', ...block.rows.flatMap((row) => ['<tr>', ...row.map((cell) => `<td>${cell}</td>`), '</tr>']), '</table>'].join(
          '\n',
        );
    }
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
