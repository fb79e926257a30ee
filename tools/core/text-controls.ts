// The commit door's rule for characters a terminal acts on (ADR-0023): C0 controls but tab and line
// feed, DEL, C1 controls, and bidi embeddings, overrides and isolates, anywhere in a note — values,
// keys, comments and body — whether written raw or as a YAML double-quoted escape:
//
//     title: "Fix \e[31mred\e[0m"       <- the value holds ESC twice; reported at the `\e`
//     summary: Fix‮ evil                <- U+202E raw; reported where it stands
//
// Each line reports its first such character at its `line:col` in the file, with how many more the
// line holds. (A carriage return never reaches here as a line ending: parseNote reads CRLF as LF.)
import { parseDocument, visit } from 'yaml';
import { textMessages as m } from '../messages/text.js';
import type { Note } from './frontmatter.js';
import { isUnsafeCharacter } from './inert-text.js';
import type { Issue } from './validate-note.js';

const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const C0_NAMES = 'NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US'.split(' ');
const C1_NAMES = 'PAD HOP BPH NBH IND NEL SSA ESA HTS HTJ VTS PLD PLU RI SS2 SS3 DCS PU1 PU2 STS CCH MW SPA EPA SOS SGC SCI CSI ST OSC PM APC'.split(' ');
const BIDI_NAMES: Record<number, string> = {
  0x202a: 'LRE, left-to-right embedding',
  0x202b: 'RLE, right-to-left embedding',
  0x202c: 'PDF, pop directional formatting',
  0x202d: 'LRO, left-to-right override',
  0x202e: 'RLO, right-to-left override',
  0x2066: 'LRI, left-to-right isolate',
  0x2067: 'RLI, right-to-left isolate',
  0x2068: 'FSI, first strong isolate',
  0x2069: 'PDI, pop directional isolate',
};

/** `U+001B (ESC)`, `U+202E (RLO, right-to-left override)`. */
export function describeCharacter(code: number): string {
  const name = code < 0x20 ? C0_NAMES[code] : code === 0x7f ? 'DEL' : code <= 0x9f && code >= 0x80 ? C1_NAMES[code - 0x80] : BIDI_NAMES[code];
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}${name === undefined ? '' : ` (${name})`}`;
}

export function isBidiControl(code: number): boolean {
  return code >= 0x202a;
}

interface Found {
  /** Offset within the region's text. */
  offset: number;
  code: number;
  /** The YAML escape that wrote it, or null when it stands raw. */
  escape: string | null;
}

interface Region {
  text: string;
  /** 1-based file line of the text's first line. */
  line: number;
  /** JSON pointer for the issue ('' outside the frontmatter values). */
  pointer: string;
  where: string;
}

const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

/** Raw unsafe characters, in order; the regular expression skips clean text natively. */
function* findRaw(text: string): Generator<Found> {
  UNSAFE_ALL.lastIndex = 0;
  for (let match = UNSAFE_ALL.exec(text); match !== null; match = UNSAFE_ALL.exec(text)) {
    yield { offset: match.index, code: text.charCodeAt(match.index), escape: null };
  }
}

const SIMPLE_ESCAPES: Record<string, number> = { '0': 0, a: 7, b: 8, v: 0x0b, f: 0x0c, r: 0x0d, e: 0x1b, N: 0x85 };
const HEX_ESCAPES: Record<string, number> = { x: 2, u: 4, U: 8 };

/**
 * Escapes in the double-quoted scalars (values and keys) of one entry's YAML text that decode to an
 * unsafe character. Plain, single-quoted and block scalars have no escapes: `\e` there is two characters.
 */
function findEscapes(text: string): Found[] {
  const found: Found[] = [];
  const doc = parseDocument(text, { schema: 'core', uniqueKeys: false });
  visit(doc, {
    Scalar(_, node) {
      if (node.type !== 'QUOTE_DOUBLE' || !node.range) return;
      const [start, end] = node.range;
      for (let i = start + 1; i < end - 1; i++) {
        if (text[i] !== '\\') continue;
        const c = text[i + 1] ?? '';
        const width = HEX_ESCAPES[c];
        let code: number | undefined = SIMPLE_ESCAPES[c];
        let length = 2;
        if (width !== undefined) {
          code = Number.parseInt(text.slice(i + 2, i + 2 + width), 16);
          length = 2 + width;
        }
        if (code !== undefined && isUnsafeCharacter(code)) found.push({ offset: i, code, escape: text.slice(i, i + length) });
        i += length - 1;
      }
    },
  });
  return found;
}

function holdsUnsafe(value: unknown): boolean {
  if (typeof value === 'string') return UNSAFE.test(value);
  if (Array.isArray(value)) return value.some(holdsUnsafe);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([k, v]) => UNSAFE.test(k) || holdsUnsafe(v));
  return false;
}

function lineBreaks(text: string, end = text.length): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** A note's lines reported one by one, at most; a pasted coloured log gets one more issue that counts the rest. */
const MAX_LINES = 10;

/** One issue per line of a region: its first unsafe character, and how many more the line holds. `found` is in offset order. */
function report(file: string, region: Region, found: Iterable<Found>, issues: Issue[]): void {
  const groups: Array<{ line: number; column: number; first: Found; count: number }> = [];
  let moreLines = 0;
  let line = region.line;
  let lineStart = 0;
  let currentLine = -1;
  for (const f of found) {
    for (let nl = region.text.indexOf('\n', lineStart); nl !== -1 && nl < f.offset; nl = region.text.indexOf('\n', lineStart)) {
      line++;
      lineStart = nl + 1;
    }
    if (line === currentLine) {
      if (moreLines === 0) groups.at(-1)!.count++;
      continue;
    }
    currentLine = line;
    if (groups.length < MAX_LINES) groups.push({ line, column: f.offset - lineStart + 1, first: f, count: 1 });
    else if (moreLines++ === 0) groups.push({ line, column: f.offset - lineStart + 1, first: f, count: 0 });
  }
  for (const [i, { line, column, first, count }] of groups.entries()) {
    const bidi = isBidiControl(first.code);
    const say = bidi ? m.bidi : m.control;
    const message = i === MAX_LINES ? m.moreLines(region.where, moreLines) : say(region.where, describeCharacter(first.code), first.escape, count - 1);
    issues.push({ file, line, column, severity: 'error', pointer: region.pointer, message, rule: bidi ? 'text/bidi-control' : 'text/control-character' });
  }
}

/** Every control or bidi character of a note, as issues at their `path:line:col` (nothing for a clean note). */
export function findTextControls(file: string, note: Pick<Note, 'hasFrontmatter' | 'leading' | 'entries' | 'data' | 'body'>): Issue[] {
  const issues: Issue[] = [];
  // The note as serializeNote writes it: `---`, the leading comments, the entries, `---`, the body.
  let line = 2;
  if (note.hasFrontmatter) {
    if (UNSAFE.test(note.leading)) report(file, { text: note.leading, line, pointer: '', where: m.where.comment }, findRaw(note.leading), issues);
    line += lineBreaks(note.leading);
    for (const entry of note.entries) {
      const region: Region = { text: entry.text, line, pointer: `/${entry.key.replace(/~/g, '~0').replace(/\//g, '~1')}`, where: '' };
      const raw = UNSAFE.test(entry.text) ? [...findRaw(entry.text)] : [];
      const escaped = entry.text.includes('\\') && holdsUnsafe({ [entry.key]: note.data[entry.key] }) ? findEscapes(entry.text) : [];
      const found = [...raw, ...escaped].sort((a, b) => a.offset - b.offset);
      // The parsed value holds one that neither scan placed (a YAML form not foreseen): still refused, at the key.
      if (found.length === 0 && holdsUnsafe({ [entry.key]: note.data[entry.key] })) found.push(firstInValue(entry.key, note.data[entry.key]));
      if (found.length > 0) report(file, region, found, issues);
      line += lineBreaks(entry.text);
    }
    line += 1; // the closing `---`
  } else line = 1;
  if (UNSAFE.test(note.body)) report(file, { text: note.body, line, pointer: '', where: m.where.body }, findRaw(note.body), issues);
  return issues;
}

function firstInValue(key: string, value: unknown): Found {
  const strings: string[] = [key];
  const walk = (v: unknown) => {
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        strings.push(k);
        walk(item);
      }
    }
  };
  walk(value);
  const hit = strings.find((s) => UNSAFE.test(s)) ?? '';
  return { offset: 0, code: hit.charCodeAt(hit.search(UNSAFE)), escape: null };
}

/** The first unsafe character of a text, with its 1-based line and column, or null: for input that is not a note. */
export function findFirstTextControl(text: string): { line: number; column: number; code: number } | null {
  const index = text.search(UNSAFE);
  if (index === -1) return null;
  return { line: lineBreaks(text, index) + 1, column: index - (text.lastIndexOf('\n', index - 1) + 1) + 1, code: text.charCodeAt(index) };
}
