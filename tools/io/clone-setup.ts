import { chmodSync, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { renderRunner, RUNNER_REL } from '../core/hook-blocks.js';
import { isExecutableFile, writeFileSafely } from './fs.js';
import { installCommand, type PackageManager } from '../core/package-manager.js';
import { readPackageManager } from './package-manager.js';
import { execGit } from './git.js';

/**
 * Where one clone keeps what every worktree shares. Sample (a linked worktree of /src/app):
 *
 *     git rev-parse --path-format=absolute --show-toplevel --git-common-dir
 *     /src/app-feature
 *     /src/app/.git
 */
export interface CloneLayout {
  /** This worktree's top-level folder. */
  top: string;
  /** The clone's common git dir (absolute), shared by every worktree. */
  commonDir: string;
  /** The main worktree's top (null for a bare clone with linked worktrees). */
  mainRoot: string | null;
}

/**
 * The layout of the clone whose work tree holds `cwd`; null when `cwd` is in no work tree (no
 * repository, a bare one, inside `.git`). Plain git processes, not simple-git: `canon setup` runs
 * in every install and the pre-commit framework's hooks on every commit, and loading simple-git
 * costs more than the two processes (ADR-0014). Sample:
 *
 *     git rev-parse --is-inside-work-tree --path-format=absolute --show-toplevel --git-common-dir
 *     true
 *     /src/app-feature
 *     /src/app/.git
 */
export async function readCloneLayoutIfWorkTree(cwd: string): Promise<CloneLayout | null> {
  const args = ['rev-parse', '--is-inside-work-tree', '--path-format=absolute', '--show-toplevel', '--git-common-dir'];
  const r = await execGit(args, { cwd });
  const [inside, top = '', commonDir = ''] = r.stdout.split('\n');
  if (inside === 'false' || (inside !== 'true' && /not a git repository/i.test(r.stderr))) return null;
  if (r.code !== 0 || inside !== 'true') throw new Error(`git ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
  const bare = (await execGit(['config', '--get', 'core.bare'], { cwd })).stdout.trim() === 'true';
  return { top, commonDir, mainRoot: bare || path.basename(commonDir) !== '.git' ? null : path.dirname(commonDir) };
}

/** readCloneLayoutIfWorkTree where a work tree is expected: outside one it throws git's answer. */
export async function readCloneLayout(cwd: string): Promise<CloneLayout> {
  const layout = await readCloneLayoutIfWorkTree(cwd);
  if (layout === null) throw new Error(`fatal: not a git work tree: ${cwd}`);
  return layout;
}

/** What the runner tells a worktree without canon's CLI to run: the package manager's install (npm's where there is none). */
function runnerInstall(pm: PackageManager): string {
  return pm === 'none' ? 'npm install' : installCommand(pm);
}

export const MERGE_DRIVER = 'canon-index';
const HUSKY_DIR = '.husky';

export function runnerPath(layout: CloneLayout): string {
  return path.join(layout.commonDir, RUNNER_REL);
}

/** How the runner names canon's CLI: relative to a worktree top when it lives inside one (node_modules, dist), else absolute. */
export function cliReference(top: string, cliFile: string): string {
  const abs = path.resolve(cliFile);
  const rel = path.relative(top, abs);
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/');
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function mergeDriverCommand(layout: CloneLayout): string {
  return `${shellQuote(runnerPath(layout))} index-merge %O %A %B %P`;
}

/** husky's hook folder for this clone: the main worktree's `.husky/_`, by absolute path, so linked worktrees share it. */
function huskyHooksPath(layout: CloneLayout): string {
  return path.join(layout.mainRoot ?? layout.top, HUSKY_DIR, '_');
}

/** The runner `canon setup` writes for this clone and CLI file. */
export function setupRunnerText(layout: CloneLayout, cliFile: string, pnp: boolean): string {
  const install = runnerInstall(readPackageManager(layout.mainRoot ?? layout.top));
  return renderRunner({ cli: cliReference(layout.top, cliFile), mainRoot: layout.mainRoot, pnp, install });
}

/**
 * Whether the runner, started in the hook environment `hookEnv`, would run exactly `cliFile` with
 * exactly the node at `nodeFile`: it is the runner `canon setup` writes for that CLI (not Plug'n'Play)
 * and executable, the first CLI its search finds is that file, `node` on the hook's PATH is that
 * node, and no NODE_OPTIONS is set there or here. Then what its probe loads is what a process of
 * that CLI on that node loads (doctor probes in its own process, ADR-0047). Anything else: false.
 */
export function runnerStartsCli(
  layout: CloneLayout,
  runner: string,
  runnerText: string,
  hookEnv: NodeJS.ProcessEnv,
  cliFile: string,
  nodeFile: string,
): boolean {
  if (hookEnv.NODE_OPTIONS !== undefined || process.env.NODE_OPTIONS !== undefined) return false;
  if (runnerText !== setupRunnerText(layout, cliFile, false) || !isExecutableFile(runner)) return false;
  // The runner's own search (core/hook-blocks.ts renderRunner): "$top/$cli", then the main worktree's.
  const cli = cliReference(layout.top, cliFile);
  const candidates = path.isAbsolute(cli) ? [cli] : [layout.top, ...(layout.mainRoot ? [layout.mainRoot] : [])].map((dir) => path.join(dir, cli));
  const found = candidates.find((file) => existsSync(file) && statSync(file).isFile());
  if (found === undefined || realOrNull(found) !== realOrNull(cliFile)) return false;
  const node = (hookEnv.PATH ?? '')
    .split(':')
    .filter((dir) => dir !== '')
    .map((dir) => path.join(dir, 'node'))
    .find(isExecutableFile);
  return node !== undefined && realOrNull(node) === realOrNull(nodeFile);
}

function realOrNull(file: string): string | null {
  try {
    return realpathSync(file);
  } catch {
    return null;
  }
}

export interface SetupResult {
  runner: string;
  hooksPath: string | null;
  mergeDriver: string;
}

/**
 * The per-clone half of canon's wiring, which git does not carry in commits and `npm install`
 * (the prepare step) lays again in every clone: the runner script, husky's hook folder with an
 * absolute core.hooksPath (husky's own relative `.husky/_` exists only in the worktree that ran
 * `npm install`, so a `git worktree add` checkout would commit with no hooks at all), and the
 * INDEX merge driver. Idempotent. `pnp`: canon runs under yarn's Plug'n'Play runtime, so the runner
 * must start node with it (core/hook-blocks.ts, renderRunner).
 */
export async function setupClone(layout: CloneLayout, options: { cliFile: string; husky: boolean; pnp?: boolean }): Promise<SetupResult> {
  const runner = runnerPath(layout);
  const text = setupRunnerText(layout, options.cliFile, options.pnp === true);
  if (!existsSync(runner) || readFileSync(runner, 'utf8') !== text) await writeFileSafely(runner, text);
  chmodSync(runner, 0o755);

  let hooksPath: string | null = null;
  const huskyFolder = path.dirname(huskyHooksPath(layout));
  if (options.husky && process.env.HUSKY !== '0' && existsSync(huskyFolder)) {
    const { default: husky } = await import('husky');
    const here = process.cwd();
    process.chdir(layout.mainRoot ?? layout.top);
    try {
      const said = husky(realpathSync(huskyFolder));
      if (said) throw new Error(`husky: ${said}`);
    } finally {
      process.chdir(here);
    }
    hooksPath = huskyHooksPath(layout);
  }

  const driver = mergeDriverCommand(layout);
  for (const [key, value] of [
    [`merge.${MERGE_DRIVER}.name`, 'canon: merge INDEX.md rows by note id'],
    [`merge.${MERGE_DRIVER}.driver`, driver],
  ] as const) {
    const set = await execGit(['config', '--local', key, value], { cwd: layout.top });
    if (set.code !== 0) throw new Error(`git config --local ${key} failed (exit ${set.code}): ${set.stderr.trim()}`);
  }
  return { runner, hooksPath, mergeDriver: driver };
}
