import { describe, expect, test } from '@jest/globals';
import { seededRandom } from '../../tools/seeded-random.mjs';
import {
  mergeIndexRows,
  mergeMonthLists,
  monthOf,
  monthTitle,
  parseIndex,
  parseMonthList,
  renderIndex,
  renderMonthList,
  shardRowFile,
  spliceIndex,
  type IndexRow,
} from '../../tools/core/index-render.js';

function row(id: string, date: string, extra: Partial<IndexRow> = {}): IndexRow {
  return baseRow(id, date, extra);
}

function baseRow(id: string, date: string, extra: Partial<IndexRow> = {}): IndexRow {
  return { id, file: `${id}.md`, title: `Title ${id}`, person: 'roman', date, status: '', summary: `About ${id} | with a pipe`, ...extra };
}

describe('INDEX rendering', () => {
  test('is deterministic whatever the input order, and parses back', () => {
    const rows = [row('RT-260511-01', '2026-05-11'), row('SK-260512-01', '2026-05-12'), row('RT-260511-02', '2026-05-11')];
    const text = renderIndex('session', rows);
    expect(renderIndex('session', [...rows].reverse())).toBe(text);
    expect(
      text
        .split('\n')
        .filter((l) => l.startsWith('| ['))
        .map((l) => l.slice(3, 15)),
    ).toEqual(['SK-260512-01', 'RT-260511-02', 'RT-260511-01']);
    expect(parseIndex(text)).toEqual(expect.arrayContaining(rows));
    expect(parseIndex('# hand-written\n')).toBeNull();
  });

  test.each(['session', 'workstream'] as const)('splicing rows gives exactly what a full render gives (%s)', (kind) => {
    const rand = seededRandom(7);
    // Session rows live on month pages, one folder below the notes.
    const row = (id: string, date: string) => (kind === 'session' ? baseRow(id, date, { file: `../${id}.md` }) : baseRow(id, date));
    let rows: IndexRow[] = Array.from({ length: 60 }, (_, i) =>
      row(`RT-2605${String(10 + (i % 20)).padStart(2, '0')}-${String(i).padStart(2, '0')}`, `2026-05-${String(10 + (i % 20)).padStart(2, '0')}`),
    );
    let text = renderIndex(kind, rows);
    for (let step = 0; step < 200; step++) {
      const upserts: IndexRow[] = [];
      const removals: string[] = [];
      for (let k = 0; k < 1 + Math.floor(rand() * 3); k++) {
        const pick = rows[Math.floor(rand() * rows.length)];
        const choice = rand();
        if (choice < 0.3 && pick) removals.push(pick.file);
        else if (choice < 0.6 && pick)
          upserts.push({ ...pick, title: `edited ${step}`, date: `2026-06-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}` });
        else upserts.push(row(`SK-${step}-${k}`, `2026-0${1 + Math.floor(rand() * 9)}-15`));
      }
      const files = new Set([...removals, ...upserts.map((u) => u.file)]);
      rows = [...rows.filter((r) => !files.has(r.file)), ...upserts.filter((u, i, all) => all.findLastIndex((x) => x.file === u.file) === i)];
      const spliced = spliceIndex(kind, text, upserts, removals);
      expect(spliced).toBe(renderIndex(kind, rows));
      text = spliced!;
    }
  });

  test('splicing declines text it did not generate', () => {
    expect(spliceIndex('session', '| [x](x.md) | a |\n', [], [])).toBeNull();
  });

  test('merging keeps rows added on both sides and drops rows removed on either', () => {
    const base = [row('A', '2026-05-01'), row('B', '2026-05-01')];
    const ours = [row('A', '2026-05-01'), row('C', '2026-05-02')];
    const theirs = [row('A', '2026-05-01', { title: 'changed' }), row('B', '2026-05-01'), row('D', '2026-05-03')];
    const merged = mergeIndexRows(base, ours, theirs);
    expect(merged.map((r) => r.id).sort()).toEqual(['A', 'C', 'D']);
    expect(merged.find((r) => r.id === 'A')!.title).toBe('changed');
  });
});

describe('the sessions month list', () => {
  test('lists months newest first, undated last, and parses back', () => {
    const text = renderMonthList(['2026-05', 'undated', '2026-11', '2025-12', '2026-05']);
    expect(parseMonthList(text)).toEqual(['2026-11', '2026-05', '2025-12', 'undated']);
    expect(monthOf('2026-05-11')).toBe('2026-05');
    expect(monthOf('yesterday')).toBe('undated');
  });

  test('merges three ways: additions from both sides, removals from either', () => {
    expect(mergeMonthLists(['2026-05', '2026-06'], ['2026-05', '2026-07'], ['2026-05', '2026-06', '2026-08']).sort()).toEqual([
      '2026-05',
      '2026-07',
      '2026-08',
    ]);
  });
});

describe('session month pages link their notes one folder up', () => {
  test('rows link ../<id>.md; a page from before (rows linking <id>.md) is rendered again in full, never spliced', () => {
    const row = { id: 'RT-261201-01', file: '../RT-261201-01.md', title: 'T', person: 'roman', date: '2026-12-01', status: 'done', summary: 'S' };
    const page = renderIndex('session', [row], monthTitle('2026-12'));
    expect(page).toContain('| [RT-261201-01](../RT-261201-01.md) |');
    expect(spliceIndex('session', page, [{ ...row, id: 'RT-261201-02', file: '../RT-261201-02.md' }], [], monthTitle('2026-12'))).toContain(
      '(../RT-261201-02.md)',
    );
    const legacy = page.replace('(../RT-261201-01.md)', '(RT-261201-01.md)');
    expect(spliceIndex('session', legacy, [{ ...row, id: 'RT-261201-02', file: '../RT-261201-02.md' }], [], monthTitle('2026-12'))).toBeNull();
    expect(shardRowFile('RT-261201-01.md')).toBe('../RT-261201-01.md');
    expect(shardRowFile('../RT-261201-01.md')).toBe('../RT-261201-01.md');
  });
});
