import { describe, expect, test } from '@jest/globals';
import { parseNote } from '../../tools/core/frontmatter.js';
import { describeCharacter, findFirstTextControl, findTextControls } from '../../tools/core/text-controls.js';

const check = (text: string) => findTextControls('docs/sessions/RT-261205-01.md', parseNote(text));
const where = (text: string) => check(text).map((i) => `${i.line}:${i.column} ${i.pointer} ${i.rule}`);

/** line:col of `needle` in `text`, 1-based, as an editor shows it. */
function positionOf(text: string, needle: string): string {
  const index = text.indexOf(needle);
  const before = text.slice(0, index).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

describe('text/control-character and text/bidi-control', () => {
  test('a clean note has no issue, tabs in the body included', () => {
    expect(check('---\ntitle: Café 日本語 ‏שלום\nsummary: "tabs\\tand\\nbreaks are whitespace"\n---\n## Code\n\n\tindented\twith tabs\n')).toEqual([]);
  });

  test('a raw ESC in a title is reported at its line and column, with the key, the code point and the rule', () => {
    const text = '---\ntitle: Fix \u001b[31mred\n---\nbody\n';
    const [issue, ...rest] = check(text);
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({
      file: 'docs/sessions/RT-261205-01.md',
      line: 2,
      column: 12,
      pointer: '/title',
      severity: 'error',
      rule: 'text/control-character',
    });
    expect(issue!.message).toContain('U+001B (ESC)');
    expect(`${issue!.line}:${issue!.column}`).toBe(positionOf(text, '\u001b'));
  });

  test('a title that clears the screen and retitles the terminal, written with YAML escapes, is caught in the parsed value and placed at the first escape', () => {
    const text = '---\nkind: session\ntitle: "\\e[2J\\e[31mRED\\e]0;pwned\\a"\nsummary: ok\n---\n';
    expect(parseNote(text).data.title).toBe('\u001b[2J\u001b[31mRED\u001b]0;pwned\u0007');
    const issues = check(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 3, column: 9, pointer: '/title', rule: 'text/control-character' });
    expect(issues[0]!.message).toContain('U+001B (ESC), written as the YAML escape "\\e"');
    expect(issues[0]!.message).toContain('and 3 more on this line');
  });

  test('\\x, \\u and \\U escapes, and escapes in keys and nested values (full YAML path), are all found', () => {
    const text = '---\n# a comment keeps this on the full parser\ntitle: "a\\x1b"\nsummary: "b\\u202E"\ntags: ["ok", "c\\U0000009b"]\n"k\\x07": v\n---\n';
    expect(where(text)).toEqual([
      '3:10 /title text/control-character',
      '4:12 /summary text/bidi-control',
      '5:16 /tags text/control-character',
      '6:3 /k\u0007 text/control-character',
    ]);
  });

  test('a backslash that is no escape (plain or single-quoted scalars, an escaped backslash) is not a control', () => {
    expect(check('---\ntitle: C:\\e\\x1b\nsummary: \'C:\\e\'\nx: "\\\\e and \\t"\n---\n')).toEqual([]);
  });

  test('C1 (NEL, CSI), DEL and bidi overrides and isolates are refused raw, each with its name', () => {
    const text = '---\ntitle: a\u0085b\nsummary: c\u007f\nowner: d\u202ee\nstatus: f\u2066g\n---\n';
    expect(where(text)).toEqual([
      '2:9 /title text/control-character',
      '3:11 /summary text/control-character',
      '4:9 /owner text/bidi-control',
      '5:10 /status text/bidi-control',
    ]);
    expect(check(text).map((i) => /U\+\w{4} \([^)]*\)/.exec(i.message)![0])).toEqual([
      'U+0085 (NEL)',
      'U+007F (DEL)',
      'U+202E (RLO, right-to-left override)',
      'U+2066 (LRI, left-to-right isolate)',
    ]);
  });

  test("the body: one issue a line, at the first control, counting the rest; line numbers are the file's", () => {
    const text = '---\ntitle: ok\nsummary: |\n  two\n  lines\n---\n## Log\n\nplain\n\u001b[1mbold\u001b[0m and \u0007\n\u202eevil\n';
    const issues = check(text);
    expect(issues.map((i) => `${i.line}:${i.column} ${i.rule}`)).toEqual(['10:1 text/control-character', '11:1 text/bidi-control']);
    expect(issues[0]!.message).toMatch(/^the body holds U\+001B \(ESC\).*and 2 more on this line/);
  });

  test('a pasted coloured log: ten lines reported one by one, then one issue that counts the rest', () => {
    const log = Array.from({ length: 15 }, (_, i) => `\u001b[3${i % 8}mline ${i}\u001b[0m`).join('\n');
    const issues = check(`---\ntitle: ok\n---\n${log}\n`);
    expect(issues.map((i) => `${i.line}:${i.column}`)).toEqual(['4:1', '5:1', '6:1', '7:1', '8:1', '9:1', '10:1', '11:1', '12:1', '13:1', '14:1']);
    expect(issues[9]!.message).toMatch(/^the body holds U\+001B \(ESC\).*and 1 more on this line/);
    expect(issues[10]!.message).toBe('the body holds control or bidi characters on 5 more line(s) from here; delete them');
  });

  test('a note without front matter counts body lines from the first line; a comment is named as one', () => {
    expect(where('plain\nx\u0007\n')).toEqual(['2:2  text/control-character']);
    const issues = check('---\n# note\u001b\ntitle: ok\n---\n');
    expect(issues.map((i) => `${i.line}:${i.column}`)).toEqual(['2:7']);
    expect(issues[0]!.message).toMatch(/^a front matter comment holds/);
  });

  test('a CRLF file is read with LF line endings: its carriage returns are no controls; a "\\r" escape is one', () => {
    expect(check('---\r\ntitle: ok\r\n---\r\nbody\r\n')).toEqual([]);
    expect(where('---\r\ntitle: "a\\rb"\r\n---\r\n')).toEqual(['2:10 /title text/control-character']);
  });
});

describe('describeCharacter and findFirstTextControl', () => {
  test('code points are named as U+XXXX with their abbreviation', () => {
    expect(describeCharacter(0x00)).toBe('U+0000 (NUL)');
    expect(describeCharacter(0x1b)).toBe('U+001B (ESC)');
    expect(describeCharacter(0x9d)).toBe('U+009D (OSC)');
    expect(describeCharacter(0x2069)).toBe('U+2069 (PDI, pop directional isolate)');
  });

  test('the first control of a text, at its line and column', () => {
    expect(findFirstTextControl('clean\ttext\n')).toBeNull();
    expect(findFirstTextControl('one\ntwo \u0000 \u001b')).toEqual({ line: 2, column: 5, code: 0 });
  });
});
