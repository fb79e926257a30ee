import { describe, expect, test } from '@jest/globals';
import {
  convertValue,
  dateFromStem,
  firstHeading,
  firstParagraph,
  planBackfill,
  toIsoDate,
  toKebab,
  type KindSchema,
  type NoteOrigin,
} from '../../tools/core/backfill-plan.js';
import { parseNote } from '../../tools/core/frontmatter.js';
import { classifyPath } from '../../tools/core/layout.js';
import { DEFAULT_CONFIG, NOTE_KINDS, type NoteKind } from '../../tools/core/config.js';
import { parseOperators } from '../../tools/core/operators.js';
import type { NoteRef, ValidationContext } from '../../tools/core/validate-note.js';
import { getValidators, readSchema } from '../../tools/io/schemas.js';
import { OPERATORS_YAML } from '../helpers/git-repo.js';

const validators = getValidators();
const operators = parseOperators(OPERATORS_YAML, '.claude/operators.yaml', validators.operators);
const validation: ValidationContext = { validators, operators, workstreamExists: () => true, forbiddenMcp: ['notion_offplan'], strict: true };
const schemas = Object.fromEntries(NOTE_KINDS.map((kind) => [kind, readSchema(kind) as KindSchema])) as Record<NoteKind, KindSchema>;

function ref(rel: string): NoteRef {
  const info = classifyPath(rel, DEFAULT_CONFIG)!;
  return { rel, kind: info.kind, stem: info.stem };
}

function plan(rel: string, text: string, origin: NoteOrigin | null = { email: 'sergei@example.com', date: '2026-02-01' }) {
  return planBackfill({ ref: ref(rel), text, note: parseNote(text), origin }, { validation, operators, schemas });
}

describe('planBackfill', () => {
  test('is idempotent: planning its own output changes nothing', () => {
    const cases: Array<[string, string]> = [
      ['docs/sessions/CONV-30-buyer-journey.md', '---\ntitle: Buyer\nexternal_id: CONV-30\ntags: "a, B c"\n---\n## Summary\n\nDid it.\n'],
      ['workstreams/sync.md', '---\r\ntitle: Sync\r\nstatus: Paused\r\nunknown_key: {a: 1}\r\n---\r\nBody\r\n'],
      ['docs/sessions/RT-260511-02.md', '# Title here\n\nJust text.\n'],
      ['docs/adr/0002-x.md', '\ufeff---\ntitle: X\ndeciders: [a]\n---\nBody\n'],
    ];
    for (const [rel, text] of cases) {
      const first = plan(rel, text);
      expect(first.problems).toEqual([]);
      expect(first.text).not.toBeNull();
      const second = plan(rel, first.text!);
      expect(second.text).toBeNull();
      expect(second.changes).toEqual([]);
    }
  });

  test('converts what has one obvious spelling and keeps the original in legacy_notes', () => {
    const result = plan(
      'docs/sessions/CONV-31.md',
      '---\ntitle: 2026\noperator: Roman T.\nsummary: S\ndate: 2026/5/1\ntags: "Notion Sync, hooks, hooks"\nworkstream: Repo Flip\ntool_calls_count: "12"\n---\nBody\n',
    );
    expect(result.problems).toEqual([]);
    const data = parseNote(result.text!).data;
    expect(data).toMatchObject({
      title: '2026',
      operator: 'roman',
      date: '2026-05-01',
      tags: ['notion-sync', 'hooks'],
      workstream: 'repo-flip',
      tool_calls_count: 12,
    });
    expect(data.legacy_notes).toEqual([
      { key: 'operator', value: 'Roman T.' },
      { key: 'title', value: 2026 },
      { key: 'date', value: '2026/5/1' },
      { key: 'tags', value: 'Notion Sync, hooks, hooks' },
      { key: 'workstream', value: 'Repo Flip' },
      { key: 'tool_calls_count', value: '12' },
    ]);
  });

  test('appends to an existing legacy_notes list instead of replacing it', () => {
    const result = plan('workstreams/w.md', '---\ntitle: W\nowner: roman\nstatus: Done\nlegacy_notes:\n  - key: old\n    value: 1\n---\nB\n');
    expect(parseNote(result.text!).data.legacy_notes).toEqual([
      { key: 'old', value: 1 },
      { key: 'status', value: 'Done' },
    ]);
  });

  test('never guesses: unknown values, unmappable authors and missing history are problems, and the text is left', () => {
    const unknown = plan('docs/sessions/CONV-1.md', '---\ntitle: T\noperator: Zed\nsummary: S\ndate: 2026-01-01\n---\nB\n');
    expect(unknown.problems.map((p) => [p.pointer, p.rule])).toEqual([['/operator', 'backfill/operator']]);
    expect(unknown.problems[0]!.message).toContain('"Zed"');

    const stranger = plan('workstreams/w.md', '---\ntitle: W\n---\nB\n', { email: 'Dave@Elsewhere.com', date: '2026-01-01' });
    expect(stranger.problems[0]!.message).toContain('Dave@Elsewhere.com is not in .claude/operators.yaml');

    const untracked = plan('workstreams/w.md', '---\ntitle: W\n---\nB\n', null);
    expect(untracked.problems[0]!.message).toContain('no commit in git history');
    const noDate = plan('docs/adr/0003-y.md', '---\ntitle: Y\n---\nB\n', null);
    expect(noDate.problems.map((p) => p.pointer)).toEqual(['/date']);

    const badAdrName = plan('docs/adr/use-git.md', '---\ntitle: Y\n---\nB\n');
    expect(badAdrName.problems.map((p) => p.rule)).toContain('backfill/external-id');

    const badEnum = plan('workstreams/w.md', '---\ntitle: W\nowner: roman\nstatus: someday\n---\nB\n');
    expect(badEnum.problems.map((p) => p.pointer)).toEqual(['/status']);
    expect(badEnum.problems[0]!.message).toMatch(/must be one of .*canon cannot convert it without guessing/);
  });

  test('a plan owner is optional and never invented; an owner given as an email is mapped', () => {
    expect(parseNote(plan('docs/plans/p.md', '---\ntitle: P\n---\nB\n').text!).data.owner).toBeUndefined();
    expect(parseNote(plan('docs/plans/p.md', '---\ntitle: P\nowner: SERGEI@example.com\n---\nB\n').text!).data.owner).toBe('sergei');
  });

  test('the body and every untouched key keep their bytes; CRLF becomes LF and is reported', () => {
    const text = '---\r\ntitle:   "Spaced"   # a comment\r\nodd_key: |\r\n  block\r\n---\r\n## Goal\r\n\r\nKeep  this  exactly.  \r\n\r\n\r\n';
    const result = plan('workstreams/w.md', text);
    expect(result.text).toContain('title:   "Spaced"   # a comment\n');
    expect(result.text).toContain('odd_key: |\n  block\n');
    expect(result.text!.endsWith('---\n## Goal\n\nKeep  this  exactly.  \n\n\n')).toBe(true);
    expect(result.changes).toContainEqual({ action: 'line-endings' });
  });

  test('claim stubs are left alone', () => {
    const stub = '---\nclaimed_at: 2026-05-11T10:00:00Z\noperator: roman\nkind: session\n---\n';
    expect(plan('docs/sessions/RT-260511-03.md', stub)).toMatchObject({ text: null, changes: [], problems: [] });
  });

  test('a note that only needs canonical order gets no legacy_notes', () => {
    const result = plan('docs/learnings/l.md', '---\nexternal_id: LRN-l\nkind: learning\ntitle: L\n---\nB\n');
    expect(parseNote(result.text!).data.legacy_notes).toBeUndefined();
    expect(result.changes.map((c) => c.action)).toEqual(['order', 'hash']);
  });
});

describe('derivation helpers', () => {
  test.each([
    ['RT-260511-02', '2026-05-11'],
    ['LOCAL-2026-05-11-1', '2026-05-11'],
    ['CONV-30', null],
    ['RT-261340-01', null],
  ])('dateFromStem(%s) = %s', (stem, date) => expect(dateFromStem(stem)).toBe(date));

  test('toIsoDate accepts obvious spellings of one day only', () => {
    expect(toIsoDate('2026-05-11T09:00:00Z')).toBe('2026-05-11');
    expect(toIsoDate('2026.5.1')).toBe('2026-05-01');
    expect(toIsoDate('2026-02-30')).toBeNull();
    expect(toIsoDate('May 11')).toBeNull();
    expect(toIsoDate(20260511)).toBeNull();
  });

  test('firstHeading prefers an H1, skips canon section names and code fences', () => {
    expect(firstHeading('```\n# not this\n```\n## Summary\n\n# The title #\n')).toBe('The title');
    expect(firstHeading('## Summary\n\n## Cloudflare tunnel\n')).toBe('Cloudflare tunnel');
    expect(firstHeading('## Summary\n\ntext\n')).toBeNull();
  });

  test('firstParagraph reads the Summary section first, as one line', () => {
    expect(firstParagraph('# T\n\nIntro.\n\n## Summary\n\nLine one\nline two.\n\nNext.\n')).toBe('Line one line two.');
    expect(firstParagraph('# T\n\n- a list item\n')).toBe('a list item');
    expect(firstParagraph('# Only a heading\n')).toBeNull();
    expect(firstParagraph(`${'word '.repeat(100)}\n`)!.length).toBeLessThanOrEqual(300);
  });

  test('toKebab and convertValue re-spell, never invent', () => {
    expect(toKebab('  Notion Sync Ünïcode! ')).toBe('notion-sync-unicode');
    expect(convertValue({ enum: ['P0', 'P1'] }, 'p1')).toBe('P1');
    expect(convertValue({ enum: ['active'] }, 'ongoing')).toBeUndefined();
    expect(convertValue({ $ref: 'x#/$defs/tags' }, ['A b', 'a-b'])).toEqual(['a-b']);
    expect(convertValue({ $ref: 'x#/$defs/tags' }, { a: 1 })).toBeUndefined();
    expect(convertValue({ $ref: 'x#/$defs/count' }, '-1')).toBeUndefined();
    expect(convertValue({ type: 'object' }, 'x')).toBeUndefined();
  });
});

describe('planBackfill on ADRs written for other tools', () => {
  const nygard = '# 2. Use Postgres\n\nDate: 2024-03-01\n\n## Status\n\nAccepted\n\nSupersedes [1. Use MySQL](001-use-mysql.md)\n';

  test('takes title, date, status and supersedes from the body before the defaults; planning its output again changes nothing', () => {
    const first = plan('docs/adr/0002-use-postgres.md', nygard, null);
    expect(first.problems).toEqual([]);
    expect(parseNote(first.text!).data).toMatchObject({
      title: 'Use Postgres',
      date: '2024-03-01',
      status: 'accepted',
      supersedes: 'ADR-0001',
      legacy_notes: [],
    });
    expect(parseNote(first.text!).body).toBe(nygard);
    expect(plan('docs/adr/0002-use-postgres.md', first.text!, null).text).toBeNull();
  });

  test('a front-matter status in MADR words is mapped, the original kept twice (legacy_notes and status_original)', () => {
    const result = plan('docs/adr/0003-x.md', '---\ntitle: X\nstatus: Rejected\ndate: 2024-01-01\n---\nBody\n');
    expect(result.problems).toEqual([]);
    expect(parseNote(result.text!).data).toMatchObject({
      status: 'deprecated',
      status_original: 'rejected',
      legacy_notes: [{ key: 'status', value: 'Rejected' }],
    });
  });

  test('a key the note holds wins over its body; the date falls back to the first commit only when the body has none', () => {
    const result = plan('docs/adr/0004-x.md', '---\nstatus: proposed\n---\n# X\n\n* Status: accepted\n', { email: 'roman@example.com', date: '2026-02-01' });
    expect(parseNote(result.text!).data).toMatchObject({ status: 'proposed', date: '2026-02-01' });
  });

  test('renameTo gives the identity of the new name; links to renamed files follow', () => {
    const renames = new Map([['docs/adr/001-use-mysql.md', 'docs/adr/0001-use-mysql.md']]);
    const text = nygard;
    const result = planBackfill(
      { ref: ref('docs/adr/002-use-postgres.md'), text, note: parseNote(text), origin: null, renameTo: ref('docs/adr/0002-use-postgres.md'), renames },
      { validation, operators, schemas },
    );
    expect(result.problems).toEqual([]);
    expect(result.changes.slice(0, 2)).toEqual([
      { action: 'rename', to: 'docs/adr/0002-use-postgres.md' },
      { action: 'links', links: [{ from: '001-use-mysql.md', to: '0001-use-mysql.md' }] },
    ]);
    const note = parseNote(result.text!);
    expect(note.data.external_id).toBe('ADR-0002');
    expect(note.body).toBe(nygard.replace('(001-use-mysql.md)', '(0001-use-mysql.md)'));
  });
});
