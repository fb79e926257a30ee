// Text that reaches a terminal is inert (docs/adr/0023-text-that-reaches-a-terminal-is-inert.md).
// A title such as `\e[2J\e[31mRED\e]0;pwned\a` would clear the screen, turn it red and retitle the
// window of whoever runs `canon resume`; U+202E makes text display in another order than it is
// stored. The commit door refuses such characters (core/text-controls.ts); these functions show any
// that got in anyway (a `--no-verify` commit, a commit subject, a file name) as visible escapes,
// wherever canon writes text from notes or git to a terminal or a generated file.

/**
 * The characters canon never lets through raw: C0 controls but tab and line feed, DEL, C1
 * controls, and the bidi embeddings, overrides and isolates of "Trojan Source" (CVE-2021-42574).
 * Tab and line feed are whitespace every one-line output folds to a space; they move no cursor back.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

/** Whether a UTF-16 code unit is one canon never lets through raw. */
export function isUnsafeCharacter(code: number): boolean {
  return (
    (code <= 0x1f && code !== 0x09 && code !== 0x0a) ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** `\x1b` for a code point up to U+00FF, `\u202e` above: what JavaScript, Python and Rust all read back. */
function visibleEscape(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every unsafe character written as a visible escape (`\x1b`, `\u202e`); tab and line feed stay. */
export function inertText(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, visibleEscape) : text;
}

/** One line of output (a list item, a subject): whitespace runs fold to one space, then inertText. */
export function inertLine(text: string): string {
  return inertText(text.replace(/\s+/g, ' ').trim());
}

/** inertText applied to every string of JSON-like data, object keys included. */
export function inertData<T>(value: T): T {
  if (typeof value === 'string') return inertText(value) as T;
  if (Array.isArray(value)) return value.map((item) => inertData(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [inertText(key), inertData(item)])) as T;
  }
  return value;
}

/**
 * JSON text as inert as text: JSON.stringify escapes C0 controls but writes DEL, C1 and bidi
 * controls raw. They can only stand inside a JSON string, where `\u00XX` is the same value.
 */
export function inertJson(json: string): string {
  return json.replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
