import { afterEach, beforeAll } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CANON_ROOT, isolatedEnv } from './git-repo.js';
import { CACHE, cachedDir, digestOf } from './test-cache.js';

/**
 * Team repositories as adopters have them: their own package.json (CommonJS or ESM), husky 9 with a
 * pre-commit running lint-staged with a real prettier, their own Claude Code hook, an ADR in the
 * classic format and a .gitattributes; canon installed from `npm pack`. npm installs are cached
 * under the temp folder, keyed by the tarball, so only the first run of a suite pays for them.
 */
export type Flavour = 'cjs' | 'esm';

/** One npm cache for every install the tests make (the isolated HOME would start an empty one). */
export const NPM_ENV = { npm_config_cache: path.join(CACHE, 'npm'), npm_config_update_notifier: 'false' };
/**
 * The machine's extra CA certificates (NODE_EXTRA_CA_CERTS), for the processes that reach the npm
 * registry: jest's global setup keeps them out of every other process (helpers/global-setup.mjs).
 */
export const REGISTRY_ENV: NodeJS.ProcessEnv = process.env.CANON_TEST_NODE_EXTRA_CA_CERTS
  ? { NODE_EXTRA_CA_CERTS: process.env.CANON_TEST_NODE_EXTRA_CA_CERTS }
  : {};

/**
 * canon as a tarball, the way a team installs it (dist is already built by `npm test`'s pretest).
 * Keyed by what `npm pack` reads (package.json, its `files`, README and LICENSE), so the files of
 * one run share one `npm pack`, and the templates built from it, until one of those files changes.
 */
export function packCanon(): string {
  const pkg = JSON.parse(readFileSync(path.join(CANON_ROOT, 'package.json'), 'utf8')) as { files?: string[] };
  const kept = path.join(CACHE, `canon-${digestOf(CANON_ROOT, ['package.json', 'README.md', 'LICENSE', ...(pkg.files ?? [])])}.tgz`);
  if (existsSync(kept)) return kept;
  mkdirSync(CACHE, { recursive: true });
  const out = mkdtempSync(path.join(CACHE, 'pack-'));
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', out], { cwd: CANON_ROOT, stdio: 'pipe' });
  const tarball = readdirSync(out).find((n) => n.endsWith('.tgz'))!;
  renameSync(path.join(out, tarball), kept);
  rmSync(out, { recursive: true, force: true });
  return kept;
}

export const TEAM_FILES = {
  husky: 'npx lint-staged\n',
  settings:
    '{\n  "hooks": {\n    "PostToolUse": [\n      { "matcher": "Bash", "hooks": [ { "type": "command", "command": "echo team-hook" } ] }\n    ]\n  }\n}\n',
  gitattributes: '*.png binary\n',
  gitignore: 'node_modules\n',
  adr: '# 1. Use Postgres\n\nDate: 2024-03-01\n\n## Status\n\nAccepted\n\n## Context\n\nWe need a database.\n',
};

function packageJson(flavour: Flavour): string {
  const pkg: Record<string, unknown> = { name: `team-app-${flavour}`, version: '1.0.0', private: true };
  if (flavour === 'esm') pkg.type = 'module';
  pkg.scripts = { prepare: 'husky', test: 'echo ok' };
  // CommonJS keeps lint-staged in package.json; the ESM team has lint-staged.config.js.
  if (flavour === 'cjs') pkg['lint-staged'] = { '*.{js,md}': 'prettier --write' };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** package.json and the lockfiles record the tarball relative to the project: make it absolute so copies and clones resolve it. */
function absoluteTarball(dir: string, tarball: string): void {
  for (const name of ['package.json', 'package-lock.json', 'pnpm-lock.yaml']) {
    const file = path.join(dir, name);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.split(`file:../${path.basename(tarball)}`).join(`file:${tarball}`));
  }
}

const hasCanonBin = (dir: string) => existsSync(path.join(dir, 'node_modules/.bin/canon'));

/** The template of one flavour with its node_modules, installed once per tarball. */
function template(flavour: Flavour, tarball: string): string {
  return cachedDir(`team-${flavour}-${path.basename(tarball, '.tgz')}`, hasCanonBin, (tmp) => {
    writeFileSync(path.join(tmp, 'package.json'), packageJson(flavour));
    execFileSync('npm', ['install', '-D', '--no-audit', '--no-fund', '--ignore-scripts', 'husky@9', 'lint-staged@16', 'prettier@3', tarball], {
      cwd: tmp,
      stdio: 'pipe',
      env: { ...process.env, HUSKY: '0', ...NPM_ENV, ...REGISTRY_ENV },
    });
    absoluteTarball(tmp, tarball);
  });
}

export interface TeamRepo {
  dir: string;
  env: NodeJS.ProcessEnv;
  run(cmd: string, args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): { code: number; stdout: string; stderr: string };
  git(args: string[], cwd?: string): { code: number; stdout: string; stderr: string };
  canon(args: string[], cwd?: string): { code: number; stdout: string; stderr: string };
  write(rel: string, text: string, cwd?: string): void;
  read(rel: string, cwd?: string): string;
  cleanup(): void;
}

/**
 * The one constructor of a team repository's handle (npm, pnpm and yarn teams alike): a temp base
 * with an isolated HOME, the repository folder (a copy of `from`, a cached template, else empty),
 * `git init` with the team's identity; commands run there with the team's environment.
 */
export function newTeamRepo(
  label: string,
  extraEnv: NodeJS.ProcessEnv,
  options: { from?: string; timeout?: number } = {},
): TeamRepo & { base: string; home: string } {
  const base = mkdtempSync(path.join(os.tmpdir(), `canon-${label}-`));
  const home = path.join(base, 'home');
  mkdirSync(home);
  const dir = path.join(base, 'repo');
  if (options.from) cpSync(options.from, dir, { recursive: true, verbatimSymlinks: true });
  else mkdirSync(dir);
  const env = isolatedEnv(home, extraEnv);
  const run: TeamRepo['run'] = (cmd, args, opts = {}) => {
    const r = spawnSync(cmd, args, { cwd: opts.cwd ?? dir, env: { ...env, ...opts.env }, encoding: 'utf8', input: '', timeout: options.timeout });
    return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  const git: TeamRepo['git'] = (args, cwd) => run('git', args, { cwd: cwd ?? dir });
  git(['init', '-q', '-b', 'main']);
  git(['config', 'user.name', 'Alice Smith']);
  git(['config', 'user.email', 'alice@team.example']);
  git(['config', 'commit.gpgsign', 'false']);
  return {
    dir,
    base,
    home,
    env,
    run,
    git,
    canon: (args, cwd) => run(path.join(dir, 'node_modules/.bin/canon'), args, { cwd: cwd ?? dir }),
    write: (rel, text, cwd) => {
      const file = path.join(cwd ?? dir, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    },
    read: (rel, cwd) => readFileSync(path.join(cwd ?? dir, rel), 'utf8'),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/**
 * A fresh team repository of the given flavour, committed, with canon installed but not yet wired.
 * `teamHooks: false`: the team's own commit is setup and skips the team's pre-commit (`npx lint-staged`
 * and prettier, about 2.5 s CPU); the files are the same, husky is laid all the same.
 */
export function createTeamRepo(flavour: Flavour, tarball: string, options: { teamHooks?: boolean } = {}): TeamRepo {
  const t = newTeamRepo(`team-${flavour}`, NPM_ENV, { from: template(flavour, tarball) });
  t.write('.husky/pre-commit', TEAM_FILES.husky);
  t.write('.claude/settings.json', TEAM_FILES.settings);
  t.write('.gitattributes', TEAM_FILES.gitattributes);
  t.write('.gitignore', TEAM_FILES.gitignore);
  t.write('docs/adr/001-use-postgres.md', TEAM_FILES.adr);
  t.write('src/index.js', flavour === 'esm' ? 'export const x = 1;\n' : 'module.exports = { x: 1 };\n');
  if (flavour === 'esm') t.write('lint-staged.config.js', "export default { '*.{js,md}': 'prettier --write' };\n");
  // The team's own husky, as `npm install`'s prepare lays it (relative core.hooksPath, .husky/_ in this
  // worktree only): its bin, as the prepare script runs it (npx would add npm's start-up, ~0.6 s CPU).
  t.run(path.join(t.dir, 'node_modules/.bin/husky'), []);
  t.git(['add', '-A']);
  t.git([...(options.teamHooks === false ? ['-c', 'core.hooksPath=/dev/null'] : []), 'commit', '-qm', 'team repo']);
  return t;
}

/**
 * A tool from the npm registry (prettier, lefthook, …) installed once under the test cache, keyed
 * by its spec: the folder holding its node_modules (and node_modules/.bin).
 */
export function npmTool(spec: string): string {
  return cachedDir(
    `tool-${spec.replace(/[^a-z0-9.@-]+/gi, '_')}`,
    (dir) => existsSync(path.join(dir, 'node_modules/.bin')),
    (tmp) => {
      writeFileSync(path.join(tmp, 'package.json'), '{ "name": "tool", "private": true }\n');
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', spec], {
        cwd: tmp,
        stdio: 'pipe',
        env: { ...process.env, ...NPM_ENV, ...REGISTRY_ENV },
      });
    },
  );
}

/**
 * A team repository of any shape, for the per-manager suites: its package.json (scripts, a
 * simple-git-hooks config …), its dev dependencies installed with npm or pnpm together with canon
 * from `npm pack`, cached under the test cache keyed by the shape's name and the tarball; then the
 * team's files, the team's own wiring (`wire`, run in the new repository) and a first commit.
 */
export interface TeamShape {
  /** The cache key of its node_modules (one per distinct package.json and dependency list). */
  name: string;
  pm: 'npm' | 'pnpm';
  /** package.json without devDependencies (the install records them). */
  packageJson: Record<string, unknown>;
  devDependencies: string[];
}

/** pnpm from the npm registry, installed once under the test cache; its store lives there too. */
export function pnpmBin(): string {
  return path.join(npmTool('pnpm@9'), 'node_modules/.bin/pnpm');
}
export const PNPM_ENV = { npm_config_store_dir: path.join(CACHE, 'pnpm-store'), npm_config_package_import_method: 'copy' };

function shapeTemplate(shape: TeamShape, tarball: string): string {
  return cachedDir(`shape-${shape.name}-${path.basename(tarball, '.tgz')}`, hasCanonBin, (tmp) => {
    writeFileSync(path.join(tmp, 'package.json'), `${JSON.stringify(shape.packageJson, null, 2)}\n`);
    const env = { ...process.env, HUSKY: '0', ...NPM_ENV, ...PNPM_ENV, ...REGISTRY_ENV };
    if (shape.pm === 'pnpm')
      execFileSync(pnpmBin(), ['add', '-D', '--ignore-scripts', ...shape.devDependencies, `file:${tarball}`], { cwd: tmp, stdio: 'pipe', env });
    else
      execFileSync('npm', ['install', '-D', '--no-audit', '--no-fund', '--ignore-scripts', ...shape.devDependencies, tarball], {
        cwd: tmp,
        stdio: 'pipe',
        env,
      });
    absoluteTarball(tmp, tarball);
  });
}

/** A repository of this shape with the team's files, wired by the team (`wire`), committed; canon installed, not wired. */
export function createShapedRepo(
  shape: TeamShape,
  tarball: string,
  files: Record<string, string>,
  wire: (t: TeamRepo) => void,
  executable: string[] = [],
): TeamRepo {
  const t = newTeamRepo(`team-${shape.name}`, { ...NPM_ENV, ...PNPM_ENV }, { from: shapeTemplate(shape, tarball) });
  for (const [rel, text] of Object.entries(files)) t.write(rel, text);
  for (const rel of executable) chmodSync(path.join(t.dir, rel), 0o755);
  wire(t);
  t.git(['add', '-A']);
  t.git(['commit', '-qm', 'team repo']);
  return t;
}

/**
 * What a file of team-repository tests sets up around its tests: canon packed once (packCanon's
 * cache) before them, and after each test its team repository and any extra folders it made removed.
 */
export function teamRepoLifecycle<T extends { cleanup(): void }>(): { tarball: string; team: T | undefined; extra: string[] } {
  const life: { tarball: string; team: T | undefined; extra: string[] } = { tarball: '', team: undefined, extra: [] };
  beforeAll(() => {
    life.tarball = packCanon();
  }, 180_000);
  afterEach(() => {
    life.team?.cleanup();
    life.team = undefined;
    for (const dir of life.extra.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return life;
}

/** A team's Keep-a-Changelog CHANGELOG.md, as a team keeps it before canon comes. */
export const KEEP_A_CHANGELOG = `# Changelog

All notable changes to this project will be documented in this file.

The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/).

## [Unreleased]

### Added

- Initial import.

## [1.0.0] - 2026-01-01

- First release.
`;
