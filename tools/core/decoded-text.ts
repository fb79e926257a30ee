/**
 * The text a note carries once it is decoded, where that differs from the bytes in the file.
 *
 * A secret scan of the raw file misses anything YAML or Markdown spells differently from what a
 * reader (git log aside: Notion, a resume dashboard) ends up with:
 *
 *     token: "\u0067hp_…"          <- YAML: the value is `ghp_…`
 *     "\x67hp_…": x                <- YAML: so is the key
 *     token: "ghp_abc\
 *       def"                       <- YAML: an escaped line break joins the two halves
 *     Token ghp\_… or &#x67;hp_…   <- Markdown: backslash escapes and character references
 *
 * Only strings that do not appear verbatim in the file are returned, so a plain note yields
 * nothing and costs one walk of its frontmatter.
 */

export interface DecodedPiece {
  /** What to scan: `key: value` for a value (so key-sensitive rules still fire), the bare key for a key. */
  text: string;
  /** Where `text`'s own decoded string starts within `text`. */
  offset: number;
  /** JSON pointer of the value (or of the key's pair) in the frontmatter. */
  pointer: string;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Every line of `value` is already in the raw text, so the raw scan sees what a reader sees. */
function isVerbatim(raw: string, value: string): boolean {
  if (raw.includes(value)) return true;
  return value.includes('\n') && value.split('\n').every((line) => raw.includes(line));
}

/** Strings (values and keys, at any depth) of parsed frontmatter `data` that the raw YAML `raw` spells differently. */
export function renderDecodedFrontmatter(raw: string, data: unknown): DecodedPiece[] {
  const pieces: DecodedPiece[] = [];
  const walk = (value: unknown, pointer: string, key: string) => {
    if (typeof value === 'string') {
      if (!isVerbatim(raw, value)) pieces.push({ text: `${key}: ${value}`, offset: key.length + 2, pointer });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${pointer}/${i}`, key));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const child = `${pointer}/${escapePointer(k)}`;
        if (!isVerbatim(raw, k)) pieces.push({ text: k, offset: 0, pointer: child });
        walk(v, child, k);
      }
    }
  };
  walk(data, '', '');
  return pieces;
}

/**
 * The named character references that decode to ASCII (all 46 of them, taken from the HTML list in
 * the `character-entities` package). The token patterns are ASCII, so the other two thousand cannot
 * complete one.
 */
const ASCII_ENTITIES: Record<string, string> = {
  AMP: '&',
  DiacriticalGrave: '`',
  GT: '>',
  Hat: '^',
  LT: '<',
  NewLine: '\n',
  QUOT: '"',
  Tab: '\t',
  UnderBar: '_',
  VerticalLine: '|',
  amp: '&',
  apos: "'",
  ast: '*',
  bsol: '\\',
  colon: ':',
  comma: ',',
  commat: '@',
  dollar: '$',
  equals: '=',
  excl: '!',
  fjlig: 'fj',
  grave: '`',
  gt: '>',
  lbrace: '{',
  lbrack: '[',
  lcub: '{',
  lowbar: '_',
  lpar: '(',
  lsqb: '[',
  lt: '<',
  midast: '*',
  num: '#',
  percnt: '%',
  period: '.',
  plus: '+',
  quest: '?',
  quot: '"',
  rbrace: '}',
  rbrack: ']',
  rcub: '}',
  rpar: ')',
  rsqb: ']',
  semi: ';',
  sol: '/',
  verbar: '|',
  vert: '|',
};

/** A CommonMark backslash escape or character reference, matched left to right in one pass as Markdown reads them. */
const MARKDOWN_ESCAPE = /\\([!-/:-@[-`{-~])|&#([0-9]{1,7});|&#[xX]([0-9a-fA-F]{1,6});|&([A-Za-z][A-Za-z0-9]{1,31});/g;

function codePoint(n: number): string {
  return n === 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff) ? '\uFFFD' : String.fromCodePoint(n);
}

/**
 * Body lines (0-based index) whose text reads differently once Markdown's escapes and character
 * references are decoded, with the decoded text: what a Markdown reader, and sync's converter, get.
 * Code spans are decoded too (Markdown would not): for a secret scan, seeing more is the safe side.
 */
export function renderMarkdownEscapes(body: string): Array<{ index: number; text: string }> {
  if (!/[\\&]/.test(body)) return [];
  const out: Array<{ index: number; text: string }> = [];
  body.split('\n').forEach((line, index) => {
    if (!line.includes('\\') && !line.includes('&')) return;
    const text = line.replace(MARKDOWN_ESCAPE, (whole, escaped?: string, dec?: string, hex?: string, name?: string) => {
      if (escaped !== undefined) return escaped;
      if (dec !== undefined) return codePoint(Number.parseInt(dec, 10));
      if (hex !== undefined) return codePoint(Number.parseInt(hex, 16));
      return ASCII_ENTITIES[name!] ?? whole;
    });
    if (text !== line) out.push({ index, text });
  });
  return out;
}
