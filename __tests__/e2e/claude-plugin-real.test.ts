// canon as a Claude Code plugin, with the real client (ADR-0028): the repository's settings.json (as
// `canon init` writes it) brings the plugin from node_modules/canon-notes; what the user must see — a
// refused /canon:handoff, the Notion-silent WARNING — reaches the user's screen as a hook systemMessage
// (stream-json, and the interactive screen in tmux); nothing canon installs takes the name of a
// built-in command. (A /canon:handoff that records the session, its WARNING in stream-json, on this
// road: claude-real.test.ts.) Skips with one line when the client (or, for the screen, tmux) is not available.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bareSlashCommands } from '../helpers/claude-builtins.js';
import { ensureClaudeCode, runClaude, type ClaudeRun } from '../helpers/claude-client.js';
import { claudeCli, hasTmux, installCanonPlugin, trustingHome, BUILT_INS, FAKE_MCP } from '../helpers/claude-plugin.js';
import { startFakeAnthropic, textOf, type FakeAnthropic } from '../helpers/fake-anthropic.js';
import { CANON_ROOT, createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';

const install = ensureClaudeCode();
if (!install.ok) console.log(`claude-plugin-real: skipped, the real Claude Code client is not available: ${install.reason}`);
const suite = install.ok ? describe : describe.skip;
const bin = install.ok ? install.bin : '';
const tmux = install.ok && hasTmux();
if (install.ok && !tmux) console.log('claude-plugin-real: the interactive-screen test is skipped: tmux is not installed');

const NOTE = {
  title: 'Plugin handoff',
  summary: 'A session handed off through /canon:handoff from the canon plugin.',
  workstream: null,
  tags: ['claude-code'],
  shipped: ['the plugin'],
  decisions: [],
  open_questions: [],
  next_steps: [],
  resume_prompt: null,
  confidence: 'low',
  quick: true,
};

interface Store {
  repo: GitRepo;
  home: string;
  mcpConfig: string;
}

function createStore(): Store {
  const repo = createGitRepo({ hooks: true });
  installCanonPlugin(repo);
  const pkg = JSON.parse(repo.read('package.json')) as { scripts: Record<string, string> };
  const cli = 'node node_modules/canon-notes/dist/canon.js';
  Object.assign(pkg.scripts, { handoff: `${cli} handoff`, resume: `${cli} resume`, canon: cli });
  repo.write('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  repo.write('.gitignore', 'node_modules\n.claude/state/\n.canon/\n');
  repo.write('README.md', '# store\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-qm', 'store']);
  const home = path.join(path.dirname(repo.dir), 'claude-home');
  trustingHome(home, [repo.dir]);
  const mcpConfig = path.join(path.dirname(repo.dir), 'mcp.json');
  writeFileSync(
    mcpConfig,
    JSON.stringify({
      mcpServers: {
        notion: { type: 'stdio', command: process.execPath, args: [FAKE_MCP], env: { FAKE_MCP_LOG: path.join(path.dirname(repo.dir), 'mcp.log') } },
      },
    }),
  );
  return { repo, home, mcpConfig };
}

/** Work sessions skip permission prompts (no one is there to answer); /canon:handoff runs in the default mode. */
function claude(store: Store, api: FakeAnthropic, prompt: string, extra: { resume?: string } = {}): Promise<ClaudeRun> {
  return runClaude({
    bin,
    cwd: store.repo.dir,
    home: store.home,
    apiUrl: api.url,
    prompt,
    mcpConfig: store.mcpConfig,
    skipPermissions: !prompt.startsWith('/'),
    ...extra,
  });
}

/** The messages Claude Code showed the user from hooks (`systemMessage`), as stream-json has them. */
function hookNotices(run: ClaudeRun): string[] {
  return run.events.filter((e) => e.type === 'system' && e.subtype === 'informational').map((e) => String(e.content));
}

function initEvent(run: ClaudeRun): { slash_commands: string[]; plugins: Array<{ name: string; path: string }> } {
  return run.events.find((e) => e.type === 'system' && e.subtype === 'init') as never;
}

suite('canon as a Claude Code plugin, with the real client', () => {
  let api: FakeAnthropic;
  let store: Store;
  let warmup: ClaudeRun | null = null;

  beforeAll(async () => {
    api = await startFakeAnthropic();
    store = createStore();
    // /canon:handoff (or /handoff-rt): Write the draft — a bad one under "SCENARIO refuse" — then run the command the skill names.
    api.script(({ body }) => {
      const messages = body.messages ?? [];
      const at = messages.findIndex((m) => m.role === 'user' && /```bash\n(OPERATOR=\S+ )?npm run handoff /.test(textOf(m.content)));
      if (at === -1) return null;
      const text = textOf(messages[at]!.content);
      const step = messages.slice(at).filter((m) => m.role === 'assistant').length;
      const draft = /\.canon\/handoff-[A-Za-z0-9_-]+\.json/.exec(text)![0];
      const command = /```bash\n((?:OPERATOR=\S+ )?npm run handoff [^\n]*)\n```/.exec(text)![1]!;
      const refuse = messages.some((m) => textOf(m.content).includes('SCENARIO refuse'));
      const content = refuse ? JSON.stringify({ ...NOTE, title: undefined, summary: 42 }) : JSON.stringify(NOTE);
      if (step === 0) return [{ type: 'tool_use', name: 'Write', input: { file_path: path.join(store.repo.dir, draft), content } }];
      if (step === 1) return [{ type: 'tool_use', name: 'Bash', input: { command, description: 'canon handoff' } }];
      return [{ type: 'text', text: 'Handed off.' }];
    });
    api.script(({ first, turn }) => {
      const match = /SCENARIO (notion|clean|refuse) (\S+)/.exec(first);
      if (!match) return null;
      if (turn > 0) return [{ type: 'text', text: `done ${match[2]}` }];
      return match[1] === 'notion'
        ? [
            { type: 'tool_use', name: 'Bash', input: { command: `echo counted-${match[2]}`, description: 'echo' } },
            { type: 'tool_use', name: 'mcp__notion__notion-search', input: { query: match[2] } },
          ]
        : [{ type: 'tool_use', name: 'Bash', input: { command: `echo counted-${match[2]}`, description: 'echo' } }];
    });

    // The first trusted session registers the marketplace the settings declare (ADR-0028).
    warmup = await claude(store, api, 'SCENARIO clean warmup');
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    // A client killed with its tmux server may still be writing its home for a moment.
    for (let attempt = 0; ; attempt++) {
      try {
        store?.repo.cleanup();
        break;
      } catch (error) {
        if (attempt > 10) throw error;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  });

  // The documented per-user way (`claude plugin marketplace add` + `claude plugin install` from the package
  // folder, then `claude plugin details`) is claude-sessions-real.test.ts's first test, which runs its sessions on it.
  test('the plugin and its marketplace pass `claude plugin validate --strict`', () => {
    for (const dir of [CANON_ROOT, path.join(CANON_ROOT, 'plugin')]) {
      const validate = claudeCli(bin, ['plugin', 'validate', '--strict', dir], { cwd: store.repo.dir, home: store.home });
      expect(`${validate.stdout}${validate.stderr}`).toContain('Validation passed');
      expect(validate.code).toBe(0);
    }
  }, 120_000);

  // One test, two promises that share a session with the plugin loaded: the refused /canon:handoff resumes it.
  test("the team's settings.json brings the plugin of the installed canon; nothing canon installs has a built-in's name; a refused /canon:handoff (exit 2) is shown to the user", async () => {
    expect(warmup?.result?.subtype).toBe('success');
    const known = JSON.parse(readFileSync(path.join(store.home, '.claude/plugins/known_marketplaces.json'), 'utf8')) as Record<
      string,
      { installLocation: string }
    >;
    expect(known['canon-notes']?.installLocation).toBe(path.join(store.repo.dir, 'node_modules/canon-notes'));

    // A session whose /canon:handoff writes a bad draft ("SCENARIO refuse"); its own work is one echo.
    const run = await claude(store, api, 'SCENARIO refuse second');
    const init = initEvent(run);
    // Read in place from the package the repository installed: no copy, so its version is the repository's.
    expect(init.plugins).toContainEqual(expect.objectContaining({ name: 'canon', path: path.join(store.repo.dir, 'node_modules/canon-notes/plugin') }));
    expect(init.slash_commands).toEqual(expect.arrayContaining(['canon:handoff', 'canon:resume']));
    // The hooks ran: the session was counted.
    const state = JSON.parse(runCli(['telemetry', 'show', '--session-id', run.sessionId!, '--json'], { cwd: store.repo.dir, env: store.repo.env }).stdout) as {
      tool_calls_count: number;
    };
    expect(state.tool_calls_count).toBe(1);

    // Every command canon puts in front of the user: the plugin's (namespaced) and the project's own files.
    expect(runCli(['commands', 'generate'], { cwd: store.repo.dir, env: store.repo.env }).code).toBe(0);
    const ours = [
      ...readdirSync(path.join(CANON_ROOT, 'plugin/skills')).map((n) => `canon:${n}`),
      ...readdirSync(path.join(store.repo.dir, '.claude/skills')),
      ...(existsSync(path.join(store.repo.dir, '.claude/commands'))
        ? readdirSync(path.join(store.repo.dir, '.claude/commands')).map((n) => n.replace(/\.md$/, ''))
        : []),
    ];
    expect(ours.sort()).toEqual(['canon:handoff', 'canon:resume', 'handoff-rt', 'handoff-sk', 'resume-rt', 'resume-sk']);
    // The client's own commands: what a bare session of this client version lists (asked once, kept in the test cache).
    const builtIns = new Set([...BUILT_INS, ...(await bareSlashCommands(bin, api.url))]);
    expect(ours.filter((name) => builtIns.has(name))).toEqual([]);
    expect(init.slash_commands).not.toContain('handoff');

    // The refused handoff: nothing committed, and the user is told.
    const before = store.repo.head();
    const refused = await claude(store, api, '/canon:handoff --no-push', { resume: run.sessionId! });
    expect(refused.result?.subtype).toBe('success');
    expect(store.repo.head()).toBe(before);
    expect(hookNotices(refused).some((s) => s.includes('canon handoff was refused (exit 2)'))).toBe(true);
  }, 300_000);

  // /canon:handoff in the default permission mode, the note written and committed with the session's own
  // calls, and the WARNING reaching the user as a hook systemMessage: claude-real.test.ts proves it on this
  // road (settings.json's plugin), in its test of the three sessions at once and the resumed handoff.

  test('/canon:resume runs the dashboard in the default mode; arguments reach the model only when given', async () => {
    const expandedOf = (run: ClaudeRun, seen: number) =>
      api.requests
        .slice(seen)
        .map((r) => r.raw)
        .find((raw) => raw.includes("operator's resume dashboard as JSON"));
    let seen = api.requests.length;
    const bare = await claude(store, api, '/canon:resume');
    expect(bare.result?.subtype).toBe('success');
    expect(bare.result?.permission_denials).toEqual([]);
    const plain = expandedOf(bare, seen)!;
    expect(plain).toContain('sessions_count'); // the dashboard's JSON, from the `!` line
    expect(plain).not.toMatch(/\\nARGUMENTS: /);
    expect(plain).not.toContain('If arguments were given');
    seen = api.requests.length;
    await claude(store, api, '/canon:resume --limit 2');
    expect(expandedOf(bare, seen)).toMatch(/\\nARGUMENTS: --limit 2/);
  }, 120_000);

  (tmux ? test : test.skip)(
    'on the interactive screen: the WARNING is on the screen, and /resume is the built-in conversation picker',
    async () => {
      const server = `canon-${process.pid}`;
      const script = path.join(path.dirname(store.repo.dir), 'claude-tty.sh');
      const env = {
        HOME: store.home,
        ANTHROPIC_BASE_URL: api.url,
        ANTHROPIC_API_KEY: 'test',
        IS_SANDBOX: '1',
        DISABLE_AUTOUPDATER: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
        TERM: 'xterm-256color',
        TZ: 'UTC',
        LANG: 'C.UTF-8',
      };
      writeFileSync(
        script,
        `#!/bin/sh\ncd '${store.repo.dir}'\n${Object.entries(env)
          .map(([k, v]) => `export ${k}='${v}'`)
          .join(
            '\n',
          )}\nexec '${bin}' --mcp-config '${store.mcpConfig}' --strict-mcp-config --permission-mode default --allowedTools 'Bash(echo:*),mcp__notion'\n`,
        { mode: 0o755 },
      );
      const tm = (...args: string[]) => spawnSync('tmux', ['-L', server, ...args], { encoding: 'utf8' });
      const screen = () => tm('capture-pane', '-p', '-J', '-t', 'cc', '-S', '-200').stdout;
      const waitFor = async (pattern: RegExp, ms = 60_000): Promise<string> => {
        for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 300))) {
          const text = screen();
          if (pattern.test(text)) return text;
        }
        throw new Error(`the screen never showed ${pattern}:\n${screen()}`);
      };
      try {
        expect(tm('new-session', '-d', '-s', 'cc', '-x', '160', '-y', '50', script).status).toBe(0);
        await waitFor(/❯/);
        // Autocomplete lists every command that starts with it; the one named exactly /resume is Claude Code's.
        tm('send-keys', '-t', 'cc', '-l', '/resume');
        const picker = await waitFor(/\/canon:resume/);
        const exact = picker.split('\n').filter((line) => /^\s*❯?\s*\/resume\s{2,}\S/.test(line));
        expect(exact).toHaveLength(1);
        expect(exact[0]).not.toMatch(/Resume Prompt|canon/);
        tm('send-keys', '-t', 'cc', 'C-u');
        tm('send-keys', '-t', 'cc', '-l', 'SCENARIO notion gamma');
        tm('send-keys', '-t', 'cc', 'Enter');
        await waitFor(/done gamma/);
        tm('send-keys', '-t', 'cc', '-l', '/canon:handoff --no-push');
        await waitFor(/canon:handoff/);
        tm('send-keys', '-t', 'cc', 'Enter');
        const shown = await waitFor(/Handed off\./, 120_000);
        expect(shown).toMatch(/PostToolUse:Bash says: WARNING: this session broke the Notion-silent\s*invariant/);
      } finally {
        tm('kill-server');
      }
    },
    240_000,
  );
});
