/**
 * A secret in disguise: text a reader (or a copy and paste) turns back into a token, though the bytes
 * in the file never spell it. ADR-0021.
 *
 *     ghp_a1B2​c3D4…               <- a zero-width space (U+200B/C/D, U+2060, U+FEFF, soft hyphen) inside
 *     ghp_a1B2**c3D4**…  ghp_a1`c3`…  ghp_a1<!-- x -->c3…  sk-ant-_api_…   <- inline markup inside
 *     https://x.test/cb?t=%67hp_a1B2…                                       <- percent-encoding
 *     why_note: ghp_a1B2c3D4                                                <- a YAML string folded
 *       e5a1B2c3…                                                              across lines
 *     Z2hwX2ExQjJjM0Q0ZTVhMUIy…                                             <- base64
 *
 * `undisguise` returns the stretches of text that read differently once these are undone, each with
 * a map from every one of its characters back to an offset in the original, so a finding in it is
 * reported at the original line and column. Nothing is returned for a text with none of them, so an
 * ordinary note costs one pass over its characters.
 */

export type Disguise = 'zero-width' | 'markup' | 'percent' | 'folded' | 'base64';

export interface DisguisedText {
  /** What to scan. */
  text: string;
  /** For each character of `text` (and one past its end), its offset in the original text. */
  map: number[];
  /** For base64: the original offset where the encoded run ends (the whole run is the secret's place). */
  runEnd?: number;
  /** Which disguises were undone at each offset of `text` where two pieces were joined or a character decoded. */
  joins: Array<[at: number, how: Disguise]>;
}

const ZERO_WIDTH = new Set(['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u180E']);
/** Characters a token is made of: a piece ending in one and a piece starting with one may be one token. */
const TOKEN_CHAR = /[A-Za-z0-9_+/=.~-]/;
/** Inline HTML a note may hold; its tags are dropped, their text kept. */
const INLINE_TAG = /^<\/?(?:b|i|u|s|q|em|strong|code|span|wbr|sub|sup|del|ins|mark|kbd|small|big|tt|abbr|samp|var)(?:\s[^<>\n]{0,200})?\/?>/i;
const ALNUM = /[A-Za-z0-9]/;

/**
 * One pass over `text`: zero-width characters, inline markup (emphasis, code spans, strike-through,
 * HTML comments and inline tags) and percent-escapes of printable ASCII are undone; in the
 * frontmatter, a line break and the indentation after it are dropped where a value continues on
 * the next line. Returns the lines of the result where something joined two token characters or a
 * character was decoded, or null when there are none.
 */
function cleanLines(text: string): DisguisedText | null {
  // Lines are built one at a time, as segments of the original, and kept only if something in them was
  // undone: an ordinary line costs one search for the next special character, memory stays small.
  const keep: DisguisedText = { text: '', map: [], joins: [] };
  let segments: Array<[at: number, text: string]> = [];
  let length = 0; // of the line built so far
  let lastChar = '';
  let lineJoins: Array<[number, Disguise]> = [];
  const frontmatterEnd = text.startsWith('---\n') ? text.indexOf('\n---', 3) : -1;
  let pendingJoin: Disguise | null = null;
  const endLine = () => {
    if (lineJoins.length > 0) {
      if (keep.text.length > 0) {
        keep.text += '\n';
        keep.map.push(keep.map.at(-1)! + 1);
      }
      const base = keep.text.length;
      for (const [at, piece] of segments) {
        keep.text += piece;
        // A decoded percent-escape is one character for three of the original.
        if (piece.length === 1 && text[at] === '%') keep.map.push(at);
        else for (let k = 0; k < piece.length; k++) keep.map.push(at + k);
      }
      for (const [at, how] of lineJoins) keep.joins.push([base + at, how]);
    }
    segments = [];
    length = 0;
    lastChar = '';
    lineJoins = [];
  };
  const push = (piece: string, at: number) => {
    if (piece.length === 0) return;
    if (pendingJoin && TOKEN_CHAR.test(lastChar) && TOKEN_CHAR.test(piece[0]!)) lineJoins.push([length, pendingJoin]);
    pendingJoin = null;
    segments.push([at, piece]);
    length += piece.length;
    lastChar = piece[piece.length - 1]!;
  };
  const special = /[\u200B\u200C\u2060\uFEFF\u00AD\u180E<*`~_%\n]|\u200D/g;
  let i = 0;
  while (i < text.length) {
    special.lastIndex = i;
    const found = special.exec(text);
    const stop = found ? found.index : text.length;
    if (stop > i) push(text.slice(i, stop), i);
    if (!found) break;
    i = stop;
    const ch = text[i]!;
    if (ZERO_WIDTH.has(ch)) {
      pendingJoin ??= 'zero-width';
      i++;
      continue;
    }
    if (ch === '<') {
      if (text.startsWith('<!--', i)) {
        const close = text.indexOf('-->', i + 4);
        if (close !== -1) {
          pendingJoin ??= 'markup';
          i = close + 3;
          continue;
        }
      }
      const tag = INLINE_TAG.exec(text.slice(i, i + 220));
      if (tag) {
        pendingJoin ??= 'markup';
        i += tag[0].length;
        continue;
      }
    } else if (ch === '*' || ch === '`' || (ch === '~' && text[i + 1] === '~')) {
      let j = i;
      while (j < text.length && text[j] === ch) j++;
      pendingJoin ??= 'markup';
      i = j;
      continue;
    } else if (ch === '_') {
      // `_x_` emphasis: underscores at the edge of a word. Those inside one (ghp_…, snake_case) are its own.
      let j = i;
      while (j < text.length && text[j] === '_') j++;
      if (!(ALNUM.test(text[i - 1] ?? ' ') && ALNUM.test(text[j] ?? ' '))) {
        pendingJoin ??= 'markup';
        i = j;
        continue;
      }
      push(text.slice(i, j), i);
      i = j;
      continue;
    } else if (ch === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      const code = Number.parseInt(text.slice(i + 1, i + 3), 16);
      if (code > 0x20 && code < 0x7f) {
        lineJoins.push([length, 'percent']);
        pendingJoin = null;
        segments.push([i, String.fromCharCode(code)]);
        length += 1;
        lastChar = String.fromCharCode(code);
        i += 3;
        continue;
      }
    } else if (ch === '\n') {
      // A folded or plain multi-line YAML value: the next line is indented and is not a key or an item.
      if (i < frontmatterEnd) {
        let j = i + 1;
        while (text[j] === ' ' || text[j] === '\t') j++;
        const rest = text.slice(j, Math.min(j + 200, frontmatterEnd + 1));
        if (j > i + 1 && rest.length > 0 && rest[0] !== '\n' && !/^(?:- |-$|#|[\w"'.-]{1,100}:(?:\s|$))/.test(rest)) {
          pendingJoin = 'folded';
          i = j;
          continue;
        }
      }
      pendingJoin = null;
      endLine();
      i++;
      continue;
    }
    push(ch, i);
    i++;
  }
  endLine();
  if (keep.joins.length === 0) return null;
  keep.map.push(keep.map.at(-1)! + 1);
  return keep;
}

/** Runs of base64 (standard or URL-safe) long enough to hold a token: 20 characters encode 15 bytes. */
const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{20,65536}={0,2}/g;

/** `run` decoded, when it decodes to text (nine in ten bytes printable ASCII); else null. */
function decodeBase64(run: string): string | null {
  if (/^[0-9a-f]+$/i.test(run.replace(/=+$/, ''))) return null; // hashes, commit ids, UUID parts: hex is not text
  let b64 = run.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (b64.length % 4 === 1) return null;
  b64 += '='.repeat((4 - (b64.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(b64);
  } catch {
    return null;
  }
  if (binary.length < 12) return null;
  let printable = 0;
  for (let k = 0; k < binary.length; k++) {
    const c = binary.charCodeAt(k);
    if ((c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13) printable++;
  }
  if (printable < binary.length * 0.9) return null;
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The base64 runs of `text` that decode to text, each a piece whose every character maps to the run. */
function base64Pieces(text: string, map: (offset: number) => number, depth = 2): DisguisedText[] {
  const pieces: DisguisedText[] = [];
  for (const match of text.matchAll(BASE64_RUN)) {
    const decoded = decodeBase64(match[0]);
    if (decoded === null) continue;
    const start = map(match.index!);
    const runEnd = map(match.index! + match[0].length - 1) + 1;
    pieces.push({ text: decoded, map: new Array<number>(decoded.length + 1).fill(start), runEnd, joins: [[0, 'base64']] });
    if (depth > 1) for (const inner of base64Pieces(decoded, () => start, depth - 1)) pieces.push({ ...inner, runEnd });
  }
  return pieces;
}

/** Every stretch of `text` that reads differently once its disguises are undone (see the top of this file). */
export function undisguise(text: string): DisguisedText[] {
  const pieces: DisguisedText[] = [];
  const cleaned = cleanLines(text);
  if (cleaned) pieces.push(cleaned);
  pieces.push(...base64Pieces(text, (offset) => offset));
  if (cleaned) pieces.push(...base64Pieces(cleaned.text, (offset) => cleaned.map[offset]!, 1));
  return pieces;
}

/** How a finding's stretch [start, end) of `piece` was disguised: the joins inside it (`piece.joins` is in order). */
export function disguisesIn(piece: DisguisedText, start: number, end: number): Disguise[] {
  const found = new Set<Disguise>();
  if (piece.runEnd !== undefined) return ['base64'];
  let lo = 0;
  let hi = piece.joins.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (piece.joins[mid]![0] < start) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < piece.joins.length && piece.joins[k]![0] < end; k++) {
    const [at, how] = piece.joins[k]!;
    if (at > start || how === 'percent') found.add(how);
  }
  return [...found];
}
