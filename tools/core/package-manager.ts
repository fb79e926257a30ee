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
  const commands: Record<PackageManager, string> = {
    npm: 'npm install',
    pnpm: 'pnpm install',
    yarn: 'yarn install',
    bun: 'bun install',
    none: 'pre-commit install',
  };
  return commands[pm];
}

/**
 * How a person runs canon's CLI in such a repository (the prefix of every command canon prints):
 * the installed canon, never a bare name a runner could fetch from the registry (npm's `canon` is
 * another package). bun: `bun run canon` runs package.json's `canon` script, else the installed bin.
 */
export function canonCommand(pm: PackageManager): string {
  const commands: Record<PackageManager, string> = {
    npm: 'npx canon-notes',
    pnpm: 'npx canon-notes',
    yarn: 'yarn canon',
    bun: 'bun run canon',
    none: 'npx canon-notes',
  };
  return commands[pm];
}

/** The command that adds canon as a dev dependency. */
export function addCommand(pm: PackageManager): string {
  const commands: Record<PackageManager, string> = {
    npm: 'npm install -D canon-notes',
    pnpm: 'pnpm add -D canon-notes',
    yarn: 'yarn add -D canon-notes',
    bun: 'bun add -d canon-notes',
    none: 'npm install -D canon-notes',
  };
  return commands[pm];
}

/** The command that removes the canon package again. */
export function removeCommand(pm: PackageManager): string {
  const commands: Record<PackageManager, string> = {
    npm: 'npm uninstall canon-notes',
    pnpm: 'pnpm remove canon-notes',
    yarn: 'yarn remove canon-notes',
    bun: 'bun remove canon-notes',
    none: 'npm uninstall canon-notes',
  };
  return commands[pm];
}

/**
 * The package.json script a manager runs in every clone on install, where canon's per-clone wiring
 * (`canon setup`) goes: yarn 2 and later never run `prepare` for the project itself, only its
 * `postinstall` (the route husky documents for yarn; yarn 1 runs both).
 */
export function setupScript(pm: PackageManager): 'prepare' | 'postinstall' {
  return pm === 'yarn' ? 'postinstall' : 'prepare';
}

/**
 * canon's printed commands, spelled for the repository's manager. Messages spell them the npm way
 * (`npx canon-notes doctor`, `npm install`); under yarn `npx` finds no bin (Plug'n'Play has no
 * node_modules/.bin) and fetches a copy from the registry, `bunx`/`npx` elsewhere may fetch npm's
 * unrelated `canon`, and `npm install` would ignore the manager's lockfile. Longest first: `npm
 * install -D canon-notes` is not `npm install` plus words. npm and 'none' keep the text as it is.
 */
function spellings(pm: PackageManager): Array<[RegExp, string]> {
  if (pm === 'npm' || pm === 'none') return [];
  const yarn: Array<[RegExp, string]> = [
    [/\bnpx (lefthook|simple-git-hooks)\b/g, 'yarn $1'],
    // yarn runs postinstall only when the install changed something: `yarn canon setup` is the fix.
    [/ +\(or npm install\)/g, ''],
  ];
  return [
    [/\bnpm install -D canon-notes\b/g, addCommand(pm)],
    [/\bnpm uninstall canon-notes\b/g, removeCommand(pm)],
    [/\bnpx canon-notes\b/g, canonCommand(pm)],
    ...(pm === 'yarn' ? yarn : []),
    [/\bnpm install\b/g, installCommand(pm)],
    // Plug'n'Play has no node_modules/.bin for npm's script runner to find canon in.
    ...(pm === 'yarn' ? ([[/\bnpm run (--silent )?([\w:-]+)( --(?= ))?/g, 'yarn $2']] as Array<[RegExp, string]>) : []),
  ];
}

/** A message with its npm-spelled commands as the repository's manager spells them. */
export function formatCommands(text: string, pm: PackageManager): string {
  let out = text;
  for (const [pattern, spelling] of spellings(pm)) out = out.replace(pattern, spelling);
  return out;
}

/**
 * The environment git gives a hook when the person types `git commit` in their shell, from the one
 * a package manager gave canon (`yarn canon doctor`, `npm run canon -- doctor`): without what the
 * manager's script runner adds. Under yarn that is Plug'n'Play's runtime in NODE_OPTIONS, sample:
 *
 *     NODE_OPTIONS=--require /src/app/.pnp.cjs --experimental-loader file:///src/app/.pnp.loader.mjs
 *     PATH=/tmp/xfs-044558fe:/usr/local/bin:…   (BERRY_BIN_FOLDER=/tmp/xfs-044558fe)
 *
 * with which a runner that plain node cannot start would seem to work.
 */
export function normalizeHookEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) if (!/^(npm_|BERRY_BIN_FOLDER$|INIT_CWD$|PROJECT_CWD$)/.test(key)) out[key] = value;
  const options = (env.NODE_OPTIONS ?? '')
    .replace(/(^|\s)(--require|-r|--experimental-loader|--loader|--import)[\s=]+\S*\.pnp\.(cjs|loader\.mjs)(?=\s|$)/g, '')
    .trim();
  if (options === '') delete out.NODE_OPTIONS;
  else out.NODE_OPTIONS = options;
  const added = (dir: string) => dir === env.BERRY_BIN_FOLDER || /\/node_modules\/\.bin$|\/node-gyp-bin$/.test(dir);
  if (env.PATH !== undefined)
    out.PATH = env.PATH.split(':')
      .filter((dir) => !added(dir))
      .join(':');
  return out;
}
