import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { parseTelemetryState, type TelemetryState } from '../../tools/core/telemetry.js';
import { readTelemetryState } from '../../tools/io/telemetry.js';
import { runCli, type CliResult, type GitRepo } from '../helpers/git-repo.js';
import { hookInput, installHookBundle, runHook } from '../helpers/hook.js';
import { storeTemplate } from '../helpers/repo-template.js';

let repo: GitRepo | undefined;
afterEach(() => {
  if (repo && existsSync(path.join(repo.dir, '.claude/state'))) chmodSync(path.join(repo.dir, '.claude/state'), 0o755);
  repo?.cleanup();
  repo = undefined;
});

/** A repository with the hook bundles as a fresh clone has them, built once; every test gets its own copy. */
const template = storeTemplate({}, installHookBundle);
afterAll(() => template.cleanup());

function setup(): GitRepo {
  repo = template.copy();
  return repo;
}

const STATE = '.claude/state';
/** What handoff reads: the state file plus any journal lines a skipped fold left for later. */
const readState = (r: GitRepo, id = 'sess-1') => readTelemetryState(r.dir, id) as TelemetryState;
/** The state file alone, as the last fold left it. */
const stateOnDisk = (r: GitRepo, id = 'sess-1') => parseTelemetryState(r.read(`${STATE}/session-${id}.json`));
const journalLines = (r: GitRepo, id = 'sess-1') => r.read(`${STATE}/session-${id}.jsonl`).split('\n').filter(Boolean).length;
const errorLog = (r: GitRepo) => (r.exists(`${STATE}/hook-errors.log`) ? r.read(`${STATE}/hook-errors.log`) : '');
const stateFiles = (r: GitRepo) => readdirSync(path.join(r.dir, STATE)).sort();

/** Every invocation behaves like a hook must: exit 0, silent on stdout. */
function expectQuiet(results: CliResult[]): void {
  expect(results.filter((r) => r.code !== 0 || r.stdout !== '')).toEqual([]);
}

/**
 * `n` calls over eight tools (two of them one MCP server's methods), in a cycle of 40 where each tool
 * has its own weight: at 200 every tally (each tool, each method, the server, the subagents) is a
 * different number, so a call credited to the wrong one shows.
 */
function toolNames(n: number): string[] {
  const weights: [string, number][] = [
    ['Bash', 1],
    ['Read', 2],
    ['mcp__notion_offplan__API-post-page', 3],
    ['Edit', 4],
    ['mcp__notion_offplan__API-get-self', 6],
    ['Agent', 5],
    ['Grep', 8],
    ['Task', 11],
  ];
  const cycle = weights.flatMap(([tool, weight]) => Array<string>(weight).fill(tool));
  return Array.from({ length: n }, (_, i) => cycle[i % cycle.length]!);
}

describe('the PostToolUse hook under concurrency (real processes, one session)', () => {
  // The contract's figure (docs/contract.md §5). A run of 50 beside it repeated these assertions at a
  // smaller size; the uneven mix it had is here now (toolNames), so it added nothing.
  test('200 concurrent calls are all counted, MCP calls folded per server', async () => {
    const n = 200;
    const r = setup();
    const names = toolNames(n);
    const results = await Promise.all(
      names.map((name, i) => runHook(r, hookInput(name, { cwd: r.dir, tool_input: { file_path: path.join(r.dir, `src/f${i % 5}.ts`) } }))),
    );
    expectQuiet(results);
    const state = readState(r);
    const count = (name: string) => names.filter((x) => x === name).length;
    expect(state.tool_calls_count).toBe(n);
    expect(state.tool_calls_breakdown).toEqual({
      mcp__notion_offplan: count('mcp__notion_offplan__API-post-page') + count('mcp__notion_offplan__API-get-self'),
      Bash: count('Bash'),
      Read: count('Read'),
      Edit: count('Edit'),
      Agent: count('Agent'),
      Task: count('Task'),
      Grep: count('Grep'),
    });
    expect(state.tool_calls_breakdown_methods).toEqual({
      mcp__notion_offplan: { 'API-post-page': count('mcp__notion_offplan__API-post-page'), 'API-get-self': count('mcp__notion_offplan__API-get-self') },
    });
    expect(state.subagents_dispatched).toBe(count('Agent') + count('Task'));
    expect(new Set(state.files_touched).size).toBe(state.files_touched.length);
    expect(state.files_touched.every((f) => /^src\/f[0-4]\.ts$/.test(f))).toBe(true);
    expect(journalLines(r)).toBe(n);
    // The state file holds every call the folds got to; the next call folds the rest.
    expect(stateOnDisk(r)!.tool_calls_count).toBeLessThanOrEqual(n);
    expectQuiet([await runHook(r, hookInput('Bash'))]);
    expect(stateOnDisk(r)!.tool_calls_count).toBe(n + 1);
    // Nothing left behind: no lock, no temp file, no error.
    expect(stateFiles(r)).toEqual(['session-sess-1.json', 'session-sess-1.jsonl']);
    // It asserts counts, never time: 200 node processes on a loaded 2-core machine may take minutes.
  }, 600_000);
});

describe('the PostToolUse hook as registered', () => {
  test('the command in .claude/settings.json counts a call, run from any directory', () => {
    const r = setup();
    const settings = JSON.parse(r.read('.claude/settings.json')) as { hooks: { PostToolUse: { hooks: { command: string }[] }[] } };
    const command = settings.hooks.PostToolUse[0]!.hooks[0]!.command;
    mkdirSync(path.join(r.dir, 'sub'));
    const result = spawnSync('sh', ['-c', command], {
      cwd: path.join(r.dir, 'sub'),
      env: { ...r.env, CLAUDE_PROJECT_DIR: r.dir },
      input: hookInput('Write', { cwd: path.join(r.dir, 'sub'), tool_input: { file_path: 'notes.md' } }),
      encoding: 'utf8',
    });
    expect([result.status, result.stdout, result.stderr]).toEqual([0, '', '']);
    expect(readState(r)).toMatchObject({ tool_calls_count: 1, files_touched: ['sub/notes.md'], cwd: path.join(r.dir, 'sub') });
  });

  test('`canon hook post-tool-use` does the same work', () => {
    const r = setup();
    const result = runCli(['hook', 'post-tool-use'], { cwd: r.dir, env: { ...r.env, CLAUDE_PROJECT_DIR: r.dir }, input: hookInput('Bash') });
    expect([result.code, result.stdout]).toEqual([0, '']);
    expect(readState(r).tool_calls_count).toBe(1);
  });

  test('without $CLAUDE_PROJECT_DIR the state goes to the repository around the stdin cwd', async () => {
    const r = setup();
    mkdirSync(path.join(r.dir, 'deep/er'), { recursive: true });
    expectQuiet([await runHook(r, hookInput('Bash', { cwd: path.join(r.dir, 'deep/er') }), { CLAUDE_PROJECT_DIR: '' })]);
    expect(readState(r).tool_calls_count).toBe(1);
  });

  test('session id: stdin, else $CLAUDE_SESSION_ID, else the parent pid', async () => {
    const r = setup();
    const noId = JSON.stringify({ tool_name: 'Bash', tool_input: {} });
    expectQuiet([await runHook(r, noId, { CLAUDE_SESSION_ID: 'from-env' })]);
    expectQuiet([await runHook(r, noId)]);
    expect(readState(r, 'from-env').session_id).toBe('from-env');
    expect(readState(r, `ppid-${process.pid}`).tool_calls_count).toBe(1);
  });

  test('sibling sessions active within the hour are parallel terminals', async () => {
    const r = setup();
    expectQuiet(await Promise.all(['a', 'b', 'c'].map((id) => runHook(r, hookInput('Bash', { session_id: id })))));
    expectQuiet([await runHook(r, hookInput('Bash', { session_id: 'a' }))]);
    expect(readState(r, 'a').parallel_terminals_observed).toBe(2);
  });

  test('CANON_HOOKS=0 turns it off', async () => {
    const r = setup();
    expectQuiet([await runHook(r, hookInput('Bash'), { CANON_HOOKS: '0' })]);
    expect(r.exists(STATE)).toBe(false);
  });
});

describe('the PostToolUse hook never fails the agent', () => {
  test.each([
    ['empty stdin', '', /stdin was empty/],
    ['garbage stdin', '\u0000\u0001garbage{{', /stdin is not JSON/],
    ['JSON without tool_name', '{"session_id":"sess-1","cwd":"/x"}', /no usable tool_name/],
    ['a JSON array', '[1,2,3]', /not an object/],
  ])('%s: exit 0, nothing on stdout, the error log says what happened', async (_name, input, logged) => {
    const r = setup();
    expectQuiet([await runHook(r, input)]);
    expect(errorLog(r)).toMatch(logged);
    expect(errorLog(r)).toMatch(/this call was not counted/);
    expect(stateFiles(r)).toEqual(['hook-errors.log']);
  });

  test('a session id like ../../etc stays inside .claude/state/', async () => {
    const r = setup();
    const outside = path.resolve(r.dir, STATE, '../../etc');
    expectQuiet([await runHook(r, hookInput('Bash', { session_id: '../../etc' }))]);
    const files = stateFiles(r);
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^session-[A-Za-z0-9_-]+\.json$/);
    expect(files[1]).toBe(`${files[0]}l`);
    expect(JSON.parse(r.read(`${STATE}/${files[0]}`))).toMatchObject({ session_id: '../../etc', tool_calls_count: 1 });
    expect(existsSync(outside)).toBe(false);
  });

  test('a state file holding garbage is moved aside and counting restarts', async () => {
    const r = setup();
    r.write(`${STATE}/session-sess-1.json`, 'this is not { json');
    expectQuiet([await runHook(r, hookInput('Bash'))]);
    expect(readState(r).tool_calls_count).toBe(1);
    const corrupt = stateFiles(r).filter((f) => /^session-sess-1\.json\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/.test(f));
    expect(corrupt).toHaveLength(1);
    expect(r.read(`${STATE}/${corrupt[0]}`)).toBe('this is not { json');
    expect(errorLog(r)).toMatch(/did not hold a telemetry state; it was moved to .*corrupt.* rebuilt from the journal/);
  });

  test('a lock held by a dead process is broken and the call counted', async () => {
    const r = setup();
    expectQuiet([await runHook(r, hookInput('Bash'))]);
    const dead = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim();
    r.write(`${STATE}/session-sess-1.json.lock`, JSON.stringify({ pid: Number(dead), host: hostname(), nonce: 'killed' }));
    expectQuiet([await runHook(r, hookInput('Bash'))]);
    expect(stateOnDisk(r)!.tool_calls_count).toBe(2);
    expect(stateFiles(r)).toEqual(['session-sess-1.json', 'session-sess-1.jsonl']);
  });

  test('a hook killed while holding the lock does not stop the next calls', async () => {
    const r = setup();
    // A lock from a process on another machine cannot be checked by pid: it is broken by age (2 s).
    const lock = path.join(r.dir, STATE, 'session-sess-1.json.lock');
    r.write(`${STATE}/session-sess-1.json.lock`, JSON.stringify({ pid: 1, host: 'elsewhere', nonce: 'x' }));
    const old = new Date(Date.now() - 10_000);
    utimesSync(lock, old, old);
    expectQuiet(await Promise.all([1, 2, 3].map(() => runHook(r, hookInput('Bash')))));
    expect(readState(r).tool_calls_count).toBe(3);
    expect(r.exists(`${STATE}/session-sess-1.json.lock`)).toBe(false);
  });

  test('temp files older than an hour are swept', async () => {
    const r = setup();
    const temp = r.write(`${STATE}/session-sess-1.json.999-dead.tmp`, '{"half":');
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(temp, old, old);
    expectQuiet([await runHook(r, hookInput('Bash'))]);
    expect(existsSync(temp)).toBe(false);
  });

  test('a missing .claude/state/ is created', async () => {
    const r = setup();
    rmSync(path.join(r.dir, '.claude/state'), { recursive: true, force: true });
    expectQuiet([await runHook(r, hookInput('Bash'))]);
    expect(readState(r).tool_calls_count).toBe(1);
  });

  test('an unusable .claude/state (a file where the folder should be) still exits 0, silent on stdout', async () => {
    const r = setup();
    r.write(STATE, 'not a folder');
    const result = await runHook(r, hookInput('Bash'));
    expectQuiet([result]);
    expect(result.stderr).toMatch(/could not record the call/);
    expect(r.read(STATE)).toBe('not a folder');
  });

  const asRoot = process.getuid?.() === 0;
  (asRoot ? test.skip : test)('an unwritable .claude/state/ exits 0, silent on stdout', async () => {
    const r = setup();
    mkdirSync(path.join(r.dir, STATE), { recursive: true });
    chmodSync(path.join(r.dir, STATE), 0o555);
    expectQuiet([await runHook(r, hookInput('Bash'))]);
    expect(readdirSync(path.join(r.dir, STATE))).toEqual([]);
  });

  test('a state file the hook cannot replace is logged, not thrown; the call is still in the journal', async () => {
    const r = setup();
    // A directory where the state file should be: reading and renaming over it fail whoever runs the test.
    mkdirSync(path.join(r.dir, STATE, 'session-sess-1.json', 'x'), { recursive: true });
    expectQuiet([await runHook(r, hookInput('Bash'))]);
    expect(errorLog(r)).toMatch(/recorded in the journal, but the state file could not be updated \(.*\)/);
    expect(
      readFileSync(path.join(r.dir, STATE, 'hook-errors.log'), 'utf8')
        .split('\n')
        .filter(Boolean),
    ).toHaveLength(1);
    expect(journalLines(r)).toBe(1);
  });

  test('a journal that cannot be written: exit 0, logged as not counted', async () => {
    const r = setup();
    mkdirSync(path.join(r.dir, STATE, 'session-sess-1.jsonl'), { recursive: true });
    expectQuiet([await runHook(r, hookInput('Bash'))]);
    expect(errorLog(r)).toMatch(/could not record the call \(.*\); this call was not counted/);
  });
});
