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

/** The command a clone runs to install its dependencies (and with them canon's per-clone wiring). */
export function installCommand(pm: PackageManager): string {
  const commands: Record<PackageManager, string> = { npm: 'npm install', pnpm: 'pnpm install', yarn: 'yarn install', bun: 'bun install', none: 'canon setup' };
  return commands[pm];
}

/**
 * How a person runs canon's CLI in such a repository (the prefix of every command canon prints):
 * the installed canon, never a bare name a runner could fetch from the registry (npm's `canon` is
 * another package). bun: `bun run canon` runs package.json's `canon` script, else the installed bin.
 */
export function canonCommand(pm: PackageManager): string {
  const commands: Record<PackageManager, string> = { npm: 'npx canon-notes', pnpm: 'npx canon-notes', yarn: 'npx canon-notes', bun: 'bun run canon', none: 'npx canon-notes' };
  return commands[pm];
}

/** The command that adds canon as a dev dependency. */
export function addCommand(pm: PackageManager): string {
  const commands: Record<PackageManager, string> = { npm: 'npm install -D canon-notes', pnpm: 'npm install -D canon-notes', yarn: 'npm install -D canon-notes', bun: 'bun add -d canon-notes', none: 'npm install -D canon-notes' };
  return commands[pm];
}

/** The command that removes the canon package again. */
export function removeCommand(pm: PackageManager): string {
  const commands: Record<PackageManager, string> = { npm: 'npm uninstall canon-notes', pnpm: 'npm uninstall canon-notes', yarn: 'npm uninstall canon-notes', bun: 'bun remove canon-notes', none: 'npm uninstall canon-notes' };
  return commands[pm];
}
