import { describe, expect, test } from '@jest/globals';
import { createPaint } from '../../tools/output.js';
import {
  buildResumeView,
  compareSessions,
  extractResumePrompt,
  partitionWorkstreams,
  renderResume,
  selectOwnSessions,
  selectPeerSessions,
  selectWatchedNotes,
  shiftDate,
  wrapText,
  type SessionFacts,
  type WorkstreamFacts,
} from '../../tools/core/resume-view.js';

const roman = { slug: 'roman', initials: 'RT', name: 'Roman T.' };

function session(id: string, operator: string | null, date: string | null, title = `Title of ${id}`, ended_at: string | null = null): SessionFacts {
  return { id, path: `docs/sessions/${id}.md`, operator, date, title, ended_at };
}

function ws(slug: string, owner: string | null, status: string | null, priority: string | null = null): WorkstreamFacts {
  return { slug, path: `workstreams/${slug}.md`, title: `WS ${slug}`, owner, status, priority };
}

const ANSI = /\x1b\[/;

describe('own sessions', () => {
  test('are the RT-* files plus legacy CONV/LOCAL notes whose operator is roman, newest first by date then NN', () => {
    const sessions = [
      session('RT-260511-02', 'roman', '2026-05-11'),
      session('RT-260511-10', 'roman', '2026-05-11'),
      session('RT-260509-01', 'roman', '2026-05-09'),
      session('CONV-30', 'roman', '2026-05-10'),
      session('CONV-30-buyer-journey', 'sergei', '2026-05-10'),
      session('LOCAL-2026-05-11-1', 'roman', '2026-05-11'),
      session('SK-260511-01', 'sergei', '2026-05-11'),
      // A file named for roman is his, whatever its frontmatter says; a stray id naming him is not.
      session('RT-260501-01', 'sergei', '2026-05-01'),
      session('XX-260511-01', 'roman', '2026-05-11'),
      session('CONV-7', 'roman', null),
    ];
    expect(selectOwnSessions(sessions, roman).map((s) => s.id)).toEqual([
      'RT-260511-10',
      'RT-260511-02',
      'LOCAL-2026-05-11-1',
      'CONV-30',
      'RT-260509-01',
      'RT-260501-01',
      'CONV-7',
    ]);
  });

  test('within a day the note written last comes first, whatever its NN (a lower number claimed later)', () => {
    const sessions = [
      session('RT-260511-20', 'roman', '2026-05-11', 'twenty', '2026-05-11T09:00:00Z'),
      session('RT-260511-05', 'roman', '2026-05-11', 'five', '2026-05-11T16:30:00+02:00'),
      session('RT-260511-07', 'roman', '2026-05-11', 'seven', '2026-05-11T14:00:00Z'),
      // No ended_at (a legacy note): after the written ones of its day, still by NN among its kind.
      session('RT-260511-30', 'roman', '2026-05-11', 'thirty'),
      session('RT-260512-01', 'roman', '2026-05-12', 'next day', '2026-05-12T08:00:00Z'),
    ];
    expect(selectOwnSessions(sessions, roman).map((s) => s.id)).toEqual(['RT-260512-01', 'RT-260511-05', 'RT-260511-07', 'RT-260511-20', 'RT-260511-30']);
    // 16:30+02:00 is 14:30Z: later than 14:00Z, compared as instants, not as strings.
  });

  test('ties without NN fall back to the id, numbers compared as numbers', () => {
    const sorted = [session('CONV-9', 'roman', '2026-01-01'), session('CONV-30', 'roman', '2026-01-01'), session('CONV-100', 'roman', '2026-01-01')].sort(
      compareSessions,
    );
    expect(sorted.map((s) => s.id)).toEqual(['CONV-100', 'CONV-30', 'CONV-9']);
  });
});

describe('workstreams', () => {
  test('mine by status (active, blocked, paused) and priority; others only when active', () => {
    const result = partitionWorkstreams(
      [
        ws('paused-one', 'roman', 'paused', 'P0'),
        ws('active-low', 'roman', 'active', 'P3'),
        ws('active-none', 'roman', 'active'),
        ws('active-high', 'roman', 'active', 'P0'),
        ws('blocked-one', 'roman', 'blocked', 'P2'),
        ws('done-one', 'roman', 'done', 'P0'),
        ws('superseded-one', 'roman', 'superseded'),
        ws('theirs-active', 'sergei', 'active', 'P1'),
        ws('theirs-paused', 'sergei', 'paused', 'P0'),
        ws('alex-active', 'alex', 'active', 'P0'),
        ws('orphan', null, 'active'),
      ],
      'roman',
    );
    expect(result.mine.map((w) => `${w.status}:${w.slug}`)).toEqual([
      'active:active-high',
      'active:active-low',
      'active:active-none',
      'blocked:blocked-one',
      'paused:paused-one',
    ]);
    expect(result.others).toEqual([
      { slug: 'alex-active', title: 'WS alex-active', status: 'active', owner: 'alex' },
      { slug: 'theirs-active', title: 'WS theirs-active', status: 'active', owner: 'sergei' },
    ]);
  });
});

describe('peers', () => {
  test('other operators within the last 7 days, today included; never roman, never undated', () => {
    const today = '2026-05-11';
    expect(shiftDate(today, 6)).toBe('2026-05-05');
    expect(shiftDate('2026-03-01', 1)).toBe('2026-02-28');
    const peers = selectPeerSessions(
      [
        session('SK-260511-01', 'sergei', '2026-05-11'),
        session('SK-260505-01', 'sergei', '2026-05-05'),
        session('SK-260504-01', 'sergei', '2026-05-04'),
        session('AL-260512-01', 'alex', '2026-05-12'),
        session('CONV-31', 'sergei', '2026-05-10'),
        session('RT-260511-01', 'roman', '2026-05-11'),
        session('CONV-32', 'roman', '2026-05-10'),
        session('LOCAL-1', null, '2026-05-10'),
        session('SK-X', 'sergei', null),
      ],
      roman,
      today,
    );
    expect(peers.map((p) => p.id)).toEqual(['AL-260512-01', 'SK-260511-01', 'CONV-31', 'SK-260505-01']);
  });
});

describe('Resume Prompt extraction', () => {
  test('takes the section verbatim up to the next level-2 heading', () => {
    const body = '## Summary\n\nx\n\n## Resume Prompt\n\nContinue with **the hook**.\n\n### Detail\n- keep this\n\nConfidence: high\n\n## Telemetry\n\n- n\n';
    expect(extractResumePrompt(body)).toBe('Continue with **the hook**.\n\n### Detail\n- keep this\n\nConfidence: high');
  });

  test('a heading inside a code fence does not end it; a missing or empty section is null', () => {
    const body = '## Resume Prompt\n\nRun:\n\n```md\n## not a heading\n```\n\nDone.\n';
    expect(extractResumePrompt(body)).toBe('Run:\n\n```md\n## not a heading\n```\n\nDone.');
    expect(extractResumePrompt('## Summary\n\nx\n')).toBeNull();
    expect(extractResumePrompt('## Resume Prompt\n\n## Telemetry\n')).toBeNull();
  });
});

describe('rendering', () => {
  const prompt = `Continue from RT-260511-02: ${'wire the resume cache into post-commit and measure it again '.repeat(4)}then https://example.com/${'a'.repeat(90)}\n\nConfidence: high`;
  const view = buildResumeView({
    operator: roman,
    own: [
      session('RT-260511-02', 'roman', '2026-05-11', `A title that is far too long to fit ${'x'.repeat(80)}`),
      session('RT-260510-01', 'roman', '2026-05-10'),
    ],
    last: {
      id: 'RT-260511-02',
      date: '2026-05-11',
      title: 'Hook hardening',
      summary: 'Hardened the hook.',
      resume_prompt: prompt,
      path: 'docs/sessions/RT-260511-02.md',
    },
    sessions: [session('SK-260511-01', 'sergei', '2026-05-11')],
    workstreams: [ws('flip', 'roman', 'active', 'P1'), ws('sync', 'sergei', 'active')],
    today: '2026-05-11',
    limit: 5,
  });

  test('fits 80 columns (save words longer than that), keeps every word of the prompt, no colour when off', () => {
    const text = renderResume(view, { paint: createPaint(false), width: 80, name: roman.name });
    expect(text).not.toMatch(ANSI);
    for (const line of text.split('\n')) {
      if ([...line].length > 80) expect(line).toMatch(/^\S+$/);
    }
    expect(text.replace(/\s+/g, ' ')).toContain(prompt.replace(/\s+/g, ' '));
    expect(text).toContain('Roman T. (roman, RT)');
    expect(text).toMatch(/Your sessions \(2 of 2\)/);
    expect(text).toMatch(/SK-260511-01 +Title of SK-260511-01/);
  });

  test('colour when on', () => {
    expect(renderResume(view, { paint: createPaint(true), width: 80 })).toMatch(ANSI);
  });

  test('no sessions: the message, still the workstreams and peers', () => {
    const empty = buildResumeView({
      operator: roman,
      own: [],
      last: null,
      sessions: [session('SK-260511-01', 'sergei', '2026-05-11')],
      workstreams: [ws('flip', 'roman', 'active')],
      today: '2026-05-11',
      limit: 5,
    });
    expect(empty.message).toBe('no prior sessions for roman');
    expect(empty.last_session).toBeNull();
    const text = renderResume(empty, { paint: createPaint(false) });
    expect(text).toContain('no prior sessions for roman');
    expect(text).toContain('flip');
    expect(text).toContain('SK-260511-01');
  });

  test("others' workstreams and the peer footer stay short; --json keeps them all", () => {
    const many = buildResumeView({
      operator: roman,
      own: [],
      last: null,
      sessions: Array.from({ length: 13 }, (_, i) => session(`SK-260511-${String(i + 1).padStart(2, '0')}`, 'sergei', '2026-05-11')),
      workstreams: Array.from({ length: 12 }, (_, i) => ws(`w${String(i).padStart(2, '0')}`, 'sergei', 'active')),
      today: '2026-05-11',
      limit: 5,
    });
    expect(many.workstreams.others).toHaveLength(12);
    expect(many.peers).toHaveLength(13);
    const text = renderResume(many, { paint: createPaint(false) });
    expect(text).toContain('… and 2 more');
    expect(text).toContain('… and 3 more');
    expect(text).not.toContain('w11');
  });

  test('wrapText breaks only at spaces and keeps list indentation', () => {
    const line = `- ${'word '.repeat(40).trim()}`;
    const wrapped = wrapText(line, 30);
    expect(wrapped.split('\n').every((l) => l.length <= 30)).toBe(true);
    expect(
      wrapped
        .split('\n')
        .slice(1)
        .every((l) => l.startsWith('  word')),
    ).toBe(true);
    expect(wrapped.replace(/\n +/g, ' ')).toBe(line);
  });
});

describe('what a snapshot watches (ADR-0040)', () => {
  test('the listed sessions, every workstream, the peer window and the extra notes; older notes nothing shows are left out', () => {
    const sessions = [
      session('RT-260511-03', 'roman', '2026-05-11'),
      session('RT-260511-02', 'roman', '2026-05-11'),
      session('RT-260401-01', 'roman', '2026-04-01'),
      session('SK-260505-01', 'sergei', '2026-05-05'),
      session('SK-260504-01', 'sergei', '2026-05-04'),
      session('SK-260301-01', 'sergei', '2026-03-01'),
      session('SK-260601-01', 'sergei', '2026-06-01'),
      session('CONV-9', null, null),
    ];
    const own = selectOwnSessions(sessions, roman);
    const workstreams = [ws('flip', 'roman', 'done'), ws('flop', 'sergei', 'active')];
    const watch = selectWatchedNotes({ own, sessions, workstreams, today: '2026-05-11', limit: 1, extra: ['docs/sessions/broken.md', 'workstreams/flip.md'] });
    expect(watch).toEqual([
      'docs/sessions/RT-260511-02.md',
      'docs/sessions/RT-260511-03.md',
      'docs/sessions/SK-260505-01.md',
      'docs/sessions/SK-260601-01.md',
      'docs/sessions/broken.md',
      'workstreams/flip.md',
      'workstreams/flop.md',
    ]);
    // --limit lists more of the operator's own sessions, and so watches them.
    expect(selectWatchedNotes({ own, sessions, workstreams: [], today: '2026-05-11', limit: 3, extra: [] })).toContain('docs/sessions/RT-260401-01.md');
  });
});
