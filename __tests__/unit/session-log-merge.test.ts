import { describe, expect, test } from '@jest/globals';
import { joinSessionLog, mergeEntries, SESSION_LOG_SLOT, splitSessionLog } from '../../tools/core/session-log-merge.js';

const note = (log: string[], extra = '') =>
  `---\ntitle: Vault\nkind: workstream\ncontent_hash: sha256:${'a'.repeat(64)}\n---\n## Goal\n\nA goal.${extra}\n\n## Session Log\n\n${log.join('\n')}${log.length ? '\n' : ''}`;
const line = (id: string, date: string) => `- [${id}](../docs/sessions/${id}.md) (${date}): work of ${id}`;

describe('merging Session Logs', () => {
  test('split takes the entries and the content_hash line out, leaving one slot', () => {
    const split = splitSessionLog(note([line('RT-261201-02', '2026-12-01'), '- RT-261130-01 (2026-11-30): an older, unlinked line']));
    expect([...split.entries.keys()]).toEqual(['RT-261201-02', 'RT-261130-01']);
    expect(split.text).not.toMatch(/content_hash/);
    expect(split.text.endsWith(`## Session Log\n\n${SESSION_LOG_SLOT}\n`)).toBe(true);
  });

  test('entries from both sides, newest first; one removed on one side stays removed; a changed one takes the change', () => {
    const base = splitSessionLog(note([line('RT-261130-01', '2026-11-30'), line('RT-261129-01', '2026-11-29')])).entries;
    const ours = splitSessionLog(note([line('RT-261201-01', '2026-12-01'), line('RT-261130-01', '2026-11-30')])).entries;
    const theirs = splitSessionLog(
      note([line('SK-261202-01', '2026-12-02'), line('RT-261130-01', '2026-11-30').replace('work of', 'reworded'), line('RT-261129-01', '2026-11-29')]),
    ).entries;
    const merged = mergeEntries(base, ours, theirs);
    expect(merged.map((l) => /\[([^\]]+)\]/.exec(l)![1])).toEqual(['SK-261202-01', 'RT-261201-01', 'RT-261130-01']);
    expect(merged[2]).toContain('reworded');
  });

  test('join puts the entries at the slot, or at the end of the section when one side had none', () => {
    const split = splitSessionLog(note([line('RT-261201-01', '2026-12-01')]));
    expect(joinSessionLog(split.text, [line('SK-261202-01', '2026-12-02'), line('RT-261201-01', '2026-12-01')])).toBe(
      note([line('SK-261202-01', '2026-12-02'), line('RT-261201-01', '2026-12-01')]).replace(/content_hash: .*\n/, ''),
    );
    const empty = splitSessionLog(note([]));
    expect(joinSessionLog(empty.text, [line('RT-261201-01', '2026-12-01')])).toBe(note([line('RT-261201-01', '2026-12-01')]).replace(/content_hash: .*\n/, ''));
    expect(joinSessionLog('---\ntitle: x\n---\nNo log here.\n', [line('RT-261201-01', '2026-12-01')])).toBeNull();
  });
});
