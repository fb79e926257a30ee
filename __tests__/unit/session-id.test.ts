import { describe, expect, test } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { renderCommandWrappers } from '../../tools/core/command-wrappers.js';
import { formatOperatorEntry } from '../../tools/core/operator-entry.js';
import type { Operator, OperatorRegistry } from '../../tools/core/operators.js';
import {
  formatAge,
  formatLocalDate,
  formatSessionId,
  isFileProviderPath,
  parseAge,
  parseDate,
  parseSessionId,
  planCandidates,
  replaceInSessionLog,
} from '../../tools/core/session-id.js';

describe('session ids', () => {
  test('format and parse round-trip', () => {
    expect(formatSessionId('RT', '2026-05-11', 2)).toBe('RT-260511-02');
    expect(parseSessionId('RT-260511-02')).toEqual({ initials: 'RT', date: '2026-05-11', sequence: 2 });
    expect(parseSessionId('ABCD-261231-99')).toEqual({ initials: 'ABCD', date: '2026-12-31', sequence: 99 });
  });

  test.each(['CONV-30', 'LOCAL-2026-05-11-1', 'RT-260230-01', 'RT-260511-00', 'rt-260511-01', 'R-260511-01', 'RT-260511-1', '../RT-260511-01'])(
    '%s is not a canon session id',
    (id) => expect(parseSessionId(id)).toBeNull(),
  );

  test('candidates are 01..99 in order, minus the taken ones', () => {
    const all = planCandidates('SK', '2026-01-02', new Set());
    expect(all).toHaveLength(99);
    expect([all[0], all[98]]).toEqual(['SK-260102-01', 'SK-260102-99']);
    expect(planCandidates('SK', '2026-01-02', new Set(['SK-260102-01', 'SK-260102-03'])).slice(0, 2)).toEqual(['SK-260102-02', 'SK-260102-04']);
  });

  test.each([
    ['2026-05-11', '2026-05-11'],
    [' 2024-02-29 ', '2024-02-29'],
    ['2026-02-29', null],
    ['2026-13-01', null],
    ['26-05-11', null],
    ['2026-5-11', null],
    ['1999-12-31', null],
    ['today', null],
  ])('parseDate(%j) = %j', (input, expected) => expect(parseDate(input)).toBe(expected));

  test('the local date follows the time zone', () => {
    const now = new Date('2026-05-10T23:30:00Z');
    expect(formatLocalDate(now, 'UTC')).toBe('2026-05-10');
    expect(formatLocalDate(now, 'Asia/Tokyo')).toBe('2026-05-11');
    expect(formatLocalDate(now, ':Asia/Tokyo')).toBe('2026-05-11');
    expect(formatLocalDate(new Date('2026-05-11T02:00:00Z'), 'America/New_York')).toBe('2026-05-10');
    expect(formatLocalDate(now, 'Not/AZone')).toMatch(/^\d{4}-\d\d-\d\d$/);
  });

  test('UTC and the runtime zone need no Intl, and give the same date', () => {
    const now = new Date('2026-05-10T23:30:00Z');
    for (const zone of ['Etc/UTC', 'GMT', 'UTC']) expect(formatLocalDate(now, zone, 'Asia/Tokyo')).toBe('2026-05-10');
    // Another zone than the runtime's still goes through Intl.
    expect(formatLocalDate(now, 'Asia/Tokyo', 'UTC')).toBe('2026-05-11');
    expect(formatLocalDate(now, ':Asia/Tokyo', ':Asia/Tokyo')).toBe('2026-05-11');
    // The runtime's zone: its local calendar date, as Node keeps it from TZ.
    const local = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    expect(formatLocalDate(now, 'Europe/Oslo', 'Europe/Oslo')).toBe(local);
  });

  test.each([
    ['24h', 86_400_000],
    ['90m', 5_400_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
    ['soon', null],
    ['0h', null],
    ['24', null],
  ])('parseAge(%j) = %j', (input, expected) => expect(parseAge(input)).toBe(expected));

  test('formatAge reads like a person would say it', () => {
    expect(formatAge(5 * 60_000)).toBe('5m');
    expect(formatAge(93 * 60_000)).toBe('1h 33m');
    expect(formatAge(50 * 3_600_000)).toBe('2d 2h');
  });

  test('iCloud Drive and FileProvider folders are recognised', () => {
    expect(isFileProviderPath('/Users/r/Library/Mobile Documents/com~apple~CloudDocs/store')).toBe(true);
    expect(isFileProviderPath('/Users/r/Library/CloudStorage/Dropbox/store')).toBe(true);
    expect(isFileProviderPath('/Users/r/code/store')).toBe(false);
  });
});

describe('replaceInSessionLog', () => {
  const body =
    '## Goal\n\nRT-260511-01 is mentioned here.\n\n## Session Log\n- RT-260511-011 (2026-05-11): other\n- RT-260511-01 (2026-05-11): mine\n\n## Notes\nRT-260511-01\n';
  test('replaces whole ids inside the Session Log only', () => {
    expect(replaceInSessionLog(body, 'RT-260511-01', 'RT-260511-02')).toBe(body.replace('- RT-260511-01 (', '- RT-260511-02 ('));
  });
  test('null when the id is not in the log', () => {
    expect(replaceInSessionLog(body, 'SK-260511-01', 'SK-260511-02')).toBeNull();
  });
});

function registry(operators: Operator[]): OperatorRegistry {
  return {
    operators,
    bySlug: new Map(operators.map((o) => [o.slug, o])),
    byInitials: new Map(operators.map((o) => [o.initials, o])),
    byEmail: new Map(operators.flatMap((o) => o.emails.map((e) => [e, o] as const))),
  };
}

describe('formatOperatorEntry', () => {
  test('from a name', () => {
    expect(formatOperatorEntry('ana@example.com', 'Ana María López', null)).toBe(
      '  - slug: ana-maria-lopez\n    initials: AML\n    name: "Ana María López"\n    emails: [ana@example.com]\n',
    );
  });
  test('from the email alone, unique against the registry', () => {
    const taken = registry([{ slug: 'roman-t', initials: 'RT', name: null, emails: ['roman@example.com'] }]);
    expect(formatOperatorEntry('roman.t@example.org', null, taken)).toBe('  - slug: roman-t-2\n    initials: RTA\n    emails: [roman.t@example.org]\n');
    expect(formatOperatorEntry('x@example.org', null, null)).toBe('  - slug: x\n    initials: XX\n    emails: [x@example.org]\n');
  });
});

describe('renderCommandWrappers', () => {
  test('one handoff and one resume wrapper per operator, named by lower-case initials', () => {
    const files = renderCommandWrappers([
      { slug: 'sergei', initials: 'SK', name: null, emails: [] },
      { slug: 'roman', initials: 'RT', name: 'Roman T.', emails: [] },
    ]);
    expect([...files.keys()]).toEqual([
      '.claude/skills/handoff-rt/SKILL.md',
      '.claude/skills/resume-rt/SKILL.md',
      '.claude/skills/handoff-sk/SKILL.md',
      '.claude/skills/resume-sk/SKILL.md',
    ]);
    expect(files.get('.claude/skills/resume-sk/SKILL.md')).toContain('OPERATOR=sergei npm run resume --silent');
    expect(files.get('.claude/skills/handoff-rt/SKILL.md')).toContain('description: "Hand off as Roman T. (RT): write, commit and push this session\'s note"');
    for (const text of files.values()) {
      const yaml = /^---\n([\s\S]*?)\n---\n/.exec(text)![1]!;
      expect(Object.keys(parseYaml(yaml) as object)).toEqual(expect.arrayContaining(['description', 'allowed-tools']));
    }
  });
});
