// Handoff inside Claude Code (ADR-0027): which session's telemetry it reads, the transcript it keeps,
// the commits it calls "this session's". Real git, real canon processes; the hook bundles write the
// telemetry exactly as Claude Code would run them.
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { parseNote } from '../../tools/core/frontmatter.js';
import { runCli, type CliResult, type GitRepo } from '../helpers/git-repo.js';
import { hookInput, installHookBundle, runHook, runSessionHook } from '../helpers/hook.js';
import { storeTemplate } from '../helpers/repo-template.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

const today = () => new Date().toISOString().slice(0, 10);
const idFor = (n: number) => `RT-${today().slice(2).replace(/-/g, '')}-${String(n).padStart(2, '0')}`;
const SECRET = `ghp_${'Zq9Wm2Lp4X'.repeat(3)}r5T6u7`;

const DRAFT = JSON.stringify({
  title: 'Session ids',
  summary: 'Handoff reads the telemetry of the session Claude Code names.',
  workstream: null,
  tags: ['claude-code'],
  shipped: ['session id resolution'],
  decisions: [],
  open_questions: [],
  next_steps: [],
  resume_prompt:
    'Continue with the session hooks: handoff now resolves the session from --session-id, CLAUDE_CODE_SESSION_ID and ' +
    'CLAUDE_SESSION_ID, and refuses to guess between live sessions. Next, check the SessionStart context in a real ' +
    'client run, then the bench line for it. The files are tools/io/session-resolve.ts and tools/hooks/claude/session.ts. ' +
    'Keep the hook bundles free of dependencies and rebuild them with npm run build before committing; the bundle ' +
    'test fails otherwise. Avoid timing assertions in tests.',
  confidence: 'high',
  quick: false,
});

/**
 * The starting store (hooks laid by `canon setup`, the hook bundles, the init commit), built once for
 * the file by the same steps and copied per test (repoTemplate).
 */
const template = storeTemplate({ hooks: true }, (repo) => {
  installHookBundle(repo);
  repo.write('draft.json', DRAFT);
  repo.write('README.md', '# store\n');
  repo.git(['add', 'README.md', '.claude']);
  repo.git(['commit', '-q', '-m', 'init'], { env: { HUSKY: '0' } });
});
afterAll(() => template.cleanup());

function store(): { repo: GitRepo; handoff: (args: string[], env?: NodeJS.ProcessEnv) => CliResult } {
  const repo = template.copy();
  cleanups.push(() => repo.cleanup());
  return {
    repo,
    handoff: (args, env = {}) =>
      runCli(['handoff', '--from', 'draft.json', '--yes', '--no-push', '--json', ...args], { cwd: repo.dir, env: { ...repo.env, OPERATOR: 'roman', ...env } }),
  };
}

const calls = async (repo: GitRepo, session: string, tools: string[], event = 'PostToolUse') => {
  for (const tool of tools) {
    const r = await runHook(repo, hookInput(tool, { session_id: session, cwd: repo.dir, hook_event_name: event }));
    expect(r.code).toBe(0);
  }
};

const noteOf = (repo: GitRepo, n = 1) => parseNote(repo.read(`docs/sessions/${idFor(n)}.md`));

describe('handoff inside Claude Code', () => {
  test('$CLAUDE_CODE_SESSION_ID names the session: its telemetry, not the newest state file (a later, clean session)', async () => {
    const { repo, handoff } = store();
    await calls(repo, 'noisy', ['Bash', 'mcp__notion__notion-search']);
    await calls(repo, 'noisy', ['mcp__claude_ai_Notion__notion-fetch'], 'PostToolUseFailure');
    await calls(repo, 'clean', ['Bash', 'Read']); // newer
    const result = handoff([], { CLAUDE_CODE_SESSION_ID: 'noisy' });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/WARNING: this session broke the Notion-silent invariant: mcp__notion_offplan was called 2 time\(s\)/);
    const { data } = noteOf(repo);
    expect(data.tool_calls_breakdown).toEqual({ Bash: 1, mcp__notion_offplan: 2 });
    expect(data.tool_calls_breakdown_methods).toEqual({ mcp__notion_offplan: { 'claude_ai_Notion__notion-fetch': 1, 'notion__notion-search': 1 } });
    expect(data.tool_calls_failed).toBe(1);
    // The clean session's state is untouched; the noisy one was archived.
    expect(existsSync(path.join(repo.dir, '.claude/state/session-clean.jsonl'))).toBe(true);
    expect(existsSync(path.join(repo.dir, '.claude/state/session-noisy.jsonl'))).toBe(false);
  });

  test("an id that is known but recorded nothing gets zeros and a warning, never another session's counts", async () => {
    const { repo, handoff } = store();
    await calls(repo, 'other', ['mcp__notion__notion-search']);
    const result = handoff(['--session-id', 'quiet']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).warnings.join('\n')).toContain('no state file for session quiet');
    expect(noteOf(repo).data.tool_calls_breakdown).toEqual({ mcp__notion_offplan: 0 });
    expect(existsSync(path.join(repo.dir, '.claude/state/session-other.jsonl'))).toBe(true);
  });

  test('an unsubstituted ${CLAUDE_SESSION_ID} is no id: the one live session is used', async () => {
    const { repo, handoff } = store();
    await calls(repo, 'only', ['Bash', 'Bash']);
    const result = handoff(['--session-id', '${CLAUDE_SESSION_ID}']);
    expect(result.code).toBe(0);
    expect(noteOf(repo).data.tool_calls_count).toBe(2);
  });

  test('no id and two live sessions: exit 2 naming --session-id, nothing claimed or committed', async () => {
    const { repo, handoff } = store();
    await calls(repo, 'left', ['Bash']);
    await calls(repo, 'right', ['Read']);
    const head = repo.head();
    const result = runCli(['handoff', '--from', 'draft.json', '--yes', '--no-push'], { cwd: repo.dir, env: { ...repo.env, OPERATOR: 'roman' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/2 Claude Code sessions are live in this repository \((left, right|right, left)\)/);
    expect(result.stderr).toContain('--session-id');
    expect(repo.head()).toBe(head);
    expect(repo.exists(`docs/sessions/${idFor(1)}.md`)).toBe(false);
    // One of them ended: the live one is the answer.
    expect((await runSessionHook(repo, JSON.stringify({ session_id: 'left', hook_event_name: 'SessionEnd', cwd: repo.dir }))).code).toBe(0);
    expect(handoff([]).code).toBe(0);
    expect(noteOf(repo).data.tool_calls_breakdown).toEqual({ Read: 1, mcp__notion_offplan: 0 });
  });

  test("the transcript (and its subagents') is archived as <ID>.jsonl with secrets masked; the note keeps its size, not its path", async () => {
    const { repo, handoff } = store();
    const projects = path.join(repo.env.HOME!, '.claude', 'projects', 'p');
    const transcript = path.join(projects, 'tsess.jsonl');
    const line = (text: string) => `${JSON.stringify({ type: 'user', message: { role: 'user', content: text } })}\n`;
    repo.write(path.relative(repo.dir, transcript), line('first') + line(`token ${SECRET} here`));
    repo.write(path.relative(repo.dir, path.join(projects, 'tsess', 'subagents', 'agent-1.jsonl')), line('from the subagent'));
    const start = await runSessionHook(
      repo,
      JSON.stringify({ session_id: 'tsess', hook_event_name: 'SessionStart', source: 'startup', transcript_path: transcript, cwd: repo.dir }),
    );
    expect(start.code).toBe(0);
    await calls(repo, 'tsess', ['Bash']);
    const result = handoff(['--session-id', 'tsess']);
    expect(result.code).toBe(0);
    const archived = readFileSync(path.join(repo.dir, '.claude/state/archive', `${idFor(1)}.jsonl`), 'utf8');
    expect(archived).toContain('first');
    expect(archived).toContain('from the subagent');
    expect(archived).not.toContain(SECRET);
    expect(archived).toContain('ghp_********');
    const text = repo.read(`docs/sessions/${idFor(1)}.md`);
    expect(noteOf(repo).data.transcript_bytes).toBe(Buffer.byteLength(archived));
    expect(text).not.toContain(repo.env.HOME!);
    expect(JSON.parse(result.stdout).warnings).toContain('1 secret(s) were masked in the archived transcript.');
  });

  test('claude.transcripts_dir sends the copy elsewhere; no transcript at all is no field and no failure', async () => {
    const { repo, handoff } = store();
    const elsewhere = path.join(path.dirname(repo.dir), 'dropbox');
    repo.write('canon.config.json', JSON.stringify({ claude: { transcripts_dir: elsewhere } }));
    const transcript = path.join(path.dirname(repo.dir), 't.jsonl');
    repo.write(path.relative(repo.dir, transcript), '{"type":"user"}\n');
    await runSessionHook(repo, JSON.stringify({ session_id: 's1', hook_event_name: 'SessionStart', transcript_path: transcript, cwd: repo.dir }));
    await calls(repo, 's1', ['Bash']);
    expect(handoff(['--session-id', 's1']).code).toBe(0);
    expect(readFileSync(path.join(elsewhere, `${idFor(1)}.jsonl`), 'utf8')).toBe('{"type":"user"}\n');
    await calls(repo, 's2', ['Bash']);
    expect(handoff(['--session-id', 's2']).code).toBe(0);
    expect(noteOf(repo, 2).data.transcript_bytes).toBeNull();
  });

  test('`canon session commits` lists the commits since the session started, not the last 15', async () => {
    const { repo } = store();
    const commit = (name: string, when: string) => {
      repo.write(`${name}.txt`, name);
      repo.git(['add', `${name}.txt`]);
      repo.git(['commit', '-q', '-m', name], { env: { GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when, HUSKY: '0' } });
    };
    commit('before', '2020-01-01T10:00:00Z');
    const started = new Date(Date.now() - 60_000);
    await runSessionHook(repo, JSON.stringify({ session_id: 'c1', hook_event_name: 'SessionStart', source: 'startup', cwd: repo.dir }));
    const journal = path.join(repo.dir, '.claude/state/session-c1.jsonl');
    repo.write('.claude/state/session-c1.jsonl', readFileSync(journal, 'utf8').replace(/"at":"[^"]+"/, `"at":"${started.toISOString()}"`));
    utimesSync(journal, new Date(), new Date());
    commit('during', new Date().toISOString());
    const out = runCli(['session', 'commits', '--session-id', 'c1', '--json'], { cwd: repo.dir, env: repo.env });
    expect(out.code).toBe(0);
    const parsed = JSON.parse(out.stdout) as { since: string; commits: Array<{ subject: string }> };
    expect(parsed.since).toBe(started.toISOString());
    expect(parsed.commits.map((c) => c.subject)).toEqual(['during']);
    const none = runCli(['session', 'commits', '--session-id', 'unknown'], { cwd: repo.dir, env: repo.env });
    expect(none.stdout).toContain('canon does not know when this session started');
  });

  test("two terminals hand off minutes apart: each note counts exactly its own session's commits and changelog lines", async () => {
    const { repo, handoff } = store();
    repo.write('CHANGELOG.md', '# Changelog\n\n<!-- canon:changelog -->\n');
    repo.git(['add', 'CHANGELOG.md']);
    repo.git(['commit', '-q', '-m', 'changelog'], { env: { HUSKY: '0' } });
    await runSessionHook(repo, JSON.stringify({ session_id: 'sessX', hook_event_name: 'SessionStart', source: 'startup', cwd: repo.dir }));
    await runSessionHook(repo, JSON.stringify({ session_id: 'sessY', hook_event_name: 'SessionStart', source: 'startup', cwd: repo.dir }));
    await calls(repo, 'sessX', ['Bash']);
    await calls(repo, 'sessY', ['Bash']);
    // Commits made by each session's Bash calls (the env Claude Code gives them), through the real hooks.
    const commit = (session: string | null, name: string, lines: number) => {
      repo.write(`${name}.txt`, Array.from({ length: lines }, (_, i) => `${name} ${i}`).join('\n') + '\n');
      repo.git(['add', `${name}.txt`]);
      repo.git(['commit', '-q', '-m', `add ${name}`], { env: session === null ? {} : { CLAUDE_CODE_SESSION_ID: session } });
    };
    commit('sessY', 'y-work', 7);
    commit('sessX', 'x-work', 3);
    commit(null, 'by-hand', 11); // a plain terminal: nobody's session
    // Y hands off first; its handoff commit runs inside Y's Bash call.
    const y = handoff(['--session-id', 'sessY'], { CLAUDE_CODE_SESSION_ID: 'sessY' });
    expect(y.code).toBe(0);
    expect(noteOf(repo, 1).data).toMatchObject({ commits: 1, lines_added: 7, lines_removed: 0 });
    const listed = runCli(['session', 'commits', '--session-id', 'sessX', '--json'], { cwd: repo.dir, env: repo.env });
    expect(JSON.parse(listed.stdout)).toMatchObject({ source: 'recorded', commits: [{ subject: 'add x-work' }] });
    const x = handoff(['--session-id', 'sessX'], { CLAUDE_CODE_SESSION_ID: 'sessX' });
    expect(x.code).toBe(0);
    // X's note holds X's one commit: not Y's work, not Y's handoff commit, not the hand-made commit.
    expect(noteOf(repo, 2).data).toMatchObject({ commits: 1, lines_added: 3, lines_removed: 0 });
    const changelog = repo.git(['show', 'HEAD:CHANGELOG.md']).stdout;
    const entry = (id: string) => changelog.slice(changelog.indexOf(`[${id}]`)).split(/\n- \[/)[0]!;
    expect(entry(idFor(2))).toContain('add x-work');
    expect(entry(idFor(2))).not.toMatch(/y-work|by-hand|session RT-/);
    expect(entry(idFor(1))).toContain('add y-work');
    expect(entry(idFor(1))).not.toMatch(/x-work|by-hand/);
    // A second handoff of X covers only what followed the first one.
    commit('sessX', 'x-more', 2);
    const again = handoff(['--session-id', 'sessX'], { CLAUDE_CODE_SESSION_ID: 'sessX' });
    expect(again.code).toBe(0);
    expect(noteOf(repo, 3).data).toMatchObject({ commits: 1, lines_added: 2 });
  });

  const sessionEvent = (repo: GitRepo, session: string, event: 'SessionStart' | 'SessionEnd', extra: Record<string, unknown> = {}) =>
    runSessionHook(repo, JSON.stringify({ session_id: session, hook_event_name: event, cwd: repo.dir, transcript_path: '/nowhere/t.jsonl', ...extra }));
  const ownBash = (repo: GitRepo, session: string) =>
    runHook(
      repo,
      hookInput('Bash', {
        session_id: session,
        cwd: repo.dir,
        tool_input: { command: `npm run handoff -- --from .canon/handoff-${session}.json --session-id ${session} --yes --json` },
      }),
    );

  test('/handoff, /exit, claude --resume, more work, /handoff: each note counts its own calls once, and its own time', async () => {
    const { repo, handoff } = store();
    await sessionEvent(repo, 'res', 'SessionStart', { source: 'startup' });
    await calls(repo, 'res', ['Bash', 'Bash', 'Read', 'mcp__notion__notion-search']);
    // The /handoff command's own calls: its draft (Read, then Write) and its Bash call.
    repo.write('.canon/handoff-res.json', DRAFT);
    for (const tool of ['Read', 'Write']) {
      await runHook(repo, hookInput(tool, { session_id: 'res', cwd: repo.dir, tool_input: { file_path: path.join(repo.dir, '.canon/handoff-res.json') } }));
    }
    const first = runCli(['handoff', '--from', '.canon/handoff-res.json', '--session-id', 'res', '--yes', '--no-push', '--json'], {
      cwd: repo.dir,
      env: { ...repo.env, OPERATOR: 'roman', CLAUDE_CODE_SESSION_ID: 'res' },
    });
    expect(first.code).toBe(0);
    // Its Bash call reaches PostToolUse once the handoff has finished: not a call of the next part.
    await ownBash(repo, 'res');
    expect(noteOf(repo, 1).data).toMatchObject({ tool_calls_count: 4, tool_calls_breakdown: { Bash: 2, Read: 1, mcp__notion_offplan: 1 } });
    expect(repo.read(`docs/sessions/${idFor(1)}.md`)).not.toContain('.canon/');
    expect(repo.exists('.canon/handoff-res.json')).toBe(false); // the draft has served
    await sessionEvent(repo, 'res', 'SessionEnd', { reason: 'prompt_input_exit' });
    await sessionEvent(repo, 'res', 'SessionStart', { source: 'resume' });
    await calls(repo, 'res', ['Edit', 'Bash']);
    const second = handoff(['--session-id', 'res'], { CLAUDE_CODE_SESSION_ID: 'res' });
    expect(second.code).toBe(0);
    const note = noteOf(repo, 2);
    expect(note.data).toMatchObject({ tool_calls_count: 2, tool_calls_breakdown: { Bash: 1, Edit: 1, mcp__notion_offplan: 0 } });
    // The session broke the invariant before its first handoff: the second note and its warning say so.
    expect(note.body).toContain(`Notion-silent: **NO** (mcp__notion_offplan called 1 time(s) in this session, some before ${idFor(1)})`);
    expect(note.body).toContain(`Follows this session's earlier handoff ${idFor(1)}`);
    expect(second.stderr).toMatch(/WARNING: this session broke the Notion-silent invariant/);
    // It started when the session was resumed, not at the first handoff's own call.
    const resumedAt = Date.parse(note.data.started_at as string);
    expect(resumedAt).toBeGreaterThanOrEqual(Date.parse(noteOf(repo, 1).data.ended_at as string));
  });

  test('/clear: the new session names the one it ended, and its note counts both', async () => {
    const { repo, handoff } = store();
    await sessionEvent(repo, 'before-clear', 'SessionStart', { source: 'startup' });
    await calls(repo, 'before-clear', ['Bash', 'Edit', 'Bash']);
    // A commit before /clear and one after, each from its session's Bash call (as the real client showed).
    const commit = (file: string, session: string) => {
      repo.write(file, 'one\n');
      repo.git(['add', file]);
      repo.git(['commit', '-q', '-m', `work ${file}`], { env: { CLAUDE_CODE_SESSION_ID: session } });
    };
    commit('before.txt', 'before-clear');
    await sessionEvent(repo, 'before-clear', 'SessionEnd', { reason: 'clear' });
    await sessionEvent(repo, 'after-clear', 'SessionStart', { source: 'clear' });
    await calls(repo, 'after-clear', ['Read', 'Bash']);
    commit('after.txt', 'after-clear');
    const shown = JSON.parse(runCli(['telemetry', 'show', '--session-id', 'after-clear', '--json'], { cwd: repo.dir, env: repo.env }).stdout) as {
      replaces: string;
    };
    expect(shown.replaces).toBe('before-clear');
    // What /canon:handoff shows the model as this session's commits: both.
    const listed = JSON.parse(runCli(['session', 'commits', '--session-id', 'after-clear', '--json'], { cwd: repo.dir, env: repo.env }).stdout) as {
      commits: Array<{ subject: string }>;
    };
    expect(listed.commits.map((c) => c.subject)).toEqual(['work after.txt', 'work before.txt']);
    const result = handoff(['--session-id', 'after-clear'], { CLAUDE_CODE_SESSION_ID: 'after-clear' });
    expect(result.code).toBe(0);
    const note = noteOf(repo);
    expect(note.data).toMatchObject({ tool_calls_count: 5, tool_calls_breakdown: { Bash: 3, Edit: 1, Read: 1 }, commits: 2, lines_added: 2 });
    expect(note.body).toContain('Continues session `before-clear`, ended by /clear: its calls and commits are counted here');
    expect(repo.read('CHANGELOG.md')).toMatch(/work before\.txt[\s\S]*work after\.txt|work after\.txt[\s\S]*work before\.txt/);
    // The handoff closed both logs: a later handoff of either counts neither commit again.
    const after = JSON.parse(runCli(['session', 'commits', '--session-id', 'before-clear', '--json'], { cwd: repo.dir, env: repo.env }).stdout) as {
      commits: unknown[];
    };
    expect(after.commits).toEqual([]);
    // Both are handed off now: neither is left over as unfinished.
    const resume = JSON.parse(runCli(['resume', '--json', '--operator', 'roman'], { cwd: repo.dir, env: repo.env }).stdout) as {
      unfinished?: { sessions: number };
    };
    expect(resume.unfinished?.sessions ?? 0).toBe(0);
  });

  test("an amended commit is still the session's, counted once (post-rewrite maps the new id)", async () => {
    const { repo, handoff } = store();
    await calls(repo, 'sessA', ['Bash']);
    const env = { CLAUDE_CODE_SESSION_ID: 'sessA' };
    repo.write('a.txt', 'one\n');
    repo.git(['add', 'a.txt']);
    repo.git(['commit', '-q', '-m', 'a'], { env });
    repo.write('a.txt', 'one\ntwo\n');
    repo.git(['add', 'a.txt']);
    repo.git(['commit', '-q', '--amend', '-m', 'a, amended'], { env });
    const result = handoff(['--session-id', 'sessA'], env);
    expect(result.code).toBe(0);
    expect(noteOf(repo).data).toMatchObject({ commits: 1, lines_added: 2 });
  });

  test("another terminal's claim stub, in flight, is not named among the files left out of the commit", async () => {
    const { repo, handoff } = store();
    await calls(repo, 'own', ['Bash']);
    repo.git(['add', '-A']);
    repo.git(['commit', '-qm', 'setup'], { env: { HUSKY: '0' } });
    const other = runCli(['session', 'claim', '--operator', 'sergei', '--json'], { cwd: repo.dir, env: repo.env });
    expect(other.code).toBe(0);
    const stub = (JSON.parse(other.stdout) as { path: string }).path;
    repo.write('notes.txt', 'a stray change of the user\n');
    const result = handoff(['--session-id', 'own']);
    expect(result.code).toBe(0);
    const warnings = (JSON.parse(result.stdout) as { warnings: string[] }).warnings.join('\n');
    expect(warnings).toContain('notes.txt');
    expect(warnings).not.toContain(path.basename(stub));
    expect(repo.exists(stub)).toBe(true); // still the other terminal's
  });
});
