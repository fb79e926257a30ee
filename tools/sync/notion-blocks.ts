import type { Nodes, Parent, PhrasingContent, RootContent, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

/**
 * Notion's request limits (developers.notion.com/reference/request-limits): a request that breaks one
 * is refused with 400 validation_error, so the converter is built to never produce one.
 */
export const NOTION_LIMITS = {
  /** characters in one rich text object's text.content (and in a link URL) */
  textChars: 2000,
  /** elements in any array: rich text items of a block, children of a block */
  arrayItems: 100,
  /** block elements in one request */
  blocksPerRequest: 1000,
  /** bytes of one request body (Notion says 500 KB; canon keeps room for the page properties) */
  requestBytes: 400_000,
} as const;

/**
 * Text held by one block at most. A block may carry 100 rich text items of 2000 characters, but
 * 200,000 characters of JSON-escaped text can pass 500 KB on their own: longer text continues in a
 * following block of the same type.
 */
export const MAX_BLOCK_CHARS = 40_000;

export interface Annotations {
  bold?: true;
  italic?: true;
  strikethrough?: true;
  code?: true;
}

/** A rich text item as canon sends it: annotations only when set, a link only when Notion accepts it. */
export interface RichText {
  type: 'text';
  text: { content: string; link: { url: string } | null };
  annotations?: Annotations;
}

/**
 * A block before it is cut into requests: `data` is the body under `block[type]` without children;
 * `children` may nest to any depth (planAppendBatches decides what travels in which request).
 */
export interface BlockNode {
  type: string;
  data: Record<string, unknown>;
  children: BlockNode[];
}

/** A block as sent in a request body: `{object, type, [type]: {...data, children?}}`. */
export type BlockRequest = { object: 'block'; type: string } & Record<string, unknown>;

/** Notion's code languages (LanguageRequest in @notionhq/client 5.x); anything else is "plain text". */
const LANGUAGES: ReadonlySet<string> = new Set([
  'abap',
  'abc',
  'agda',
  'arduino',
  'ascii art',
  'assembly',
  'bash',
  'basic',
  'bnf',
  'c',
  'c#',
  'c++',
  'clojure',
  'coffeescript',
  'coq',
  'css',
  'dart',
  'dhall',
  'diff',
  'docker',
  'ebnf',
  'elixir',
  'elm',
  'erlang',
  'f#',
  'flow',
  'fortran',
  'gherkin',
  'glsl',
  'go',
  'graphql',
  'groovy',
  'haskell',
  'hcl',
  'html',
  'idris',
  'java',
  'javascript',
  'json',
  'julia',
  'kotlin',
  'latex',
  'less',
  'lisp',
  'livescript',
  'llvm ir',
  'lua',
  'makefile',
  'markdown',
  'markup',
  'matlab',
  'mathematica',
  'mermaid',
  'nix',
  'notion formula',
  'objective-c',
  'ocaml',
  'pascal',
  'perl',
  'php',
  'plain text',
  'powershell',
  'prolog',
  'protobuf',
  'purescript',
  'python',
  'r',
  'racket',
  'reason',
  'ruby',
  'rust',
  'sass',
  'scala',
  'scheme',
  'scss',
  'shell',
  'smalltalk',
  'solidity',
  'sql',
  'swift',
  'toml',
  'typescript',
  'vb.net',
  'verilog',
  'vhdl',
  'visual basic',
  'webassembly',
  'xml',
  'yaml',
  'java/c/c++/c#',
]);

const LANGUAGE_ALIASES: Record<string, string> = {
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  node: 'javascript',
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  py: 'python',
  python3: 'python',
  rb: 'ruby',
  sh: 'shell',
  zsh: 'shell',
  console: 'shell',
  shellsession: 'shell',
  yml: 'yaml',
  md: 'markdown',
  cpp: 'c++',
  cxx: 'c++',
  hpp: 'c++',
  cs: 'c#',
  csharp: 'c#',
  fsharp: 'f#',
  dockerfile: 'docker',
  golang: 'go',
  jsonc: 'json',
  json5: 'json',
  text: 'plain text',
  txt: 'plain text',
  plaintext: 'plain text',
  kt: 'kotlin',
  rs: 'rust',
  objc: 'objective-c',
  make: 'makefile',
  proto: 'protobuf',
  tf: 'hcl',
  terraform: 'hcl',
  ps1: 'powershell',
  pwsh: 'powershell',
  ex: 'elixir',
  exs: 'elixir',
  hs: 'haskell',
  ml: 'ocaml',
  pl: 'perl',
  svg: 'xml',
  vue: 'html',
  svelte: 'html',
  wasm: 'webassembly',
  tex: 'latex',
  gql: 'graphql',
  patch: 'diff',
};

export function notionLanguage(lang: string | null | undefined): string {
  const key = (lang ?? '').trim().toLowerCase();
  if (LANGUAGES.has(key)) return key;
  return LANGUAGE_ALIASES[key] ?? 'plain text';
}

/** Notion's media blocks, chosen by the URL of a standalone `![caption](url)`. */
export type Media = 'image' | 'video' | 'audio' | 'pdf' | 'file';
const MEDIA_EXTENSIONS: Record<string, Media> = Object.fromEntries([
  ...['mp4', 'webm', 'mov', 'm4v', 'ogv', 'avi', 'mkv', 'wmv'].map((e) => [e, 'video'] as const),
  ...['mp3', 'wav', 'ogg', 'oga', 'm4a', 'flac', 'aac', 'opus', 'wma'].map((e) => [e, 'audio'] as const),
  ['pdf', 'pdf'] as const,
  ...['zip', 'gz', 'tgz', 'tar', '7z', 'rar', 'csv', 'tsv', 'xls', 'xlsx', 'doc', 'docx', 'ppt', 'pptx', 'txt', 'json', 'xml', 'yaml', 'yml'].map(
    (e) => [e, 'file'] as const,
  ),
]);

export function mediaKind(url: string): Media {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'image';
  }
  if (/(^|\.)(youtube\.com|youtu\.be|vimeo\.com|loom\.com)$/i.test(parsed.hostname)) return 'video';
  const ext = /\.([a-z0-9]{1,5})$/i.exec(parsed.pathname)?.[1]?.toLowerCase();
  return (ext && MEDIA_EXTENSIONS[ext]) || 'image';
}

/** Notion refuses relative or malformed link URLs ("Invalid URL for link"), so only absolute ones survive. */
function acceptedLink(url: string): string | null {
  if (url.length > NOTION_LIMITS.textChars || !/^(https?:\/\/|mailto:)/i.test(url)) return null;
  try {
    new URL(url);
    return url;
  } catch {
    return null;
  }
}

interface Segment {
  text: string;
  annotations: Annotations;
  link: string | null;
}

function sameStyle(a: Segment, b: Segment): boolean {
  return (
    a.link === b.link &&
    a.annotations.bold === b.annotations.bold &&
    a.annotations.italic === b.annotations.italic &&
    a.annotations.strikethrough === b.annotations.strikethrough &&
    a.annotations.code === b.annotations.code
  );
}

function collectSegments(nodes: readonly PhrasingContent[], annotations: Annotations, link: string | null, out: Segment[]): void {
  for (const node of nodes) {
    switch (node.type) {
      case 'text':
        out.push({ text: node.value, annotations, link });
        break;
      case 'inlineCode':
        out.push({ text: node.value, annotations: { ...annotations, code: true }, link });
        break;
      case 'strong':
        collectSegments(node.children, { ...annotations, bold: true }, link, out);
        break;
      case 'emphasis':
        collectSegments(node.children, { ...annotations, italic: true }, link, out);
        break;
      case 'delete':
        collectSegments(node.children, { ...annotations, strikethrough: true }, link, out);
        break;
      case 'link':
        collectSegments(node.children, annotations, acceptedLink(node.url) ?? link, out);
        break;
      case 'linkReference':
        collectSegments(node.children, annotations, link, out);
        break;
      case 'break':
        out.push({ text: '\n', annotations, link });
        break;
      case 'image':
        out.push({ text: node.alt || node.url, annotations, link: acceptedLink(node.url) ?? link });
        break;
      case 'imageReference':
        out.push({ text: node.alt ?? '', annotations, link });
        break;
      case 'html':
        out.push({ text: node.value, annotations, link });
        break;
      case 'footnoteReference':
        out.push({ text: `[^${node.label ?? node.identifier}]`, annotations, link });
        break;
      default:
        break;
    }
  }
}

/** Cut text into pieces of at most `size` UTF-16 units without splitting a surrogate pair. */
export function splitText(text: string, size: number): string[] {
  if (text.length <= size) return [text];
  const parts: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts;
}

function richTextOf(segments: readonly Segment[]): RichText[] {
  const merged: Segment[] = [];
  for (const segment of segments) {
    if (segment.text === '') continue;
    const last = merged.at(-1);
    if (last && sameStyle(last, segment)) last.text += segment.text;
    else merged.push({ ...segment });
  }
  const items: RichText[] = [];
  for (const segment of merged) {
    for (const content of splitText(segment.text, NOTION_LIMITS.textChars)) {
      const item: RichText = { type: 'text', text: { content, link: segment.link ? { url: segment.link } : null } };
      if (Object.keys(segment.annotations).length > 0) item.annotations = { ...segment.annotations };
      items.push(item);
    }
  }
  return items;
}

/** Rich text for inline content, already cut to Notion's item size (one block may still need several). */
export function inlineToRichText(nodes: readonly PhrasingContent[]): RichText[] {
  const segments: Segment[] = [];
  collectSegments(nodes, {}, null, segments);
  return richTextOf(segments);
}

export function plainRichText(text: string): RichText[] {
  return richTextOf([{ text, annotations: {}, link: null }]);
}

/** Group rich text into per-block runs: at most 100 items and MAX_BLOCK_CHARS characters each. */
export function chunkRichText(items: readonly RichText[]): RichText[][] {
  const chunks: RichText[][] = [[]];
  let chars = 0;
  for (const item of items) {
    const current = chunks.at(-1)!;
    const length = item.text.content.length;
    if (current.length > 0 && (current.length >= NOTION_LIMITS.arrayItems || chars + length > MAX_BLOCK_CHARS)) {
      chunks.push([item]);
      chars = length;
    } else {
      current.push(item);
      chars += length;
    }
  }
  return chunks;
}

/** One block per rich-text chunk; children (if any) go to the last one, so reading order is kept. */
function textBlocks(type: string, items: readonly RichText[], extra: Record<string, unknown> = {}, children: BlockNode[] = []): BlockNode[] {
  const chunks = chunkRichText(items);
  return chunks.map((rich_text, i) => ({
    type,
    data: { rich_text, ...extra },
    children: i === chunks.length - 1 ? children : [],
  }));
}

function paragraphs(text: string): BlockNode[] {
  return textBlocks('paragraph', plainRichText(text));
}

function convertTable(table: Table): BlockNode[] {
  const width = Math.max(1, ...table.children.map((row) => row.children.length));
  const rows: BlockNode[] = table.children.map((row) => {
    const cells: RichText[][] = [];
    for (let i = 0; i < width; i++) {
      const cell = row.children[i];
      // A cell is one rich-text array: past 100 items the rest would be refused, so it is cut.
      cells.push(cell ? inlineToRichText(cell.children).slice(0, NOTION_LIMITS.arrayItems) : []);
    }
    return { type: 'table_row', data: { cells }, children: [] };
  });
  return [{ type: 'table', data: { table_width: width, has_column_header: true, has_row_header: false }, children: rows }];
}

/** GitHub's alerts (and Obsidian's names for them): the callout's icon and colour. */
export const ALERTS: Record<string, { icon: string; color: string }> = {
  NOTE: { icon: 'ℹ️', color: 'blue_bg' },
  TIP: { icon: '💡', color: 'green_bg' },
  IMPORTANT: { icon: '❗', color: 'purple_bg' },
  WARNING: { icon: '⚠️', color: 'yellow_bg' },
  CAUTION: { icon: '🛑', color: 'red_bg' },
};
export const ALERT_ALIASES: Record<string, string> = {
  INFO: 'NOTE',
  TODO: 'NOTE',
  ABSTRACT: 'NOTE',
  SUMMARY: 'NOTE',
  TLDR: 'NOTE',
  HINT: 'TIP',
  SUCCESS: 'TIP',
  CHECK: 'TIP',
  DONE: 'TIP',
  ATTENTION: 'WARNING',
  QUESTION: 'WARNING',
  DANGER: 'CAUTION',
  ERROR: 'CAUTION',
  BUG: 'CAUTION',
  FAILURE: 'CAUTION',
};
export const ALERT_PATTERN = new RegExp(`^\\[!(${[...Object.keys(ALERTS), ...Object.keys(ALERT_ALIASES)].join('|')})\\][+-]?[ \\t]*\\n?`, 'i');

/** A blockquote that is a GitHub alert: its callout's icon and colour, and its content without the marker. */
function alertOf(children: readonly RootContent[]): { icon: string; color: string; children: RootContent[] } | null {
  const first = children[0];
  if (first?.type !== 'paragraph' || first.children[0]?.type !== 'text') return null;
  const match = ALERT_PATTERN.exec(first.children[0].value);
  if (!match) return null;
  const name = match[1]!.toUpperCase();
  const rest = { ...first.children[0], value: first.children[0].value.slice(match[0].length) };
  const paragraph = { ...first, children: [rest, ...first.children.slice(1)] };
  return { ...ALERTS[ALERT_ALIASES[name] ?? name]!, children: [paragraph, ...children.slice(1)] };
}

/** The first paragraph of a container becomes its text; everything after it becomes its children. */
function splitLead(children: readonly RootContent[]): { lead: RichText[]; rest: readonly RootContent[] } {
  const first = children[0];
  if (first?.type === 'paragraph') return { lead: inlineToRichText(first.children), rest: children.slice(1) };
  return { lead: [], rest: children };
}

function convertNode(node: RootContent): BlockNode[] {
  switch (node.type) {
    case 'paragraph': {
      const only = node.children.length === 1 ? node.children[0] : undefined;
      if (only?.type === 'image' && acceptedLink(only.url) && /^https?:/i.test(only.url)) {
        return [
          {
            type: mediaKind(only.url),
            data: { type: 'external', external: { url: only.url }, caption: plainRichText(only.alt ?? '').slice(0, NOTION_LIMITS.arrayItems) },
            children: [],
          },
        ];
      }
      return textBlocks('paragraph', inlineToRichText(node.children));
    }
    case 'heading': {
      // Notion has three heading levels that every API version accepts; h4-h6 become level 3.
      const level = Math.min(node.depth, 3);
      return textBlocks(`heading_${level}`, inlineToRichText(node.children));
    }
    case 'thematicBreak':
      return [{ type: 'divider', data: {}, children: [] }];
    case 'blockquote': {
      const alert = alertOf(node.children);
      if (alert) {
        const { lead, rest } = splitLead(alert.children);
        return textBlocks('callout', lead, { icon: { type: 'emoji', emoji: alert.icon }, color: alert.color.replace(/_bg$/, '_background') }, convertAll(rest));
      }
      const { lead, rest } = splitLead(node.children);
      return textBlocks('quote', lead, {}, convertAll(rest));
    }
    case 'list':
      return node.children.flatMap((item) => {
        const { lead, rest } = splitLead(item.children);
        const children = convertAll(rest);
        if (typeof item.checked === 'boolean') return textBlocks('to_do', lead, { checked: item.checked }, children);
        return textBlocks(node.ordered ? 'numbered_list_item' : 'bulleted_list_item', lead, {}, children);
      });
    case 'code': {
      if (node.lang?.toLowerCase() === 'math') return [{ type: 'equation', data: { expression: node.value.slice(0, NOTION_LIMITS.textChars) }, children: [] }];
      const language = notionLanguage(node.lang);
      return textBlocks('code', plainRichText(node.value), { language });
    }
    case 'html':
      return paragraphs(node.value);
    case 'table':
      return convertTable(node);
    case 'footnoteDefinition': {
      const blocks = convertAll(node.children);
      return [...paragraphs(`[^${node.label ?? node.identifier}]:`), ...blocks];
    }
    case 'definition':
    case 'yaml':
      return [];
    default:
      return 'children' in node ? convertAll((node as Parent).children as RootContent[]) : paragraphs(String((node as { value?: unknown }).value ?? ''));
  }
}

function convertAll(nodes: readonly RootContent[]): BlockNode[] {
  return nodes.flatMap(convertNode);
}

export function parseMarkdown(markdown: string): Nodes {
  return fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

/**
 * Parsing is most of the converter's cost (about 0.4 ms a list item or paragraph), and sync reads a
 * body several times per run: to count and plan its requests, to render it for Notion (to plan, then
 * to send with the links known by then), and to send it on the block path. The last few trees are
 * kept, shared by markdownToBlocks and renderNotionMarkdown; both only read them.
 */
const parsed = new Map<string, Nodes>();
export function parsedOnce(markdown: string): Nodes {
  let root = parsed.get(markdown);
  if (!root) {
    root = parseMarkdown(markdown);
    if (parsed.size >= 8) parsed.delete(parsed.keys().next().value!);
    parsed.set(markdown, root);
  }
  return root;
}

/** Markdown (a note body, frontmatter already removed) → Notion blocks, nesting kept as deep as written. */
export function markdownToBlocks(markdown: string): BlockNode[] {
  const root = parsedOnce(markdown);
  return root.type === 'root' ? convertAll(root.children) : [];
}

/** The request form of a block, with the given children inline. */
export function toBlockRequest(node: BlockNode, inline: readonly BlockRequest[] = []): BlockRequest {
  const body = inline.length > 0 ? { ...node.data, children: inline } : node.data;
  return { object: 'block', type: node.type, [node.type]: body } as BlockRequest;
}

/** One append (or the children of a page create): blocks sent now, and per block what to append under it next. */
export interface AppendBatch {
  blocks: BlockRequest[];
  /** deferred[i]: children of blocks[i] that did not fit this request; append them to the id it gets. */
  deferred: BlockNode[][];
}

/** TextEncoder, not Buffer: the sync core runs in the Workers runtime too (ADR-0017). */
const utf8 = new TextEncoder();

function bytesOf(value: unknown): number {
  return utf8.encode(JSON.stringify(value)).length;
}

/**
 * Cut blocks into requests Notion accepts: ≤ 100 blocks per array, two levels of nesting per request
 * (a block and its children, which carry none of their own), ≤ 1000 blocks and a byte budget per
 * request. A block keeps inline the longest prefix of its children that fits; the rest is appended
 * to it in follow-up requests, once its id is known, so the order on the page is the order written.
 */
export function planAppendBatches(nodes: readonly BlockNode[], limits: { requestBytes?: number } = {}): AppendBatch[] {
  const maxBytes = limits.requestBytes ?? NOTION_LIMITS.requestBytes;
  const batches: AppendBatch[] = [];
  let current: AppendBatch = { blocks: [], deferred: [] };
  let elements = 0;
  let bytes = 0;
  for (const node of nodes) {
    const inline: BlockRequest[] = [];
    let size = bytesOf(toBlockRequest(node));
    for (const child of node.children) {
      if (child.children.length > 0 || inline.length >= NOTION_LIMITS.arrayItems) break;
      const request = toBlockRequest(child);
      const childBytes = bytesOf(request) + 1;
      if (size + childBytes > maxBytes) break;
      inline.push(request);
      size += childBytes;
    }
    const block = toBlockRequest(node, inline);
    const count = 1 + inline.length;
    const full = current.blocks.length >= NOTION_LIMITS.arrayItems || elements + count > NOTION_LIMITS.blocksPerRequest || bytes + size > maxBytes;
    if (current.blocks.length > 0 && full) {
      batches.push(current);
      current = { blocks: [], deferred: [] };
      elements = 0;
      bytes = 0;
    }
    current.blocks.push(block);
    current.deferred.push(node.children.slice(inline.length));
    elements += count;
    bytes += size + 1;
  }
  if (current.blocks.length > 0) batches.push(current);
  return batches;
}
