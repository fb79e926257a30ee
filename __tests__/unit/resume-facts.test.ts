import { describe, expect, test } from '@jest/globals';
import { parseNote } from '../../tools/core/frontmatter.js';
import { isClaimStubParts, parseNoteFast, sessionFactsFrom } from '../../tools/core/resume-facts.js';

const CANON_WRITTEN = `---
title: "Hook hardening: the sequel"
operator: roman
summary: "It's done, with 'quotes' and a # hash"
workstream: null
tags: [hooks, telemetry]
kind: session
external_id: RT-260511-02
date: 2026-05-11
tool_calls_count: 12
tool_calls_breakdown:
  Bash: 3
  mcp__notion_offplan: 0
content_hash: sha256:${'a'.repeat(64)}
---
## Summary

Done.

## Resume Prompt

Go on.
`;

describe('parseNoteFast', () => {
  test.each([
    ['a note as canon writes it', CANON_WRITTEN],
    ['CRLF and a BOM', `\ufeff${CANON_WRITTEN.replace(/\n/g, '\r\n')}`],
    ['a claim stub', '---\nclaimed_at: 2026-05-11T09:00:00Z\noperator: roman\nkind: session\n---\n'],
    ['empty frontmatter', '---\n---\nbody\n'],
    ['no body at all', '---\ntitle: x\n---'],
    ['single-quoted and numeric-looking values', "---\ntitle: '2026'\nsummary: 3.5\ndate: '2026-05-11'\n---\n"],
  ])('agrees with the full parser on %s', (_name, text) => {
    const fast = parseNoteFast(text);
    expect(fast).not.toBeNull();
    const full = parseNote(text);
    expect(fast!.data).toEqual(full.data);
    expect(fast!.body).toBe(full.body);
  });

  test.each([
    ['a comment', '---\n# note\ntitle: x\n---\n'],
    ['a block scalar', '---\ntitle: |\n  two\n  lines\n---\n'],
    ['broken YAML', '---\ntitle: [unclosed\n---\n'],
    ['an anchor', '---\ntitle: &a x\nsummary: *a\n---\n'],
    ['a js engine', '---js\nmodule.exports = {}\n---\n'],
    ['an unclosed frontmatter', '---\ntitle: x\n'],
    ['a closing line with more dashes', '---\ntitle: x\n----\nbody\n'],
    ['no frontmatter', '# Just markdown\n'],
    ['duplicate keys', '---\ntitle: a\ntitle: b\n---\n'],
  ])('leaves %s to the full parser', (_name, text) => {
    expect(parseNoteFast(text)).toBeNull();
  });

  test('facts and stubs', () => {
    const parts = parseNoteFast(CANON_WRITTEN)!;
    expect(sessionFactsFrom('RT-260511-02', 'docs/sessions/RT-260511-02.md', parts.data)).toEqual({
      id: 'RT-260511-02',
      path: 'docs/sessions/RT-260511-02.md',
      operator: 'roman',
      date: '2026-05-11',
      title: 'Hook hardening: the sequel',
    });
    expect(isClaimStubParts(parts)).toBe(false);
    expect(isClaimStubParts(parseNoteFast('---\nclaimed_at: 2026-05-11T09:00:00Z\noperator: roman\nkind: session\n---\n')!)).toBe(true);
    expect(isClaimStubParts(parseNoteFast('---\nclaimed_at: 2026-05-11T09:00:00Z\noperator: roman\nkind: session\nclaimed_by: 4242@dev-1\n---\n')!)).toBe(true);
    expect(isClaimStubParts(parseNoteFast('---\nclaimed_at: 2026-05-11T09:00:00Z\noperator: roman\nkind: session\ntitle: x\n---\n')!)).toBe(false);
  });
});
