import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computeContentHash } from '../../tools/core/content-hash.js';
import { parseNote } from '../../tools/core/frontmatter.js';
import { isolatedEnv, runCli, spyOnRunner, type CliResult, type GitRepo } from '../helpers/git-repo.js';
import { workstreamNote } from '../helpers/notes.js';
import { storeTemplate } from '../helpers/repo-template.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

/** Today's id date in the tests' TZ (UTC, from isolatedEnv). */
const today = () => new Date().toISOString().slice(0, 10);
const idFor = (n: number, initials = 'RT') => `${initials}-${today().slice(2).replace(/-/g, '')}-${String(n).padStart(2, '0')}`;

const RESUME_PROMPT =
  'Pick up the telemetry workstream: the hook is exact under load, next is the archive step in handoff. ' +
  'Start in tools/hooks, run the concurrency test first, then wire archiving into handoff step 8 and check ' +
  'that the state file moves into the archive folder. Keep the hook free of dependencies: it runs after every ' +
  'tool call and must stay under one and a half times node -e 0. The bench has a line for it. Watch for stale ' +
  'locks left by killed processes and for the error log rotation. Then update the README section on telemetry.';

function draft(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    title: 'Hook hardening',
    summary: 'Made the PostToolUse hook exact under 200-way concurrency.',
    workstream: 'hooks',
    tags: ['hooks', 'telemetry'],
    shipped: ['journal + fold design', 'stale lock breaking'],
    decisions: ['append-only journal instead of a lock per call'],
    open_questions: ['rotate the journal?'],
    next_steps: ['archive in handoff step 8'],
    resume_prompt: RESUME_PROMPT,
    confidence: 'high',
    quick: false,
    ...extra,
  });
}

interface Store {
  repo: GitRepo;
  remote: string;
  env: NodeJS.ProcessEnv;
  handoff(args: string[], options?: { input?: string; env?: NodeJS.ProcessEnv }): CliResult;
  json(result: CliResult): { id: string | null; path: string | null; committed: boolean; pushed: boolean; warnings: string[] };
}

/**
 * The two starting states, built once for the file with canon's hooks (the first commit through them,
 * the push through pre-push) and copied for each test: a store with one workstream, with or without a
 * bare remote it was pushed to.
 */
const templates = {
  remote: storeTemplate({ hooks: true }, (repo) => {
    initStore(repo);
    const remote = path.join(path.dirname(repo.dir), 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote], { env: repo.env });
    repo.git(['remote', 'add', 'origin', remote]);
    repo.git(['push', '-q', '-u', 'origin', 'main']);
  }),
  local: storeTemplate({ hooks: true }, initStore),
};
afterAll(() => {
  templates.remote.cleanup();
  templates.local.cleanup();
});

function initStore(repo: GitRepo): void {
  repo.write('workstreams/hooks.md', workstreamNote('hooks'));
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'init']);
}

/** A store with canon's hooks, one workstream, pushed to a bare remote (a copy of the file's template). */
function store(options: { remote?: boolean; keep?: boolean } = {}): Store {
  const repo = (options.remote === false ? templates.local : templates.remote).copy();
  if (!options.keep) cleanups.push(() => repo.cleanup());
  const remote = path.join(path.dirname(repo.dir), 'remote.git');
  const env = { ...repo.env, OPERATOR: 'roman' };
  return {
    repo,
    remote,
    env,
    handoff: (args, opts = {}) =>
      runCli(['handoff', ...args], { cwd: repo.dir, env: { ...env, ...opts.env }, ...(opts.input === undefined ? {} : { input: opts.input }) }),
    json: (result) => JSON.parse(result.stdout) as ReturnType<Store['json']>,
  };
}

function writeState(repo: GitRepo, sessionId: string, breakdown: Record<string, number>, startedAt: string) {
  const calls = Object.values(breakdown).reduce((a, b) => a + b, 0);
  repo.write(
    `.claude/state/session-${sessionId}.json`,
    JSON.stringify({
      session_id: sessionId,
      started_at: startedAt,
      updated_at: new Date().toISOString(),
      cwd: repo.dir,
      tool_calls_count: calls,
      tool_calls_breakdown: breakdown,
      tool_calls_breakdown_methods: 'mcp__notion_offplan' in breakdown ? { mcp__notion_offplan: { 'API-post-page': breakdown.mcp__notion_offplan } } : {},
      subagents_dispatched: 2,
      parallel_terminals_observed: 1,
      files_touched: ['tools/hooks/claude/post-tool-use.ts'],
    }),
  );
}

const committedFiles = (repo: GitRepo, rev = 'HEAD') => repo.git(['show', '--name-only', '--format=', rev]).stdout.trim().split('\n').sort();

describe('canon handoff, end to end', () => {
  test('writes, commits and pushes the note: valid, hashed, indexed, logged, with telemetry; the next one gets -02', () => {
    const s = store();
    const { repo } = s;
    // The session starts after the store's first commit; its two commits are dated inside it.
    const initAt = Date.parse(repo.git(['log', '-1', '--format=%cI']).stdout.trim());
    const startedAt = new Date(initAt + 60_000).toISOString();
    const at = (minutes: number) => {
      const date = new Date(initAt + minutes * 60_000).toISOString();
      return { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
    };
    writeState(repo, 'claude-abc', { Bash: 12, Edit: 5, mcp__notion_offplan: 0 }, startedAt);
    repo.write('tools/work.ts', 'export const a = 1;\nexport const b = 2;\n');
    // The session's own commits hold no note: canon's hooks have nothing to do in them, so they skip them.
    const noHooks = ['-c', 'core.hooksPath=/dev/null'];
    repo.git(['add', 'tools/work.ts']);
    repo.git([...noHooks, 'commit', '-q', '-m', 'work of the session'], { env: at(2) });
    repo.write('draft.json', draft());
    repo.git(['add', 'draft.json']);
    repo.git([...noHooks, 'commit', '-q', '-m', 'the draft'], { env: at(3) });
    // A colleague's commit pulled in during the session is not this session's work.
    repo.write('theirs.txt', 'a\nb\nc\n');
    repo.git(['add', 'theirs.txt']);
    repo.git([...noHooks, '-c', 'user.email=sergei@example.com', 'commit', '-q', '-m', 'theirs'], { env: at(4) });

    const calls = spyOnRunner(repo);
    const result = s.handoff(['--from', 'draft.json', '--yes', '--json'], { env: { CLAUDE_SESSION_ID: 'claude-abc' } });
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    // The handoff did the pre-commit hook's work on what it staged (ADR-0037): the hook started no node for it.
    expect(calls()).not.toContain('pre-commit');
    const id = idFor(1);
    const rel = `docs/sessions/${id}.md`;
    expect(s.json(result)).toEqual({ id, path: rel, committed: true, pushed: true, warnings: [] });

    // Committed with the workstream and INDEX, and pushed: the remote's main is our HEAD.
    expect(committedFiles(repo)).toEqual(
      ['CHANGELOG.md', 'docs/sessions/INDEX.md', rel, `docs/sessions/index/${today().slice(0, 7)}.md`, 'workstreams/hooks.md'].sort(),
    );
    expect(repo.git(['rev-parse', 'HEAD']).stdout).toBe(execFileSync('git', ['--git-dir', s.remote, 'rev-parse', 'main'], { encoding: 'utf8' }));
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');

    const note = parseNote(repo.git(['show', `HEAD:${rel}`]).stdout);
    expect(note.data).toMatchObject({
      title: 'Hook hardening',
      operator: 'roman',
      workstream: 'hooks',
      tags: ['hooks', 'telemetry'],
      kind: 'session',
      external_id: id,
      date: today(),
      mode: 'full',
      confidence: 'high',
      tool_calls_count: 17,
      tool_calls_breakdown: { Bash: 12, Edit: 5, mcp__notion_offplan: 0 },
      subagents_dispatched: 2,
      parallel_terminals_observed: 1,
      commits: 2,
      lines_added: 2 + 1,
      lines_removed: 0,
      first_commit_at: at(2).GIT_COMMITTER_DATE.replace(/\.\d{3}Z$/, 'Z'),
      last_commit_at: at(3).GIT_COMMITTER_DATE.replace(/\.\d{3}Z$/, 'Z'),
    });
    expect(note.data.started_at).toBe(startedAt.replace(/\.\d{3}Z$/, 'Z'));
    expect(note.data.content_hash).toBe(computeContentHash(note.data, note.body));
    expect(note.body.match(/^## .+$/gm)).toEqual([
      '## Summary',
      '## What shipped',
      '## Decisions',
      '## Open questions',
      '## Next steps',
      '## Resume Prompt',
      '## Telemetry',
    ]);
    expect(note.body).toMatch(/## Resume Prompt\n\nPick up the telemetry[^]*\n\nConfidence: high\n/);
    expect(runCli(['validate', '--all', '--strict'], { cwd: repo.dir, env: s.env }).code).toBe(0);
    expect(repo.read(`docs/sessions/index/${today().slice(0, 7)}.md`)).toContain(`| [${id}](../${id}.md) | Hook hardening | roman |`);
    expect(repo.read('workstreams/hooks.md')).toContain(
      `## Session Log\n\n- [${id}](../docs/sessions/${id}.md) (${today()}): Made the PostToolUse hook exact under 200-way concurrency.\n`,
    );
    // The changelog lists the session with this operator's commits since the session started (not the colleague's).
    const changelog = repo.git(['show', 'HEAD:CHANGELOG.md']).stdout;
    const [workSha, draftSha] = ['HEAD~3', 'HEAD~2'].map((rev) => repo.git(['rev-parse', '--short=7', rev]).stdout.trim());
    expect(changelog).toContain(
      `<!-- canon:changelog ${today().slice(0, 7)} -->\n## ${new Date(`${today()}T00:00:00Z`).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' })} ${today().slice(0, 4)}\n\n` +
        `- [${id}](docs/sessions/${id}.md) · ${today()} · Hook hardening\n  - \`${draftSha}\` the draft\n  - \`${workSha}\` work of the session\n<!-- /canon:changelog ${today().slice(0, 7)} -->`,
    );

    // Step 8: the state moved into the archive.
    expect(existsSync(path.join(repo.dir, '.claude/state/session-claude-abc.json'))).toBe(false);
    expect(readdirSync(path.join(repo.dir, '.claude/state/archive')).some((f) => f.startsWith('session-claude-abc.') && f.endsWith('.json'))).toBe(true);

    const second = s.handoff(['--from', 'draft.json', '--yes', '--json', '--quick']);
    expect(second.code).toBe(0);
    expect(s.json(second).id).toBe(idFor(2));
    expect(repo.read('workstreams/hooks.md')).toMatch(new RegExp(`## Session Log\\n\\n- \\[${idFor(2)}\\]\\(.*\\n- \\[${id}\\]\\(`));
    // Newest first in the month's section.
    expect(repo.read('CHANGELOG.md').indexOf(`[${idFor(2)}]`)).toBeLessThan(repo.read('CHANGELOG.md').indexOf(`[${id}]`));
  });

  test('--quick writes Summary and Resume Prompt only, and says what it left out', () => {
    const s = store({ remote: false });
    s.repo.write('draft.json', draft());
    const result = s.handoff(['--from', 'draft.json', '--yes', '--json', '--quick']);
    expect(result.code).toBe(0);
    const out = s.json(result);
    const note = parseNote(s.repo.read(out.path!));
    expect(note.data.mode).toBe('quick');
    expect(note.body.match(/^## .+$/gm)).toEqual(['## Summary', '## Resume Prompt']);
    expect(out.warnings.join('\n')).toMatch(/quick form has no place for What shipped, Decisions, Open questions, Next steps/);
    // No upstream: committed, not pushed, and told how.
    expect(out).toMatchObject({ committed: true, pushed: false });
    expect(out.warnings.join('\n')).toMatch(/no upstream.*git push -u origin main/);
  });

  test('a trivial session (no commits, few tool calls) gets the quick form by itself', () => {
    const s = store({ remote: false });
    // git log --since has one-second resolution: start the session clearly after the set-up commit.
    writeState(s.repo, 'tiny', { Read: 3 }, new Date(Date.now() + 2000).toISOString());
    const result = s.handoff(
      ['--title', 'Looked around', '--summary', 'Read the hook code.', '--resume-prompt', 'Read more.', '--confidence', 'low', '--yes', '--json'],
      {
        env: { CLAUDE_SESSION_ID: 'tiny' },
      },
    );
    expect(result.code).toBe(0);
    const out = s.json(result);
    expect(parseNote(s.repo.read(out.path!)).data.mode).toBe('quick');
    // A 2-word Resume Prompt is written, with a warning.
    expect(out.warnings.join('\n')).toMatch(/Resume Prompt has 2 words/);
  });

  test('a forbidden MCP call prints a loud WARNING with the count, and the note is still written', () => {
    const s = store({ remote: false });
    writeState(s.repo, 'noisy', { Bash: 4, mcp__notion_offplan: 3 }, new Date().toISOString());
    s.repo.write('draft.json', draft());
    const result = s.handoff(['--from', 'draft.json', '--yes', '--session-id', 'noisy']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/WARNING: this session broke the Notion-silent invariant: mcp__notion_offplan was called 3 time\(s\)/);
    const note = parseNote(s.repo.git(['show', `HEAD:docs/sessions/${idFor(1)}.md`]).stdout);
    expect(note.data.tool_calls_breakdown).toEqual({ Bash: 4, mcp__notion_offplan: 3 });
    expect(note.body).toContain('Notion-silent: **NO** (mcp__notion_offplan called 3 time(s))');
  });

  test('a rejected push keeps the commit, reports pushed: false, and names the rename when the id was taken upstream', () => {
    const s = store();
    // Another clone of the same operator hands off first and pushes the same id.
    const other = path.join(path.dirname(s.repo.dir), 'other');
    execFileSync('git', ['clone', '-q', s.remote, other], { env: s.repo.env });
    mkdirSync(path.join(other, 'docs/sessions'), { recursive: true });
    writeFileSync(
      path.join(other, 'docs/sessions', `${idFor(1)}.md`),
      `---\ntitle: Elsewhere\noperator: roman\nsummary: x\nkind: session\nexternal_id: ${idFor(1)}\ndate: ${today()}\n---\nx\n`,
    );
    const inOther = (args: string[]) =>
      execFileSync('git', ['-c', 'user.email=roman@example.com', '-c', 'user.name=R', ...args], { cwd: other, env: { ...s.repo.env, HUSKY: '0' } });
    inOther(['add', '-A']);
    inOther(['commit', '-q', '-m', 'elsewhere']);
    inOther(['push', '-q']);

    s.repo.write('draft.json', draft());
    const result = s.handoff(['--from', 'draft.json', '--yes', '--json']);
    expect(result.code).toBe(0);
    const out = s.json(result);
    expect(out).toMatchObject({ id: idFor(1), committed: true, pushed: false });
    expect(out.warnings.join('\n')).toMatch(/non-fast-forward.*The commit is kept.*canon session rename .*-01.*git pull --rebase.*git push/s);
    expect(s.repo.git(['log', '-1', '--format=%s']).stdout).toContain(`session ${idFor(1)}: Hook hardening`);
  });

  test('an unrelated dirty file and a file the user staged stay out of the commit, as they were', () => {
    const s = store({ remote: false });
    const { repo } = s;
    repo.write('scratch.txt', 'my notes\n');
    repo.write('tools/wip.ts', 'export const wip = true;\n');
    repo.git(['add', 'tools/wip.ts']);
    // An uncommitted edit of the workstream itself: the user's, not the handoff's.
    const ws = repo.read('workstreams/hooks.md');
    repo.write('workstreams/hooks.md', ws.replace('A goal.', 'A goal, being rewritten.'));
    repo.write('draft.json', draft());

    const result = s.handoff(['--from', 'draft.json', '--yes', '--json']);
    expect(result.code).toBe(0);
    const out = s.json(result);
    expect(out.warnings.join('\n')).toMatch(/Left out of the commit.*scratch\.txt/);
    expect(committedFiles(repo)).toEqual(
      [
        'CHANGELOG.md',
        'docs/sessions/INDEX.md',
        `docs/sessions/${idFor(1)}.md`,
        `docs/sessions/index/${today().slice(0, 7)}.md`,
        'workstreams/hooks.md',
      ].sort(),
    );
    const committedWs = repo.git(['show', 'HEAD:workstreams/hooks.md']).stdout;
    expect(committedWs).toContain(`- [${idFor(1)}](`);
    expect(committedWs).not.toContain('being rewritten');
    // The working tree keeps both the user's edit and the log line; their staged file is still staged.
    expect(repo.read('workstreams/hooks.md')).toContain('being rewritten');
    expect(repo.read('workstreams/hooks.md')).toContain(`- [${idFor(1)}](`);
    expect(repo.read('scratch.txt')).toBe('my notes\n');
    const status = repo.git(['status', '--porcelain']).stdout;
    expect(status).toMatch(/^A {2}tools\/wip\.ts$/m);
    expect(status).toMatch(/^\?\? scratch\.txt$/m);
    expect(status).toMatch(/^ M workstreams\/hooks\.md$/m);
  });

  test('a hook refusal keeps the note on disk, commits nothing and exits 1', () => {
    const s = store({ remote: false });
    const head = s.repo.head();
    s.repo.write('draft.json', draft({ summary: `Rotated the token ghp_${'a1B2c3D4e5'.repeat(3)}abcdef today.` }));
    const calls = spyOnRunner(s.repo);
    const result = s.handoff(['--from', 'draft.json', '--yes', '--json']);
    expect(result.code).toBe(1);
    // What the handoff's own check refused, the hook checked and refused itself.
    expect(calls()).toContain('pre-commit');
    expect(result.stderr).toMatch(/commit was refused/);
    expect(result.stderr).toMatch(/was kept on disk/);
    expect(result.stderr).not.toContain('a1B2c3D4e5a1B2c3D4e5');
    expect(s.json(result)).toMatchObject({ id: idFor(1), committed: false, pushed: false });
    expect(s.repo.head()).toBe(head);
    const note = parseNote(s.repo.read(`docs/sessions/${idFor(1)}.md`));
    expect(note.data.title).toBe('Hook hardening');
  });

  test('--no-commit writes and stages only', () => {
    const s = store({ remote: false });
    const head = s.repo.head();
    s.repo.write('draft.json', draft());
    const result = s.handoff(['--from', 'draft.json', '--yes', '--json', '--no-commit']);
    expect(result.code).toBe(0);
    expect(s.json(result)).toMatchObject({ committed: false, pushed: false });
    expect(s.repo.head()).toBe(head);
    expect(s.repo.git(['diff', '--cached', '--name-only']).stdout.trim().split('\n').sort()).toEqual([
      'CHANGELOG.md',
      `docs/sessions/${idFor(1)}.md`,
      'workstreams/hooks.md',
    ]);
  });
});

describe('canon handoff refuses bad input before it claims anything', () => {
  let shared: Store | undefined;
  afterAll(() => shared?.repo.cleanup());
  const sessions = (repo: GitRepo) => (repo.exists('docs/sessions') ? readdirSync(path.join(repo.dir, 'docs/sessions')) : []);

  test.each([
    ['invalid JSON', '{"title": "x",', /is not valid JSON/],
    ['no title', JSON.stringify({ summary: 'y' }), /a title is required/],
    ['no summary', JSON.stringify({ title: 'x' }), /a summary is required/],
    ['a list that is not a list', JSON.stringify({ title: 'x', summary: 'y', shipped: 3 }), /"shipped" must be a list of strings/],
    ['a bad tag', JSON.stringify({ title: 'x', summary: 'y', tags: ['Not Kebab'] }), /kebab-case.*"Not Kebab"/],
  ])('%s: exit 2, no session file', (_name, text, message) => {
    // Nothing is claimed or written, so one store serves every case.
    const s = (shared ??= store({ remote: false, keep: true }));
    const result = s.handoff(['--from', '-', '--yes', '--json'], { input: text });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/Nothing was claimed or written/);
    expect(sessions(s.repo)).toEqual([]);
  });

  test('a workstream that does not exist is a warning; the note is written and committed', () => {
    const s = store({ remote: false });
    const result = s.handoff(['--from', '-', '--yes', '--json'], { input: draft({ workstream: 'no-such-thing' }) });
    expect(result.code).toBe(0);
    const out = s.json(result);
    expect(out.committed).toBe(true);
    expect(out.warnings.join('\n')).toMatch(/Workstream "no-such-thing" has no file \(workstreams\/no-such-thing\.md\)/);
  });

  test('a workstream file without frontmatter gets its Session Log line and nothing else', () => {
    const s = store({ remote: false });
    const plain = '# Hooks\n\nNo frontmatter here.\n\n## Session Log\n\n- RT-260101-01 (2026-01-01): older\n';
    s.repo.write('workstreams/hooks.md', plain);
    const result = s.handoff(['--from', '-', '--yes', '--json', '--no-commit'], { input: draft() });
    expect(result.code).toBe(0);
    expect(s.repo.read('workstreams/hooks.md')).toBe(
      plain.replace(
        '## Session Log\n\n',
        `## Session Log\n\n- [${idFor(1)}](../docs/sessions/${idFor(1)}.md) (${today()}): Made the PostToolUse hook exact under 200-way concurrency.\n`,
      ),
    );
  });

  test('a markdown --from is taken as the body, with its frontmatter', () => {
    const s = store({ remote: false });
    s.repo.write(
      'draft.md',
      `---\ntitle: From markdown\nsummary: Wrote it by hand.\nworkstream: hooks\n---\n## What shipped\n\n- one\n- two\n\n## Pitfalls\n\nKept, not dropped.\n\n## Resume Prompt\n\n${RESUME_PROMPT}\n\nConfidence: medium\n`,
    );
    const result = s.handoff(['--from', 'draft.md', '--yes', '--json']);
    expect(result.code).toBe(0);
    const note = parseNote(s.repo.read(s.json(result).path!));
    expect(note.data).toMatchObject({ title: 'From markdown', confidence: 'medium', mode: 'full' });
    expect(note.body).toContain('## What shipped\n\n- one\n- two\n');
    expect(note.body).toContain('## Pitfalls\n\nKept, not dropped.\n');
    expect(note.body).toContain('\n\nConfidence: medium\n');
  });

  test('no git identity, a detached HEAD, a merge in progress: exit 2, nothing claimed', () => {
    const s = store({ remote: false });
    const { repo } = s;
    repo.write('draft.json', draft());

    repo.git(['config', '--unset', 'user.email']);
    repo.git(['config', '--unset', 'user.name']);
    const noIdentity = s.handoff(['--from', 'draft.json', '--yes'], { env: { EMAIL: undefined } });
    expect(noIdentity.code).toBe(2);
    expect(noIdentity.stderr).toMatch(/git does not know who you are/);
    repo.git(['config', 'user.email', 'roman@example.com']);
    repo.git(['config', 'user.name', 'Roman T.']);

    repo.git(['checkout', '-q', '--detach']);
    const detached = s.handoff(['--from', 'draft.json', '--yes']);
    expect(detached.code).toBe(2);
    expect(detached.stderr).toMatch(/HEAD is detached/);
    repo.git(['checkout', '-q', 'main']);

    repo.git(['checkout', '-q', '-b', 'side']);
    repo.write('conflict.txt', 'side\n');
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '--no-verify', '-m', 'side']);
    repo.git(['checkout', '-q', 'main']);
    repo.write('conflict.txt', 'main\n');
    repo.git(['add', 'conflict.txt']);
    repo.git(['commit', '-q', '--no-verify', '-m', 'main']);
    expect(repo.git(['merge', 'side'], { allowFail: true }).code).not.toBe(0);
    const merging = s.handoff(['--from', 'draft.json', '--yes']);
    expect(merging.code).toBe(2);
    expect(merging.stderr).toMatch(/in the middle of a merge/);
    expect(merging.stderr).toMatch(/git merge --abort/);

    expect(sessions(repo)).toEqual([]);
  });

  test('outside a git repository: exit 2', () => {
    // No store needed: a plain folder with an isolated HOME.
    const base = mkdtempSync(path.join(os.tmpdir(), 'canon-test-'));
    cleanups.push(() => rmSync(base, { recursive: true, force: true }));
    const outside = path.join(base, 'plain');
    mkdirSync(outside);
    const result = runCli(['handoff', '--title', 'x', '--summary', 'y', '--yes'], {
      cwd: outside,
      env: isolatedEnv(path.join(base, 'home'), { OPERATOR: 'roman' }),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not .*git repository/i);
  });
});
