import { describe, expect, test } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { computeContentHash, hashableBody, stableJson } from '../../tools/core/content-hash.js';
import { parseFrontmatterFast } from '../../tools/core/frontmatter-fast.js';
import { createNote, isClaimStub, NoteSyntaxError, parseNote, serializeNote, setFrontmatter } from '../../tools/core/frontmatter.js';
import { orderKeys } from '../../tools/core/key-order.js';
import { normalizeNote, normalizeText } from '../../tools/core/normalize.js';

const NOTE = `---
title: Hook hardening
operator: roman
summary: Hardened the hook.
tags: [hooks]
kind: session
external_id: RT-260511-01
date: 2026-05-11
---
## Summary

Done.
`;

function syntaxError(text: string): NoteSyntaxError {
  try {
    parseNote(text);
  } catch (error) {
    if (error instanceof NoteSyntaxError) return error;
    throw error;
  }
  throw new Error('expected a NoteSyntaxError');
}

describe('parseNote', () => {
  test('reads the YAML core schema: dates stay strings, numbers are numbers', () => {
    const note = parseNote('---\ndate: 2026-05-11\ncount: 3\nflag: true\nnothing:\nstamp: 2026-05-11T10:00:00Z\n---\n');
    expect(note.data).toEqual({ date: '2026-05-11', count: 3, flag: true, nothing: null, stamp: '2026-05-11T10:00:00Z' });
  });

  test('round-trips byte for byte when nothing changed', () => {
    const text = '---\n# a comment\ntitle: "Quoted"   # trailing\nlong: |\n  line one\n\n  # not a comment\nmap:\n  a: 1\n---\nbody\n';
    expect(serializeNote(parseNote(text))).toBe(text);
    expect(serializeNote(parseNote(NOTE))).toBe(NOTE);
  });

  test('reads CRLF and BOM files; the body hashes like the LF file', () => {
    const crlf = `\uFEFF${NOTE.replace(/\n/g, '\r\n')}`;
    const a = parseNote(crlf);
    const b = parseNote(NOTE);
    expect(a.data).toEqual(b.data);
    expect(computeContentHash(a.data, a.body)).toBe(computeContentHash(b.data, b.body));
    expect(serializeNote(a)).toBe(NOTE);
  });

  test('rejects ---js front matter without evaluating it', () => {
    (globalThis as Record<string, unknown>).__canonEvaluated = false;
    const error = syntaxError('---js\nglobalThis.__canonEvaluated = true\n---\nbody\n');
    expect(error.rule).toBe('frontmatter/engine');
    expect((globalThis as Record<string, unknown>).__canonEvaluated).toBe(false);
    expect(syntaxError('---coffee\nx = 1\n---\n').rule).toBe('frontmatter/engine');
    expect(syntaxError('---toml\nx = 1\n---\n').rule).toBe('frontmatter/engine');
  });

  test('reports malformed YAML with its file line and column', () => {
    const error = syntaxError('---\ntitle: ok\ntags: [a, b\nkind: session\n---\n');
    expect(error.rule).toBe('frontmatter/yaml');
    expect(error.line).toBeGreaterThanOrEqual(3);
    expect(error.message).toMatch(/invalid YAML/);
  });

  test('rejects duplicate keys, non-mapping front matter and unclosed front matter', () => {
    expect(syntaxError('---\na: 1\na: 2\n---\n').rule).toBe('frontmatter/yaml');
    expect(syntaxError('---\n- a\n- b\n---\n').rule).toBe('frontmatter/not-a-mapping');
    expect(syntaxError('---\na: 1\n----\nb\n').rule).toBe('frontmatter/unclosed');
  });

  test('rejects a YAML alias bomb', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    ].join('\n');
    expect(syntaxError(`---\n${bomb}\n---\n`).rule).toBe('frontmatter/alias-bomb');
  });

  test('locates keys and nested values on their file lines', () => {
    const note = parseNote('---\ntitle: x\ntags:\n  - a\n  - B\nmap:\n  k: [1, 2]\n---\n');
    expect(note.locate('/tags/1').line).toBe(5);
    expect(note.locate('/map/k/1').line).toBe(7);
    expect(note.locate('/missing').line).toBe(2);
  });

  test('recognises claim stubs and nothing else as stubs', () => {
    expect(isClaimStub(parseNote('---\nclaimed_at: 2026-05-11T10:00:00Z\noperator: roman\nkind: session\n---\n'))).toBe(true);
    expect(isClaimStub(parseNote('---\nclaimed_at: 2026-05-11T10:00:00Z\noperator: roman\nkind: session\n---\nwritten\n'))).toBe(false);
    expect(isClaimStub(parseNote(NOTE))).toBe(false);
    // A handoff's stub names its process (ADR-0025); one key more than that is no stub.
    expect(isClaimStub(parseNote('---\nclaimed_at: 2026-05-11T10:00:00Z\noperator: roman\nkind: session\nclaimed_by: 4242@dev-1\n---\n'))).toBe(true);
    expect(isClaimStub(parseNote('---\nclaimed_at: 2026-05-11T10:00:00Z\noperator: roman\nkind: session\nclaimed_by: 4242@dev-1\ntitle: x\n---\n'))).toBe(
      false,
    );
    expect(isClaimStub(parseNote('---\nclaimed_at: 2026-05-11T10:00:00Z\noperator: roman\nkind: session\ntitle: x\n---\n'))).toBe(false);
  });
});

describe('the closing line', () => {
  test('blanks after a closing `---` are not carried into the body, so normalising does not grow it', () => {
    const note = parseNote('---\ntitle: a\n---  \nbody\n');
    expect(note.body).toBe('body\n');
    const once = serializeNote(note);
    expect(once).toBe('---\ntitle: a\n---\nbody\n');
    expect(parseNote(once).body).toBe('body\n');
    expect(parseNote('---\ntitle: a\n---').body).toBe('');
  });
});

describe('setFrontmatter', () => {
  test('replaces one key without touching the bytes of the others, and appends new keys', () => {
    const text = '---\ntitle: "Keep  me"   # comment\ntags: [a]\n---\nbody\n';
    const out = serializeNote(setFrontmatter(parseNote(text), { tags: ['a', 'b'], sync_status: 'synced' }));
    expect(out).toBe('---\ntitle: "Keep  me"   # comment\ntags: [a, b]\nsync_status: synced\n---\nbody\n');
    expect(parseNote(out).data).toEqual({ title: 'Keep  me', tags: ['a', 'b'], sync_status: 'synced' });
  });

  test('keeps the comment lines below the last key when that key is rewritten (sync write-back, restamp)', () => {
    const text = '---\ntitle: a\n# above\nsynced_hash: x\n# below, before the closing line\n---\nbody\n';
    const out = serializeNote(setFrontmatter(parseNote(text), { synced_hash: 'y' }));
    expect(out).toBe('---\ntitle: a\n# above\nsynced_hash: y\n# below, before the closing line\n---\nbody\n');
  });

  test('writes values that YAML would misread as quoted strings', () => {
    const note = createNote({ a: 'yes: no', b: '123', c: 'true', d: '2026-05-11', e: null, f: { Bash: 1 } }, '');
    expect(parseNote(serializeNote(note)).data).toEqual({ a: 'yes: no', b: '123', c: 'true', d: '2026-05-11', e: null, f: { Bash: 1 } });
  });
});

describe('content_hash (docs/contract.md §3.4)', () => {
  test('stable_json sorts keys at every depth and has no spaces', () => {
    expect(stableJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  test('the body keeps leading text and ends in exactly one newline', () => {
    expect(hashableBody('')).toBe('\n');
    expect(hashableBody('\n\nx\r\n\r\n\n')).toBe('\n\nx\n');
  });

  test('matches the documented recipe on a known vector', () => {
    // sha256 of '{"kind":"session","title":"T"}\nbody\n', computed outside canon (sha256sum).
    const expected = 'b87ab3246be1eaef27f9bc9733349478ac512b95f35bc62d2ca819d17df14cef';
    expect(computeContentHash({ title: 'T', kind: 'session', content_hash: 'x', sync_status: 'synced', notion_page_id: 'p' }, 'body\n\n')).toBe(
      `sha256:${expected}`,
    );
  });

  test('key order and sync metadata never change the hash', () => {
    const a = computeContentHash({ title: 'T', tags: ['a'] }, 'x');
    const b = computeContentHash({ tags: ['a'], title: 'T', synced_at: '2026-01-01T00:00:00Z', sync_error: null }, 'x\n');
    expect(a).toBe(b);
  });
});

describe('normalize', () => {
  test('puts keys in canonical order, unknown keys kept in place between identity and telemetry', () => {
    expect(orderKeys('session', ['sync_status', 'zeta', 'tool_calls_count', 'date', 'alpha', 'title', 'kind', 'operator', 'content_hash'])).toEqual([
      'title',
      'operator',
      'kind',
      'date',
      'zeta',
      'alpha',
      'tool_calls_count',
      'content_hash',
      'sync_status',
    ]);
    expect(orderKeys('workstream', ['status', 'owner', 'title'])).toEqual(['title', 'owner', 'status']);
  });

  test('is idempotent, and a normal file changes no byte', () => {
    const once = serializeNote(normalizeNote(parseNote(NOTE), 'session'));
    expect(normalizeText(once, parseNote(once), 'session')).toBeNull();
    const twice = serializeNote(normalizeNote(parseNote(once), 'session'));
    expect(twice).toBe(once);
  });

  test('leaves claim stubs exactly as they are', () => {
    const stub = '---\nclaimed_at: 2026-05-11T10:00:00Z\noperator: roman\nkind: session\n---\n';
    expect(normalizeText(stub, parseNote(stub), 'session')).toBeNull();
  });
});

describe('the fast frontmatter path agrees with the yaml package', () => {
  const values = [
    'plain text',
    '"double \\" quoted"',
    "'single ''quoted'''",
    '2026-05-11',
    '2026-05-11T10:00:00Z',
    '12',
    '-7',
    '+3',
    '012',
    '0x1F',
    '0o17',
    '1.5',
    '.5',
    '1e3',
    '-2.5E-2',
    'true',
    'False',
    'NULL',
    '~',
    '',
    'yes',
    'no',
    'on',
    '1_000',
    'a#b',
    'sha256:abc',
    '[a, b, c]',
    '[]',
    '[1, 2.5, x-y]',
    '"unicode ✓"',
    'trailing   ',
    '-foo',
    '.inf',
    '"\\u00e9"',
    'x: y',
    'a # c',
    '[a, [b]]',
    "'open",
    '"bad \\x"',
    '|',
    '&anchor x',
    '*alias',
    '!tag x',
    '{a: 1}',
    '"tab\\tin"',
    '{}',
    '{}  ',
    '{ }',
  ];
  test.each(values)('value %p', (value) => {
    const raw = `key: ${value}\nnested:\n  a: ${value}\nlist:\n  - ${value}\n`;
    const fast = parseFrontmatterFast(raw);
    let expected: unknown;
    try {
      expected = parseYaml(raw, { schema: 'core', uniqueKeys: true });
    } catch {
      expect(fast).toBeNull();
      return;
    }
    if (fast) expect(fast.data).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  test('reads the empty mapping handoff writes (`tool_calls_breakdown_methods: {}`) without the full parser', () => {
    expect(parseFrontmatterFast('a: 1\nm: {}\nb: x\n')?.data).toEqual({ a: 1, m: {}, b: 'x' });
  });

  test('declines what it does not handle, so the full parser decides', () => {
    for (const raw of ['# c\na: 1\n', 'a: |\n  x\n', 'a:\n- x\n', 'a:\n  b:\n    c: 1\n', 'a: 1\na: 2\n', 'a: {b: 1}\n']) {
      expect(parseFrontmatterFast(raw)).toBeNull();
    }
  });
});
