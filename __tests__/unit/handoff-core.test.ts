import { describe, expect, test } from '@jest/globals';
import { DEFAULT_CONFIG } from '../../tools/core/config.js';
import { NO_GIT_STATS, parseGitLog } from '../../tools/core/git-log-stats.js';
import { completeDraft, mergeDrafts, parseHandoffJson, parseHandoffMarkdown, splitConfidence, type HandoffContent } from '../../tools/core/handoff-input.js';
import { checkResumePrompt, draftResumePrompt } from '../../tools/core/resume-prompt.js';
import { formatSessionLogEntry, insertSessionLogEntry } from '../../tools/core/session-log-entry.js';
import { isTrivialSession, planNoteTelemetry, planSessionNote, type SessionNotePlan } from '../../tools/core/session-note-plan.js';
import type { TelemetryState } from '../../tools/core/telemetry.js';

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');

function content(over: Partial<HandoffContent> = {}): HandoffContent {
  const done = completeDraft({ title: 'T', summary: 'S.', sections: { shipped: '- a' }, resumePrompt: words(90), confidence: 'high' });
  if (!done.ok) throw new Error('fixture');
  return { ...done.content, ...over };
}

function plan(over: Partial<SessionNotePlan> = {}): SessionNotePlan {
  return {
    id: 'RT-260511-01',
    operator: 'roman',
    date: '2026-05-11',
    content: content(),
    mode: 'full',
    telemetry: planNoteTelemetry(null, ['notion_offplan']),
    telemetryRecorded: false,
    stats: NO_GIT_STATS,
    startedAt: null,
    endedAt: '2026-05-11T12:00:00Z',
    activeMinutes: null,
    writeMinutes: 0.5,
    forbiddenMcp: ['notion_offplan'],
    ...over,
  };
}

describe('parseHandoffJson', () => {
  test('reads the docs/contract.md §13 shape; lists become markdown lists; a Confidence line in the prompt is split off', () => {
    const r = parseHandoffJson(
      JSON.stringify({
        title: 'Hook hardening',
        summary: 'Exact counts.',
        workstream: 'hooks',
        tags: ['hooks'],
        shipped: ['one', 'two\nwith detail'],
        decisions: [],
        next_steps: 'a single string',
        resume_prompt: 'Do the thing.\n\nConfidence: medium',
        quick: false,
      }),
    );
    expect(r).toEqual({
      ok: true,
      ignored: [],
      draft: {
        title: 'Hook hardening',
        summary: 'Exact counts.',
        workstream: 'hooks',
        tags: ['hooks'],
        sections: { shipped: '- one\n- two\n  with detail', decisions: '', nextSteps: 'a single string' },
        resumePrompt: 'Do the thing.',
        confidence: 'medium',
        quick: false,
      },
    });
  });

  test('the "confidence" key wins over nothing, and unknown keys are reported', () => {
    const r = parseHandoffJson('{"title":"t","summary":"s","confidence":"low","next_step":["typo"]}');
    expect(r.ok && r.draft.confidence).toBe('low');
    expect(r.ok && r.ignored).toEqual(['next_step']);
  });

  test.each([
    ['{"title":', /is not valid JSON/],
    ['[1,2]', /must be a JSON object/],
    ['{"title": 3}', /"title" must be a string/],
    ['{"tags": [1]}', /"tags" must be a list of strings/],
    ['{"confidence": "very"}', /"confidence" must be one of high, medium, low/],
    ['{"quick": "yes"}', /"quick" must be true or false/],
  ])('%s is refused', (text, problem) => {
    const r = parseHandoffJson(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.join('\n')).toMatch(problem);
  });
});

describe('parseHandoffMarkdown', () => {
  test('frontmatter and sections; title from a # heading; unknown sections kept; the Resume Prompt split from its confidence', () => {
    const r = parseHandoffMarkdown(
      '---\nsummary: Short.\ntags: [a]\n---\n# The title\n\n## Summary\n\nLonger text.\n\nTwo paragraphs.\n\n## What shipped\n\n- x\n\n## Gotchas\n\n```\n## not a heading\n```\n\n## Resume Prompt\n\nGo on.\n\nConfidence: low\n',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.draft).toMatchObject({ title: 'The title', summary: 'Short.', tags: ['a'], resumePrompt: 'Go on.', confidence: 'low' });
    expect(r.draft.sections).toEqual({
      summary: 'Longer text.\n\nTwo paragraphs.',
      shipped: '- x',
      extra: '## Gotchas\n\n```\n## not a heading\n```',
    });
  });

  test('a summary comes from the first paragraph of ## Summary when the frontmatter has none', () => {
    const r = parseHandoffMarkdown('## Summary\n\nFirst\nline.\n\nSecond.\n');
    expect(r.ok && r.draft.summary).toBe('First line.');
  });

  test('---js frontmatter is refused, never run', () => {
    const r = parseHandoffMarkdown('---js\nprocess.exit(9)\n---\nbody\n');
    expect(r.ok).toBe(false);
  });
});

describe('drafts', () => {
  test('later layers win key by key and section by section', () => {
    const merged = mergeDrafts({ title: 'a', sections: { shipped: 'x', decisions: 'y' } }, { title: 'b', sections: { shipped: 'z' } });
    expect(merged).toEqual({ title: 'b', sections: { shipped: 'z', decisions: 'y' } });
  });

  test('completeDraft requires title and summary and checks slugs and tags', () => {
    expect(completeDraft({})).toEqual({ ok: false, problems: ['a title is required', 'a summary is required'] });
    const bad = completeDraft({ title: 't', summary: 's', workstream: 'Not A Slug', tags: ['ok', 'Bad Tag'] });
    expect(!bad.ok && bad.problems).toEqual([
      'workstream "Not A Slug" is not a kebab-case slug like repo-flip',
      'tags must be kebab-case like notion-sync: "Bad Tag"',
    ]);
    const good = completeDraft({ title: ' multi\nline ', summary: 's', workstream: '', tags: ['a', 'a'] });
    expect(good.ok && good.content).toMatchObject({ title: 'multi line', workstream: null, tags: ['a'], quick: null, resumePrompt: null });
  });
});

describe('the Resume Prompt', () => {
  test('splitConfidence takes only a final Confidence line', () => {
    expect(splitConfidence('a\nConfidence: HIGH')).toEqual({ resumePrompt: 'a', confidence: 'high' });
    expect(splitConfidence('a\n**Confidence:** medium')).toEqual({ resumePrompt: 'a', confidence: 'medium' });
    expect(splitConfidence('Confidence: high, then more text\nlast')).toEqual({ resumePrompt: 'Confidence: high, then more text\nlast' });
  });

  test.each([
    [null, 'high', ['missing']],
    [words(10), 'high', ['too-short']],
    [words(80), 'low', []],
    [words(150), 'medium', []],
    [words(151), 'high', ['too-long']],
    [words(100), null, ['no-confidence']],
  ] as const)('%#: checkResumePrompt', (prompt, confidence, rules) => {
    expect(checkResumePrompt(prompt, confidence).map((p) => p.rule)).toEqual(rules);
  });

  test('the draft is built from the answers and names the edited files', () => {
    const c = content({ workstream: 'hooks', sections: { ...content().sections, nextSteps: '- ship it' } });
    expect(draftResumePrompt(c, ['a.ts', 'b.ts'])).toBe(
      'Continue the hooks workstream: T. Where it stands: S. Already done: a. Start with: ship it. Files this session edited: a.ts, b.ts.',
    );
  });
});

describe('the note', () => {
  test('full form: frontmatter in canonical order, the invariant key always present, seven sections', () => {
    const { data, body } = planSessionNote(plan());
    expect(Object.keys(data).slice(0, 8)).toEqual(['title', 'operator', 'summary', 'workstream', 'tags', 'kind', 'external_id', 'date']);
    expect(data.tool_calls_breakdown).toEqual({ mcp__notion_offplan: 0 });
    expect(body.match(/^## .+$/gm)).toEqual([
      '## Summary',
      '## What shipped',
      '## Decisions',
      '## Open questions',
      '## Next steps',
      '## Resume Prompt',
      '## Telemetry',
    ]);
    expect(body).toContain('## Open questions\n\n_None._\n');
    expect(body).toMatch(/\n\nConfidence: high\n\n## Telemetry\n\n- No tool-call telemetry was recorded/);
  });

  test('quick form: Summary and Resume Prompt only', () => {
    const { data, body } = planSessionNote(plan({ mode: 'quick' }));
    expect(data.mode).toBe('quick');
    expect(body.match(/^## .+$/gm)).toEqual(['## Summary', '## Resume Prompt']);
  });

  test('telemetry keys are sorted and a broken invariant is spelled out in the body', () => {
    const state = {
      session_id: 's',
      started_at: '',
      updated_at: '',
      cwd: '',
      tool_calls_count: 5,
      tool_calls_breakdown: { Read: 1, Bash: 2, mcp__notion_offplan: 2 },
      tool_calls_breakdown_methods: { mcp__notion_offplan: { b: 1, a: 1 } },
      subagents_dispatched: 0,
      parallel_terminals_observed: 0,
      files_touched: [],
      failed_calls: 0,
      session_started_at: null,
      transcript_path: null,
      events_seen: 5,
      journal_offset: 0,
      active_ms: 0,
      last_event_at: null,
      closed: false,
      own_calls: 0,
      replaces: null,
    } satisfies TelemetryState;
    const telemetry = planNoteTelemetry(state, ['notion_offplan', 'other']);
    expect(Object.keys(telemetry.tool_calls_breakdown)).toEqual(['Bash', 'Read', 'mcp__notion_offplan', 'mcp__other']);
    expect(Object.keys(telemetry.tool_calls_breakdown_methods.mcp__notion_offplan!)).toEqual(['a', 'b']);
    const { body } = planSessionNote(plan({ telemetry, telemetryRecorded: true, forbiddenMcp: ['notion_offplan', 'other'] }));
    expect(body).toContain('- Tool calls: 5 (Bash 2, mcp__notion_offplan 2, Read 1)');
    expect(body).toContain('- Notion-silent: **NO** (mcp__notion_offplan called 2 time(s))');
  });

  test('a trivial session needs telemetry, no commits and few calls', () => {
    expect(isTrivialSession(NO_GIT_STATS, null)).toBe(false);
    expect(isTrivialSession(NO_GIT_STATS, { tool_calls_count: 10 })).toBe(true);
    expect(isTrivialSession(NO_GIT_STATS, { tool_calls_count: 11 })).toBe(false);
    expect(isTrivialSession({ ...NO_GIT_STATS, commits: 1 }, { tool_calls_count: 0 })).toBe(false);
  });
});

describe('insertSessionLogEntry', () => {
  const entry = formatSessionLogEntry('RT-260512-01', '2026-05-12', 'New\nwork.');

  test('newest first, above the existing entries', () => {
    const body = '## Goal\n\nG.\n\n## Session Log\n\n- RT-260511-01 (2026-05-11): Old.\n\n## Later\n\nx\n';
    expect(insertSessionLogEntry(body, 'RT-260512-01', entry)).toBe(
      '## Goal\n\nG.\n\n## Session Log\n\n- RT-260512-01 (2026-05-12): New work.\n- RT-260511-01 (2026-05-11): Old.\n\n## Later\n\nx\n',
    );
  });

  test('an empty section at the end of the file', () => {
    expect(insertSessionLogEntry('## Goal\n\nG.\n\n## Session Log\n', 'RT-260512-01', entry)).toBe(
      '## Goal\n\nG.\n\n## Session Log\n\n- RT-260512-01 (2026-05-12): New work.\n',
    );
  });

  test('prose only: the list goes after it; a following section keeps its blank line', () => {
    expect(insertSessionLogEntry('## Session Log\n\nNewest first.\n\n## Next\n', 'RT-260512-01', entry)).toBe(
      '## Session Log\n\nNewest first.\n\n- RT-260512-01 (2026-05-12): New work.\n\n## Next\n',
    );
  });

  test('a missing section is created at the end', () => {
    expect(insertSessionLogEntry('## Goal\n\nG.', 'RT-260512-01', entry)).toBe('## Goal\n\nG.\n\n## Session Log\n\n- RT-260512-01 (2026-05-12): New work.\n');
  });

  test('the same id is never listed twice, and the ### subsections do not end the section', () => {
    const body = '## Session Log\n\n- RT-260512-01 (2026-05-12): First try.\n- RT-260511-01 (2026-05-11): Old.\n';
    const once = insertSessionLogEntry(body, 'RT-260512-01', entry);
    expect(once).toBe('## Session Log\n\n- RT-260512-01 (2026-05-12): New work.\n- RT-260511-01 (2026-05-11): Old.\n');
    expect(insertSessionLogEntry(once, 'RT-260512-01', entry)).toBe(once);
  });

  test('a long summary is shortened for the log', () => {
    expect(formatSessionLogEntry('X', 'd', 'a'.repeat(500)).length).toBeLessThan(220);
  });
});

describe('parseGitLog', () => {
  const rec = (hash: string, date: string, email: string, files: string[], subject = `subject of ${hash}`) =>
    `\x1e${hash}\x1f${date}\x1f${email}\x1f${subject}\0\n${files.map((f) => `${f}\0`).join('')}`;
  const output = [
    rec(
      'c3aaaaaaaa',
      '2026-05-11T12:30:00+02:00',
      'Roman@Example.com',
      ['3\t1\tworkstreams/hooks.md', '-\t-\tlogo.png', '10\t0\tdocs/adr/0004-journal.md'],
      'Journal: fold on SessionEnd',
    ),
    rec('c2', '2026-05-11T09:00:00Z', 'sergei@example.com', ['100\t100\tdocs/plans/other.md']),
    rec('c1', '2026-05-11T10:00:00Z', 'roman@example.com', ['1\t2\tdocs/plans/flip.md', '5\t0\tworkstreams/INDEX.md', '1\t0\tsrc/a b.ts']),
  ].join('');

  test("counts this operator's commits, lines (binary files skipped) and the notes they touched", () => {
    expect(parseGitLog(output, { authors: new Set(['roman@example.com']), folders: DEFAULT_CONFIG.folders })).toEqual({
      commits: 2,
      linesAdded: 3 + 10 + 1 + 5 + 1,
      linesRemoved: 1 + 2,
      firstCommitAt: '2026-05-11T10:00:00Z',
      lastCommitAt: '2026-05-11T10:30:00Z',
      touched: { workstreams: ['hooks'], plans: ['flip'], adrs: ['ADR-0004'] },
      list: [
        { sha: 'c3aaaaa', subject: 'Journal: fold on SessionEnd' },
        { sha: 'c1', subject: 'subject of c1' },
      ],
    });
  });

  test('without an author filter every commit counts; empty output is no stats', () => {
    expect(parseGitLog(output, { authors: null, folders: DEFAULT_CONFIG.folders }).commits).toBe(3);
    expect(parseGitLog('', { authors: null, folders: DEFAULT_CONFIG.folders })).toEqual(NO_GIT_STATS);
  });
});
