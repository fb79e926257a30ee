import { describe, expect, test } from '@jest/globals';
import { adrIdFromReference, mapAdrStatus, parseAdrBody, stripAdrNumber } from '../../tools/core/adr-formats.js';
import { planAdrStem, rewriteLinks } from '../../tools/core/adr-renames.js';

describe('parseAdrBody', () => {
  test('adr-tools / Nygard: Date line, first paragraph of ## Status, Supersedes link', () => {
    const body =
      '# 2. Use Postgres\n\nDate: 2024-03-01\n\n## Status\n\nAccepted\n\nSupersedes [1. Use MySQL](0001-use-mysql.md)\n\n## Context\n\nDate: 1999-01-01\n';
    expect(parseAdrBody(body)).toEqual({
      status: { text: 'Accepted', from: 'section' },
      date: { text: '2024-03-01', from: 'line' },
      deciders: null,
      tags: null,
      supersedes: { text: '[1. Use MySQL](0001-use-mysql.md)', from: 'section' },
    });
  });

  test('MADR 2 bullets, with HTML comments and template placeholders dropped', () => {
    const body =
      '# Use MADR\n\n* Status: accepted <!-- optional -->\n* Deciders: [list everyone involved in the decision]\n* Date: 2024-03-05\n\n## Context and Problem Statement\n\n* Status: rejected\n';
    const facts = parseAdrBody(body);
    expect(facts.status).toEqual({ text: 'accepted', from: 'line' });
    expect(facts.date).toEqual({ text: '2024-03-05', from: 'line' });
    expect(facts.deciders).toBeNull();
  });

  test('log4brains: dash bullets with Tags; bold keys', () => {
    const facts = parseAdrBody('# Publish\n\n- Status: draft\n- Deciders: Sergei, Ana\n- **Date:** 2024-06-01\n- Tags: docs, process\n\n## Context\n');
    expect(facts).toMatchObject({
      status: { text: 'draft' },
      deciders: { text: 'Sergei, Ana' },
      date: { text: '2024-06-01' },
      tags: { text: 'docs, process' },
    });
  });

  test("lines inside fenced code and after the first section are not the ADR's metadata", () => {
    const facts = parseAdrBody('# X\n\n```\nStatus: accepted\n```\n\n## Decision\n\nDate: 2024-01-01\n');
    expect(facts.status).toBeNull();
    expect(facts.date).toBeNull();
  });
});

describe('mapAdrStatus', () => {
  test.each([
    ['Accepted', 'accepted', null],
    ['**Proposed**', 'proposed', null],
    ['Superseded by [3. Use CockroachDB](0003-use-cockroachdb.md)', 'superseded', null],
    ['superseded by ADR-0005', 'superseded', null],
    ['Deprecated', 'deprecated', null],
    ['Rejected', 'deprecated', 'rejected'],
    ['draft', 'proposed', 'draft'],
  ])('%s → %s (original %s)', (text, status, original) => {
    expect(mapAdrStatus(text)).toEqual({ status, original });
  });

  test('a word canon has no meaning for is not guessed', () => {
    expect(mapAdrStatus('WIP')).toBeNull();
    expect(mapAdrStatus('Approved')).toBeNull();
    expect(mapAdrStatus('')).toBeNull();
  });
});

test('adrIdFromReference reads links and mentions', () => {
  expect(adrIdFromReference('[1. Use MySQL](0001-use-mysql.md)')).toBe('ADR-0001');
  expect(adrIdFromReference('[x](./adr-002-x.md#why)')).toBe('ADR-0002');
  expect(adrIdFromReference('ADR 5')).toBe('ADR-0005');
  expect(adrIdFromReference('[x](https://example.com/)')).toBeNull();
  expect(adrIdFromReference('the old one')).toBeNull();
});

test('stripAdrNumber drops the number prefix only', () => {
  expect(stripAdrNumber('1. Use Postgres')).toBe('Use Postgres');
  expect(stripAdrNumber('ADR-001: Use Postgres')).toBe('Use Postgres');
  expect(stripAdrNumber('0001 - Use Postgres')).toBe('Use Postgres');
  expect(stripAdrNumber('2024 plans')).toBe('2024 plans');
  expect(stripAdrNumber('Use Postgres')).toBe('Use Postgres');
});

describe('planAdrStem', () => {
  test.each([
    ['001-use-postgres', '0001-use-postgres'],
    ['0001-use-postgres', '0001-use-postgres'],
    ['adr-001-use-postgres', '0001-use-postgres'],
    ['ADR_12_Use_Postgres', '0012-use-postgres'],
    ['0001_use_postgres', '0001-use-postgres'],
    ['7-x', '0007-x'],
  ])('%s → %s', (stem, want) => {
    expect(planAdrStem(stem, null)).toBe(want);
  });

  test('a bare number takes its slug from the title; no number, or neither slug nor title, is null', () => {
    expect(planAdrStem('0003', 'Use CockroachDB')).toBe('0003-use-cockroachdb');
    expect(planAdrStem('0003', null)).toBeNull();
    expect(planAdrStem('use-postgres', 'Use Postgres')).toBeNull();
    expect(planAdrStem('12345-x', null)).toBeNull();
  });
});

describe('rewriteLinks', () => {
  const renames = new Map([
    ['docs/adr/001-a.md', 'docs/adr/0001-a.md'],
    ['docs/adr/adr-002-b.md', 'docs/adr/0002-b.md'],
  ]);

  test('inline, angle-bracket and reference links follow the rename; fragments stay', () => {
    const body = 'See [1](001-a.md#why), [2](<./adr-002-b.md>) and [r].\n\n[r]: 001-a.md "title"\n';
    const out = rewriteLinks(body, 'docs/adr/0003-c.md', renames);
    expect(out.body).toBe('See [1](0001-a.md#why), [2](<./0002-b.md>) and [r].\n\n[r]: 0001-a.md "title"\n');
    expect(out.links).toEqual([
      { from: '001-a.md#why', to: '0001-a.md#why' },
      { from: './adr-002-b.md', to: './0002-b.md' },
      { from: '001-a.md', to: '0001-a.md' },
    ]);
  });

  test('links from another folder resolve relative to the linking note', () => {
    expect(rewriteLinks('[a](../adr/001-a.md) [b](001-a.md)\n', 'docs/learnings/x.md', renames).body).toBe('[a](../adr/0001-a.md) [b](001-a.md)\n');
  });

  test('URLs, absolute paths, fenced code and unrelated files are left alone; rewriting is idempotent', () => {
    const body = '[u](https://x.org/001-a.md) [abs](/docs/adr/001-a.md) [o](0009-z.md)\n```\n[c](001-a.md)\n```\n';
    const once = rewriteLinks(body, 'docs/adr/0003-c.md', renames);
    expect(once.body).toBe(body);
    expect(once.links).toEqual([]);
    const moved = rewriteLinks('[a](001-a.md)\n', 'docs/adr/x.md', renames).body;
    expect(rewriteLinks(moved, 'docs/adr/x.md', renames)).toEqual({ body: moved, links: [] });
  });
});
