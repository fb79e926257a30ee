import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { newTeamRepo, NPM_ENV, npmTool, REGISTRY_ENV, type TeamRepo } from './team-repo.js';
import { CACHE, cachedDir } from './test-cache.js';

/**
 * yarn 4 team repositories, Plug'n'Play (yarn's default) or `nodeLinker: node-modules`, with canon
 * installed from `npm pack`. yarn itself comes through corepack (its download pointed at the npm
 * registry, the one registry CI reaches), else from the npm package @yarnpkg/cli-dist; corepack's
 * home, yarn's global cache and each team's lockfile are kept under the test cache, so only the
 * first run pays for the downloads.
 */
export type Linker = 'pnp' | 'node-modules';

export interface Yarn {
  /** The version every team pins in `packageManager`. */
  version: string;
  /** What every yarn command needs: `yarn` on PATH, the caches, the registry. */
  env: Record<string, string>;
}

function registry(): string {
  try {
    return (
      execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8', env: { ...process.env, ...NPM_ENV } })
        .trim()
        .replace(/\/$/, '') || 'https://registry.npmjs.org'
    );
  } catch {
    return 'https://registry.npmjs.org';
  }
}

function yarnEnv(bin: string, npmRegistry: string): Record<string, string> {
  return {
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
    COREPACK_HOME: path.join(CACHE, 'corepack'),
    COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
    COREPACK_ENABLE_AUTO_PIN: '0',
    COREPACK_NPM_REGISTRY: npmRegistry,
    YARN_NPM_REGISTRY_SERVER: npmRegistry,
    YARN_GLOBAL_FOLDER: path.join(CACHE, 'yarn-global'),
    YARN_ENABLE_TELEMETRY: '0',
    YARN_ENABLE_PROGRESS_BARS: '0',
    YARN_ENABLE_HARDENED_MODE: '0',
  };
}

/** yarn 4, or why it could not be obtained (the test then skips with that one line). */
export function obtainYarn(): Yarn | string {
  mkdirSync(CACHE, { recursive: true });
  const npmRegistry = registry();
  const reasons: string[] = [];
  // corepack: its shims in a folder of their own, put first on PATH.
  const shims = path.join(CACHE, 'corepack-bin');
  try {
    if (!existsSync(path.join(shims, 'yarn')))
      execFileSync('corepack', ['enable', '--install-directory', shims, 'yarn'], { stdio: 'pipe', env: { ...process.env, ...REGISTRY_ENV } });
    const env = yarnEnv(shims, npmRegistry);
    // The newest yarn 4, asked of the registry once and then kept: later runs need no lookup.
    const known = path.join(CACHE, 'corepack-yarn-version');
    const pinned = existsSync(known)
      ? readFileSync(known, 'utf8').trim()
      : execFileSync('corepack', ['yarn@4', '--version'], {
          cwd: CACHE,
          encoding: 'utf8',
          stdio: 'pipe',
          env: { ...process.env, ...env, ...REGISTRY_ENV },
          timeout: 180_000,
        }).trim();
    if (/^4\.\d+\.\d+$/.test(pinned)) {
      writeFileSync(known, `${pinned}\n`);
      return { version: pinned, env };
    }
    reasons.push(`corepack gave yarn ${pinned}`);
  } catch (error) {
    reasons.push(
      `corepack: ${
        String((error as { stderr?: Buffer }).stderr ?? error)
          .trim()
          .split('\n')[0]
      }`,
    );
  }
  // The npm package yarn publishes its CLI as, behind a `yarn` shim of our own.
  try {
    const dir = npmTool('@yarnpkg/cli-dist@4');
    const cli = path.join(dir, 'node_modules/@yarnpkg/cli-dist/bin/yarn.js');
    const version = (JSON.parse(readFileSync(path.join(dir, 'node_modules/@yarnpkg/cli-dist/package.json'), 'utf8')) as { version: string }).version;
    const bin = path.join(CACHE, 'yarn-cli-dist-bin');
    if (!existsSync(path.join(bin, 'yarn'))) {
      mkdirSync(bin, { recursive: true });
      writeFileSync(path.join(bin, 'yarn'), `#!/bin/sh\nexec node '${cli}' "$@"\n`, { mode: 0o755 });
    }
    return { version, env: yarnEnv(bin, npmRegistry) };
  } catch (error) {
    reasons.push(`@yarnpkg/cli-dist from npm: ${String(error).split('\n')[0]}`);
  }
  return reasons.join('; ');
}

/** The `.gitignore` `yarn init` writes for a project without zero-installs. */
export const YARN_GITIGNORE =
  '.yarn/*\n!.yarn/patches\n!.yarn/plugins\n!.yarn/releases\n!.yarn/sdks\n!.yarn/versions\n\n# Swap the comments on the following lines if you wish to use zero-installs\n.pnp.*\nnode_modules\n';

/**
 * The two teams: Plug'n'Play with husky laid by postinstall (the route husky documents for yarn 2+)
 * and a team pre-commit step; node-modules with no hook manager at all (canon brings husky).
 */
function packageJson(linker: Linker, yarn: Yarn): string {
  const pkg: Record<string, unknown> = { name: `team-yarn-${linker}`, version: '1.0.0', private: true, packageManager: `yarn@${yarn.version}` };
  pkg.scripts = linker === 'pnp' ? { postinstall: 'husky', test: 'echo ok' } : { test: 'echo ok' };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export const TEAM_HUSKY = 'echo team-check\n';

/** package.json, yarn.lock (and .yarnrc.yml) of one team with canon added, resolved once per tarball and yarn version. */
function template(linker: Linker, tarball: string, yarn: Yarn): string {
  return cachedDir(
    `yarn-${yarn.version}-${linker}-${path.basename(tarball, '.tgz')}`,
    (dir) => existsSync(path.join(dir, 'yarn.lock')),
    (out) => {
      // yarn resolves in a project of its own; the template keeps only what the team commits.
      const project = path.join(out, 'project');
      mkdirSync(project);
      writeFileSync(path.join(project, 'package.json'), packageJson(linker, yarn));
      if (linker === 'node-modules') writeFileSync(path.join(project, '.yarnrc.yml'), 'nodeLinker: node-modules\n');
      writeFileSync(path.join(project, 'yarn.lock'), '');
      const deps = linker === 'pnp' ? ['husky@9', `canon-notes@file:${tarball}`] : [`canon-notes@file:${tarball}`];
      execFileSync('yarn', ['add', '-D', ...deps], {
        cwd: project,
        stdio: 'pipe',
        env: { ...process.env, ...yarn.env, HUSKY: '0', CI: '', YARN_ENABLE_IMMUTABLE_INSTALLS: 'false', ...REGISTRY_ENV },
        timeout: 600_000,
      });
      for (const name of ['package.json', 'yarn.lock', '.yarnrc.yml'])
        if (existsSync(path.join(project, name))) renameSync(path.join(project, name), path.join(out, name));
      rmSync(project, { recursive: true, force: true });
    },
  );
}

export interface YarnTeamRepo extends TeamRepo {
  yarn(args: string[], cwd?: string): { code: number; stdout: string; stderr: string };
  /** The team's commit, before canon. */
  teamCommit: string;
  base: string;
}

/** A committed yarn team repository after its own `yarn install`, canon in its devDependencies but not wired. */
export function createYarnTeamRepo(linker: Linker, tarball: string, yarn: Yarn): YarnTeamRepo {
  const from = template(linker, tarball, yarn);
  const t = newTeamRepo(`yarn-${linker}`, { ...NPM_ENV, ...yarn.env, NODE_OPTIONS: undefined }, { timeout: 300_000 });
  const yarnRun: YarnTeamRepo['yarn'] = (args, cwd) => t.run('yarn', args, { cwd: cwd ?? t.dir });
  for (const name of ['package.json', 'yarn.lock', '.yarnrc.yml'])
    if (existsSync(path.join(from, name))) t.write(name, readFileSync(path.join(from, name), 'utf8'));
  t.write('.gitignore', YARN_GITIGNORE);
  t.write('src/index.js', 'module.exports = { x: 1 };\n');
  if (linker === 'pnp') t.write('.husky/pre-commit', TEAM_HUSKY);
  const installed = t.run('yarn', ['install'], { env: REGISTRY_ENV });
  if (installed.code !== 0) throw new Error(`yarn install failed in the team repository: ${installed.stdout}${installed.stderr}`);
  t.git(['add', '-A']);
  t.git(['commit', '-qm', 'team repo']);
  return { ...t, yarn: yarnRun, canon: (args, cwd) => yarnRun(['canon', ...args], cwd), teamCommit: t.git(['rev-parse', 'HEAD']).stdout.trim() };
}

/** The same canon under another version number, as a tarball of its own (an upgrade moves it to another zip). */
export function bumpTarball(tarball: string, version: string): string {
  const out = path.join(CACHE, `${path.basename(tarball, '.tgz')}-as-${version}.tgz`);
  if (existsSync(out)) return out;
  const tmp = mkdtempSync(path.join(CACHE, 'bump-'));
  execFileSync('tar', ['-xzf', tarball, '-C', tmp]);
  const pkgFile = path.join(tmp, 'package/package.json');
  writeFileSync(pkgFile, readFileSync(pkgFile, 'utf8').replace(/"version": "[^"]*"/, `"version": "${version}"`));
  execFileSync('tar', ['-czf', `${out}.tmp`, '-C', tmp, 'package']);
  renameSync(`${out}.tmp`, out);
  rmSync(tmp, { recursive: true, force: true });
  return out;
}
