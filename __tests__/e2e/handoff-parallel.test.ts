import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findUnfinishedHandoffs } from '../../tools/io/unfinished-handoff.js';
import { CANON_BIN, runCli, runCliAsync, type GitRepo } from '../helpers/git-repo.js';
import { workstreamNote } from '../helpers/notes.js';
import { asyncRepoTemplate, storeTemplate } from '../helpers/repo-template.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

const today = () => new Date().toISOString().slice(0, 10);

const RESUME_PROMPT =
  'Pick up the telemetry workstream: the hook is exact under load, next is the archive step in handoff. ' +
  'Start in tools/hooks, run the concurrency test first, then wire archiving into handoff step 8 and check ' +
  'that the state file moves into the archive folder. Keep the hook free of dependencies: it runs after every ' +
  'tool call and must stay under one and a half times node -e 0. The bench has a line for it. Watch for stale ' +
  'locks left by killed processes and for the error log rotation. Then update the README section on telemetry.';

function draft(n: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    title: `Terminal ${n} work`,
    summary: `Terminal ${n} shipped its part.`,
    workstream: 'hooks',
    resume_prompt: RESUME_PROMPT,
    confidence: 'high',
    quick: true,
    ...extra,
  });
}

interface HandoffJson {
  id: string | null;
  path: string | null;
  committed: boolean;
  pushed: boolean;
  warnings: string[];
}

/**
 * A store with canon's hooks installed the way `npm install` does, and one workstream committed through
 * them: built once for the file, copied for each test.
 */
const template = storeTemplate({ hooks: true }, (repo) => {
  repo.write('workstreams/hooks.md', workstreamNote('hooks'));
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'init']);
});
afterAll(() => template.cleanup());

function store(): { repo: GitRepo; env: NodeJS.ProcessEnv } {
  const repo = template.copy();
  cleanups.push(() => repo.cleanup());
  return { repo, env: { ...repo.env, OPERATOR: 'roman' } };
}

const args = ['handoff', '--from', '-', '--json', '--yes', '--no-push'];

/** Commits after the first, oldest first, with the files each one changed. */
function commitsAfterInit(repo: GitRepo): Array<{ sha: string; subject: string; files: string[] }> {
  const shas = repo.git(['rev-list', '--reverse', 'HEAD']).stdout.trim().split('\n').slice(1);
  return shas.map((sha) => ({
    sha,
    subject: repo.git(['log', '-1', '--format=%s', sha]).stdout.trim(),
    files: repo.git(['show', '--name-only', '--format=', sha]).stdout.trim().split('\n').sort(),
  }));
}

function sessionLogLines(repo: GitRepo, rev = 'HEAD'): string[] {
  return repo
    .git(['show', `${rev}:workstreams/hooks.md`])
    .stdout.split('\n')
    .filter((l) => /^- \[[A-Z]{2}-\d{6}-\d{2}\]\(/.test(l));
}

/** Start a handoff that stops (as if the machine froze) at a named point; resolves once it got there. */
function startPaused(repo: GitRepo, env: NodeJS.ProcessEnv, point: string, input: string, argv = args) {
  const child = spawn(process.execPath, [CANON_BIN, ...argv], { cwd: repo.dir, env: { ...env, CANON_TEST_PAUSE_AT: point } });
  let stderr = '';
  const reached = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes(`canon-test: paused at ${point}`)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`handoff exited (${code}) before ${point}:\n${stderr}`)));
  });
  child.stdin.end(input);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    pid: child.pid!,
    reached,
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('parallel handoffs in one clone', () => {
  test('10 at once: 10 commits, each with its own note and Session Log line, all 10 lines kept, index --check ok', async () => {
    const { repo, env } = store();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => runCliAsync(args, { cwd: repo.dir, env, input: draft(i + 1) })));
    const outputs = results.map((r) => {
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as HandoffJson;
    });

    const ids = outputs.map((o) => o.id);
    expect(new Set(ids).size).toBe(10);
    const commits = commitsAfterInit(repo);
    expect(commits).toHaveLength(10);
    for (const out of outputs) {
      expect(out.committed).toBe(true);
      expect(out.path).toBe(`docs/sessions/${out.id}.md`);
      // The commit that holds this handoff's note holds no other note.
      const own = commits.filter((c) => c.files.includes(out.path!));
      expect(own).toHaveLength(1);
      const notes = own[0]!.files.filter((f) => /^docs\/sessions\/[A-Z]{2}-\d{6}-\d{2}\.md$/.test(f));
      expect(notes).toEqual([out.path]);
      expect(own[0]!.subject).toMatch(new RegExp(`^session ${out.id}: `));
      // Its note in git says what its own input said.
      const title = /^title: (.*)$/m.exec(repo.git(['show', `${own[0]!.sha}:${out.path}`]).stdout)?.[1];
      const n = Number(/Terminal (\d+) work/.exec(title ?? '')?.[1]);
      expect(outputs[n - 1]).toBe(out);
      // Exactly its own Session Log line was added by its commit.
      const before = sessionLogLines(repo, `${own[0]!.sha}~1`);
      const after = sessionLogLines(repo, own[0]!.sha);
      expect(after.filter((l) => !before.includes(l))).toEqual([
        expect.stringMatching(new RegExp(`^- \\[${out.id}\\]\\([^)]*\\) \\(${today()}\\): Terminal ${n} shipped`)),
      ]);
    }
    expect(sessionLogLines(repo)).toHaveLength(10);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
    expect(runCli(['index', '--check'], { cwd: repo.dir, env }).code).toBe(0);
    expect(runCli(['validate', '--all', '--strict'], { cwd: repo.dir, env }).code).toBe(0);
  }, 240_000);

  test('a handoff killed with -9 while it holds the lock does not keep it: the next one proceeds', async () => {
    const { repo, env } = store();
    const paused = startPaused(repo, env, 'handoff:locked', draft(1));
    await paused.reached;
    const lockFile = path.join(repo.dir, '.claude/state/handoff.lock');
    expect(readFileSync(lockFile, 'utf8')).toContain(`"pid":${paused.pid}`);
    await paused.kill9();
    expect(existsSync(lockFile)).toBe(true);

    const next = await runCliAsync(args, { cwd: repo.dir, env, input: draft(2) });
    expect(next.stderr).not.toMatch(/internal error/);
    expect(next.code).toBe(0);
    const out = JSON.parse(next.stdout) as HandoffJson;
    expect(out.committed).toBe(true);
    expect(commitsAfterInit(repo).map((c) => c.subject)).toEqual([`session ${out.id}: Terminal 2 work`]);
    expect(existsSync(lockFile)).toBe(false);
    expect(runCli(['index', '--check'], { cwd: repo.dir, env }).code).toBe(0);
  }, 120_000);
});

const sessionFiles = (repo: GitRepo) =>
  readdirSync(path.join(repo.dir, 'docs/sessions'))
    .filter((f) => /^[A-Z]{2}-\d{6}-\d{2}\.md$/.test(f))
    .sort();

describe('a handoff killed halfway (note and Session Log written, nothing committed)', () => {
  async function killHalfway(repo: GitRepo, env: NodeJS.ProcessEnv, input: string) {
    const paused = startPaused(repo, env, 'handoff:session-logged', input);
    await paused.reached;
    // findUnfinishedHandoffs (what `canon doctor` calls) does not take a running handoff for a dead one.
    expect(await findUnfinishedHandoffs({ root: repo.dir }, { env })).toEqual([]);
    await paused.kill9();
    const [orphan] = sessionFiles(repo);
    const id = orphan!.replace(/\.md$/, '');
    expect(repo.read('workstreams/hooks.md')).toContain(`- [${id}](`);
    expect(repo.git(['rev-list', '--count', 'HEAD']).stdout.trim()).toBe('1');
    const found = await findUnfinishedHandoffs({ root: repo.dir }, { env });
    expect(found).toEqual([expect.objectContaining({ id, path: `docs/sessions/${id}.md`, operator: 'roman', title: 'Terminal 1 work' })]);
    return id;
  }

  /**
   * The state both tests below start from (killed halfway with the same input) is made once and
   * copied; killHalfway's own checks run when it is made, by whichever of them runs first.
   */
  const halfway = asyncRepoTemplate(async () => {
    const repo = template.copy();
    await killHalfway(repo, { ...repo.env, OPERATOR: 'roman' }, draft(1));
    return repo;
  });
  afterAll(() => halfway.cleanup());

  async function halfwayCopy() {
    const repo = await halfway.copy();
    cleanups.push(() => repo.cleanup());
    const [orphan] = sessionFiles(repo);
    return { repo, env: { ...repo.env, OPERATOR: 'roman' }, id: orphan!.replace(/\.md$/, '') };
  }

  test('the same handoff run again finishes it (commit) instead of writing a second note, and says so', async () => {
    const { repo, env, id } = await halfwayCopy();

    const again = await runCliAsync(args, { cwd: repo.dir, env, input: draft(1) });
    expect(again.stderr).not.toMatch(/internal error/);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`Found an unfinished handoff: ${id}`);
    expect(again.stderr).toContain('it was finished instead of writing a second note');
    expect(JSON.parse(again.stdout)).toMatchObject({ id, path: `docs/sessions/${id}.md`, committed: true, pushed: false });
    expect(sessionFiles(repo)).toEqual([`${id}.md`]);
    const commits = commitsAfterInit(repo);
    expect(commits).toHaveLength(1);
    expect(commits[0]!.subject).toBe(`session ${id}: Terminal 1 work`);
    expect(commits[0]!.files).toEqual(expect.arrayContaining([`docs/sessions/${id}.md`, 'workstreams/hooks.md']));
    expect(sessionLogLines(repo)).toEqual([expect.stringMatching(new RegExp(`^- \\[${id}\\]\\([^)]*\\) \\(`))]);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
    expect(await findUnfinishedHandoffs({ root: repo.dir }, { env })).toEqual([]);
    expect(runCli(['index', '--check'], { cwd: repo.dir, env }).code).toBe(0);
  }, 120_000);

  test('a different handoff finishes it in its own commit first, then commits its own note', async () => {
    const { repo, env, id } = await halfwayCopy();

    const next = await runCliAsync(args, { cwd: repo.dir, env, input: draft(2) });
    expect(next.stderr).not.toMatch(/internal error/);
    expect(next.code).toBe(0);
    expect(next.stderr).toContain(`Found an unfinished handoff: ${id}`);
    const out = JSON.parse(next.stdout) as HandoffJson;
    expect(out.id).not.toBe(id);
    expect(out.committed).toBe(true);
    const commits = commitsAfterInit(repo);
    expect(commits.map((c) => c.subject)).toEqual([`session ${id}: Terminal 1 work`, `session ${out.id}: Terminal 2 work`]);
    expect(commits[0]!.files).toContain(`docs/sessions/${id}.md`);
    expect(commits[0]!.files).not.toContain(out.path);
    expect(commits[1]!.files).not.toContain(`docs/sessions/${id}.md`);
    expect(sessionLogLines(repo)).toHaveLength(2);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
    expect(runCli(['index', '--check'], { cwd: repo.dir, env }).code).toBe(0);
  }, 120_000);

  test('killed before its Session Log line: the run again writes the line, commits and pushes it', async () => {
    const { repo, env } = store();
    const remote = path.join(path.dirname(repo.dir), 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote], { env: repo.env });
    repo.git(['remote', 'add', 'origin', remote]);
    // Setting up the upstream: the first commit's push is not what this test examines (the handoff's is,
    // through canon's pre-push), so it skips the hook.
    repo.git(['push', '-q', '--no-verify', '-u', 'origin', 'main']);
    const pushing = args.filter((a) => a !== '--no-push');
    const paused = startPaused(repo, env, 'handoff:note-written', draft(1), pushing);
    await paused.reached;
    await paused.kill9();
    const [orphan] = sessionFiles(repo);
    const id = orphan!.replace(/\.md$/, '');
    expect(repo.read('workstreams/hooks.md')).not.toContain(id);

    const again = await runCliAsync(pushing, { cwd: repo.dir, env, input: draft(1) });
    expect(again.stderr).not.toMatch(/internal error/);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ id, committed: true, pushed: true });
    const commits = commitsAfterInit(repo);
    expect(commits.map((c) => c.subject)).toEqual([`session ${id}: Terminal 1 work`]);
    expect(sessionLogLines(repo)).toEqual([expect.stringMatching(new RegExp(`^- \\[${id}\\]\\([^)]*\\) \\(${today()}\\): Terminal 1 shipped`))]);
    expect(execFileSync('git', ['--git-dir', remote, 'rev-parse', 'main'], { encoding: 'utf8' })).toBe(repo.git(['rev-parse', 'HEAD']).stdout);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
    expect(runCli(['index', '--check'], { cwd: repo.dir, env }).code).toBe(0);
  }, 120_000);

  test('a --no-commit handoff is not unfinished: the next handoff leaves its staged note alone', async () => {
    const { repo, env } = store();
    const staged = await runCliAsync([...args, '--no-commit'], { cwd: repo.dir, env, input: draft(1) });
    expect(staged.code).toBe(0);
    const first = (JSON.parse(staged.stdout) as HandoffJson).path!;
    expect(await findUnfinishedHandoffs({ root: repo.dir }, { env })).toEqual([]);

    const next = await runCliAsync(args, { cwd: repo.dir, env, input: draft(2) });
    expect(next.code).toBe(0);
    expect(next.stderr).not.toContain('unfinished');
    const out = JSON.parse(next.stdout) as HandoffJson;
    expect(commitsAfterInit(repo).map((c) => c.subject)).toEqual([`session ${out.id}: Terminal 2 work`]);
    expect(commitsAfterInit(repo)[0]!.files).not.toContain(first);
    expect(repo.git(['diff', '--cached', '--name-only']).stdout).toContain(first);
  }, 120_000);
});
