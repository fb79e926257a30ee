import { describe, expect, test } from '@jest/globals';
import { findChangelogEntry, newChangelog, upsertChangelogEntry, type ChangelogEntry } from '../../tools/core/changelog.js';
import { formatClaimOwner, judgeClaimOwner, parseClaimOwner } from '../../tools/core/claim-owner.js';

describe('the owner of a claim stub (ADR-0025)', () => {
  test('round-trips pid and host, with the host made a plain YAML scalar', () => {
    expect(formatClaimOwner(4242, 'dev-1.local')).toBe('4242@dev-1.local');
    expect(parseClaimOwner(formatClaimOwner(4242, 'dev-1.local'))).toEqual({ pid: 4242, host: 'dev-1.local' });
    expect(formatClaimOwner(7, "Ro man's: Mac")).toBe('7@Ro-man-s--Mac');
    expect(parseClaimOwner(formatClaimOwner(7, "Ro man's: Mac"))).toEqual({ pid: 7, host: 'Ro-man-s--Mac' });
  });

  test('anything else is no owner', () => {
    for (const value of [undefined, null, 4242, '', '4242', '@dev', '0@dev', '-1@dev', 'x@dev', '4242@dev 1', '4242@'])
      expect(parseClaimOwner(value)).toBeNull();
  });

  test('a live pid here is live, a gone one dead; no owner or another host: judged by age only', () => {
    const here = { host: 'dev-1', isAlive: (pid: number) => pid === 1 };
    expect(judgeClaimOwner({ pid: 1, host: 'dev-1' }, here)).toBe('live');
    expect(judgeClaimOwner({ pid: 2, host: 'dev-1' }, here)).toBe('dead');
    expect(judgeClaimOwner({ pid: 2, host: 'laptop' }, here)).toBe('unknown');
    expect(judgeClaimOwner(null, here)).toBe('unknown');
    // The local hostname is compared as it would have been written.
    expect(judgeClaimOwner({ pid: 2, host: 'my-box' }, { host: 'my box', isAlive: () => false })).toBe('dead');
  });
});

describe("a killed handoff's changelog entry, finished by the next handoff", () => {
  const entry = (commits: ChangelogEntry['commits']): ChangelogEntry => ({
    id: 'RT-261205-03',
    href: 'docs/sessions/RT-261205-03.md',
    date: '2026-12-05',
    title: 'Killed',
    commits,
  });

  test('the entry as written is found and staged unchanged on top of the committed text', () => {
    const committed = newChangelog();
    const written = upsertChangelogEntry(committed, entry([{ sha: 'abc1234', subject: 'fix the hook' }]))!;
    const lines = findChangelogEntry(written, 'RT-261205-03');
    expect(lines).toEqual([expect.stringContaining('[RT-261205-03]'), '  - `abc1234` fix the hook']);
    // Without the lines, the finished entry would list no commits and differ from the working file.
    expect(upsertChangelogEntry(committed, entry(null), { keepExisting: true })).not.toBe(written);
    expect(upsertChangelogEntry(committed, entry(null), { keepExisting: true, lines: lines! })).toBe(written);
    expect(findChangelogEntry(committed, 'RT-261205-03')).toBeNull();
    expect(findChangelogEntry('# Releases\n', 'RT-261205-03')).toBeNull();
  });
});
