// The SessionStart/SessionEnd hook bundle (.claude/hooks/session.mjs), run as Claude Code runs it: a
// real node process, the hook JSON on stdin, in a real store. It never fails the session.
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, type GitRepo } from '../helpers/git-repo.js';
import { readTelemetryState } from '../../tools/io/telemetry.js';
import { hookInput, installHookBundle, runHook, runSessionHook } from '../helpers/hook.js';
import { sessionNote } from '../helpers/notes.js';
import { storeTemplate } from '../helpers/repo-template.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

const PROMPT_MARK = 'PROMPT-MARK-31c9';
const TODAY = new Date().toISOString().slice(0, 10);
const PEER = `SK-${TODAY.slice(2).replace(/-/g, '')}-01`;

/** The store every test starts from, built once (canon's hooks laid by `canon setup`), a fresh copy each. */
const template = storeTemplate({ hooks: true }, (repo) => {
  installHookBundle(repo);
  const body = `## Summary\n\nDid things.\n\n## Resume Prompt\n\n${PROMPT_MARK} ${'continue the work on the hooks '.repeat(20)}\n\nConfidence: high\n`;
  repo.write('docs/sessions/RT-260511-01.md', sessionNote('RT-260511-01', { date: '2026-05-11', title: 'The last one' }, body));
  repo.write(`docs/sessions/${PEER}.md`, sessionNote(PEER, { operator: 'sergei', date: TODAY, title: 'Peer work' }));
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'notes'], { env: { HUSKY: '0' } });
});
afterAll(() => template.cleanup());

function store(): GitRepo {
  const repo = template.copy();
  cleanups.push(() => repo.cleanup());
  return repo;
}

const start = (session: string, repo: GitRepo) =>
  JSON.stringify({ session_id: session, transcript_path: '/nowhere/t.jsonl', cwd: repo.dir, hook_event_name: 'SessionStart', source: 'startup' });

function contextOf(stdout: string): string {
  const parsed = JSON.parse(stdout) as { hookSpecificOutput: { hookEventName: string; additionalContext: string } };
  expect(parsed.hookSpecificOutput.hookEventName).toBe('SessionStart');
  return parsed.hookSpecificOutput.additionalContext;
}

const errorsOf = (repo: GitRepo) => (repo.exists('.claude/state/hook-errors.log') ? repo.read('.claude/state/hook-errors.log') : '');

describe('the SessionStart hook', () => {
  // One store for both promises: the warm caches the first part leaves are the ones the new note must make stale.
  test("hands the model the operator's last Resume Prompt and peers, cold (via canon) and warm (from the caches), the same; a new note (a pull, another terminal) makes the caches stale: the context is recomputed, not stale", async () => {
    const repo = store();
    const env = { OPERATOR: 'roman' };
    const cold = await runSessionHook(repo, start('s1', repo), env);
    expect(cold.code).toBe(0);
    const context = contextOf(cold.stdout);
    expect(context).toContain('canon resume context for roman (RT)');
    expect(context).toContain('Last session: RT-260511-01 (2026-05-11) — The last one');
    expect(context).toContain(PROMPT_MARK);
    expect(context).toContain(`Peers since then:\n- ${PEER} (sergei, ${TODAY}): Peer work`);
    expect(context.length).toBeLessThanOrEqual(2000);
    // The cold run warmed both caches; the warm run answers from them alone.
    expect(repo.exists('.claude/state/resume-cache.json')).toBe(true);
    expect(repo.exists('.claude/state/operator.cache')).toBe(true);
    const warm = await runSessionHook(repo, start('s2', repo), env);
    expect(contextOf(warm.stdout)).toBe(context);
    expect(errorsOf(repo)).toBe('');
    // The start is in the journal: the session's start time and transcript.
    // Read as `canon telemetry show --json` prints it (the same function; its CLI is telemetry-show.test.ts's).
    const show = readTelemetryState(repo.dir, 's1') as unknown as Record<string, unknown>;
    expect(show).toMatchObject({ tool_calls_count: 0, transcript_path: '/nowhere/t.jsonl' });
    expect(typeof show.session_started_at).toBe('string');

    // A new note on top of the warm caches: the context is recomputed, not stale.
    repo.write('docs/sessions/RT-260513-01.md', sessionNote('RT-260513-01', { date: '2026-05-13', title: 'Newer' }, '## Resume Prompt\n\nNEWER-PROMPT\n'));
    const again = await runSessionHook(repo, start('s3', repo), env);
    expect(contextOf(again.stdout)).toContain('NEWER-PROMPT');
  });

  test('ids filled out of order (a collected stub, another clone): resume and the context show the note written last', async () => {
    const repo = store();
    const env = { OPERATOR: 'roman' };
    const note = (id: string, endedAt: string, mark: string) =>
      sessionNote(id, { date: '2026-05-12', title: `Title ${mark}`, ended_at: endedAt }, `## Summary\n\nx\n\n## Resume Prompt\n\n${mark}\n`);
    // RT-…-20 was written in the morning; the clone that pushed 05 and 07 wrote them in the afternoon.
    repo.write('docs/sessions/RT-260512-20.md', note('RT-260512-20', "'2026-05-12T09:00:00Z'", 'PROMPT-TWENTY'));
    repo.write('docs/sessions/RT-260512-05.md', note('RT-260512-05', "'2026-05-12T15:00:00Z'", 'PROMPT-FIVE'));
    repo.write('docs/sessions/RT-260512-07.md', note('RT-260512-07', "'2026-05-12T14:00:00Z'", 'PROMPT-SEVEN'));
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'out of order'], { env: { HUSKY: '0' } });
    const json = JSON.parse(runCli(['resume', '--json', '--operator', 'roman'], { cwd: repo.dir, env: repo.env }).stdout) as {
      last_session: { id: string; resume_prompt: string };
      sessions: Array<{ id: string }>;
    };
    expect(json.last_session).toMatchObject({ id: 'RT-260512-05', resume_prompt: 'PROMPT-FIVE' });
    expect(json.sessions.map((s) => s.id).slice(0, 3)).toEqual(['RT-260512-05', 'RT-260512-07', 'RT-260512-20']);
    // Warm (snapshot) and cold (no cache) answers agree.
    const warm = JSON.parse(runCli(['resume', '--json', '--operator', 'roman'], { cwd: repo.dir, env: repo.env }).stdout) as typeof json;
    expect(warm.last_session.id).toBe('RT-260512-05');
    const context = contextOf((await runSessionHook(repo, start('s1', repo), env)).stdout);
    expect(context).toContain('Last session: RT-260512-05 (2026-05-12) — Title PROMPT-FIVE');
    expect(context).toContain('PROMPT-FIVE');
    expect(context).not.toContain('PROMPT-TWENTY');
  });

  test('the context is bounded by claude.session_start_max_chars and says it was cut', async () => {
    const repo = store();
    repo.write('canon.config.json', JSON.stringify({ claude: { session_start_max_chars: 300 } }));
    const result = await runSessionHook(repo, start('s1', repo), { OPERATOR: 'roman' });
    const context = contextOf(result.stdout);
    expect(context.length).toBeLessThanOrEqual(300);
    expect(context).toContain('cut to fit');
  });

  test('garbage stdin, an unknown operator, no canon: exit 0, no context, one line in the error log', async () => {
    const repo = store();
    const garbage = await runSessionHook(repo, 'not json at all');
    expect(garbage).toMatchObject({ code: 0, stdout: '' });
    expect(errorsOf(repo)).toContain('stdin is not a JSON object');
    const unknown = await runSessionHook(repo, start('s1', repo), { OPERATOR: 'nobody' });
    expect(unknown).toMatchObject({ code: 0, stdout: '' });
    expect(errorsOf(repo)).toMatch(/SessionStart: no resume context for the model \(canon: .*nobody/);
  });
});

describe('the SessionEnd hook', () => {
  test('marks the session ended: it no longer counts as a parallel terminal, and resume lists it as unfinished', async () => {
    const repo = store();
    const call = (session: string, tool = 'Bash') => runHook(repo, hookInput(tool, { session_id: session, cwd: repo.dir }));
    await call('a');
    await call('a');
    await call('b');
    // What `canon telemetry show --json` prints, read in this process (telemetry-show.test.ts runs the CLI).
    const parallel = (session: string) => readTelemetryState(repo.dir, session)!.parallel_terminals_observed;
    expect(parallel('b')).toBe(1); // a was live
    const end = await runSessionHook(repo, JSON.stringify({ session_id: 'a', hook_event_name: 'SessionEnd', reason: 'other', cwd: repo.dir }));
    expect(end).toMatchObject({ code: 0, stdout: '' });
    expect(existsSync(path.join(repo.dir, '.claude/state/session-a.ended'))).toBe(true);
    await call('c');
    expect(parallel('c')).toBe(1); // b is still live, a is not
    const view = JSON.parse(runCli(['resume', '--json'], { cwd: repo.dir, env: { ...repo.env, OPERATOR: 'roman' } }).stdout) as { unfinished: unknown };
    expect(view.unfinished).toEqual({ sessions: 1, tool_calls: 2, ids: ['a'] });
    const text = runCli(['resume'], { cwd: repo.dir, env: { ...repo.env, OPERATOR: 'roman', NO_COLOR: '1' } }).stdout;
    expect(text).toContain('unfinished: 1 session(s) with 2 tool call(s) and no note (a)');
    // Resumed (SessionStart again): live once more, no longer unfinished.
    await runSessionHook(repo, JSON.stringify({ session_id: 'a', hook_event_name: 'SessionStart', source: 'resume', cwd: repo.dir }), { OPERATOR: 'roman' });
    expect(existsSync(path.join(repo.dir, '.claude/state/session-a.ended'))).toBe(false);
    expect(
      (JSON.parse(runCli(['resume', '--json'], { cwd: repo.dir, env: { ...repo.env, OPERATOR: 'roman' } }).stdout) as { unfinished: { sessions: number } })
        .unfinished.sessions,
    ).toBe(0);
  });

  test('failed calls (PostToolUseFailure) count like any other, and are marked failed', async () => {
    const repo = store();
    await runHook(
      repo,
      hookInput('mcp__notion__notion-create-pages', { session_id: 'f', cwd: repo.dir, hook_event_name: 'PostToolUseFailure', error: 'denied' }),
    );
    await runHook(repo, hookInput('Bash', { session_id: 'f', cwd: repo.dir, hook_event_name: 'PostToolUseFailure', error: 'Exit code 1' }));
    const state = JSON.parse(readFileSync(path.join(repo.dir, '.claude/state/session-f.json'), 'utf8')) as Record<string, unknown>;
    expect(state).toMatchObject({ tool_calls_count: 2, failed_calls: 2, tool_calls_breakdown: { mcp__notion_offplan: 1, Bash: 1 } });
  });
});
