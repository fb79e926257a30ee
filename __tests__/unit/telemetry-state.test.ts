import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatTelemetryState } from '../../tools/core/format-telemetry.js';
import {
  MAX_FILES_TOUCHED,
  applyToolEvent,
  DEFAULT_INVARIANT_RULE,
  isForbiddenServer,
  applyToolEvents,
  canonicalToolKey,
  createTelemetryState,
  parseHookInput,
  parseTelemetryState,
  parseToolEvents,
  planToolEvent,
  repoRelativePath,
  resolveSessionId,
  sanitizeSessionId,
  serializeTelemetryState,
  serializeToolEvent,
  type HookInput,
  type JournalEvent,
  type TelemetryState,
  activeMinutes,
  isOwnCall,
  mergeTelemetryStates,
} from '../../tools/core/telemetry.js';
import { createPaint } from '../../tools/output.js';
import { CANON_ROOT } from '../helpers/git-repo.js';

const NOW = '2026-05-11T10:00:00.000Z';
const ctx = { now: NOW, root: '/work/repo', cwd: '/work/repo', siblings: 0 };
const call = (toolName: string, filePath: string | null = null): HookInput => ({ sessionId: 's', cwd: '/work/repo', toolName, filePath });
const fresh = () => createTelemetryState('s', '/work/repo', NOW, ['notion_offplan']);
const applyToolCall = (state: TelemetryState, input: HookInput, c: typeof ctx) => applyToolEvent(state, planToolEvent(input, c));
const fold = (names: string[], state: TelemetryState = fresh()) => names.reduce((s, name) => applyToolCall(s, call(name), ctx), state);

describe('parseHookInput', () => {
  test('reads the pinned Claude Code PostToolUse fixture', () => {
    const text = readFileSync(path.join(CANON_ROOT, '__tests__/fixtures/hook/post-tool-use.json'), 'utf8');
    expect(parseHookInput(text)).toEqual({
      ok: true,
      input: {
        sessionId: '0b8c1f5e-7d2a-4c1e-9f3b-5a6d7e8f9a0b',
        cwd: '/work/repo',
        toolName: 'Edit',
        filePath: '/work/repo/tools/hooks/post-tool-use.ts',
        inputPath: '/work/repo/tools/hooks/post-tool-use.ts',
        command: null,
        failed: false,
      },
    });
  });

  test('a PostToolUseFailure input is a call too, marked failed', () => {
    const text = JSON.stringify({
      session_id: 's',
      hook_event_name: 'PostToolUseFailure',
      tool_name: 'mcp__notion__notion-search',
      tool_input: {},
      error: 'boom',
    });
    expect(parseHookInput(text)).toMatchObject({ ok: true, input: { toolName: 'mcp__notion__notion-search', failed: true } });
  });

  test('NotebookEdit names its file in notebook_path; other tools name none', () => {
    const notebook = parseHookInput(JSON.stringify({ tool_name: 'NotebookEdit', tool_input: { notebook_path: 'a.ipynb' } }));
    expect(notebook.ok && notebook.input.filePath).toBe('a.ipynb');
    const bash = parseHookInput(JSON.stringify({ tool_name: 'Bash', tool_input: { file_path: 'x' } }));
    expect(bash.ok && bash.input.filePath).toBeNull();
  });

  test.each([
    ['empty stdin', '', /empty/],
    ['whitespace', ' \n', /empty/],
    ['garbage', '\u0000\u00ffnot json', /not JSON/],
    ['a JSON array', '[1,2]', /not an object/],
    ['JSON without tool_name', '{"session_id":"abc"}', /no usable tool_name/],
    ['a non-string tool_name', '{"tool_name":42}', /no usable tool_name/],
    ['a tool_name with a newline', '{"tool_name":"Bash\\nX"}', /no usable tool_name/],
  ])('rejects %s with a reason', (_name, text, reason) => {
    const result = parseHookInput(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(reason);
  });

  test('keeps the session id of an input it cannot count, for the error log', () => {
    expect(parseHookInput('{"session_id":"abc"}')).toMatchObject({ ok: false, sessionId: 'abc' });
  });
});

describe('session ids', () => {
  test('stdin, then $CLAUDE_SESSION_ID, then the parent pid', () => {
    expect(resolveSessionId('a', 'b', 7)).toBe('a');
    expect(resolveSessionId(null, 'b', 7)).toBe('b');
    expect(resolveSessionId(null, ' ', 7)).toBe('ppid-7');
    expect(resolveSessionId(null, undefined, 7)).toBe('ppid-7');
  });

  test('UUIDs pass unchanged; anything else cannot leave the folder and never collides', () => {
    expect(sanitizeSessionId('0b8c1f5e-7d2a-4c1e-9f3b-5a6d7e8f9a0b')).toBe('0b8c1f5e-7d2a-4c1e-9f3b-5a6d7e8f9a0b');
    const traversal = sanitizeSessionId('../../etc');
    expect(traversal).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(traversal).not.toBe(sanitizeSessionId('__/__/etc'));
    expect(sanitizeSessionId('a b')).not.toBe(sanitizeSessionId('a_b'));
    expect(sanitizeSessionId('x'.repeat(2000)).length).toBeLessThanOrEqual(73);
  });
});

describe('applyToolCall', () => {
  test('a fresh state carries the invariant key at 0', () => {
    expect(fresh().tool_calls_breakdown).toEqual({ mcp__notion_offplan: 0 });
  });

  test('MCP calls fold into mcp__<server> with their methods counted', () => {
    expect(canonicalToolKey('mcp__notion_offplan__API-post-page')).toEqual({ key: 'mcp__notion_offplan', method: 'API-post-page' });
    expect(canonicalToolKey('mcp__github__get__nested')).toEqual({ key: 'mcp__github', method: 'get__nested' });
    expect(canonicalToolKey('Bash')).toEqual({ key: 'Bash', method: null });
    const state = fold(['Bash', 'mcp__notion_offplan__API-post-page', 'mcp__notion_offplan__API-post-page', 'mcp__notion_offplan__API-get-self', 'Bash']);
    expect(state.tool_calls_count).toBe(5);
    expect(state.tool_calls_breakdown).toEqual({ mcp__notion_offplan: 3, Bash: 2 });
    expect(state.tool_calls_breakdown_methods).toEqual({ mcp__notion_offplan: { 'API-post-page': 2, 'API-get-self': 1 } });
  });

  test('every server whose name contains "notion" (any case) folds into mcp__notion_offplan, with per-server methods', () => {
    const rule = DEFAULT_INVARIANT_RULE;
    expect(canonicalToolKey('mcp__notion__notion-search', rule)).toEqual({ key: 'mcp__notion_offplan', method: 'notion__notion-search' });
    expect(canonicalToolKey('mcp__claude_ai_Notion__notion-fetch', rule)).toEqual({ key: 'mcp__notion_offplan', method: 'claude_ai_Notion__notion-fetch' });
    expect(canonicalToolKey('mcp__my-NOTION-local__x', rule)).toEqual({ key: 'mcp__notion_offplan', method: 'my-NOTION-local__x' });
    expect(canonicalToolKey('mcp__notion_offplan__API-post-page', rule)).toEqual({ key: 'mcp__notion_offplan', method: 'API-post-page' });
    expect(canonicalToolKey('mcp__github__get', rule)).toEqual({ key: 'mcp__github', method: 'get' });
    expect(isForbiddenServer('notes', ['*notion*'])).toBe(false);
    expect(isForbiddenServer('Slack', ['slack'])).toBe(true);
    expect(isForbiddenServer('slackbot', ['slack'])).toBe(false);
    const events = ['mcp__notion__notion-search', 'mcp__claude_ai_Notion__notion-fetch', 'Bash'].map((name) => planToolEvent(call(name), ctx));
    const failed = { ...planToolEvent(call('mcp__notion__notion-create-pages'), ctx), failed: true as const };
    const state = applyToolEvents(fresh(), [...events, failed], 0, rule);
    expect(state.tool_calls_breakdown).toEqual({ mcp__notion_offplan: 3, Bash: 1 });
    expect(state.tool_calls_breakdown_methods).toEqual({
      mcp__notion_offplan: { 'notion__notion-search': 1, 'claude_ai_Notion__notion-fetch': 1, 'notion__notion-create-pages': 1 },
    });
    expect(state.failed_calls).toBe(1);
  });

  test('failed calls survive the journal round trip', () => {
    const event = { ...planToolEvent(call('Bash'), ctx), failed: true as const };
    const parsed = parseToolEvents(serializeToolEvent(event)).events;
    expect(parsed).toEqual([event]);
    expect(applyToolEvents(fresh(), parsed, 0).failed_calls).toBe(1);
  });

  test('a SessionStart mark sets the session start and transcript, counts no call', () => {
    const mark = {
      at: '2026-05-11T09:00:00.000Z',
      mark: 'start' as const,
      source: 'startup',
      transcript: '/home/u/.claude/projects/p/s.jsonl',
      cwd: '/work/repo',
    };
    const parsed = parseToolEvents(serializeToolEvent(mark)).events;
    expect(parsed).toEqual([mark]);
    const state = applyToolEvents(fresh(), [...parsed, planToolEvent(call('Bash'), ctx)], 0);
    expect(state).toMatchObject({
      tool_calls_count: 1,
      started_at: '2026-05-11T09:00:00.000Z',
      session_started_at: mark.at,
      transcript_path: mark.transcript,
      events_seen: 2,
    });
  });

  test('Agent and Task count as subagents', () => {
    expect(fold(['Agent', 'Task', 'Bash']).subagents_dispatched).toBe(2);
  });

  test('tool names that are Object.prototype members are plain keys', () => {
    const state = fold(['__proto__', 'constructor', '__proto__']);
    const round = parseTelemetryState(serializeTelemetryState(state));
    expect(round?.tool_calls_breakdown['__proto__']).toBe(2);
    expect(round?.tool_calls_breakdown['constructor']).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('files_touched: repo-relative, deduplicated, inside the repository only, capped', () => {
    let state = fresh();
    for (const [tool, file] of [
      ['Edit', '/work/repo/a.ts'],
      ['Write', 'b.ts'],
      ['MultiEdit', '/work/repo/a.ts'],
      ['NotebookEdit', '/work/repo/n/x.ipynb'],
      ['Edit', '/etc/passwd'],
      ['Write', '../outside.ts'],
    ] as const)
      state = applyToolCall(state, call(tool, file), ctx);
    expect(state.files_touched).toEqual(['a.ts', 'b.ts', 'n/x.ipynb']);
    for (let i = 0; i < MAX_FILES_TOUCHED + 10; i++) state = applyToolCall(state, call('Write', `f${i}.ts`), ctx);
    expect(state.files_touched).toHaveLength(MAX_FILES_TOUCHED);
    expect(repoRelativePath('/r', '/r/sub', 'x.ts')).toBe('sub/x.ts');
  });

  test('parallel terminals keep the most ever observed; the input state is not modified', () => {
    const one = applyToolCall(fresh(), call('Bash'), { ...ctx, siblings: 3 });
    const two = applyToolCall(one, call('Bash'), { ...ctx, siblings: 1, now: '2026-05-11T11:00:00.000Z' });
    expect(two.parallel_terminals_observed).toBe(3);
    expect(two.updated_at).toBe('2026-05-11T11:00:00.000Z');
    expect(two.started_at).toBe(NOW);
    expect(one.tool_calls_count).toBe(1);
  });
});

describe("canon's own /handoff calls", () => {
  const bash = (command: string): HookInput => ({ sessionId: 's', cwd: '/work/repo', toolName: 'Bash', filePath: null, command });
  test.each([
    'npm run handoff -- --from .canon/handoff-abc.json --session-id abc --yes --json',
    'npm run --silent canon -- session commits --session-id abc',
    'OPERATOR=roman npm run handoff -- --from .canon/handoff-abc.json --yes',
    'npx canon-notes handoff --from .canon/handoff-abc.json --json',
    'node_modules/.bin/canon handoff --from .canon/handoff-abc.json',
    'canon session commits',
  ])("%s is canon's own", (command) => {
    expect(isOwnCall(bash(command), '/work/repo', '/work/repo')).toBe(true);
  });
  test.each([
    'npm test',
    'git commit -m "handoff --from .canon/x"',
    'npm run handoff -- --from notes.json',
    'npm run handoff -- --from .canon/handoff-abc.json && rm -rf build',
    'echo canon session commits',
  ])("%s is the session's work", (command) => {
    expect(isOwnCall(bash(command), '/work/repo', '/work/repo')).toBe(false);
  });
  test("the draft's Read and Write are canon's; the session's files are not", () => {
    const read = { sessionId: 's', cwd: '/work/repo', toolName: 'Read', filePath: null, inputPath: '/work/repo/.canon/handoff-abc.json' };
    const write = { sessionId: 's', cwd: '/work/repo', toolName: 'Write', filePath: '.canon/handoff-abc.json' };
    expect(isOwnCall(read, '/work/repo', '/work/repo')).toBe(true);
    expect(isOwnCall(write, '/work/repo', '/work/repo')).toBe(true);
    expect(isOwnCall(call('Write', 'tools/x.ts'), '/work/repo', '/work/repo')).toBe(false);
  });
  test('they count as time, not as calls, start or files; they survive the journal round trip', () => {
    const own = planToolEvent({ sessionId: 's', cwd: '/work/repo', toolName: 'Write', filePath: '.canon/handoff-abc.json' }, ctx);
    expect(own.own).toBe(true);
    const [parsed] = parseToolEvents(serializeToolEvent(own)).events;
    const state = applyToolEvents(fresh(), [parsed!], 0);
    expect(state).toMatchObject({ tool_calls_count: 0, own_calls: 1, files_touched: [], events_seen: 0 });
    const after = applyToolEvent(state, planToolEvent(call('Bash'), { ...ctx, now: '2026-05-11T10:05:00.000Z' }));
    expect(after.started_at).toBe('2026-05-11T10:05:00.000Z');
  });
});

describe('active time', () => {
  const at = (iso: string, tool = 'Bash'): JournalEvent => ({ at: iso, tool, file: null, siblings: 0, cwd: '/work/repo' });
  test('adds the gaps between calls, each up to 15 minutes, and never the time a session was closed', () => {
    const events: JournalEvent[] = [
      { at: '2026-05-11T09:00:00.000Z', mark: 'start', source: 'startup', transcript: null, cwd: '/work/repo' },
      at('2026-05-11T09:10:00.000Z'), // 10 min
      at('2026-05-11T10:10:00.000Z'), // an hour away: 15 min
      { at: '2026-05-11T10:12:00.000Z', mark: 'end', cwd: '/work/repo' }, // 2 min
      { at: '2026-05-12T08:00:00.000Z', mark: 'start', source: 'resume', transcript: null, cwd: '/work/repo' }, // closed: 0
      at('2026-05-12T08:04:00.000Z'), // 4 min
      at('2026-05-12T08:03:00.000Z'), // out of order: 0
    ];
    const state = applyToolEvents(fresh(), events, 0);
    expect(state.active_ms).toBe(31 * 60_000);
    expect(activeMinutes(state, '2026-05-12T08:10:00.000Z')).toBe(37);
    expect(activeMinutes(applyToolEvent(state, { at: '2026-05-12T08:05:00.000Z', mark: 'end', cwd: '/work/repo' }), '2026-05-13T00:00:00.000Z')).toBe(32);
  });
});

describe('mergeTelemetryStates (a session /clear replaced)', () => {
  test('adds counts, unites files and methods, keeps the earlier start', () => {
    const a = applyToolEvents(
      fresh(),
      [
        { at: '2026-05-11T09:00:00.000Z', tool: 'mcp__notion__search', file: null, siblings: 1, cwd: '/w' },
        { at: '2026-05-11T09:01:00.000Z', tool: 'Edit', file: 'a.ts', siblings: 0, cwd: '/w' },
      ],
      0,
      DEFAULT_INVARIANT_RULE,
    );
    const b = applyToolEvents(
      fresh(),
      [
        { at: '2026-05-11T10:00:00.000Z', tool: 'Edit', file: 'b.ts', siblings: 0, cwd: '/w' },
        { at: '2026-05-11T10:01:00.000Z', tool: 'Edit', file: 'a.ts', siblings: 0, cwd: '/w' },
      ],
      0,
      DEFAULT_INVARIANT_RULE,
    );
    const merged = mergeTelemetryStates(a, b);
    expect(merged).toMatchObject({
      tool_calls_count: 4,
      tool_calls_breakdown: { Edit: 3, mcp__notion_offplan: 1 },
      tool_calls_breakdown_methods: { mcp__notion_offplan: { notion__search: 1 } },
      files_touched: ['a.ts', 'b.ts'],
      started_at: '2026-05-11T09:00:00.000Z',
      parallel_terminals_observed: 1,
      active_ms: 2 * 60_000,
    });
  });
});

describe('the journal', () => {
  test('events round-trip one line each; only complete lines are consumed', () => {
    const a = planToolEvent(call('Edit', '/work/repo/a.ts'), ctx);
    const b = planToolEvent(call('mcp__x__y'), { ...ctx, siblings: 2 });
    expect(a).toEqual({ at: NOW, tool: 'Edit', file: 'a.ts', siblings: 0, cwd: '/work/repo' });
    const text = serializeToolEvent(a) + serializeToolEvent(b);
    expect(text.split('\n')).toHaveLength(3);
    const partial = `${text}{"at":"2026`;
    expect(parseToolEvents(partial)).toEqual({ events: [a, b], consumed: Buffer.byteLength(text), skipped: 0 });
  });

  test('lines that are not events (a torn write) are skipped and counted', () => {
    const good = serializeToolEvent(planToolEvent(call('Bash'), ctx));
    const { events, skipped } = parseToolEvents(`${good}{"at":"x","tool":"Ba{"at":"y"}\n[]\n${good}`);
    expect([events.length, skipped]).toEqual([2, 2]);
  });

  test('folding advances journal_offset by the bytes consumed; order of appends does not matter', () => {
    const late = planToolEvent(call('Bash'), { ...ctx, now: '2026-05-11T10:00:02.000Z' });
    const early = planToolEvent(call('Read'), { ...ctx, now: '2026-05-11T10:00:01.000Z' });
    const state = applyToolEvents(fresh(), [late, early], 120);
    expect(state).toMatchObject({ tool_calls_count: 2, journal_offset: 120, started_at: '2026-05-11T10:00:01.000Z', updated_at: '2026-05-11T10:00:02.000Z' });
    expect(applyToolEvents(state, [], 0).journal_offset).toBe(120);
  });
});

describe('parseTelemetryState', () => {
  test('round-trips what the hook writes, in the docs/contract.md §5 key order', () => {
    const state = fold(['Bash', 'mcp__notion_offplan__API-post-page']);
    const text = serializeTelemetryState(state);
    expect(parseTelemetryState(text)).toEqual(state);
    expect(Object.keys(JSON.parse(text) as object)).toEqual([
      'session_id',
      'started_at',
      'updated_at',
      'cwd',
      'tool_calls_count',
      'tool_calls_breakdown',
      'tool_calls_breakdown_methods',
      'subagents_dispatched',
      'parallel_terminals_observed',
      'files_touched',
      'failed_calls',
      'session_started_at',
      'transcript_path',
      'events_seen',
      'journal_offset',
      'active_ms',
      'last_event_at',
      'closed',
      'own_calls',
      'replaces',
    ]);
  });

  test.each([
    ['garbage', 'not json'],
    ['a truncated file', '{"session_id":"s","tool_calls_count":'],
    ['null', 'null'],
    ['a negative count', '{"session_id":"s","tool_calls_count":-1,"tool_calls_breakdown":{}}'],
    ['a string count', '{"session_id":"s","tool_calls_count":"3","tool_calls_breakdown":{}}'],
    ['a breakdown of strings', '{"session_id":"s","tool_calls_count":1,"tool_calls_breakdown":{"Bash":"1"}}'],
    ['files that are not strings', '{"session_id":"s","tool_calls_count":1,"tool_calls_breakdown":{},"files_touched":[1]}'],
    ['a fractional journal offset', '{"session_id":"s","tool_calls_count":1,"tool_calls_breakdown":{},"journal_offset":1.5}'],
  ])('rejects %s', (_name, text) => {
    expect(parseTelemetryState(text)).toBeNull();
  });
});

describe('formatTelemetryState', () => {
  test('says whether the session stayed Notion-silent', () => {
    const paint = createPaint(false);
    const silent = formatTelemetryState(fold(['Bash']), { paint, file: 'f', forbiddenMcp: ['notion_offplan'] });
    expect(silent).toContain('Notion-silent: yes');
    const loud = formatTelemetryState(fold(['mcp__notion_offplan__API-post-page']), { paint, file: 'f', forbiddenMcp: ['notion_offplan'] });
    expect(loud).toContain('Notion-silent: NO (mcp__notion_offplan called 1 time(s))');
    expect(loud).toMatch(/mcp__notion_offplan +1 +\(API-post-page 1\)/);
  });
});
