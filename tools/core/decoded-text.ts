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

/** A Markdown backslash escape or character reference: the line may read differently once rendered. */
const MARKDOWN_ESCAPE = /\\[!-/:-@[-`{-~]|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/;

/** Body lines (0-based index and text) whose rendered text may differ from their source. */
export function planMarkdownDecoding(body: string): Array<{ index: number; text: string }> {
  if (!MARKDOWN_ESCAPE.test(body)) return [];
  const lines = body.split('\n');
  const out: Array<{ index: number; text: string }> = [];
  lines.forEach((text, index) => {
    if (MARKDOWN_ESCAPE.test(text)) out.push({ index, text });
  });
  return out;
}
