// What the user must see from /canon:handoff reaches the user (ADR-0028): `canon handoff --session-id`
// leaves its refusal or the invariant's WARNING as the session's notice, and the PostToolUse hook
// that runs after the Bash call prints it once as {"systemMessage": …}, which Claude Code shows.
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, type GitRepo } from '../helpers/git-repo.js';
import { hookInput, installHookBundle, runHook } from '../helpers/hook.js';
import { storeTemplate } from '../helpers/repo-template.js';

let repo: GitRepo;
afterEach(() => repo?.cleanup());
/** A repository with canon's hooks laid (and no commit yet), built once, copied per test. */
const template = storeTemplate({ hooks: true }, () => {});
afterAll(() => template.cleanup());

const notice = (sid: string) => path.join(repo.dir, '.claude/state', `notice-${sid}.txt`);

describe('the user notice of canon handoff', () => {
  test('a refused handoff (exit 2) is shown once, by the next PostToolUse hook of that session only', async () => {
    repo = template.copy();
    installHookBundle(repo);
    mkdirSync(path.join(repo.dir, '.canon'), { recursive: true });
    writeFileSync(path.join(repo.dir, '.canon/draft.json'), '{ "title": 3 ');
    const run = runCli(['handoff', '--from', '.canon/draft.json', '--session-id', 'sess-A', '--yes', '--json'], { cwd: repo.dir, env: repo.env });
    expect(run.code).toBe(2);
    expect(existsSync(notice('sess-A'))).toBe(true);

    // Another session's hook does not take it.
    const other = await runHook(repo, hookInput('Bash', { session_id: 'sess-B' }));
    expect(other.code).toBe(0);
    expect(other.stdout).toBe('');
    expect(existsSync(notice('sess-A'))).toBe(true);

    const hook = await runHook(repo, hookInput('Bash', { session_id: 'sess-A' }));
    expect(hook.code).toBe(0);
    const shown = JSON.parse(hook.stdout) as { systemMessage: string };
    expect(shown.systemMessage).toMatch(/^canon handoff was refused \(exit 2\)/);
    expect(shown.systemMessage).toContain('.canon/draft.json');
    expect(existsSync(notice('sess-A'))).toBe(false);
    // Still counted, and shown only once.
    const again = await runHook(repo, hookInput('Read', { session_id: 'sess-A' }));
    expect(again.stdout).toBe('');
    const state = runCli(['telemetry', 'show', '--session-id', 'sess-A', '--json'], { cwd: repo.dir, env: repo.env });
    expect((JSON.parse(state.stdout) as { tool_calls_count: number }).tool_calls_count).toBe(2);
  });

  test('without --session-id nothing is left (a terminal user already sees the output)', () => {
    repo = template.copy();
    writeFileSync(path.join(repo.dir, 'draft.json'), 'not json');
    const run = runCli(['handoff', '--from', 'draft.json', '--yes'], { cwd: repo.dir, env: repo.env });
    expect(run.code).toBe(2);
    expect(existsSync(path.join(repo.dir, '.claude/state'))).toBe(false);
  });

  test('the invariant WARNING of a committed handoff is left for the user', async () => {
    repo = template.copy();
    installHookBundle(repo);
    for (const name of ['notion-search', 'notion-fetch']) {
      const counted = await runHook(repo, hookInput(`mcp__notion__${name}`, { session_id: 'sess-N', cwd: repo.dir }));
      expect(counted.stdout).toBe('');
    }
    const draft = {
      title: 'Notion was called',
      summary: 'A session that called Notion.',
      workstream: null,
      tags: [],
      shipped: [],
      decisions: [],
      open_questions: [],
      next_steps: [],
      resume_prompt: null,
      confidence: 'low',
      quick: true,
    };
    writeFileSync(path.join(repo.dir, 'draft.json'), JSON.stringify(draft));
    const run = runCli(['handoff', '--from', 'draft.json', '--session-id', 'sess-N', '--yes', '--no-push', '--json'], { cwd: repo.dir, env: repo.env });
    expect(run.code).toBe(0);
    const hook = await runHook(repo, hookInput('Bash', { session_id: 'sess-N' }));
    const shown = JSON.parse(hook.stdout) as { systemMessage: string };
    expect(shown.systemMessage).toMatch(/^WARNING: this session broke the Notion-silent invariant: mcp__notion_offplan was called 2 time\(s\)/);
  });
});
