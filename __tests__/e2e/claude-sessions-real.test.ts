// Exact session notes and what the user sees, with the real Claude Code client (ADR-0027, ADR-0028,
// ADR-0034): canon installed the documented per-user plugin way (`claude plugin marketplace add` +
// `claude plugin install canon@canon-notes`), then
// sessions that commit and hand off through /canon:handoff — two in parallel, one resumed after a
// handoff and handed off again, one that ran `/clear` and broke the Notion-silent invariant on the
// interactive screen (tmux) — and resume and the SessionStart context after session numbers were
// filled out of order. Assertions are on the committed note files, CHANGELOG.md, what the screen and
// the stream showed the user, and what the client sent to the model; never on canon's stdout alone.
// Skips with one line when the client (or, for the screen, tmux) is not available.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseNote } from '../../tools/core/frontmatter.js';
import { bareSlashCommands } from '../helpers/claude-builtins.js';
import { ensureClaudeCode, runClaude, type ClaudeRun } from '../helpers/claude-client.js';
import { claudeCli, hasTmux, linkCanonPackage, trustingHome, BUILT_INS, FAKE_MCP } from '../helpers/claude-plugin.js';
import { startFakeAnthropic, type Block, type FakeAnthropic } from '../helpers/fake-anthropic.js';
import { createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';
import { sessionNote } from '../helpers/notes.js';

const install = ensureClaudeCode();
if (!install.ok) console.log(`claude-sessions-real: skipped, the real Claude Code client is not available: ${install.reason}`);
const suite = install.ok ? describe : describe.skip;
const bin = install.ok ? install.bin : '';
const tmux = install.ok && hasTmux();
if (install.ok && !tmux) console.log('claude-sessions-real: the /clear test on the interactive screen is skipped: tmux is not installed');

const TODAY = new Date().toISOString().slice(0, 10);
const YYMMDD = TODAY.slice(2).replaceAll('-', '');
/** A note another clone wrote early today under a high number: the highest NN, not the latest. */
const OLD_ID = `RT-${YYMMDD}-20`;
const OLD_PROMPT = 'OLDPROMPT-20 continue from the early note';

interface Store {
  repo: GitRepo;
  home: string;
  mcpConfig: string;
}

interface Note {
  path: string;
  id: string;
  data: Record<string, unknown>;
  body: string;
}

function createStore(): Store {
  const repo = createGitRepo({ hooks: true });
  // canon installed as the package it is; no settings.json: the plugin comes from the user's install.
  linkCanonPackage(repo);
  const pkg = JSON.parse(repo.read('package.json')) as { scripts: Record<string, string> };
  const cli = 'node node_modules/canon-notes/dist/canon.js';
  Object.assign(pkg.scripts, { handoff: `${cli} handoff`, resume: `${cli} resume`, canon: cli });
  repo.write('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  repo.write('.gitignore', 'node_modules\n.claude/state/\n.canon/\n');
  repo.write('README.md', '# store\n');
  repo.write(
    `docs/sessions/${OLD_ID}.md`,
    sessionNote(OLD_ID, { date: TODAY, ended_at: `${TODAY}T00:00:01Z` }, `## Summary\n\nEarly work.\n\n## Resume Prompt\n\n${OLD_PROMPT}\n`),
  );
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
function claude(store: Store, api: FakeAnthropic, prompt: string, resume?: string): Promise<ClaudeRun> {
  return runClaude({
    bin,
    cwd: store.repo.dir,
    home: store.home,
    apiUrl: api.url,
    prompt,
    mcpConfig: store.mcpConfig,
    skipPermissions: !prompt.startsWith('/'),
    ...(resume ? { resume } : {}),
  });
}

/** The messages Claude Code showed the user from hooks (`systemMessage`), as stream-json has them. */
function hookNotices(run: ClaudeRun): string[] {
  return run.events.filter((e) => e.type === 'system' && e.subtype === 'informational').map((e) => String(e.content));
}

function initEvent(run: ClaudeRun): { slash_commands: string[]; plugins: Array<{ name: string; path: string }> } {
  return run.events.find((e) => e.type === 'system' && e.subtype === 'init') as never;
}

/** The note a commit added (docs/sessions/RT-…), parsed from the commit, not from the working tree. */
function noteOf(store: Store, rev: string): Note {
  const rel = store.repo
    .git(['show', '--name-only', '--format=', rev])
    .stdout.split('\n')
    .find((f) => /^docs\/sessions\/RT-\d{6}-\d{2}\.md$/.test(f));
  if (rel === undefined) throw new Error(`${rev} added no session note`);
  const parsed = parseNote(store.repo.git(['show', `${rev}:${rel}`]).stdout);
  return { path: rel, id: path.basename(rel, '.md'), data: parsed.data as Record<string, unknown>, body: parsed.body };
}

/** The commit subjects CHANGELOG.md (as committed at HEAD) lists under a note's entry. */
function changelogCommits(store: Store, id: string): string[] {
  const lines = store.repo.git(['show', 'HEAD:CHANGELOG.md']).stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`- [${id}](`));
  if (at === -1) throw new Error(`CHANGELOG.md has no entry for ${id}`);
  const items: string[] = [];
  for (const line of lines.slice(at + 1)) {
    const m = /^ {2}- `[0-9a-f]+` (.*)$/.exec(line);
    if (m === null) break;
    items.push(m[1]!);
  }
  return items;
}

function commitOf(store: Store, subject: string): string {
  const sha = store.repo.git(['log', '--format=%H', '--fixed-strings', `--grep=${subject}`]).stdout.trim();
  expect(sha).toMatch(/^[0-9a-f]{40}$/);
  return sha;
}

const PROMPT = /^SCENARIO (work|tty) (\S+) (notion|clean)$/m;

/** The text blocks of a user message (not tool results): where a typed prompt is. */
function typed(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b: { type?: string; text?: unknown }) => (b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('\n');
}

/**
 * The scripted model. A prompt `SCENARIO <work|tty> <tag> <notion|clean>` makes one commit (and a
 * Notion call); /canon:handoff, wherever it is in a (resumed) conversation, writes the draft and runs
 * the command the skill names. Both look at the LAST prompt of the conversation, so a resumed
 * conversation is scripted by what was typed last.
 */
function model(store: Store) {
  return ({ body }: { body: { messages?: Array<{ role: string; content: unknown }> } }): Block[] | null => {
    const messages = body.messages ?? [];
    const last = (test: (m: { role: string; content: unknown }) => boolean) => messages.findLastIndex((m) => m.role === 'user' && test(m));
    const handoff = last((m) => /```bash\nnpm run handoff /.test(typed(m.content)));
    const prompt = last((m) => PROMPT.test(typed(m.content)));
    if (handoff !== -1 && handoff > prompt) {
      const text = typed(messages[handoff]!.content);
      const step = messages.slice(handoff).filter((m) => m.role === 'assistant').length;
      const draft = /\.canon\/handoff-[A-Za-z0-9_-]+\.json/.exec(text)![0];
      const command = /```bash\n(npm run handoff [^\n]*)\n```/.exec(text)![1]!;
      const tag = prompt === -1 ? 'none' : PROMPT.exec(typed(messages[prompt]!.content))![2]!;
      const note = {
        title: `Handoff after ${tag}`,
        summary: `A session handed off through /canon:handoff after the work of ${tag}.`,
        workstream: null,
        tags: ['claude-code'],
        shipped: [`the work of ${tag}`],
        decisions: [],
        open_questions: [],
        next_steps: [],
        resume_prompt: `PROMPTOF-${tag} continue here.`,
        confidence: 'low',
        quick: false,
      };
      if (step === 0) return [{ type: 'tool_use', name: 'Write', input: { file_path: path.join(store.repo.dir, draft), content: JSON.stringify(note) } }];
      if (step === 1) return [{ type: 'tool_use', name: 'Bash', input: { command, description: 'canon handoff' } }];
      return [{ type: 'text', text: 'Handed off.' }];
    }
    if (prompt === -1) return null;
    const [, kind, tag, notion] = PROMPT.exec(typed(messages[prompt]!.content))!;
    const step = messages.slice(prompt).filter((m) => m.role === 'assistant').length;
    if (step > 0) return [{ type: 'text', text: `done ${tag}` }];
    // Two terminals share one checkout: the commit takes only its own file, and waits out the other's index lock.
    const commit =
      kind === 'tty'
        ? `git commit --allow-empty -q -m 'work ${tag}'`
        : `printf 'one\\ntwo\\n' > work-${tag}.txt && for i in 1 2 3 4 5 6 7 8 9 10; do git add work-${tag}.txt && git commit -q -m 'work ${tag}' -- work-${tag}.txt && break; sleep 1; done`;
    const blocks: Block[] = [{ type: 'tool_use', name: 'Bash', input: { command: commit, description: 'commit' } }];
    if (notion === 'notion') blocks.push({ type: 'tool_use', name: 'mcp__notion__notion-search', input: { query: tag } });
    return blocks;
  };
}

suite('with the real Claude Code client: exact notes per session, parallel, resumed, cleared, on screen', () => {
  let api: FakeAnthropic;
  let store: Store;
  /** Every note the handoffs committed, in the order they were written. */
  const written: Note[] = [];
  /**
   * The first request of a fresh start after the handoffs, and the latest note (by ended_at) there was
   * when it started: the screen's session (with tmux) is that start; without tmux, the last test makes one.
   */
  let context: { sent: string; latest: Note } | null = null;
  const latestOf = (notes: Note[]) => notes.reduce((a, b) => (Date.parse(String(b.data.ended_at)) >= Date.parse(String(a.data.ended_at)) ? b : a));

  beforeAll(async () => {
    api = await startFakeAnthropic();
    store = createStore();
    api.script(model(store));
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

  test('`claude plugin marketplace add` + `claude plugin install` from the package, and what `claude plugin details` shows of it; nothing it installs has a built-in name', async () => {
    const add = claudeCli(bin, ['plugin', 'marketplace', 'add', path.join(store.repo.dir, 'node_modules/canon-notes'), '--json'], {
      cwd: store.repo.dir,
      home: store.home,
    });
    expect(add.code).toBe(0);
    expect(JSON.parse(add.stdout.trim().split('\n').at(-1)!)).toMatchObject({ outcome: 'ok', marketplace: 'canon-notes' });
    const installed = claudeCli(bin, ['plugin', 'install', 'canon@canon-notes', '--json'], { cwd: store.repo.dir, home: store.home });
    expect(installed.code).toBe(0);
    const details = claudeCli(bin, ['plugin', 'details', 'canon@canon-notes'], { cwd: store.repo.dir, home: store.home });
    expect(details.stdout).toMatch(/Skills \(2\)\s+handoff, resume/);
    expect(details.stdout).toMatch(/Hooks \(4\)/);

    // What the client installed (a copy under the user's plugin cache): every skill and command in it.
    const record = JSON.parse(readFileSync(path.join(store.home, '.claude/plugins/installed_plugins.json'), 'utf8')) as {
      plugins: Record<string, Array<{ installPath: string }>>;
    };
    const dir = record.plugins['canon@canon-notes']![0]!.installPath;
    const names = ['skills', 'commands'].flatMap((sub) =>
      existsSync(path.join(dir, sub)) ? readdirSync(path.join(dir, sub)).map((n) => `canon:${n.replace(/\.md$/, '')}`) : [],
    );
    expect(names.sort()).toEqual(['canon:handoff', 'canon:resume']);

    // A session with the plugin lists exactly those, and the operators' own skills canon generates in
    // the project, besides what the client has without them.
    const run = await claude(store, api, 'SCENARIO work warm clean');
    expect(run.result?.subtype).toBe('success');
    const project = ['skills', 'commands'].flatMap((sub) => {
      const at = path.join(store.repo.dir, '.claude', sub);
      return existsSync(at) ? readdirSync(at).map((n) => n.replace(/\.md$/, '')) : [];
    });
    expect(project.sort()).toEqual(['handoff-rt', 'handoff-sk', 'resume-rt', 'resume-sk']);
    // The client's own commands: what a bare session of this client version lists (asked once, kept in the test cache).
    const builtIns = new Set([...BUILT_INS, ...(await bareSlashCommands(bin, api.url))]);
    const withPlugin = initEvent(run).slash_commands;
    expect(withPlugin.filter((name) => !builtIns.has(name)).sort()).toEqual([...names, ...project].sort());
    expect([...names, ...project].filter((name) => builtIns.has(name))).toEqual([]);
    // Each built-in is listed once: nothing took its name beside it.
    expect(withPlugin.filter((name) => name === 'resume' || name === 'clear').length).toBeLessThanOrEqual(2);
    expect(new Set(withPlugin).size).toBe(withPlugin.length);
    // The hooks ran from the installed plugin: the warm-up commit is this session's.
    const commits = runCli(['session', 'commits', '--session-id', run.sessionId!], { cwd: store.repo.dir, env: store.repo.env });
    expect(commits.stdout).toContain('work warm');
  }, 240_000);

  // One test, two promises that share their expensive part (a session that commits and is handed off):
  // r1, one of the two parallel sessions, is the one resumed, worked on and handed off again.
  test('two sessions in parallel each commit and hand off: each note and CHANGELOG entry holds exactly its own commits; one of them handed off, closed, resumed, worked on and handed off again: the second note covers only what followed, the invariant for the whole session', async () => {
    // pa is clean; r1 also calls Notion (its handoffs must say so, pa's note must not count it).
    const tags = ['pa', 'r1'] as const;
    const work = await Promise.all(tags.map((tag) => claude(store, api, `SCENARIO work ${tag} ${tag === 'r1' ? 'notion' : 'clean'}`)));
    for (const run of work) expect(run.result?.subtype).toBe('success');
    const own = { pa: commitOf(store, 'work pa'), r1: commitOf(store, 'work r1') };
    const before = store.repo.head();
    const handoffs = await Promise.all(work.map((run) => claude(store, api, '/canon:handoff --no-push', run.sessionId!)));
    for (const run of handoffs) {
      expect(run.result?.subtype).toBe('success');
      expect(run.result?.permission_denials).toEqual([]);
    }
    // The two handoff commits, oldest first, each with its note.
    const revs = store.repo
      .git(['rev-list', '--reverse', `${before}..HEAD`])
      .stdout.trim()
      .split('\n');
    expect(revs).toHaveLength(2);
    const notes = revs.map((rev) => noteOf(store, rev));
    for (const note of notes) {
      const tag = /Handoff after (pa|r1)/.exec(String(note.data.title))![1] as 'pa' | 'r1';
      expect(note.data).toMatchObject({ commits: 1, lines_added: 2, lines_removed: 0, tool_calls_count: tag === 'r1' ? 2 : 1 });
      expect(note.data.first_commit_at).toBe(note.data.last_commit_at);
      expect(changelogCommits(store, note.id)).toEqual([`work ${tag}`]);
      const sha = own[tag];
      expect(note.data.first_commit_at).toBe(
        new Date(store.repo.git(['log', '-1', '--format=%cI', sha]).stdout.trim()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      );
      written.push(note);
    }
    expect(new Set(notes.map((n) => String(n.data.title))).size).toBe(2);

    const id = work[1]!.sessionId!;
    const h1 = handoffs[1]!;
    expect(h1.sessionId).toBe(id);
    const n1 = notes.find((n) => n.data.title === 'Handoff after r1')!;
    expect(n1.data).toMatchObject({ title: 'Handoff after r1', commits: 1, tool_calls_count: 2, tool_calls_breakdown: { mcp__notion_offplan: 1, Bash: 1 } });
    expect(changelogCommits(store, n1.id)).toEqual(['work r1']);
    expect(n1.body).toContain('Notion-silent: **NO**');
    expect(hookNotices(h1).some((s) => /WARNING: this session broke the Notion-silent invariant/.test(s))).toBe(true);
    // The draft has served: gone, and the note does not name it.
    expect(existsSync(path.join(store.repo.dir, `.canon/handoff-${id}.json`))).toBe(false);
    expect(store.repo.git(['show', `HEAD:${n1.path}`]).stdout).not.toContain('.canon/');

    // Closed; `claude --resume <id>`, more work, /canon:handoff again.
    const again = await claude(store, api, 'SCENARIO work r2 clean', id);
    expect(again.result?.subtype).toBe('success');
    expect(again.sessionId).toBe(id);
    const seen = api.requests.length;
    const h2 = await claude(store, api, '/canon:handoff --no-push', id);
    expect(h2.result?.subtype).toBe('success');
    expect(h2.result?.permission_denials).toEqual([]);
    const n2 = noteOf(store, 'HEAD');
    expect(n2.id).not.toBe(n1.id);
    // What the skill showed the model as this session's commits: r2's alone.
    // (The resumed conversation holds the first handoff's text too: this handoff's is the last.)
    const expanded = api.requests
      .slice(seen)
      .map((r) => r.raw)
      .find((raw) => raw.includes('End this working session with a canon handoff'))!;
    const listed = [...expanded.matchAll(/This session's commits \(since it started\): ([^#]*?)\\n\\n/g)].at(-1)![1]!;
    expect(listed).toContain('work r2');
    expect(listed).not.toContain('work r1');
    expect(listed).not.toContain(n1.id);
    // This handoff's own draft, not the first one's (the Write tool overwrote it).
    expect(n2.data.title).toBe('Handoff after r2');
    // Only what followed the first handoff: r2's commit and call, not r1's, not the first note's commit.
    expect(n2.data).toMatchObject({
      commits: 1,
      lines_added: 2,
      tool_calls_count: 1,
      tool_calls_failed: 0,
      tool_calls_breakdown: { mcp__notion_offplan: 0, Bash: 1 },
    });
    expect(changelogCommits(store, n2.id)).toEqual(['work r2']);
    // Time covered once: the second part starts after the first note was written and ends at its own.
    expect(Date.parse(String(n2.data.started_at))).toBeGreaterThanOrEqual(Date.parse(String(n1.data.ended_at)));
    expect(Date.parse(String(n2.data.started_at))).toBeLessThanOrEqual(Date.parse(String(n2.data.first_commit_at)));
    const span = (Date.parse(String(n2.data.ended_at)) - Date.parse(String(n2.data.started_at))) / 60_000;
    expect(Number(n2.data.active_min_estimate)).toBeLessThanOrEqual(Math.ceil(span));
    expect(Number(n1.data.active_min_estimate)).toBeLessThanOrEqual(
      Math.ceil((Date.parse(String(n1.data.ended_at)) - Date.parse(String(n1.data.started_at))) / 60_000),
    );
    // The invariant, for the whole session: the Notion call before the first handoff still counts.
    expect(n2.body).toContain(`Follows this session's earlier handoff ${n1.id}`);
    expect(n2.body).toMatch(new RegExp(`Notion-silent: \\*\\*NO\\*\\* \\(mcp__notion_offplan called 1 time\\(s\\) in this session, some before ${n1.id}\\)`));
    expect(hookNotices(h2).some((s) => /WARNING: this session broke the Notion-silent invariant/.test(s))).toBe(true);
    written.push(n2);
  }, 600_000);

  (tmux ? test : test.skip)(
    'on the interactive screen: work, /clear, more work, /canon:handoff — the note continues the cleared session, and the WARNING is on the screen',
    async () => {
      const server = `canon-s-${process.pid}`;
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
        GIT_CONFIG_NOSYSTEM: '1',
      };
      writeFileSync(
        script,
        `#!/bin/sh\ncd '${store.repo.dir}'\n${Object.entries(env)
          .map(([k, v]) => `export ${k}='${v}'`)
          .join(
            '\n',
          )}\nexec '${bin}' --mcp-config '${store.mcpConfig}' --strict-mcp-config --permission-mode default --allowedTools 'Bash(git commit:*),mcp__notion'\n`,
        { mode: 0o755 },
      );
      const tm = (...args: string[]) => spawnSync('tmux', ['-L', server, ...args], { encoding: 'utf8' });
      const screen = () => tm('capture-pane', '-p', '-J', '-t', 'cc', '-S', '-200').stdout;
      const waitFor = async <T>(what: string, probe: () => T | null | false, ms = 90_000): Promise<T> => {
        for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 300))) {
          const found = probe();
          if (found !== null && found !== false) return found;
        }
        throw new Error(`never saw ${what}:\n${screen()}`);
      };
      const onScreen = (pattern: RegExp, ms?: number) => waitFor(String(pattern), () => pattern.test(screen()) && screen(), ms);
      const stateDir = path.join(store.repo.dir, '.claude/state');
      const journals = () => new Set(readdirSync(stateDir).filter((n) => /^session-.+\.jsonl$/.test(n)));
      const known = journals();
      const before = store.repo.head();
      const latest = latestOf(written);
      const seen = api.requests.length;
      try {
        expect(tm('new-session', '-d', '-s', 'cc', '-x', '160', '-y', '50', script).status).toBe(0);
        await onScreen(/❯/);
        tm('send-keys', '-t', 'cc', '-l', 'SCENARIO tty c1 notion');
        tm('send-keys', '-t', 'cc', 'Enter');
        await onScreen(/done c1/);
        // A fresh start after the handoffs above: the last test checks the context its SessionStart sent.
        // (Its first request with the prompt and the context: the client may ask for a title with the prompt alone.)
        const sent = api.requests.slice(seen).find((r) => r.raw.includes('SCENARIO tty c1 notion') && r.raw.includes('canon resume context for'));
        context = { sent: sent?.raw ?? '', latest };
        const cleared = await waitFor('the first session journal', () => [...journals()].find((n) => !known.has(n)) ?? null);
        const clearedId = cleared.replace(/^session-/, '').replace(/\.jsonl$/, '');
        tm('send-keys', '-t', 'cc', '-l', '/clear');
        await onScreen(/\/clear/);
        tm('send-keys', '-t', 'cc', 'Enter');
        // The new session's SessionStart (source clear) named the session it replaces.
        const next = await waitFor(
          'the session after /clear',
          () =>
            [...journals()].find((n) => !known.has(n) && n !== cleared && readFileSync(path.join(stateDir, n), 'utf8').includes(`"replaces":"${clearedId}"`)) ??
            null,
        );
        const nextId = next.replace(/^session-/, '').replace(/\.jsonl$/, '');
        tm('send-keys', '-t', 'cc', '-l', 'SCENARIO tty c2 clean');
        tm('send-keys', '-t', 'cc', 'Enter');
        await onScreen(/done c2/);
        tm('send-keys', '-t', 'cc', '-l', '/canon:handoff --no-push');
        await onScreen(/canon:handoff --no-push/);
        tm('send-keys', '-t', 'cc', 'Enter');
        const shown = await onScreen(/Handed off\./, 150_000);
        // What the user must see, on the screen: the Notion call before /clear broke the invariant.
        expect(shown).toMatch(/PostToolUse:Bash says: WARNING: this session broke the Notion-silent\s*invariant/);

        expect(store.repo.head()).not.toBe(before);
        const note = noteOf(store, 'HEAD');
        expect(note.data.title).toBe('Handoff after c2');
        // The note knows the session /clear ended, and counts its call and commit with this one's.
        expect(note.body).toContain(`Continues session \`${clearedId}\`, ended by /clear`);
        expect(note.body).toContain('Notion-silent: **NO**');
        expect(note.data).toMatchObject({ tool_calls_count: 3, tool_calls_breakdown: { mcp__notion_offplan: 1, Bash: 2 }, commits: 2 });
        expect(changelogCommits(store, note.id).sort()).toEqual(['work c1', 'work c2']);
        expect(nextId).not.toBe(clearedId);
        written.push(note);
      } finally {
        tm('kill-server');
      }
    },
    400_000,
  );

  test('resume and the SessionStart context name the latest note by ended_at, not the highest number', async () => {
    expect(written.length).toBeGreaterThanOrEqual(3); // pa's, r1's two (and the screen's, with tmux)
    const latest = latestOf(written);
    // The numbers were filled below the early note's: it has the highest NN, and is the oldest.
    expect(written.every((n) => n.id < OLD_ID)).toBe(true);
    const view = JSON.parse(runCli(['resume', '--json'], { cwd: store.repo.dir, env: store.repo.env }).stdout) as {
      last_session: { id: string; resume_prompt: string };
    };
    expect(view.last_session.id).toBe(latest.id);
    expect(view.last_session.resume_prompt).toContain(`PROMPTOF-${/Handoff after (\S+)/.exec(String(latest.data.title))![1]}`);

    // The SessionStart context of a fresh start after the handoffs: the screen's session, else one made here.
    if (context === null) {
      const seen = api.requests.length;
      const run = await claude(store, api, 'SCENARIO work z1 clean');
      expect(run.result?.subtype).toBe('success');
      context = { sent: api.requests.slice(seen).find((r) => r.raw.includes('SCENARIO work z1 clean'))!.raw, latest };
    }
    const { sent } = context;
    expect(context.latest.id < OLD_ID).toBe(true);
    expect(sent).toContain(`Last session: ${context.latest.id}`);
    expect(sent).toContain(`PROMPTOF-${/Handoff after (\S+)/.exec(String(context.latest.data.title))![1]}`);
    expect(sent).not.toContain(OLD_PROMPT);
    expect(sent).not.toContain(`Last session: ${OLD_ID}`);
    const errors = path.join(store.repo.dir, '.claude/state/hook-errors.log');
    expect(existsSync(errors) ? readFileSync(errors, 'utf8') : '').toBe('');
  }, 120_000);
});
