import matter from 'gray-matter';
import { Document, isMap, isScalar, LineCounter, parseDocument, visit, type Node } from 'yaml';
import { parseFrontmatterFast } from './frontmatter-fast.js';

/**
 * A note file, as canon reads it:
 *
 *     ---
 *     title: Hook hardening        <- entries[0], file line 2
 *     tags: [hooks]                <- entries[1]
 *     ---
 *     ## Summary                   <- body (everything after the closing `---` line)
 *
 * Each top-level key keeps its exact source text (`entries[i].text`), so reordering keys or setting
 * one value never re-formats another: values round-trip byte for byte.
 */
export interface Note {
  hasFrontmatter: boolean;
  /** Comment lines before the first key. */
  leading: string;
  entries: FrontmatterEntry[];
  /** The frontmatter as parsed with the YAML core schema (`2026-05-11` stays a string). */
  data: Record<string, unknown>;
  /** Text after the closing `---` line, LF line endings. */
  body: string;
  hadBom: boolean;
  hadCrlf: boolean;
  /** Resolve a JSON pointer into the frontmatter to a file position (1-based). */
  locate(pointer: string): { line: number; column: number };
}

export interface FrontmatterEntry {
  key: string;
  /** The key's source lines, LF-terminated. */
  text: string;
  /** 1-based file line of the key. */
  line: number;
}

export type NoteSyntaxRule = 'frontmatter/yaml' | 'frontmatter/engine' | 'frontmatter/alias-bomb' | 'frontmatter/not-a-mapping' | 'frontmatter/unclosed';

/** The file is not a readable note. Carries the file position for `path:line:col` reporting. */
export class NoteSyntaxError extends Error {
  constructor(
    message: string,
    readonly rule: NoteSyntaxRule,
    readonly line = 1,
    readonly column = 1,
  ) {
    super(message);
    this.name = 'NoteSyntaxError';
  }
}

/** YAML aliases beyond this many expansions are a resource-exhaustion attack (a "YAML bomb"). */
const MAX_ALIAS_COUNT = 100;

function rejectEngine(language: string) {
  return {
    parse(): never {
      throw new NoteSyntaxError(
        `front matter language "${language}" is not allowed: canon reads YAML front matter only and never evaluates code`,
        'frontmatter/engine',
      );
    },
    stringify(): never {
      throw new NoteSyntaxError(`front matter language "${language}" is not allowed`, 'frontmatter/engine');
    },
  };
}

/** Split a file into raw YAML and body with gray-matter; its code engines are replaced so nothing is ever evaluated. */
function splitFrontmatter(text: string): { raw: string; body: string; hasFrontmatter: boolean } {
  if (!/^---[^\n]*\n/.test(text) && text !== '---') return { raw: '', body: text, hasFrontmatter: false };
  let raw = '';
  let language = 'yaml';
  let file: matter.GrayMatterFile<string>;
  try {
    // gray-matter caches results per input unless given options; an options object on every call
    // keeps each parse independent (docs/contract.md §14).
    file = matter(text, {
      language: 'yaml',
      delimiters: '---',
      excerpt: false,
      engines: {
        yaml: {
          parse: (source: string) => {
            raw = source;
            return {};
          },
          stringify: () => '',
        },
        js: rejectEngine('js'),
        javascript: rejectEngine('javascript'),
        coffee: rejectEngine('coffee'),
        coffeescript: rejectEngine('coffeescript'),
      },
    } as unknown as Parameters<typeof matter>[1]);
    language = (file as unknown as { language?: string }).language ?? 'yaml';
  } catch (error) {
    if (error instanceof NoteSyntaxError) throw error;
    const lang = /^---\s*([^\s\n]+)/.exec(text)?.[1] ?? 'unknown';
    throw new NoteSyntaxError(`front matter language "${lang}" is not allowed: canon reads YAML front matter only`, 'frontmatter/engine');
  }
  if (language !== 'yaml') {
    throw new NoteSyntaxError(`front matter language "${language}" is not allowed`, 'frontmatter/engine');
  }
  // gray-matter hands the engine the text between the delimiter lines, starting with the newline
  // that ends the opening line. Its closing-delimiter search also accepts `----`; canon does not.
  const yaml = raw.startsWith('\n') ? raw.slice(1) : raw;
  const openingLength = text.indexOf('\n') + 1;
  const closing = openingLength + yaml.length + (yaml.length > 0 ? 1 : 0);
  const closingLine = text.slice(closing, text.indexOf('\n', closing) === -1 ? undefined : text.indexOf('\n', closing));
  if (closingLine.trimEnd() !== '---') {
    const line = text.slice(0, Math.min(closing, text.length)).split('\n').length;
    throw new NoteSyntaxError('front matter is not closed by a `---` line', 'frontmatter/unclosed', line, 1);
  }
  // The body starts after the closing line's newline. gray-matter's `content` would keep the rest of
  // a closing line such as `--- ` (trailing blanks), adding a line to the body on every rewrite.
  const bodyStart = closing + closingLine.length + 1;
  return { raw: yaml.length > 0 ? `${yaml}\n` : '', body: bodyStart > text.length ? '' : text.slice(bodyStart), hasFrontmatter: true };
}

const FILE_LINE_OFFSET = 1; // YAML line 1 is file line 2 (after the opening `---`)

/** Parse note text (any line endings, optional BOM) into a Note. Throws NoteSyntaxError. */
export function parseNote(input: string): Note {
  const hadBom = input.charCodeAt(0) === 0xfeff;
  let text = hadBom ? input.slice(1) : input;
  const hadCrlf = text.includes('\r');
  if (hadCrlf) text = text.replace(/\r\n?/g, '\n');

  const { raw, body, hasFrontmatter } = splitFrontmatter(text);
  const fast = parseFrontmatterFast(raw);
  if (fast) {
    let full: ParsedYaml | undefined;
    return {
      hasFrontmatter,
      leading: '',
      entries: fast.entries.map((e) => ({ key: e.key, text: raw.slice(e.start, e.end), line: e.line + FILE_LINE_OFFSET + 1 })),
      data: fast.data,
      body,
      hadBom,
      hadCrlf,
      // Positions are only needed to report a problem: parse fully then, not before.
      locate: (pointer) => (full ??= parseYaml(raw)).locate(pointer),
    };
  }
  return { hasFrontmatter, body, hadBom, hadCrlf, ...parseYaml(raw) };
}

interface ParsedYaml {
  leading: string;
  entries: FrontmatterEntry[];
  data: Record<string, unknown>;
  locate: Note['locate'];
}

/** The full YAML path: errors with positions, comments, anchors, block scalars, anything YAML allows. */
function parseYaml(raw: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(raw, { schema: 'core', lineCounter, uniqueKeys: true, prettyErrors: false });
  const position = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line + FILE_LINE_OFFSET, column: pos.col };
  };
  const firstError = doc.errors[0];
  if (firstError) {
    const { line, column } = position(firstError.pos[0]);
    const reason = firstError.message.split('\n')[0] ?? firstError.message;
    throw new NoteSyntaxError(`invalid YAML: ${reason.replace(/ at line \d+, column \d+:?$/, '')}`, 'frontmatter/yaml', line, column);
  }
  const contents = doc.contents;
  if (contents !== null && !(isMap(contents) && !contents.flow)) {
    const { line, column } = position(contents.range?.[0] ?? 0);
    throw new NoteSyntaxError('front matter must be a block mapping of keys to values', 'frontmatter/not-a-mapping', line, column);
  }

  let data: Record<string, unknown>;
  try {
    data = (doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown> | null) ?? {};
  } catch (error) {
    if (error instanceof ReferenceError || /alias/i.test(String(error))) {
      throw new NoteSyntaxError(`YAML aliases expand beyond ${MAX_ALIAS_COUNT} nodes (a YAML bomb); refusing to read it`, 'frontmatter/alias-bomb', 2, 1);
    }
    throw error;
  }

  const entries: FrontmatterEntry[] = [];
  let leading = '';
  if (contents !== null && isMap(contents)) {
    const starts = contents.items.map((pair) => lineStart(raw, (pair.key as Node | null)?.range?.[0] ?? 0));
    leading = raw.slice(0, starts[0] ?? raw.length);
    for (let i = 0; i < contents.items.length; i++) {
      const pair = contents.items[i]!;
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      entries.push({
        key,
        text: raw.slice(starts[i]!, starts[i + 1] ?? raw.length),
        line: position(starts[i]!).line,
      });
    }
    moveTrailingComments(entries);
  }

  const locate = (pointer: string) => {
    const path = pointerToPath(pointer);
    if (path.length === 0) return { line: FILE_LINE_OFFSET + 1, column: 1 };
    // Point at the deepest node that exists: a missing key reports its parent's line.
    for (let depth = path.length; depth > 0; depth--) {
      const node = doc.getIn(path.slice(0, depth), true) as Node | undefined;
      const pair = depth === 1 ? entries.find((e) => e.key === path[0]) : undefined;
      if (pair) return { line: pair.line, column: 1 };
      if (node && typeof node === 'object' && node.range) return position(node.range[0]);
    }
    return { line: FILE_LINE_OFFSET + 1, column: 1 };
  };

  return { leading, entries, data, locate };
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** A comment line directly above a key belongs to that key, not to the value before it. */
function moveTrailingComments(entries: FrontmatterEntry[]): void {
  for (let i = 0; i + 1 < entries.length; i++) {
    const lines = entries[i]!.text.split('\n');
    lines.pop(); // text ends with '\n'
    let cut = lines.length;
    while (cut > 1 && lines[cut - 1]!.startsWith('#')) cut--;
    if (cut === lines.length) continue;
    const moved = lines.slice(cut).join('\n') + '\n';
    entries[i]!.text = lines.slice(0, cut).join('\n') + '\n';
    entries[i + 1]!.text = moved + entries[i + 1]!.text;
    entries[i + 1]!.line -= lines.length - cut;
  }
}

export function pointerToPath(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Render one `key: value` entry the way canon writes new values: flow style for lists of scalars. */
function renderEntry(key: string, value: unknown): string {
  const doc = new Document({ [key]: value }, { schema: 'core' });
  visit(doc, {
    Seq(_, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, indent: 2, indentSeq: true, flowCollectionPadding: false });
}

/** Serialise a note: LF endings, no BOM; entries in the given order. */
export function serializeNote(note: Pick<Note, 'leading' | 'entries' | 'body'>): string {
  return `---\n${note.leading}${note.entries.map((e) => e.text).join('')}---\n${note.body}`;
}

/**
 * Return a copy of the note with `values` set: existing keys are replaced in place, new keys are
 * appended (normalisation puts them where they belong). `undefined` removes a key.
 */
export function setFrontmatter(note: Note, values: Record<string, unknown>): Note {
  const entries = note.entries.map((e) => ({ ...e }));
  const data = { ...note.data };
  for (const [key, value] of Object.entries(values)) {
    const index = entries.findIndex((e) => e.key === key);
    if (value === undefined) {
      if (index >= 0) entries.splice(index, 1);
      delete data[key];
      continue;
    }
    const text = renderEntry(key, value);
    if (index >= 0) {
      // Comment lines above and below the key (the last key holds those before the closing `---`) stay.
      const old = entries[index]!.text;
      entries[index] = { key, text: leadingComments(old) + text + trailingComments(old), line: entries[index]!.line };
    } else entries.push({ key, text, line: 0 });
    data[key] = value;
  }
  return { ...note, entries, data, hasFrontmatter: true };
}

/** Comment lines after a key's value, as in moveTrailingComments (the key line itself never counts). */
function trailingComments(text: string): string {
  const lines = text.split('\n');
  lines.pop(); // text ends with '\n'
  let cut = lines.length;
  while (cut > 1 && lines[cut - 1]!.startsWith('#')) cut--;
  return cut === lines.length ? '' : lines.slice(cut).join('\n') + '\n';
}

function leadingComments(text: string): string {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith('#')) i++;
  return i === 0 ? '' : lines.slice(0, i).join('\n') + '\n';
}

/** Build a note from data (in the given key order) and a body. */
export function createNote(data: Record<string, unknown>, body: string): Note {
  const base: Note = {
    hasFrontmatter: true,
    leading: '',
    entries: [],
    data: {},
    body,
    hadBom: false,
    hadCrlf: false,
    locate: () => ({ line: 2, column: 1 }),
  };
  return setFrontmatter(base, data);
}

/**
 * Claim stub (docs/contract.md §3.3): `claimed_at`, `operator`, `kind: session`, optionally `claimed_by` (the
 * claiming process, ADR-0025), and nothing else, empty body.
 */
export function isClaimStub(note: Pick<Note, 'data' | 'body'>): boolean {
  const keys = Object.keys(note.data);
  return (
    keys.length === ('claimed_by' in note.data ? 4 : 3) &&
    'claimed_at' in note.data &&
    'operator' in note.data &&
    note.data.kind === 'session' &&
    note.body.trim() === ''
  );
}
