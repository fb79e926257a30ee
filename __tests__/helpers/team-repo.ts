import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { CANON_ROOT, isolatedEnv } from './git-repo.js';

/**
 * Team repositories as adopters have them: their own package.json (CommonJS or ESM), husky 9 with a
 * pre-commit running lint-staged with a real prettier, their own Claude Code hook, an ADR in the
 * classic format and a .gitattributes; canon installed from `npm pack`. npm installs are cached
 * under the temp folder, keyed by the tarball, so only the first run of a suite pays for them.
 */
export type Flavour = 'cjs' | 'esm';

const CACHE = path.join(os.tmpdir(), 'canon-test-cache');
/** One npm cache for every install the tests make (the isolated HOME would start an empty one). */
export const NPM_ENV = { npm_config_cache: path.join(CACHE, 'npm'), npm_config_update_notifier: 'false' };

/** canon as a tarball, the way a team installs it (dist is already built by `npm test`'s pretest). */
export function packCanon(): string {
  mkdirSync(CACHE, { recursive: true });
  const out = mkdtempSync(path.join(CACHE, 'pack-'));
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', out], { cwd: CANON_ROOT, stdio: 'pipe' });
  const tarball = readdirSync(out).find((n) => n.endsWith('.tgz'))!;
  const digest = createHash('sha256')
    .update(readFileSync(path.join(out, tarball)))
    .digest('hex')
    .slice(0, 16);
  const kept = path.join(CACHE, `canon-${digest}.tgz`);
  if (!existsSync(kept)) renameSync(path.join(out, tarball), kept);
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

/** The template of one flavour with its node_modules, installed once per tarball. */
function template(flavour: Flavour, tarball: string): string {
  const dir = path.join(CACHE, `team-${flavour}-${path.basename(tarball, '.tgz')}`);
  if (existsSync(path.join(dir, 'node_modules/.bin/canon'))) return dir;
  const tmp = mkdtempSync(path.join(CACHE, `building-${flavour}-`));
  writeFileSync(path.join(tmp, 'package.json'), packageJson(flavour));
  execFileSync('npm', ['install', '-D', '--no-audit', '--no-fund', '--ignore-scripts', 'husky@9', 'lint-staged@16', 'prettier@3', tarball], {
    cwd: tmp,
    stdio: 'pipe',
    env: { ...process.env, HUSKY: '0', ...NPM_ENV },
  });
  // npm records the tarball relative to the project: make it absolute so copies and clones resolve it.
  for (const name of ['package.json', 'package-lock.json']) {
    const file = path.join(tmp, name);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.split(`file:../${path.basename(tarball)}`).join(`file:${tarball}`));
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
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

/** A fresh team repository of the given flavour, committed, with canon installed but not yet wired. */
export function createTeamRepo(flavour: Flavour, tarball: string): TeamRepo {
  const base = mkdtempSync(path.join(os.tmpdir(), `canon-team-${flavour}-`));
  const home = path.join(base, 'home');
  mkdirSync(home);
  const dir = path.join(base, 'repo');
  cpSync(template(flavour, tarball), dir, { recursive: true, verbatimSymlinks: true });
  const env = isolatedEnv(home, NPM_ENV);
  const run: TeamRepo['run'] = (cmd, args, options = {}) => {
    const r = spawnSync(cmd, args, { cwd: options.cwd ?? dir, env: { ...env, ...options.env }, encoding: 'utf8', input: '' });
    return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  const git: TeamRepo['git'] = (args, cwd) => run('git', args, { cwd: cwd ?? dir });
  const write: TeamRepo['write'] = (rel, text, cwd) => {
    const file = path.join(cwd ?? dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  git(['init', '-q', '-b', 'main']);
  git(['config', 'user.name', 'Alice Smith']);
  git(['config', 'user.email', 'alice@team.example']);
  git(['config', 'commit.gpgsign', 'false']);
  write('.husky/pre-commit', TEAM_FILES.husky);
  write('.claude/settings.json', TEAM_FILES.settings);
  write('.gitattributes', TEAM_FILES.gitattributes);
  write('.gitignore', TEAM_FILES.gitignore);
  write('docs/adr/001-use-postgres.md', TEAM_FILES.adr);
  write('src/index.js', flavour === 'esm' ? 'export const x = 1;\n' : 'module.exports = { x: 1 };\n');
  if (flavour === 'esm') write('lint-staged.config.js', "export default { '*.{js,md}': 'prettier --write' };\n");
  // The team's own husky, as `npm install` lays it (relative core.hooksPath, .husky/_ in this worktree only).
  run('npx', ['husky']);
  git(['add', '-A']);
  git(['commit', '-qm', 'team repo']);
  return {
    dir,
    env,
    run,
    git,
    canon: (args, cwd) => run(path.join(dir, 'node_modules/.bin/canon'), args, { cwd: cwd ?? dir }),
    write,
    read: (rel, cwd) => readFileSync(path.join(cwd ?? dir, rel), 'utf8'),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/**
 * A tool from the npm registry (prettier, lefthook, …) installed once under the test cache, keyed
 * by its spec: the folder holding its node_modules (and node_modules/.bin).
 */
export function npmTool(spec: string): string {
  const dir = path.join(CACHE, `tool-${spec.replace(/[^a-z0-9.@-]+/gi, '_')}`);
  if (existsSync(path.join(dir, 'node_modules/.bin'))) return dir;
  mkdirSync(CACHE, { recursive: true });
  const tmp = mkdtempSync(path.join(CACHE, 'building-tool-'));
  writeFileSync(path.join(tmp, 'package.json'), '{ "name": "tool", "private": true }\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', spec], { cwd: tmp, stdio: 'pipe', env: { ...process.env, ...NPM_ENV } });
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
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
  const dir = path.join(CACHE, `shape-${shape.name}-${path.basename(tarball, '.tgz')}`);
  if (existsSync(path.join(dir, 'node_modules/.bin/canon'))) return dir;
  const tmp = mkdtempSync(path.join(CACHE, `building-${shape.name}-`));
  writeFileSync(path.join(tmp, 'package.json'), `${JSON.stringify(shape.packageJson, null, 2)}\n`);
  const env = { ...process.env, HUSKY: '0', ...NPM_ENV, ...PNPM_ENV };
  if (shape.pm === 'pnpm')
    execFileSync(pnpmBin(), ['add', '-D', '--ignore-scripts', ...shape.devDependencies, `file:${tarball}`], { cwd: tmp, stdio: 'pipe', env });
  else
    execFileSync('npm', ['install', '-D', '--no-audit', '--no-fund', '--ignore-scripts', ...shape.devDependencies, tarball], { cwd: tmp, stdio: 'pipe', env });
  // Both record the tarball relative to the project: make it absolute so copies and clones resolve it.
  for (const name of ['package.json', 'package-lock.json', 'pnpm-lock.yaml']) {
    const file = path.join(tmp, name);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.split(`file:../${path.basename(tarball)}`).join(`file:${tarball}`));
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
}

/** A repository of this shape with the team's files, wired by the team (`wire`), committed; canon installed, not wired. */
export function createShapedRepo(
  shape: TeamShape,
  tarball: string,
  files: Record<string, string>,
  wire: (t: TeamRepo) => void,
  executable: string[] = [],
): TeamRepo {
  const base = mkdtempSync(path.join(os.tmpdir(), `canon-team-${shape.name}-`));
  const home = path.join(base, 'home');
  mkdirSync(home);
  const dir = path.join(base, 'repo');
  cpSync(shapeTemplate(shape, tarball), dir, { recursive: true, verbatimSymlinks: true });
  const env = isolatedEnv(home, { ...NPM_ENV, ...PNPM_ENV });
  const run: TeamRepo['run'] = (cmd, args, options = {}) => {
    const r = spawnSync(cmd, args, { cwd: options.cwd ?? dir, env: { ...env, ...options.env }, encoding: 'utf8', input: '' });
    return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  const git: TeamRepo['git'] = (args, cwd) => run('git', args, { cwd: cwd ?? dir });
  const write: TeamRepo['write'] = (rel, text, cwd) => {
    const file = path.join(cwd ?? dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  const t: TeamRepo = {
    dir,
    env,
    run,
    git,
    canon: (args, cwd) => run(path.join(dir, 'node_modules/.bin/canon'), args, { cwd: cwd ?? dir }),
    write,
    read: (rel, cwd) => readFileSync(path.join(cwd ?? dir, rel), 'utf8'),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
  git(['init', '-q', '-b', 'main']);
  git(['config', 'user.name', 'Alice Smith']);
  git(['config', 'user.email', 'alice@team.example']);
  git(['config', 'commit.gpgsign', 'false']);
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  for (const rel of executable) chmodSync(path.join(dir, rel), 0o755);
  wire(t);
  git(['add', '-A']);
  git(['commit', '-qm', 'team repo']);
  return t;
}
