import { describe, expect, test } from '@jest/globals';
import { CHANGELOG_ANCHOR, mergeChangelog, newChangelog, upsertChangelogEntry, type ChangelogEntry } from '../../tools/core/changelog.js';

const entry = (id: string, date: string, extra: Partial<ChangelogEntry> = {}): ChangelogEntry => ({
  id,
  href: `docs/sessions/${id}.md`,
  date,
  title: `Title of ${id}`,
  commits: [{ sha: 'abc1234', subject: `work of ${id}` }],
  ...extra,
});
const ids = (text: string) => [...text.matchAll(/^- \[([^\]]+)\]/gm)].map((m) => m[1]);
const months = (text: string) => [...text.matchAll(/^<!-- canon:changelog (\S+) -->$/gm)].map((m) => m[1]);

describe('the changelog', () => {
  test('a new file gets the month section after the anchor, with the commits as sub-items', () => {
    const text = upsertChangelogEntry(newChangelog(), entry('RT-261201-01', '2026-12-01'))!;
    expect(text).toContain(
      `${CHANGELOG_ANCHOR}\n\n<!-- canon:changelog 2026-12 -->\n## December 2026\n\n- [RT-261201-01](docs/sessions/RT-261201-01.md) · 2026-12-01 · Title of RT-261201-01\n  - \`abc1234\` work of RT-261201-01\n<!-- /canon:changelog 2026-12 -->\n`,
    );
  });

  test('entries are newest first in their month, months newest first; a repeated id is replaced', () => {
    let text = newChangelog();
    for (const [id, date] of [
      ['RT-261130-01', '2026-11-30'],
      ['RT-261201-01', '2026-12-01'],
      ['SK-261201-01', '2026-12-01'],
      ['RT-261201-02', '2026-12-01'],
      ['RT-261015-01', '2026-10-15'],
    ] as const) {
      text = upsertChangelogEntry(text, entry(id, date))!;
    }
    expect(months(text)).toEqual(['2026-12', '2026-11', '2026-10']);
    expect(ids(text)).toEqual(['SK-261201-01', 'RT-261201-02', 'RT-261201-01', 'RT-261130-01', 'RT-261015-01']);
    const again = upsertChangelogEntry(text, entry('RT-261201-01', '2026-12-01', { title: 'Retitled', commits: [] }))!;
    expect(ids(again)).toEqual(ids(text));
    expect(again).toContain('· Retitled\n  - no commits\n');
    expect(upsertChangelogEntry(again, entry('RT-261201-01', '2026-12-01'), { keepExisting: true })).toBe(again);
  });

  test("the team's text around canon's sections is kept byte for byte; a file without the anchor is not canon's", () => {
    const team = `# Releases\n\n## 1.2.0\n\n- fixed *things*\n\n${CHANGELOG_ANCHOR}\n\nFooter by the team.\n`;
    const text = upsertChangelogEntry(team, entry('RT-261201-01', '2026-12-01'))!;
    expect(text.startsWith(`# Releases\n\n## 1.2.0\n\n- fixed *things*\n\n${CHANGELOG_ANCHOR}\n`)).toBe(true);
    expect(text.endsWith('\n\nFooter by the team.\n')).toBe(true);
    expect(upsertChangelogEntry('# Releases\n\n## 1.2.0\n', entry('RT-261201-01', '2026-12-01'))).toBeNull();
    expect(upsertChangelogEntry(`<!-- canon:changelog 2026-12 -->\n## December 2026\n`, entry('RT-261201-01', '2026-12-01'))).toBeNull();
  });

  test('titles and subjects cannot break the list: markdown characters are escaped, lines joined', () => {
    const text = upsertChangelogEntry(
      newChangelog(),
      entry('RT-261201-01', '2026-12-01', { title: 'a [link](x) and *b*\nc', commits: [{ sha: 'def5678', subject: 'use `code` <b>' }] }),
    )!;
    expect(text).toContain('· a \\[link\\](x) and \\*b\\* c\n  - `def5678` use \\`code\\` \\<b\\>\n');
  });

  test('merge: both sides add entries (same month and new months); one side removes or changes one', () => {
    const base = upsertChangelogEntry(upsertChangelogEntry(newChangelog(), entry('RT-261130-01', '2026-11-30'))!, entry('RT-261201-01', '2026-12-01'))!;
    const ours = upsertChangelogEntry(
      upsertChangelogEntry(base, entry('RT-261201-02', '2026-12-01'))!,
      entry('RT-261201-01', '2026-12-01', { title: 'Ours changed it' }),
    )!;
    let theirs = upsertChangelogEntry(base, entry('SK-261201-01', '2026-12-01'))!;
    theirs = upsertChangelogEntry(theirs, entry('SK-270102-01', '2027-01-02'))!;
    const merged = mergeChangelog(base, ours, theirs)!;
    expect(months(merged)).toEqual(['2027-01', '2026-12', '2026-11']);
    expect(ids(merged)).toEqual(['SK-270102-01', 'SK-261201-01', 'RT-261201-02', 'RT-261201-01', 'RT-261130-01']);
    expect(merged).toContain('· Ours changed it');
    // Symmetric in content.
    expect(ids(mergeChangelog(base, theirs, ours)!)).toEqual(ids(merged));
  });

  test("merge: the team's text changed on one side is taken; changed differently on both is a conflict", () => {
    const base = upsertChangelogEntry(newChangelog(), entry('RT-261201-01', '2026-12-01'))!;
    const ours = base.replace('# Changelog', '# Changelog of the team');
    const theirs = upsertChangelogEntry(base, entry('SK-261201-01', '2026-12-01'))!;
    const merged = mergeChangelog(base, ours, theirs)!;
    expect(merged.startsWith('# Changelog of the team')).toBe(true);
    expect(ids(merged)).toEqual(['SK-261201-01', 'RT-261201-01']);
    expect(mergeChangelog(base, ours, theirs.replace('# Changelog', '# Other title'))).toBeNull();
  });
});
