/**
 * Which package manager a repository uses, read from the files it commits — and what follows from
 * it for canon: the command a fresh clone runs to install (and so to lay canon's hooks), and how a
 * person runs canon's CLI there. Pure: the caller reads the files.
 *
 * The rows of this table are extended as each manager's route is built and tested:
 * yarn 4 (Plug'n'Play and node-modules), bun, and repositories with no package.json at all.
 */
export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun' | 'none';

export interface RepoFiles {
  /** package.json's text, or null when the repository has none. */
  packageJson: string | null;
  /** Whether a file exists at the repository root (lockfiles, .yarnrc.yml, .pnp.cjs). */
  has(name: string): boolean;
}

/** The manager named by package.json's `packageManager` field (corepack's), else by the lockfile. */
export function detectPackageManager(files: RepoFiles): PackageManager {
  if (files.packageJson === null) return 'none';
  let declared: unknown;
  try {
    declared = (JSON.parse(files.packageJson) as Record<string, unknown>).packageManager;
  } catch {
    declared = undefined;
  }
  if (typeof declared === 'string') {
    const name = declared.split('@')[0];
    if (name === 'npm' || name === 'pnpm' || name === 'yarn' || name === 'bun') return name;
  }
  if (files.has('pnpm-lock.yaml')) return 'pnpm';
  if (files.has('yarn.lock') || files.has('.yarnrc.yml')) return 'yarn';
  if (files.has('bun.lock') || files.has('bun.lockb')) return 'bun';
  return 'npm';
}

/**
 * The command a clone runs to install its dependencies (and with them canon's per-clone wiring). With
 * no package.json, canon is the pre-commit framework's node hook (ADR-0031): its install lays the
 * hooks, and canon's first hook run lays the rest of the clone's wiring.
 */
export function installCommand(pm: PackageManager): string {
  const commands: Record<PackageManager, string> = { npm: 'npm install', pnpm: 'pnpm install', yarn: 'yarn install', bun: 'bun install', none: 'pre-commit install' };
  return commands[pm];
}
