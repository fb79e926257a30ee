// canon with the real Claude Code client (docs/guides/claude-code.md, ADR-0028): `@anthropic-ai/claude-code` (pinned) runs
// real sessions in a temporary store, against a local fake of the Messages API (scripted tool_use
// turns, streamed) and a stdio MCP server standing in for Notion. Assertions are on what canon
// recorded: telemetry state, the handoff note, its WARNING, the archived transcript, and what the
// client sent to the model. When the client cannot be installed the suite skips with one line.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureClaudeCode, runClaude, type ClaudeRun } from '../helpers/claude-client.js';
import { startFakeAnthropic, textOf, type Block, type FakeAnthropic } from '../helpers/fake-anthropic.js';
import { installCanonPlugin, trustingHome } from '../helpers/claude-plugin.js';
import { CANON_ROOT, createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';

const install = ensureClaudeCode();
if (!install.ok) console.log(`claude-real: skipped, the real Claude Code client is not available: ${install.reason}`);
const suite = install.ok ? describe : describe.skip;
const bin = install.ok ? install.bin : '';

const FAKE_MCP = path.join(CANON_ROOT, '__tests__/helpers/fake-mcp-notion.mjs');
/** A GitHub token shape the secret scan knows: it must never reach the archived transcript unmasked. */
const SECRET = `ghp_${'A1b2C3d4E5'.repeat(3)}x9Y8z7`;
const RESUME_MARKER = 'RESUME-MARKER-7f3a';
const HANDOFF_NOTE = {
  title: 'Real-client handoff',
  summary: 'A session driven by the real Claude Code client, handed off by the agent itself.',
  workstream: null,
  tags: ['claude-code'],
  shipped: ['the real-client suite'],
  decisions: [],
  open_questions: [],
  next_steps: ['keep it green'],
  resume_prompt: `${RESUME_MARKER} Continue the real-client work: the suite in __tests__/e2e/claude-real.test.ts drives Claude Code against a fake Messages API and a stand-in Notion MCP server. First run it alone, then read the handoff note it writes and check that its telemetry matches the scripted calls exactly. The hook bundles are in .claude/hooks and are rebuilt by npm run build; never edit them by hand. The SessionStart context comes from the resume cache and must stay under two thousand characters. Avoid timing assertions; measure speed in npm run bench instead, and keep every test able to fail.`,
  confidence: 'high',
  quick: false,
};

interface Store {
  repo: GitRepo;
  home: string;
  mcpConfig: string;
}

function createStore(): Store {
  const repo = createGitRepo({ hooks: true });
  // canon the plugin way (ADR-0028): node_modules/canon-notes and the settings.json `canon init` writes.
  installCanonPlugin(repo);
  repo.write('.gitignore', 'node_modules\n');
  // The store's npm scripts, as an adopting repository has them.
  const pkg = JSON.parse(repo.read('package.json')) as { scripts: Record<string, string> };
  Object.assign(pkg.scripts, { handoff: 'node dist/canon.js handoff', resume: 'node dist/canon.js resume', canon: 'node dist/canon.js' });
  repo.write('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  repo.write('README.md', '# store\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-qm', 'store']);
  const home = path.join(path.dirname(repo.dir), 'claude-home');
  trustingHome(home, [repo.dir]);
  const mcpLog = path.join(path.dirname(repo.dir), 'mcp-calls.log');
  const mcpConfig = path.join(path.dirname(repo.dir), 'mcp.json');
  writeFileSync(
    mcpConfig,
    JSON.stringify({ mcpServers: { notion: { type: 'stdio', command: process.execPath, args: [FAKE_MCP], env: { FAKE_MCP_LOG: mcpLog } } } }),
  );
  return { repo, home, mcpConfig };
}

/** The stand-in Notion server's call log of the sessions given `mcp: tag`. */
function mcpLogOf(store: Store, tag: string): string {
  return path.join(path.dirname(store.repo.dir), `mcp-calls-${tag}.log`);
}

/** An MCP config of its own (its own call log), for a session that runs beside others. */
function mcpConfigOf(store: Store, tag: string): string {
  const file = path.join(path.dirname(store.repo.dir), `mcp-${tag}.json`);
  writeFileSync(
    file,
    JSON.stringify({ mcpServers: { notion: { type: 'stdio', command: process.execPath, args: [FAKE_MCP], env: { FAKE_MCP_LOG: mcpLogOf(store, tag) } } } }),
  );
  return file;
}

function claude(
  store: Store,
  api: FakeAnthropic,
  prompt: string,
  extra: { skipPermissions?: boolean; resume?: string; mcp?: string } = {},
): Promise<ClaudeRun> {
  return runClaude({
    bin,
    cwd: store.repo.dir,
    home: store.home,
    apiUrl: api.url,
    prompt,
    mcpConfig: extra.mcp ? mcpConfigOf(store, extra.mcp) : store.mcpConfig,
    skipPermissions: extra.skipPermissions ?? true,
    ...(extra.resume ? { resume: extra.resume } : {}),
  });
}

function stateOf(store: Store, sessionId: string): Record<string, unknown> {
  const show = runCli(['telemetry', 'show', '--session-id', sessionId, '--json'], { cwd: store.repo.dir, env: store.repo.env });
  if (show.code !== 0) throw new Error(`telemetry show: ${show.stderr}`);
  return JSON.parse(show.stdout) as Record<string, unknown>;
}

/** One turn of parallel tool uses: successes and every kind of failure, Notion calls, a subagent. */
function workTurn(store: Store, tag: string, withSecret: boolean): Block[] {
  const blocks: Block[] = [
    { type: 'tool_use', name: 'Bash', input: { command: `echo counted-${tag}`, description: 'echo' } },
    { type: 'tool_use', name: 'Bash', input: { command: 'exit 3', description: 'a failing command' } },
    { type: 'tool_use', name: 'Read', input: { file_path: path.join(store.repo.dir, 'no-such-file.txt') } },
    { type: 'tool_use', name: 'mcp__notion__notion-search', input: { query: tag } },
    { type: 'tool_use', name: 'mcp__notion__notion-create-pages', input: { title: tag } },
    { type: 'tool_use', name: 'mcp__notion__notion-fetch', input: { id: tag } },
    { type: 'tool_use', name: 'Task', input: { description: 'sub task', prompt: `SUBAGENT-TASK ${tag}: run one command`, subagent_type: 'general-purpose' } },
  ];
  if (withSecret) blocks.push({ type: 'tool_use', name: 'Bash', input: { command: `echo ${SECRET}`, description: 'print a token' } });
  return blocks;
}

suite('canon with the real Claude Code client', () => {
  let api: FakeAnthropic;
  let store: Store;
  const cleanups: Array<() => void> = [];

  beforeAll(async () => {
    api = await startFakeAnthropic();
    store = createStore();
    cleanups.push(() => store.repo.cleanup());
    // The first trusted session registers the marketplace the settings declare; the plugin loads from
    // the next one on. No hook of it may count (CANON_HOOKS=0), whatever the client does.
    const warm = await runClaude({ bin, cwd: store.repo.dir, home: store.home, apiUrl: api.url, prompt: 'warm up', env: { CANON_HOOKS: '0' } });
    if (warm.code !== 0) throw new Error(`warm-up session: ${warm.stderr}`);
    // /handoff, wherever it sits in a (resumed) conversation: Write the draft, run the command it names.
    api.script(({ body }) => {
      const messages = body.messages ?? [];
      const at = messages.findIndex((m) => m.role === 'user' && /```bash\n(OPERATOR=\S+ )?npm run handoff /.test(textOf(m.content)));
      if (at === -1) return null;
      const text = textOf(messages[at]!.content);
      const step = messages.slice(at).filter((m) => m.role === 'assistant').length;
      const draft = /\.canon\/handoff-[A-Za-z0-9_-]+\.json/.exec(text)![0];
      const command = /```bash\n((?:OPERATOR=\S+ )?npm run handoff [^\n]*)\n```/.exec(text)![1]!;
      if (step === 0)
        return [{ type: 'tool_use', name: 'Write', input: { file_path: path.join(store.repo.dir, draft), content: JSON.stringify(HANDOFF_NOTE) } }];
      if (step === 1) return [{ type: 'tool_use', name: 'Bash', input: { command, description: 'canon handoff' } }];
      return [{ type: 'text', text: 'Handed off.' }];
    });
    api.script(({ first, turn }) => {
      const match = /SCENARIO work (\S+)( secret)?/.exec(first);
      if (!match) return null;
      return turn === 0 ? workTurn(store, match[1]!, match[2] !== undefined) : [{ type: 'text', text: `done ${match[1]}` }];
    });
    api.script(({ first, turn }) => {
      if (!first.includes('SUBAGENT-TASK')) return null;
      return turn === 0
        ? [{ type: 'tool_use', name: 'Bash', input: { command: 'echo from-the-subagent', description: 'sub' } }]
        : [{ type: 'text', text: 'subagent done' }];
    });
    api.script(({ first, turn }) => {
      const match = /SCENARIO clean (\S+)/.exec(first);
      if (!match) return null;
      return turn === 0
        ? [{ type: 'tool_use', name: 'Bash', input: { command: `echo clean-${match[1]}`, description: 'echo' } }]
        : [{ type: 'text', text: 'clean done' }];
    });
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    for (const c of cleanups) c();
  });

  const ended: string[] = [];

  let handedOff: { id: string; path: string } | null = null;
  /** beta: the clean session that ran after the three at once, before A's handoff. */
  let clean: string | null = null;

  // One test, two promises that share their expensive part (three work sessions): the counting, exact
  // and under contention, then the handoff of one of those sessions, resumed.
  test('parallel tool uses, failures, Notion MCP calls and a subagent are all counted, exactly, three sessions at once, each in its own state; the agent then runs /canon:handoff itself in default permission mode, for a resumed session: its telemetry, the WARNING, the transcript', async () => {
    // alpha prints a token besides the scripted work (the handoff below archives its transcript).
    const tags = ['alpha', 'c2', 'c3'];
    const runs = await Promise.all(tags.map((tag) => claude(store, api, `SCENARIO work ${tag}${tag === 'alpha' ? ' secret' : ''}`, { mcp: tag })));
    const ids = runs.map((r) => r.sessionId!);
    expect(new Set(ids).size).toBe(3);
    runs.forEach((run, i) => {
      const tag = tags[i]!;
      expect(run.result?.subtype).toBe('success');
      const state = stateOf(store, run.sessionId!);
      // Bash: echo, `exit 3` (failed) and the subagent's echo (and alpha's token echo); Read of a missing
      // file (failed); three Notion calls, two of them failed (an error result and a thrown error); the subagent (Agent).
      const bash = tag === 'alpha' ? 4 : 3;
      expect(state.tool_calls_breakdown).toEqual({ mcp__notion_offplan: 3, Bash: bash, Read: 1, Agent: 1 });
      expect(state.tool_calls_count).toBe(bash + 5);
      expect(state.failed_calls).toBe(4);
      expect(state.subagents_dispatched).toBe(1);
      expect(state.tool_calls_breakdown_methods).toEqual({
        mcp__notion_offplan: { 'notion__notion-search': 1, 'notion__notion-create-pages': 1, 'notion__notion-fetch': 1 },
      });
      expect(state.parallel_terminals_observed as number).toBeLessThanOrEqual(2);
      // The stand-in server (this session's own) really was called, three times.
      expect(readFileSync(mcpLogOf(store, tag), 'utf8').trim().split('\n')).toEqual(['notion-search', 'notion-create-pages', 'notion-fetch']);
      // SessionEnd marked it ended.
      expect(existsSync(path.join(store.repo.dir, `.claude/state/session-${run.sessionId}.ended`))).toBe(true);
    });
    ended.push(ids[1]!, ids[2]!);
    const a = runs[0]!;

    // A later, clean session: the newest state file is no longer A's. (The next test hands it off with /handoff-rt.)
    const b = await claude(store, api, 'SCENARIO clean beta');
    expect(b.result?.subtype).toBe('success');
    clean = b.sessionId!;
    const bState = stateOf(store, b.sessionId!);
    expect(bState.tool_calls_breakdown).toEqual({ mcp__notion_offplan: 0, Bash: 1 });
    // Every other session had ended when this one ran: none was live alongside it.
    expect(bState.parallel_terminals_observed).toBe(0);

    const before = store.repo.head();
    const run = await claude(store, api, '/canon:handoff --no-push', { resume: a.sessionId!, skipPermissions: false });
    expect(run.result?.subtype).toBe('success');
    expect(run.result?.permission_denials).toEqual([]);
    expect(run.sessionId).toBe(a.sessionId);

    // The expanded command reached the model with the session id substituted and this session's commits listed.
    const expanded = api.requests.map((r) => r.raw).find((raw) => raw.includes('End this working session with a canon handoff'))!;
    expect(expanded).toContain(`.canon/handoff-${a.sessionId}.json`);
    expect(expanded).not.toContain('${CLAUDE_SESSION_ID}');
    expect(expanded).toContain('No commits since this session started');

    // One commit, holding the note; its telemetry is A's (the Notion calls), not B's clean count.
    expect(store.repo.head()).not.toBe(before);
    const files = store.repo.git(['show', '--name-only', '--format=', 'HEAD']).stdout.trim().split('\n');
    const notePath = files.find((f) => /^docs\/sessions\/RT-\d{6}-\d{2}\.md$/.test(f))!;
    expect(notePath).toBeDefined();
    const note = store.repo.read(notePath);
    expect(note).toMatch(/^ {2}mcp__notion_offplan: 3$/m);
    expect(note).toMatch(/^tool_calls_failed: 4$/m);
    // A's own calls only: the handoff's Write and Bash are not the session's work.
    expect(note).toMatch(/^ {2}Bash: 4$/m);
    expect(note).toMatch(/^tool_calls_count: 9$/m);
    expect(note).toContain('Notion-silent: **NO**');
    expect(note).toContain(RESUME_MARKER);
    // The handoff's own output, as the agent saw it: the WARNING.
    const results = run.events
      .filter((e) => e.type === 'user')
      .map((e) => textOf((e.message as { content: unknown }).content))
      .join('\n');
    expect(results).toContain('WARNING: this session broke the Notion-silent invariant: mcp__notion_offplan was called 3 time(s)');
    expect(results).toContain('"committed":true');
    // And as the user saw it: the hook's systemMessage after the handoff's Bash call (the notice it came from is consumed).
    const shown = run.events.filter((e) => e.type === 'system' && e.subtype === 'informational').map((e) => String(e.content));
    expect(shown.some((s) => /WARNING: this session broke the Notion-silent invariant: mcp__notion_offplan was called 3 time\(s\)/.test(s))).toBe(true);
    expect(existsSync(path.join(store.repo.dir, `.claude/state/notice-${a.sessionId}.txt`))).toBe(false);

    // The transcript: archived as <ID>.jsonl with the token masked; the note says so, with no path.
    const id = path.basename(notePath, '.md');
    const archived = path.join(store.repo.dir, '.claude/state/archive', `${id}.jsonl`);
    const transcript = readFileSync(archived, 'utf8');
    expect(transcript).toContain('counted-alpha');
    expect(transcript).toContain('from-the-subagent');
    expect(transcript).not.toContain(SECRET);
    expect(transcript).toContain('ghp_********');
    expect(note).toMatch(new RegExp(`^transcript_bytes: ${Buffer.byteLength(transcript)}$`, 'm'));
    expect(note).not.toContain(store.home);
    // A's telemetry was archived; B's is where it was.
    const archive = readdirSync(path.join(store.repo.dir, '.claude/state/archive'));
    expect(archive.some((n) => n.startsWith(`session-${a.sessionId}.`))).toBe(true);
    expect(existsSync(path.join(store.repo.dir, `.claude/state/session-${b.sessionId}.jsonl`))).toBe(true);
    handedOff = { id, path: notePath };
  }, 360_000);

  // One test, two promises served by two starts: beta (the clean session of the test above, not handed
  // off yet) is resumed and handed off with /handoff-rt; that resumed start is the first one after A's
  // handoff, where the SessionStart context is checked; /resume-rt, a fresh start after it, gets the
  // context too.
  test('SessionStart hands the model the resume context: the last Resume Prompt reaches the API; the generated /handoff-rt and /resume-rt skills work in default permission mode too', async () => {
    expect(handedOff).not.toBeNull();
    expect(clean).not.toBeNull();
    expect(runCli(['commands', 'generate'], { cwd: store.repo.dir, env: store.repo.env }).code).toBe(0);

    const seen = api.requests.length;
    const run = await claude(store, api, '/handoff-rt --no-push', { resume: clean!, skipPermissions: false });
    expect(run.result?.subtype).toBe('success');
    expect(run.result?.permission_denials).toEqual([]);
    expect(run.sessionId).toBe(clean);
    const expanded = api.requests
      .slice(seen)
      .map((r) => r.raw)
      .find((raw) => raw.includes('OPERATOR=roman npm run handoff'))!;
    // The first request of this start (before the draft's Write, which holds the marker too): its
    // SessionStart handed the model A's note. beta's own start knew no note at all.
    expect(expanded).toContain(RESUME_MARKER);
    expect(expanded).toContain(`Last session: ${handedOff!.id}`);
    // The wrapper's "generated" marker is frontmatter: it never reaches the model.
    expect(expanded).not.toContain('generated by');
    const note = store.repo
      .git(['show', '--name-only', '--format=', 'HEAD'])
      .stdout.split('\n')
      .find((f) => f.startsWith('docs/sessions/RT-'))!;
    expect(store.repo.read(note)).toMatch(/^tool_calls_count: 1$/m); // the clean session's Bash call (the draft's Write is the handoff's own)

    const before = api.requests.length;
    const resume = await claude(store, api, '/resume-rt', { skipPermissions: false });
    expect(resume.result?.subtype).toBe('success');
    // Its `!` line ran (allowed in default mode) and the dashboard reached the model, naming the newest note.
    const prompt = api.requests
      .slice(before)
      .map((r) => r.raw)
      .find((raw) => raw.includes("roman's dashboard"))!;
    expect(prompt).toContain(path.basename(note, '.md'));
    expect(prompt).not.toContain('generated by');
    // A fresh start after other sessions ran: SessionStart still hands the model the last Resume Prompt.
    expect(prompt).toContain(RESUME_MARKER);
    expect(prompt).toContain(`Last session: ${path.basename(note, '.md')}`);
    const errors = path.join(store.repo.dir, '.claude/state/hook-errors.log');
    expect(existsSync(errors) ? readFileSync(errors, 'utf8') : '').toBe('');
  }, 240_000);

  test('resume lists the sessions that ended without a handoff', () => {
    const result = runCli(['resume', '--json'], { cwd: store.repo.dir, env: store.repo.env });
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout) as { unfinished: { sessions: number; tool_calls: number; ids: string[] } };
    expect([...view.unfinished.ids].sort()).toEqual([...ended].sort());
    // Two work sessions of 8 calls (c2, c3); alpha and beta were handed off.
    expect(view.unfinished.tool_calls).toBe(2 * 8);
    const text = runCli(['resume'], { cwd: store.repo.dir, env: { ...store.repo.env, NO_COLOR: '1' } });
    expect(text.stdout).toContain(`unfinished: ${ended.length} session(s) with ${2 * 8} tool call(s) and no note`);
  });
});
