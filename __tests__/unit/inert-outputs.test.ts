import { describe, expect, test } from '@jest/globals';
import { renderChangelogEntry } from '../../tools/core/changelog.js';
import { DEFAULT_CONFIG } from '../../tools/core/config.js';
import { formatIssue } from '../../tools/core/format-issues.js';
import { formatTelemetryState } from '../../tools/core/format-telemetry.js';
import { completeDraft, findDraftTextControls } from '../../tools/core/handoff-input.js';
import { formatSessionLogEntry } from '../../tools/core/session-log-entry.js';
import { planNoteTelemetry, renderSessionBody } from '../../tools/core/session-note-plan.js';
import { indexRowFor, renderIndex } from '../../tools/core/index-render.js';
import type { SiteMap } from '../../tools/core/render-links.js';
import { renderNotePage } from '../../tools/core/render-page.js';
import { buildResumeView, renderResume, type SessionFacts } from '../../tools/core/resume-view.js';
import { renderSessionStartContext } from '../../tools/core/session-context.js';
import { createTelemetryState } from '../../tools/core/telemetry.js';
import { createPaint } from '../../tools/output.js';

/** Every character a terminal acts on, raw. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** A title that clears the screen, colours and retitles the terminal, and a right-to-left override. */
const EVIL = '\u001b[2J\u001b[31mRED\u001b]0;pwned\u0007 \u202eevil';
const SHOWN = '\\x1b[2J\\x1b[31mRED\\x1b]0;pwned\\x07 \\u202eevil';

const session = (id: string, operator: string, date: string, title: string): SessionFacts => ({
  id,
  path: `docs/sessions/${id}.md`,
  operator,
  date,
  title,
  ended_at: null,
});

describe('every output shows controls that got into a note as visible escapes', () => {
  test("the resume dashboard: own and peers' titles, the summary and the Resume Prompt", () => {
    const operator = { slug: 'roman', initials: 'RT', name: 'Roman\u001b]0;x\u0007' };
    const view = buildResumeView({
      operator,
      own: [session('RT-261205-02', 'roman', '2026-12-05', EVIL), session('RT-261205-01', 'roman', '2026-12-05', 'plain')],
      last: {
        id: 'RT-261205-02',
        date: '2026-12-05',
        title: EVIL,
        summary: `sum ${EVIL}`,
        resume_prompt: `Go on.\n\n${EVIL}`,
        path: 'docs/sessions/RT-261205-02.md',
      },
      sessions: [session('SK-261205-01', 'sergei', '2026-12-05', `peer ${EVIL}`)],
      workstreams: [{ slug: 'flip', path: 'workstreams/flip.md', title: `ws ${EVIL}`, owner: 'roman', status: 'active', priority: 'P1' }],
      today: '2026-12-05',
      limit: 5,
    });
    const text = renderResume(view, { paint: createPaint(false), width: 200, name: operator.name });
    expect(text).not.toMatch(RAW);
    expect(text).toContain(`peer ${SHOWN}`);
    expect(text).toContain(`ws ${SHOWN}`);
    expect(text).toContain('Roman\\x1b]0;x\\x07');
    // Colour still works: the only ESC bytes are canon's own SGR codes.
    const coloured = renderResume(view, { paint: createPaint(true), width: 200 });
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(RAW);
    // The view itself (what --json prints) is untouched.
    expect(view.peers[0]!.title).toBe(`peer ${EVIL}`);
  });

  test('the SessionStart context the model reads', () => {
    const view = buildResumeView({
      operator: { slug: 'roman', initials: 'RT' },
      own: [session('RT-261205-01', 'roman', '2026-12-05', `a\n${EVIL}`)],
      last: { id: 'RT-261205-01', date: '2026-12-05', title: `a\n${EVIL}`, summary: 's', resume_prompt: EVIL, path: 'docs/sessions/RT-261205-01.md' },
      sessions: [session('SK-261205-01', 'sergei', '2026-12-05', EVIL)],
      workstreams: [],
      today: '2026-12-05',
      limit: 5,
    });
    const text = renderSessionStartContext(view, null, 4000);
    expect(text).not.toMatch(RAW);
    expect(text).toContain(`Last session: RT-261205-01 (2026-12-05) — a ${SHOWN}`);
  });

  test('an INDEX row, and the table it is written into', () => {
    const row = indexRowFor('session', 'RT-261205-01.md', 'RT-261205-01', { title: EVIL, operator: 'roman\u0085', date: '2026-12-05', summary: `s ${EVIL}` });
    expect(row.title).toBe(SHOWN);
    const index = renderIndex('session', [row]);
    expect(index).not.toMatch(RAW);
    expect(index).toContain('\\\\x1b[2J'); // the cell escapes the backslash; the rendered table shows \x1b
  });

  test('a CHANGELOG entry: title and commit subjects', () => {
    const lines = renderChangelogEntry({
      id: 'RT-261205-01',
      href: 'docs/sessions/RT-261205-01.md',
      date: '2026-12-05',
      title: EVIL,
      commits: [{ sha: 'abc1234', subject: `fix ${EVIL}` }],
    });
    expect(lines.join('\n')).not.toMatch(RAW);
    expect(lines[0]).toContain('\\x1b\\[2J');
    expect(lines[1]).toContain('fix \\x1b\\[2J');
  });

  test('a Session Log line', () => {
    const line = formatSessionLogEntry('RT-261205-01', '2026-12-05', `did\n${EVIL}`, '../docs/sessions/RT-261205-01.md');
    expect(line).toBe(`- [RT-261205-01](../docs/sessions/RT-261205-01.md) (2026-12-05): did ${SHOWN}`);
  });

  test('a site page: title, facts, summary and body', () => {
    const site: SiteMap = { pageFor: () => null, noteById: () => null, indexOfFolder: () => null };
    const page = renderNotePage({
      config: DEFAULT_CONFIG,
      site,
      kind: 'session',
      rel: 'docs/sessions/RT-261205-01.md',
      id: 'RT-261205-01',
      data: { title: EVIL, summary: EVIL, operator: 'roman', date: '2026-12-05', tags: [`t${EVIL}`] },
      body: `## Summary\n\n${EVIL}\n\n\`\`\`\n${EVIL}\n\`\`\`\n`,
    });
    expect(page.html).not.toMatch(RAW);
    expect(page.html).toContain('\\x1b[2J\\x1b[31mRED');
    expect(page.html).toContain('\\u202eevil');
  });

  test('an issue line quotes a file, a key and a value inertly', () => {
    const issue = {
      file: 'docs/sessions/x\u001b.md',
      line: 2,
      column: 1,
      severity: 'error' as const,
      pointer: '/k\u0007',
      message: `is "${EVIL}"`,
      rule: 'x/y',
    };
    expect(formatIssue(issue, createPaint(false))).toBe(`docs/sessions/x\\x1b.md:2:1: error /k\\x07 is "${SHOWN}" [x/y]`);
  });

  test('telemetry show, and the Telemetry section and tool keys handoff writes into a note', () => {
    const state = createTelemetryState('s\u001b1', '/tmp/x\u009b', '2026-12-05T10:00:00Z', []);
    state.tool_calls_breakdown['mcp__evil\u202e'] = 2;
    state.files_touched.push(`src/${EVIL}.ts`);
    const text = formatTelemetryState(state, { paint: createPaint(false), file: '.claude/state/session-s.json', forbiddenMcp: [] });
    expect(text).not.toMatch(RAW);
    expect(text).toContain(`src/${SHOWN}.ts`);

    const telemetry = planNoteTelemetry(state, ['notion']);
    expect(Object.keys(telemetry.tool_calls_breakdown)).toEqual(['mcp__evil\\u202e', 'mcp__notion']);
    const content = completeDraft({ title: 't', summary: 's' });
    if (!content.ok) throw new Error('draft');
    const body = renderSessionBody({
      id: 'RT-261205-01',
      operator: 'roman',
      date: '2026-12-05',
      content: content.content,
      mode: 'full',
      telemetry,
      telemetryRecorded: true,
      stats: {
        commits: 0,
        linesAdded: 0,
        linesRemoved: 0,
        firstCommitAt: null,
        lastCommitAt: null,
        touched: { workstreams: [], plans: [], adrs: [] },
        list: [],
      },
      startedAt: null,
      endedAt: '2026-12-05T10:00:00Z',
      activeMinutes: null,
      writeMinutes: null,
      forbiddenMcp: ['notion'],
    });
    expect(body).not.toMatch(RAW);
    expect(body).toContain(`src/${SHOWN}.ts`);
  });
});

describe('handoff input', () => {
  test('findDraftTextControls names each text field holding a control, with its position', () => {
    expect(findDraftTextControls({ title: 'ok', summary: 'fine\n\ttabbed', tags: ['a', 'b'] })).toEqual([]);
    expect(
      findDraftTextControls({
        title: 'a\u0000b',
        summary: 'one\ntwo\u202e',
        tags: ['x', 'y\u001b'],
        resumePrompt: 'p',
        sections: { nextSteps: '- a\n- \u0085' },
      }),
    ).toEqual([
      { field: 'title', line: 1, column: 2, code: 0, multiline: false },
      { field: 'summary', line: 2, column: 4, code: 0x202e, multiline: true },
      { field: 'tags', line: 1, column: 2, code: 0x1b, multiline: false },
      { field: 'sections.nextSteps', line: 2, column: 3, code: 0x85, multiline: true },
    ]);
  });

  test('completeDraft refuses them too (answers typed at the prompts)', () => {
    const result = completeDraft({ title: 'x\u001b[2J', summary: 's' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toEqual([expect.stringMatching(/^title holds U\+001B \(ESC\) at character 2, a control character/)]);
  });
});
