import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CANON_ROOT, installCanonHooks } from '../../tools/install-hooks.mjs';

/** canon's own checkout (where dist/, node_modules/ and schemas/ live). */
export { CANON_ROOT };
export const CANON_BIN = path.join(CANON_ROOT, 'dist', 'canon.js');

export interface GitRepo {
  dir: string;
  /** An isolated HOME: no global git config or hooks leak into tests. */
  env: NodeJS.ProcessEnv;
  git(args: string[], options?: { input?: string; env?: NodeJS.ProcessEnv; allowFail?: boolean }): { code: number; stdout: string; stderr: string };
  write(rel: string, text: string): string;
  read(rel: string): string;
  exists(rel: string): boolean;
  head(): string;
  cleanup(): void;
}

export interface CreateGitRepoOptions {
  /** Install canon's hooks the way `npm install` does (husky + merge driver via the prepare step). */
  hooks?: boolean;
  /** Write `.claude/operators.yaml` with roman/RT and sergei/SK (default true). */
  operators?: boolean;
  files?: Record<string, string>;
  /** Use an existing directory (e.g. a clone) instead of `git init`. */
  existing?: string;
}

export const OPERATORS_YAML = `operators:
  - slug: roman
    initials: RT
    name: Roman T.
    emails: [roman@example.com, roman.t@example.org]
  - slug: sergei
    initials: SK
    name: Sergei K.
    emails: [sergei@example.com]
`;

export function isolatedEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(GIT_|HUSKY|CANON_|OPERATOR$|CLAUDE_|NOTION_|LINT_STAGED|NO_COLOR|FORCE_COLOR|npm_)/.test(k)) continue;
    env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    // git's own housekeeping after every commit, merge and fetch (`git maintenance run --auto`, one
    // more git process each, about 10 ms) does nothing in a repository of a few dozen objects that
    // lives for one test; nothing canon does depends on it.
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'maintenance.auto',
    GIT_CONFIG_VALUE_0: 'false',
    GIT_AUTHOR_DATE: undefined,
    TZ: 'UTC',
    CI: 'true',
    ...extra,
  };
}

/**
 * A real temporary git repository (changesets' gitdir habit). Refuses to run inside canon's own
 * working tree, like lint-staged's integration helper.
 */
export function createGitRepo(options: CreateGitRepoOptions = {}): GitRepo {
  const base = mkdtempSync(path.join(os.tmpdir(), 'canon-test-'));
  if (base.startsWith(CANON_ROOT)) throw new Error('createGitRepo: refusing to create a test repository inside canon itself');
  const home = path.join(base, 'home');
  mkdirSync(home, { recursive: true });
  const dir = options.existing ?? path.join(base, 'repo');
  const repo = openGitRepo(base, dir, home);
  if (!options.existing) {
    mkdirSync(dir, { recursive: true });
    repo.git(['init', '-q', '-b', 'main']);
  }
  repo.git(['config', 'user.name', 'Roman T.']);
  repo.git(['config', 'user.email', 'roman@example.com']);
  repo.git(['config', 'commit.gpgsign', 'false']);
  if (options.operators !== false) repo.write('.claude/operators.yaml', OPERATORS_YAML);
  for (const [rel, text] of Object.entries(options.files ?? {})) repo.write(rel, text);
  if (options.hooks) installHooks(dir, repo.env);
  return repo;
}

/**
 * The handle of a repository that already exists at `dir`, with the isolated HOME `home`; cleanup
 * removes `base` (the temp folder holding both). Starts no process.
 */
export function openGitRepo(base: string, dir: string, home: string): GitRepo {
  const env = isolatedEnv(home);
  const git: GitRepo['git'] = (args, opts = {}) => {
    const r = spawnSync('git', args, { cwd: dir, env: { ...env, ...opts.env }, input: opts.input, encoding: 'utf8' });
    const result = { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    if (result.code !== 0 && !opts.allowFail) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return result;
  };
  const write = (rel: string, text: string) => {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  };
  return {
    dir,
    env,
    git,
    write,
    read: (rel) => readFileSync(path.join(dir, rel), 'utf8'),
    exists: (rel) => existsSync(path.join(dir, rel)),
    head: () => git(['rev-parse', '--verify', '-q', 'HEAD'], { allowFail: true }).stdout.trim(),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** Install canon's hooks the way `npm install`'s prepare step does (tools/install-hooks.mjs). */
export function installHooks(dir: string, env: NodeJS.ProcessEnv): void {
  installCanonHooks(dir, env);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI as a real child process. */
export function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }): CliResult {
  const r = spawnSync(process.execPath, [CANON_BIN, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    input: options.input ?? '',
    encoding: 'utf8',
  });
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** Same, asynchronously: for concurrency tests that start many processes at once. */
export function runCliAsync(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CANON_BIN, ...args], { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Wrap the clone's hook runner so each hook that starts canon's CLI leaves its name in a log: the
 * answer is the hooks that started node so far (a hook that did its work in shell is not there).
 */
export function spyOnRunner(repo: GitRepo): () => string[] {
  const run = path.join(repo.dir, '.git/canon/run');
  const log = path.join(repo.dir, '.git/canon/calls.log');
  renameSync(run, `${run}.real`);
  writeFileSync(run, `#!/bin/sh\necho "$1" >> '${log}'\nexec sh '${run}.real' "$@"\n`, { mode: 0o755 });
  return () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
}
