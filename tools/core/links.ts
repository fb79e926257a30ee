import { posix } from 'node:path';
import { distance } from 'fastest-levenshtein';
import { slug as githubSlug } from 'github-slugger';
import type { Nodes } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { NOTE_KINDS, type CanonConfig, type NoteKind } from './config.js';
import { externalIdFor, NOT_NOTES, trimSlashes } from './layout.js';
import { mayHoldLinks } from './markdown-lines.js';
import type { Issue } from './validate-note.js';
import { lineIndex } from './line-index.js';

/**
 * Links between notes (ADR-0018). People and agents write wikilinks — `[[RT-260511-02]]`,
 * `[[RT-260511-02|the spike]]`, `[[RT-260511-02#Resume Prompt]]`, `[[repo-flip]]` (a workstream
 * slug), `[[WS-repo-flip]]`, `[[ADR-0003]]` — and canon turns them into relative markdown links
 * (`[RT-260511-02](../sessions/RT-260511-02.md)`), which GitHub, Obsidian, VS Code and the sync all
 * resolve. Code spans, fenced and indented code and HTML are never touched: the body is parsed with
 * mdast (GFM) and only text outside those nodes is looked at.
 */

/** The notes a link may name, built from their paths alone (ids come from file names, docs/contract.md §2). */
export interface NoteTable {
  /** external_id → repository-relative path. */
  byId: Map<string, string>;
  /** repository-relative path → external_id. */
  byPath: Map<string, string>;
  /** workstream slug → path. */
  slugs: Map<string, string>;
  /** file stem → paths (of any kind). */
  stems: Map<string, string[]>;
}

/** Index note paths (repository-relative, forward slashes); anything that is not a note is skipped. */
export function indexNotePaths(paths: Iterable<string>, config: CanonConfig): NoteTable {
  const table: NoteTable = { byId: new Map(), byPath: new Map(), slugs: new Map(), stems: new Map() };
  // classifyPath per path, but with the folders looked up once: this runs over every note of the store.
  const kinds = new Map(NOTE_KINDS.map((kind) => [trimSlashes(config.folders[kind]), kind] as const));
  for (const rel of paths) {
    const slash = rel.lastIndexOf('/');
    const kind = kinds.get(slash === -1 ? '' : rel.slice(0, slash));
    const name = rel.slice(slash + 1);
    if (kind === undefined || !name.endsWith('.md') || NOT_NOTES.has(name)) continue;
    const stem = name.slice(0, -3);
    const id = externalIdFor(kind, stem) ?? stem;
    table.byId.set(id, rel);
    table.byPath.set(rel, id);
    if (kind === 'workstream') table.slugs.set(stem, rel);
    const same = table.stems.get(stem);
    if (same) same.push(rel);
    else table.stems.set(stem, [rel]);
  }
  return table;
}

/**
 * Where the note a wikilink names would be if the name is an external id or a workstream slug:
 * exact paths, and for `ADR-0003` a glob (`docs/adr/0003-*.md`). Lets the commit door look up a few
 * paths instead of listing the store; other names (stems, other case) need the whole table.
 */
export function candidatePaths(name: string, config: CanonConfig): { paths: string[]; globs: string[] } {
  const folder = (kind: NoteKind) => trimSlashes(config.folders[kind]);
  const paths: string[] = [];
  const globs: string[] = [];
  if (name === '' || name.includes('/') || name.includes('*') || name.includes('?') || name.includes('[')) return { paths, globs };
  paths.push(`${folder('session')}/${name}.md`, `${folder('workstream')}/${name}.md`);
  const prefixed = /^(WS|PLAN|LRN)-(.+)$/.exec(name);
  if (prefixed) paths.push(`${folder(prefixed[1] === 'WS' ? 'workstream' : prefixed[1] === 'PLAN' ? 'plan' : 'learning')}/${prefixed[2]}.md`);
  const adr = /^ADR-(\d{1,4})$/.exec(name);
  if (adr) globs.push(`${folder('adr')}/${adr[1]!.padStart(4, '0')}-*.md`);
  return { paths, globs };
}

/** Whether `name` resolves in `table` by id or workstream slug alone (so a partial table gives the same answer as the whole one). */
export function resolvesExactly(table: NoteTable, name: string): boolean {
  return table.byId.has(name) || table.byId.has(name.replace(/^ADR-(\d{1,3})$/, (_, n: string) => `ADR-${n.padStart(4, '0')}`)) || table.slugs.has(name);
}

export type Resolution = { ok: true; rel: string; id: string } | { ok: false; reason: 'unknown' | 'ambiguous'; candidates: string[] };

/**
 * What a wikilink's name points at: an external id (`RT-…`, `WS-x`, `PLAN-x`, `ADR-0003`, `LRN-x`),
 * `ADR-3` for `ADR-0003`, a workstream slug, a file stem of any kind when only one note has it, a
 * name written as a path (`docs/sessions/RT-….md`), then any of these ignoring case.
 */
export function resolveNoteName(table: NoteTable, name: string): Resolution {
  const found = (rel: string): Resolution => ({ ok: true, rel, id: table.byPath.get(rel)! });
  const exact = (key: string): Resolution | null => {
    const byId = table.byId.get(key) ?? table.byId.get(key.replace(/^ADR-(\d{1,3})$/, (_, n: string) => `ADR-${n.padStart(4, '0')}`)) ?? table.slugs.get(key);
    if (byId !== undefined) return found(byId);
    const stems = table.stems.get(key) ?? [];
    if (stems.length === 1) return found(stems[0]!);
    if (stems.length > 1) return { ok: false, reason: 'ambiguous', candidates: stems.map((rel) => table.byPath.get(rel)!) };
    return null;
  };
  const direct = exact(name);
  if (direct) return direct;
  if (name.includes('/') || name.endsWith('.md')) {
    const base = posix.basename(name).replace(/\.md$/, '');
    const byBase = exact(base);
    if (byBase) return byBase;
  }
  const lower = name.toLowerCase();
  const folded = new Set<string>();
  for (const [id, rel] of table.byId) if (id.toLowerCase() === lower) folded.add(rel);
  for (const [slug, rel] of table.slugs) if (slug.toLowerCase() === lower) folded.add(rel);
  if (folded.size === 1) return found([...folded][0]!);
  if (folded.size > 1) return { ok: false, reason: 'ambiguous', candidates: [...folded].map((rel) => table.byPath.get(rel)!) };
  return { ok: false, reason: 'unknown', candidates: nearestIds(table, name) };
}

/** The ids closest to `name` by edit distance, ignoring case (a workstream also by its slug). */
function nearestIds(table: NoteTable, name: string, count = 3): string[] {
  const lower = name.toLowerCase();
  const best = new Map<string, number>();
  const score = (key: string, id: string) => {
    const d = distance(lower, key.toLowerCase());
    if (d < (best.get(id) ?? Infinity)) best.set(id, d);
  };
  for (const id of table.byId.keys()) score(id, id);
  for (const [slug, rel] of table.slugs) score(slug, table.byPath.get(rel)!);
  return [...best]
    .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([id]) => id);
}

/** A `[[…]]` in the body; offsets are into the body string. */
export interface WikiLink {
  start: number;
  end: number;
  /** The note name as written (before `#` and `|`), trimmed; empty for `[[#heading]]`. */
  name: string;
  heading: string | null;
  alias: string | null;
  /** Inside a GFM table row, where `|` must be written `\|`. */
  inTable: boolean;
}

/** A markdown link, image or reference definition, with where its destination sits in the source. */
export interface MarkdownLink {
  kind: 'link' | 'image' | 'definition';
  start: number;
  end: number;
  /** The destination as written (between the parentheses, or after `]:`), `<…>` brackets excluded. */
  url: string;
  urlStart: number;
  urlEnd: number;
  /** The link's text when it is one plain text run (what a rename may update), with its offsets. */
  text: { value: string; start: number; end: number } | null;
}

export interface FoundLinks {
  wiki: WikiLink[];
  markdown: MarkdownLink[];
}

function parseBody(body: string): Nodes {
  return fromMarkdown(body, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

const WIKILINK = /(?<!\\)\[\[([^[\]\n]+?)\]\]/g;

/** Every wikilink and markdown link of a body (LF line endings, frontmatter removed). */
export function findLinks(body: string): FoundLinks {
  if (!mayHoldLinks(body)) return { wiki: [], markdown: [] };
  const tree = parseBody(body);
  // Ranges where a `[[` is not a wikilink: code, HTML, and links (a wikilink inside a link's text).
  const skipped: Array<[number, number]> = [];
  const tables: Array<[number, number]> = [];
  const markdown: MarkdownLink[] = [];
  const walk = (node: Nodes): void => {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start !== undefined && end !== undefined) {
      switch (node.type) {
        case 'code':
        case 'inlineCode':
        case 'html':
          skipped.push([start, end]);
          return;
        case 'table':
          tables.push([start, end]);
          break;
        case 'link':
        case 'image':
        case 'definition': {
          skipped.push([start, end]);
          const found = locateDestination(body, node, start, end);
          if (found) markdown.push(found);
          if (node.type !== 'link') return;
          break;
        }
        case 'linkReference':
        case 'imageReference':
          skipped.push([start, end]);
          break;
      }
    }
    if ('children' in node) for (const child of node.children) walk(child as Nodes);
  };
  walk(tree);
  const inside = (ranges: Array<[number, number]>, at: number) => ranges.some(([s, e]) => at >= s && at < e);
  const wiki: WikiLink[] = [];
  for (const match of body.matchAll(WIKILINK)) {
    const start = match.index;
    if (inside(skipped, start) || body[start - 1] === '!') continue; // `![[x]]` is an Obsidian embed, not a link
    const inTable = inside(tables, start);
    wiki.push({ start, end: start + match[0].length, inTable, ...splitWikiLink(match[1]!) });
  }
  return { wiki, markdown };
}

/** `name#heading|alias`; in a table the alias bar is written `\|`. */
function splitWikiLink(inner: string): { name: string; heading: string | null; alias: string | null } {
  const bar = inner.indexOf('|');
  let target = inner;
  let alias: string | null = null;
  if (bar !== -1) {
    target = inner.slice(0, inner[bar - 1] === '\\' ? bar - 1 : bar);
    alias = inner.slice(bar + 1).trim() || null;
  }
  const hash = target.indexOf('#');
  const name = (hash === -1 ? target : target.slice(0, hash)).trim();
  const heading = hash === -1 ? null : target.slice(hash + 1).trim() || null;
  return { name, heading, alias };
}

/**
 * Where a link's destination is written. Inline links and images: `[text](dest "title")`, found
 * after the text (the last child's end, or the matching `]`); definitions: `[label]: dest`.
 * Autolinks (`<https://…>`, bare `www.…`) and reference links carry no destination of their own.
 */
function locateDestination(body: string, node: Nodes, start: number, end: number): MarkdownLink | null {
  let close: number;
  if (node.type === 'definition') {
    close = closingBracket(body, body.indexOf('[', start), end);
    if (close === -1 || body[close + 1] !== ':') return null;
    close += 1; // the destination follows `]:`
  } else {
    const open = node.type === 'image' ? start + 1 : start;
    if (body[open] !== '[') return null;
    close = closingBracket(body, open, end);
    if (close === -1 || body[close + 1] !== '(') return null;
    close += 1;
  }
  let p = close + 1;
  while (p < end && /[ \t\n]/.test(body[p]!)) p++;
  let urlStart = p;
  let urlEnd: number;
  if (body[p] === '<') {
    urlStart = p + 1;
    urlEnd = body.indexOf('>', urlStart);
    if (urlEnd === -1 || urlEnd > end) return null;
  } else {
    let depth = 0;
    urlEnd = p;
    while (urlEnd < end) {
      const c = body[urlEnd]!;
      if (c === '\\') urlEnd += 2;
      else if (/\s/.test(c)) break;
      else if (c === '(') {
        depth++;
        urlEnd++;
      } else if (c === ')') {
        if (depth === 0) break;
        depth--;
        urlEnd++;
      } else urlEnd++;
    }
    urlEnd = Math.min(urlEnd, end);
  }
  let text: MarkdownLink['text'] = null;
  if (node.type === 'link' && node.children.length === 1 && node.children[0]!.type === 'text') {
    const child = node.children[0]!;
    const s = child.position?.start.offset;
    const e = child.position?.end.offset;
    if (s !== undefined && e !== undefined && body.slice(s, e) === child.value) text = { value: child.value, start: s, end: e };
  }
  const kind = node.type === 'definition' ? 'definition' : node.type === 'image' ? 'image' : 'link';
  return { kind, start, end, url: body.slice(urlStart, urlEnd), urlStart, urlEnd, text };
}

/** The `]` that closes the `[` at `open` (backslash escapes and nested brackets honoured), or -1. */
function closingBracket(body: string, open: number, end: number): number {
  if (open < 0) return -1;
  let depth = 0;
  for (let i = open; i < end; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return -1;
}

/** 1-based file line and column (in characters, so an emoji counts once) of a body offset. */
/** Positions of many offsets in one body: line starts found once, each lookup a binary search. */
function createLocator(body: string, lineOffset: number): (offset: number) => { line: number; column: number } {
  const at = lineIndex(body);
  return (offset) => {
    const { line, start } = at(offset);
    return { line: lineOffset + line + 1, column: [...body.slice(start, offset)].length + 1 };
  };
}

/** How many lines of the file come before the body (the frontmatter block), from the file's text. */
export function bodyLineOffset(text: string, body: string): number {
  const lf = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const head = lf.slice(0, Math.max(0, lf.length - body.length));
  let lines = 0;
  for (let i = head.indexOf('\n'); i !== -1; i = head.indexOf('\n', i + 1)) lines++;
  return lines;
}

/** A relative link destination for `target` from the note at `from`, safe inside `(…)`. */
function relativeUrl(from: string, target: string): string {
  const rel = posix.relative(posix.dirname(from), target) || posix.basename(target);
  return encodeURI(rel).replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'));
}

function escapeLinkText(text: string, inTable: boolean): string {
  const escaped = text.replace(/[\\[\]]/g, (c) => `\\${c}`);
  return inTable ? escaped.replace(/\|/g, '\\|') : escaped;
}

export interface LinkChange {
  line: number;
  column: number;
  from: string;
  to: string;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(body: string, edits: Edit[]): string {
  let out = body;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

export interface LinkPlanInput {
  /** The note's repository-relative path: links are written relative to its folder. */
  noteRel: string;
  table: NoteTable;
  /** Lines before the body in the file, so issues point at file lines. */
  lineOffset: number;
  /** The body's links, when the caller has found them already. */
  found?: FoundLinks;
}

/** A relative link to a file (not a URL, not an anchor), resolved to a repository path. */
export interface RelativeTarget {
  /** Repository-relative path the link points at; null when it leaves the repository. */
  rel: string | null;
  url: string;
  line: number;
  column: number;
}

export interface LinkPlan {
  /** The body with its wikilinks rewritten; null when nothing changed. */
  body: string | null;
  changes: LinkChange[];
  /** Wikilinks that name no note (error) or several (error). */
  issues: Issue[];
  /** Relative links to check for existence (the caller knows what exists). */
  targets: RelativeTarget[];
}

/**
 * Rewrite a body's wikilinks to relative markdown links from the note's folder, keeping anchors
 * (`#Resume Prompt` becomes GitHub's `#resume-prompt`) and aliases; report names that resolve to no
 * note, with the nearest ids; list the body's relative links for an existence check.
 */
export function planLinks(body: string, input: LinkPlanInput): LinkPlan {
  const { wiki, markdown } = input.found ?? findLinks(body);
  const at = createLocator(body, input.lineOffset);
  const changes: LinkChange[] = [];
  const issues: Issue[] = [];
  const edits: Edit[] = [];
  for (const link of wiki) {
    const { line, column } = at(link.start);
    const written = body.slice(link.start, link.end);
    const anchor = link.heading === null ? '' : `#${githubSlug(link.heading)}`;
    let url: string;
    let text: string;
    if (link.name === '') {
      if (anchor === '') continue;
      url = anchor;
      text = link.alias ?? link.heading!;
    } else {
      const resolved = resolveNoteName(input.table, link.name);
      if (!resolved.ok) {
        const message =
          resolved.reason === 'unknown'
            ? `${written} names no note in the store${resolved.candidates.length > 0 ? `; nearest: ${resolved.candidates.join(', ')}` : ''}`
            : `${written} could name any of ${resolved.candidates.join(', ')}; write the id`;
        issues.push({ file: input.noteRel, line, column, severity: 'error', pointer: '', message, rule: `link/${resolved.reason}` });
        continue;
      }
      url = resolved.rel === input.noteRel && anchor !== '' ? anchor : relativeUrl(input.noteRel, resolved.rel) + anchor;
      text = link.alias ?? (link.heading === null ? link.name : `${link.name} > ${link.heading}`);
    }
    const to = `[${escapeLinkText(text, link.inTable)}](${url})`;
    edits.push({ start: link.start, end: link.end, text: to });
    changes.push({ line, column, from: written, to });
  }
  const targets: RelativeTarget[] = [];
  for (const link of markdown) {
    const rel = resolveRelative(input.noteRel, link.url);
    if (rel === undefined) continue;
    targets.push({ rel, url: link.url, ...at(link.start) });
  }
  return { body: edits.length > 0 ? applyEdits(body, edits) : null, changes, issues, targets };
}

/**
 * The repository path a link destination names from the note at `noteRel`: undefined for URLs,
 * anchors, root-relative and empty links; null when it climbs out of the repository.
 */
function resolveRelative(noteRel: string, url: string): string | null | undefined {
  if (url === '' || url.startsWith('#') || url.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(url)) return undefined;
  const file = url.split(/[?#]/)[0]!;
  if (file === '') return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(file.replace(/\\(.)/g, '$1'));
  } catch {
    decoded = file;
  }
  const joined = posix.normalize(posix.join(posix.dirname(noteRel), decoded));
  if (joined === '..' || joined.startsWith('../')) return null;
  return joined.replace(/\/$/, '');
}

/** Warnings for relative links whose target is not in `exists` (or leaves the repository). */
export function brokenLinkIssues(file: string, targets: readonly RelativeTarget[], exists: (rel: string) => boolean): Issue[] {
  const issues: Issue[] = [];
  for (const target of targets) {
    if (target.rel !== null && exists(target.rel)) continue;
    const message =
      target.rel === null ? `link ${target.url} points outside the repository` : `link ${target.url} points at ${target.rel}, which does not exist`;
    issues.push({ file, line: target.line, column: target.column, severity: 'warning', pointer: '', message, rule: 'link/broken' });
  }
  return issues;
}

export interface Rename {
  fromRel: string;
  toRel: string;
  fromId: string;
  toId: string;
}

/**
 * Point a body's links at renamed notes: markdown links and definitions whose destination is the
 * old path (fragments and the link's own style kept; a link text that was the old id becomes the
 * new one), and wikilinks that name the old id. URLs, code and everything else stay as they are.
 */
export function retargetLinks(body: string, noteRel: string, renames: readonly Rename[]): { body: string | null; changes: LinkChange[] } {
  if (renames.length === 0 || !renames.some((r) => body.includes(posix.basename(r.fromRel, '.md')) || body.includes(r.fromId)))
    return { body: null, changes: [] };
  const { wiki, markdown } = findLinks(body);
  const byPath = new Map(renames.map((r) => [r.fromRel, r]));
  const byName = new Map(renames.flatMap((r) => [[r.fromId, r] as const, [posix.basename(r.fromRel, '.md'), r] as const]));
  const edits: Edit[] = [];
  const changes: LinkChange[] = [];
  const at = createLocator(body, 0);
  const record = (start: number, end: number, text: string) => {
    const { line, column } = at(start);
    edits.push({ start, end, text });
    changes.push({ line, column, from: body.slice(start, end), to: text });
  };
  for (const link of markdown) {
    const rel = resolveRelative(noteRel, link.url);
    const rename = rel ? byPath.get(rel) : undefined;
    if (!rename) continue;
    const cut = link.url.search(/[?#]/);
    const file = cut === -1 ? link.url : link.url.slice(0, cut);
    const suffix = cut === -1 ? '' : link.url.slice(cut);
    const sameFolder = posix.dirname(rename.fromRel) === posix.dirname(rename.toRel);
    const slash = file.lastIndexOf('/');
    const next = sameFolder ? `${file.slice(0, slash + 1)}${relativeUrl(rename.toRel, rename.toRel)}` : relativeUrl(noteRel, rename.toRel);
    record(link.urlStart, link.urlEnd, next + suffix);
    if (link.text && link.text.value === rename.fromId) record(link.text.start, link.text.end, rename.toId);
  }
  for (const link of wiki) {
    const rename = byName.get(link.name);
    if (!rename) continue;
    const written = body.slice(link.start, link.end);
    const at = written.indexOf(link.name);
    record(link.start + at, link.start + at + link.name.length, rename.toId);
  }
  return { body: edits.length > 0 ? applyEdits(body, edits) : null, changes };
}

/** Ids of the notes a body links to (markdown links and resolvable wikilinks), with where. */
export function linksTo(
  body: string,
  noteRel: string,
  table: NoteTable,
  lineOffset: number,
): Array<{ rel: string; line: number; column: number; text: string }> {
  const { wiki, markdown } = findLinks(body);
  const at = createLocator(body, lineOffset);
  const out: Array<{ rel: string; line: number; column: number; text: string }> = [];
  for (const link of markdown) {
    const rel = resolveRelative(noteRel, link.url);
    if (rel && table.byPath.has(rel)) out.push({ rel, ...at(link.start), text: body.slice(link.start, link.end) });
  }
  for (const link of wiki) {
    if (link.name === '') continue;
    const resolved = resolveNoteName(table, link.name);
    if (resolved.ok) out.push({ rel: resolved.rel, ...at(link.start), text: body.slice(link.start, link.end) });
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}
