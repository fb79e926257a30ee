import { CANON_HOOKS, mergeHookBlock } from './hook-blocks.js';
import { removeLineBlock } from './install-plan.js';

/**
 * canon's blocks in a team's simple-git-hooks config, so its own regeneration (`npx
 * simple-git-hooks`, usually the team's postinstall) writes hooks that reach canon instead of
 * deleting them. simple-git-hooks copies each command verbatim into `.git/hooks/<hook>` after its
 * preamble, so the command gets the same marked block a hook script gets. Sample (package.json):
 *
 *     "simple-git-hooks": { "pre-commit": "npx lint-staged", "preserveUnused": ["commit-msg"] }
 */

/** Where the config lives: package.json's `simple-git-hooks` key, or a JSON file of its own. */
export const SIMPLE_GIT_HOOKS_FILES = ['.simple-git-hooks.json', 'simple-git-hooks.json'];
export const SIMPLE_GIT_HOOKS_KEY = 'simple-git-hooks';

type Config = Record<string, unknown>;

function indentOf(text: string): string {
  return /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';
}

function configOf(json: Config, inPackage: boolean): Config | null {
  const config = inPackage ? json[SIMPLE_GIT_HOOKS_KEY] : json;
  return config !== null && typeof config === 'object' && !Array.isArray(config) ? (config as Config) : null;
}

/** The file (package.json, or the config file) with canon's block in every hook canon runs; a second merge changes nothing. */
export function mergeSimpleGitHooks(text: string, inPackage: boolean): string {
  const json = JSON.parse(text) as Config;
  const config = configOf(json, inPackage);
  if (config === null) return text;
  let changed = false;
  for (const hook of CANON_HOOKS) {
    const before = typeof config[hook] === 'string' ? (config[hook] as string) : null;
    const after = mergeHookBlock(before, hook);
    if (after !== before) {
      config[hook] = after;
      changed = true;
    }
  }
  return changed ? `${JSON.stringify(json, null, indentOf(text))}\n` : text;
}

/** The file without canon's blocks (a hook left with no command is dropped). */
export function removeSimpleGitHooks(text: string, inPackage: boolean): string {
  const json = JSON.parse(text) as Config;
  const config = configOf(json, inPackage);
  if (config === null) return text;
  let changed = false;
  for (const hook of CANON_HOOKS) {
    const value = config[hook];
    if (typeof value !== 'string') continue;
    const stripped = removeLineBlock(value, true);
    if (stripped === value) continue;
    changed = true;
    if (stripped.trim() === '') delete config[hook];
    else config[hook] = stripped;
  }
  return changed ? `${JSON.stringify(json, null, indentOf(text))}\n` : text;
}
