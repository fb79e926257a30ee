// Faults of the machine, not of the input (ADR-0025): a state folder canon cannot write, a full disk, a
// read-only note, a path outside the repository. Each gives one line naming the path and the fix, and
// nothing half-done. The faults are real: as root, a read-only or tiny tmpfs mounted over the folder
// (a full disk is a tmpfs filled to its last byte) and a read-only bind mount over a note; otherwise
// chmod (and the full-disk tests are skipped: an unprivileged user cannot make a disk full).
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, type GitRepo } from '../helpers/git-repo.js';
import { sessionNote, workstreamNote } from '../helpers/notes.js';
import { storeTemplate } from '../helpers/repo-template.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

function sh(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** Whether this process may mount (root in a sandbox that allows it): tried once, on a scratch folder. */
const CAN_MOUNT = (() => {
  if (process.getuid?.() !== 0) return false;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'canon-mount-probe-'));
  const ok = sh('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', dir]);
  if (ok) sh('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
  return ok;
})();
const AS_ROOT = process.getuid?.() === 0;
const withMount = CAN_MOUNT ? test : test.skip;

function mount(args: string[], target: string): void {
  if (!sh('mount', [...args, target])) throw new Error(`mount ${args.join(' ')} ${target} failed`);
  cleanups.push(() => void sh('umount', ['-l', target]));
}

/** A tmpfs of 64 KiB over `dir`, filled until the disk is full. */
function fullDisk(dir: string): void {
  mkdirSync(dir, { recursive: true });
  mount(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs'], dir);
  spawnSync('dd', ['if=/dev/zero', `of=${path.join(dir, '.filler')}`, 'bs=4k'], { stdio: 'ignore' });
}

/** `dir` made unwritable: a read-only tmpfs as root (root ignores file modes), chmod otherwise. */
function unwritableFolder(dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (CAN_MOUNT) return mount(['-t', 'tmpfs', '-o', 'ro,size=16k', 'tmpfs'], dir);
  chmodSync(dir, 0o555);
  cleanups.push(() => chmodSync(dir, 0o755));
}

/** `file` made read-only: a read-only bind mount of itself as root, chmod otherwise. */
function readOnlyFile(file: string): void {
  if (CAN_MOUNT) {
    mount(['--bind', file], file);
    if (!sh('mount', ['-o', 'remount,bind,ro', file])) throw new Error('remount ro failed');
    return;
  }
  chmodSync(file, 0o444);
  cleanups.push(() => chmodSync(file, 0o644));
}

/** The store every test starts from (canon's hooks, a workstream committed through them), built once, copied per test. */
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

const handoff = [
  'handoff',
  '--yes',
  '--quick',
  '--no-push',
  '--title',
  'Faulty disk',
  '--summary',
  'Tried a full disk.',
  '--resume-prompt',
  'Carry on. Confidence: high',
];

function expectOneLine(stderr: string, line: RegExp): void {
  expect(stderr).not.toMatch(/internal error|report it|\n\s+at /);
  expect(stderr).toMatch(line);
}

const sessionFiles = (repo: GitRepo) => (existsSync(path.join(repo.dir, 'docs/sessions')) ? readdirSync(path.join(repo.dir, 'docs/sessions')) : []);

describe('a state folder canon cannot write', () => {
  (AS_ROOT && !CAN_MOUNT ? test.skip : test)('unwritable .claude/state: handoff names it and the fix, and claims nothing', () => {
    const { repo, env } = store();
    unwritableFolder(path.join(repo.dir, '.claude/state'));
    const head = repo.head();
    const r = runCli(handoff, { cwd: repo.dir, env });
    expect(r.code).toBe(1);
    expectOneLine(
      r.stderr,
      CAN_MOUNT
        ? /Cannot write to \.claude\/state: the file system is read-only\. Nothing was written\./
        : /Cannot write to \.claude\/state: permission denied\. Nothing was written\./,
    );
    expect(r.stderr).toMatch(CAN_MOUNT ? /remount it read-write/ : /chmod u\+w \.claude\/state/);
    expect(sessionFiles(repo)).toEqual([]);
    expect(repo.head()).toBe(head);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
  });

  withMount('full .claude/state: handoff names it and the fix, claims nothing, leaves no temp file', () => {
    const { repo, env } = store();
    const state = path.join(repo.dir, '.claude/state');
    fullDisk(state);
    const r = runCli(handoff, { cwd: repo.dir, env });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, /Cannot write to \.claude\/state: the disk is full\. Nothing was written\./);
    expect(r.stderr).toContain('Free some disk space');
    expect(sessionFiles(repo)).toEqual([]);
    expect(readdirSync(state).filter((n) => n !== '.filler')).toEqual([]);
  });

  withMount('full disk under docs/sessions: the claim fails with one line and leaves no .claim-*.tmp', () => {
    const { repo, env } = store();
    const sessions = path.join(repo.dir, 'docs/sessions');
    fullDisk(sessions);
    const r = runCli(handoff, { cwd: repo.dir, env });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, /Cannot create a session file in docs\/sessions: the disk is full\. No id was claimed\./);
    expect(readdirSync(sessions).filter((n) => n !== '.filler')).toEqual([]);
    expect(readdirSync(path.join(repo.dir, '.claude/state')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('a read-only note', () => {
  /** Two committed notes, then both edited so that normalising rewrites them (stale content_hash). */
  function twoStaleNotes(repo: GitRepo): [string, string] {
    const a = 'docs/sessions/RT-260511-01.md';
    const b = 'docs/sessions/RT-260511-02.md';
    repo.write(a, sessionNote('RT-260511-01', { content_hash: 'sha256:' + '0'.repeat(64) }));
    repo.write(b, sessionNote('RT-260511-02', { content_hash: 'sha256:' + '0'.repeat(64) }));
    return [a, b];
  }

  (AS_ROOT && !CAN_MOUNT ? test.skip : test)('normalize stops before rewriting any note, naming the read-only one', () => {
    const { repo, env } = store();
    const [a, b] = twoStaleNotes(repo);
    const before = [repo.read(a), repo.read(b)];
    readOnlyFile(path.join(repo.dir, b));
    const r = runCli(['normalize', a, b], { cwd: repo.dir, env });
    expect(r.code).toBe(1);
    expectOneLine(r.stderr, new RegExp(`Cannot rewrite ${b}: .*\\. Nothing was changed`));
    expect([repo.read(a), repo.read(b)]).toEqual(before);
  });

  (AS_ROOT && !CAN_MOUNT ? test.skip : test)("the pre-commit hook refuses the commit before git's index is rewritten", () => {
    const { repo } = store();
    const [a, b] = twoStaleNotes(repo);
    repo.git(['add', a, b]);
    const staged = repo.git(['ls-files', '-s', a, b]).stdout;
    readOnlyFile(path.join(repo.dir, b));
    const commit = repo.git(['commit', '-q', '-m', 'two notes'], { allowFail: true, env: { OPERATOR: 'roman' } });
    expect(commit.code).not.toBe(0);
    expectOneLine(commit.stderr, new RegExp(`Cannot rewrite ${b}: `));
    expect(repo.git(['ls-files', '-s', a, b]).stdout).toBe(staged);
    expect(repo.git(['rev-list', '--count', 'HEAD']).stdout.trim()).toBe('1');
  });
});

describe('a path outside the repository', () => {
  test.each([['validate'], ['normalize']])('%s of a file outside the repository exits 2 naming it', (command) => {
    const { repo, env } = store();
    const outside = path.join(path.dirname(repo.dir), 'elsewhere.md');
    writeFileSync(outside, sessionNote('RT-260511-09'));
    for (const arg of [outside, '../elsewhere.md']) {
      const r = runCli([command, arg], { cwd: repo.dir, env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${arg} is outside the repository`);
      expect(r.stderr).not.toMatch(/0 file\(s\) checked/);
    }
  });
});
