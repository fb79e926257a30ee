import { describe, expect, test } from '@jest/globals';
import { inertData, inertJson, inertLine, inertText, isUnsafeCharacter } from '../../tools/core/inert-text.js';

const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('inertText', () => {
  test('every C0 control but tab and line feed is a visible \\xHH escape', () => {
    for (let code = 0; code < 0x20; code++) {
      const out = inertText(`a${String.fromCharCode(code)}b`);
      if (code === 0x09 || code === 0x0a) expect(out).toBe(`a${String.fromCharCode(code)}b`);
      else expect(out).toBe(`a\\x${code.toString(16).padStart(2, '0')}b`);
    }
  });

  test('DEL and every C1 control are escaped', () => {
    expect(inertText('\u007f')).toBe('\\x7f');
    for (let code = 0x80; code <= 0x9f; code++) expect(inertText(String.fromCharCode(code))).toBe(`\\x${code.toString(16)}`);
  });

  test('ESC sequences (CSI, OSC with BEL, 8-bit CSI) lose their power and stay readable', () => {
    const title = '\u001b[2J\u001b[31mRED\u001b]0;pwned\u0007 \u009b1m';
    expect(inertText(title)).toBe('\\x1b[2J\\x1b[31mRED\\x1b]0;pwned\\x07 \\x9b1m');
    expect(inertText(title)).not.toMatch(RAW);
  });

  test('bidi embeddings, overrides and isolates are \\uHHHH escapes; the marks LRM/RLM stay', () => {
    const bidi = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
    for (const code of bidi) expect(inertText(`x${String.fromCharCode(code)}y`)).toBe(`x\\u${code.toString(16)}y`);
    expect(inertText('a\u200fb\u200ec')).toBe('a\u200fb\u200ec');
  });

  test('ordinary text, accents, emoji and right-to-left script are left as they are', () => {
    const text = 'Café — naïve 日本語 שלום مرحبا 👩‍💻\tcolumn\nnext line';
    expect(inertText(text)).toBe(text);
  });

  test('isUnsafeCharacter agrees with the escaper for every code unit of the BMP', () => {
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code);
      expect(isUnsafeCharacter(code)).toBe(inertText(char) !== char);
    }
  });
});

describe('inertLine, inertData, inertJson', () => {
  test('inertLine folds line breaks and tabs to one space, then escapes', () => {
    expect(inertLine('  a\n\tb\u001b[0m  ')).toBe('a b\\x1b[0m');
  });

  test('inertData escapes every string and key of a JSON-like tree, leaving other values', () => {
    expect(inertData({ 'k\u001b': ['v\u202e', 3, null, { t: 'x\u0007' }], n: true })).toEqual({ 'k\\x1b': ['v\\u202e', 3, null, { t: 'x\\x07' }], n: true });
  });

  test('inertJson keeps the same JSON values and writes no raw DEL, C1 or bidi control', () => {
    const value = { title: 'a\u202eb\u0085c\u007f\u001b' };
    const json = inertJson(JSON.stringify(value));
    expect(json).not.toMatch(RAW);
    expect(JSON.parse(json)).toEqual(value);
  });
});
