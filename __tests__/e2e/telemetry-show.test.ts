import { afterEach, describe, expect, test } from '@jest/globals';
import { parseTelemetryState } from '../../tools/core/telemetry.js';
import { createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';
import { hookInput, installHookBundle, runHook } from '../helpers/hook.js';

let repo: GitRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

async function recorded(): Promise<GitRepo> {
  repo = createGitRepo();
  installHookBundle(repo);
  for (const [id, tool] of [
    ['older', 'Bash'],
    ['sess-1', 'Bash'],
    ['sess-1', 'mcp__notion_offplan__API-post-page'],
    ['sess-1', 'Agent'],
  ] as const) {
    await runHook(repo, hookInput(tool, { session_id: id, cwd: repo.dir, tool_input: { file_path: `${repo.dir}/a.md` } }));
  }
  return repo;
}

describe('canon telemetry show', () => {
  test('--json prints the state handoff reads (the newest session by default)', async () => {
    const r = await recorded();
    const result = runCli(['telemetry', 'show', '--json'], { cwd: r.dir, env: r.env });
    expect(result.code).toBe(0);
    const state = parseTelemetryState(result.stdout);
    expect(state).toMatchObject({
      session_id: 'sess-1',
      tool_calls_count: 3,
      tool_calls_breakdown: { mcp__notion_offplan: 1, Bash: 1, Agent: 1 },
      tool_calls_breakdown_methods: { mcp__notion_offplan: { 'API-post-page': 1 } },
      subagents_dispatched: 1,
      parallel_terminals_observed: 1,
    });
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(r.read('.claude/state/session-sess-1.json')));
  });

  test('prints a readable summary with the Notion-silent verdict; --session-id and $CLAUDE_SESSION_ID pick the session', async () => {
    const r = await recorded();
    const loud = runCli(['telemetry', 'show'], { cwd: r.dir, env: { ...r.env, NO_COLOR: '1' } });
    expect(loud.code).toBe(0);
    expect(loud.stdout).toContain('Session sess-1 (.claude/state/session-sess-1.json)');
    expect(loud.stdout).toMatch(/mcp__notion_offplan +1 +\(API-post-page 1\)/);
    expect(loud.stdout).toContain('Notion-silent: NO (mcp__notion_offplan called 1 time(s))');
    const quiet = runCli(['telemetry', 'show', '--session-id', 'older'], { cwd: r.dir, env: r.env });
    expect(quiet.stdout).toContain('Notion-silent: yes');
    const fromEnv = runCli(['telemetry', 'show', '--json'], { cwd: r.dir, env: { ...r.env, CLAUDE_SESSION_ID: 'older' } });
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({ session_id: 'older', tool_calls_count: 1 });
  });

  test('no telemetry, or an unknown session: exit 1 with what to do', () => {
    repo = createGitRepo();
    const none = runCli(['telemetry', 'show'], { cwd: repo.dir, env: repo.env });
    expect([none.code, none.stdout]).toEqual([1, '']);
    expect(none.stderr).toContain('No telemetry has been recorded in this repository yet.');
    const unknown = runCli(['telemetry', 'show', '--session-id', 'nope'], { cwd: repo.dir, env: repo.env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No telemetry state for session "nope".');
  });
});
