import type { NoteKind } from '../core/config.js';
import { markdownToBlocks, planAppendBatches } from './notion-blocks.js';
import { MARKDOWN_MAX_BYTES, markdownWireBytes, REQUEST_MAX_BLOCKS } from './notion-markdown.js';
import { diffProperties, type LogicalProperty } from './notion-properties.js';

/** One old → new replacement in a page's markdown (Notion's update_content). */
export interface MarkdownEdit {
  old_str: string;
  new_str: string;
}

const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);
const isHighSurrogate = (c: string | undefined) => c !== undefined && /[\uD800-\uDBFF]/.test(c);
const isLowSurrogate = (c: string | undefined) => c !== undefined && /[\uDC00-\uDFFF]/.test(c);

/** One word (and what separates it) further left of `at`. */
function wordLeft(text: string, at: number): number {
  let i = at;
  while (i > 0 && !isWordChar(text[i - 1])) i -= 1;
  while (i > 0 && isWordChar(text[i - 1])) i -= 1;
  return i;
}

/** One word (and what separates it) further right of `at`. */
function wordRight(text: string, at: number): number {
  let i = at;
  while (i < text.length && !isWordChar(text[i])) i += 1;
  while (i < text.length && isWordChar(text[i])) i += 1;
  return i;
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

/**
 * The smallest single edit that turns `before` into `after` (canon's rendering of the version Notion
 * holds, and of the one to send) and that Notion can apply to `page`, the text Notion itself answers
 * for the page (its rendering may differ from what canon sent: tables gain attributes, blocks are
 * re-spaced; ADR-0036). The changed characters, widened to whole words and then word by word until
 * `old_str` occurs exactly once in both texts. Null when there is no such edit, or none smaller than
 * sending `after` whole: replace the content.
 */
export function planMarkdownEdits(before: string, after: string, page: string = before): MarkdownEdit[] | null {
  if (before === after) return [];
  if (before === '' || page === '') return null;
  let head = 0;
  const shorter = Math.min(before.length, after.length);
  while (head < shorter && before[head] === after[head]) head += 1;
  let tail = 0;
  while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail += 1;
  const delta = after.length - before.length;
  let start = head;
  let end = before.length - tail;
  // Whole words (and never half a surrogate pair): an edit reads as what it changes.
  while (start > 0 && (isWordChar(before[start - 1]) || isLowSurrogate(before[start]))) start -= 1;
  while (end < before.length && (isWordChar(before[end]) || isHighSurrogate(before[end - 1]))) end += 1;
  for (;;) {
    const oldStr = before.slice(start, end);
    if (oldStr.trim() !== '') {
      const inPage = occurrences(page, oldStr);
      // Notion's text differs right where the change is: a wider old_str cannot be found either.
      if (inPage === 0) return null;
      if (inPage === 1 && occurrences(before, oldStr) === 1) {
        const newStr = after.slice(start, end + delta);
        // Exact: applied the way Notion applies it (first and only match), it must give `after`.
        if (before.replace(oldStr, () => newStr) !== after) return null;
        return oldStr.length + newStr.length < after.length ? [{ old_str: oldStr, new_str: newStr }] : null;
      }
    }
    if (start === 0 && end === before.length) return null;
    start = wordLeft(before, start);
    end = wordRight(before, end);
  }
}

export type BodyStep = { kind: 'none' } | { kind: 'edit'; edits: MarkdownEdit[] } | { kind: 'replace' } | { kind: 'blocks'; reason: string };

export interface NoteRequestPlan {
  /** How the page comes to be: created with its markdown body, created on the block path, or already there. */
  create: 'markdown' | 'blocks' | null;
  /** Properties to PATCH: the changed logical ones, 'all', or none. */
  properties: (LogicalProperty | 'title')[] | 'all' | null;
  body: BodyStep;
  /** Requests this note is expected to cost (retries and 429s not counted). */
  requests: number;
  /** One line for the dry run: "update body: 1 request (update_content, 1 edit)". */
  summary: string;
}

export interface NoteVersion {
  data: Record<string, unknown>;
  body: string;
}

export interface RequestPlanInput {
  kind: NoteKind;
  externalId: string;
  /** Create a page, or update the page the note (or the data source) already has. */
  mode: 'create' | 'update';
  current: NoteVersion;
  currentMarkdown: string;
  /**
   * The version Notion holds, when canon knows it exactly (the committed version whose hash is the
   * note's synced_hash, rendered the same way), and `page`: the page's markdown as Notion answered it
   * after the last write, when known (else the same as `markdown`). Null: unknown, so everything is sent.
   */
  previous: { version: NoteVersion; markdown: string; page?: string } | null;
}

/** Block elements in a tree, children included (what Notion counts against a request's 1000). */
function countBlocks(nodes: readonly { children: readonly unknown[] }[]): number {
  return nodes.reduce((n, node) => n + 1 + countBlocks(node.children as { children: readonly unknown[] }[]), 0);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Decide, for one note, which requests bring its page up to date. Pure. */
export function planNoteRequests(input: RequestPlanInput): NoteRequestPlan {
  const bytes = markdownWireBytes(input.currentMarkdown);
  // Every block takes a line of markdown (or more), so only a long note can pass the block limit.
  const blocks = input.currentMarkdown.split('\n').length > REQUEST_MAX_BLOCKS / 4 ? countBlocks(markdownToBlocks(input.current.body)) : 0;
  const tooBig = bytes > MARKDOWN_MAX_BYTES || blocks > REQUEST_MAX_BLOCKS;
  const bigReason =
    bytes > MARKDOWN_MAX_BYTES
      ? `its markdown is ${Math.round(bytes / 1024)} KB in a request body; a request takes at most ${Math.round(MARKDOWN_MAX_BYTES / 1024)} KB of it (500 KB overall)`
      : `it holds ${blocks} blocks; a request takes at most ${REQUEST_MAX_BLOCKS}`;
  if (input.mode === 'create') {
    if (tooBig) {
      const requests = 1 + Math.max(0, planAppendBatches(markdownToBlocks(input.current.body)).length - 1);
      return {
        create: 'blocks',
        properties: null,
        body: { kind: 'blocks', reason: bigReason },
        requests,
        summary: `create on the block path: ${plural(requests, 'request')} (${bigReason})`,
      };
    }
    return { create: 'markdown', properties: null, body: { kind: 'none' }, requests: 1, summary: 'create page with its markdown body: 1 request' };
  }
  const previous = input.previous;
  const properties = previous ? diffProperties(input.kind, input.externalId, previous.version.data, input.current.data) : ('all' as const);
  const propertyList = properties === 'all' || properties.length > 0 ? properties : null;
  let body: BodyStep;
  if (previous && previous.markdown === input.currentMarkdown) body = { kind: 'none' };
  else if (tooBig) body = { kind: 'blocks', reason: bigReason };
  else {
    const edits = previous ? planMarkdownEdits(previous.markdown, input.currentMarkdown, previous.page ?? previous.markdown) : null;
    body = edits && edits.length > 0 ? { kind: 'edit', edits } : { kind: 'replace' };
  }
  const parts: string[] = [];
  let requests = 0;
  if (propertyList) {
    requests += 1;
    parts.push(propertyList === 'all' ? 'properties' : `properties (${propertyList.join(', ')})`);
  }
  if (body.kind === 'edit' || body.kind === 'replace') {
    requests += 1;
    parts.push(body.kind === 'edit' ? `body (update_content, ${plural(body.edits.length, 'edit')})` : 'body (replace_content)');
  }
  if (body.kind === 'blocks') {
    const appends = planAppendBatches(markdownToBlocks(input.current.body)).length;
    const old = previous ? markdownToBlocks(previous.version.body).length : 0;
    const blockRequests = 1 + old + appends;
    requests += blockRequests;
    parts.push(`body on the block path (${body.reason})`);
  }
  if (requests === 0) return { create: null, properties: null, body, requests: 0, summary: 'nothing Notion shows changed: 0 requests' };
  return { create: null, properties: propertyList, body, requests, summary: `update ${parts.join(' + ')}: ${plural(requests, 'request')}` };
}
