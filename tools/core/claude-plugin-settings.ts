/**
 * canon as a Claude Code plugin (ADR-0028), the pure half: the two settings.json keys that enable it
 * for everyone who opens the repository, and what earlier versions of canon wrote instead.
 *
 *     { "extraKnownMarketplaces": { "canon-notes": { "source": { "source": "directory", "path": "./node_modules/canon-notes" } } },
 *       "enabledPlugins": { "canon@canon-notes": true } }
 */

/** The marketplace canon's package is (its `.claude-plugin/marketplace.json`), and the plugin in it. */
export const PLUGIN_MARKETPLACE = 'canon-notes';
const PLUGIN_NAME = 'canon';
export const PLUGIN_ID = `${PLUGIN_NAME}@${PLUGIN_MARKETPLACE}`;
/** The installed package itself: each repository runs the canon version it installed. */
const PLUGIN_MARKETPLACE_SOURCE = { source: 'directory', path: './node_modules/canon-notes' } as const;

/** Files earlier versions of canon wrote into `.claude/commands/`, by sha256 of their exact bytes. */
export const LEGACY_COMMAND_SHA256: Readonly<Record<string, readonly string[]>> = {
  'handoff.md': [
    '01d5443464faa8b6e915a6366b954c664845c29186830e14b3a7c311d6fa1b58',
    'e39237b0bcc34f00733116ebf89800ee276d8f5e7a71391ec31bd609c296c53a',
    'e9623083088224f4e183f1ec4922de50fd75eae1bfdf9185024e141dec864d52',
  ],
  'resume.md': ['73b97021787c5d972b80e77824abd072bfc1c2084c55e5399cfb49c827413029'],
};
/** The hook bundles earlier versions copied into `.claude/hooks/` (the plugin runs its own now). */
export const LEGACY_HOOK_BUNDLES = ['post-tool-use.mjs', 'session.mjs'] as const;
/**
 * The code both bundles share, built once beside them (tools/hook-bundles.mjs's HOOK_SHARED): a
 * bundle of this version imports it as `./hook-shared.mjs`; those of earlier versions stand alone.
 */
export const HOOK_SHARED_FILE = 'hook-shared.mjs';

/** The files beside a hook bundle that it imports (`from "./x.mjs"`): without them it does not start. */
export function bundleImportsBeside(text: string): string[] {
  const names = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s*["']\.\/([^"'/]+)["']/gm)].map((m) => m[1]!);
  return [...new Set(names)];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function detectIndent(text: string): string {
  return /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';
}

/** Where a repository with no package.json has canon's plugin (laid beside the link to what the pre-commit framework installed; ADR-0031). */
export const NON_JS_MARKETPLACE_PATH = './.canon/claude-plugin';

function sameSource(value: unknown): boolean {
  return (
    isObject(value) &&
    isObject(value.source) &&
    value.source.source === PLUGIN_MARKETPLACE_SOURCE.source &&
    (value.source.path === PLUGIN_MARKETPLACE_SOURCE.path || value.source.path === NON_JS_MARKETPLACE_PATH)
  );
}

/**
 * settings.json with canon's marketplace declared and its plugin enabled. A team's own entry under
 * either key (another source for the marketplace, the plugin switched off) is theirs and kept.
 */
export function mergePluginSettings(existing: string | null, marketplacePath: string = PLUGIN_MARKETPLACE_SOURCE.path): string {
  const settings: Json = existing === null || existing.trim() === '' ? {} : (JSON.parse(existing) as Json);
  const markets = isObject(settings.extraKnownMarketplaces) ? settings.extraKnownMarketplaces : {};
  const enabled = isObject(settings.enabledPlugins) ? settings.enabledPlugins : {};
  let changed = existing === null;
  if (!(PLUGIN_MARKETPLACE in markets)) {
    settings.extraKnownMarketplaces = { ...markets, [PLUGIN_MARKETPLACE]: { source: { ...PLUGIN_MARKETPLACE_SOURCE, path: marketplacePath } } };
    changed = true;
  }
  if (!(PLUGIN_ID in enabled)) {
    settings.enabledPlugins = { ...enabled, [PLUGIN_ID]: true };
    changed = true;
  }
  if (!changed) return existing!;
  return `${JSON.stringify(settings, null, existing ? detectIndent(existing) : 2)}\n`;
}

/** settings.json without what mergePluginSettings added (keys left empty by that are dropped). */
export function removePluginSettings(existing: string): string {
  const settings = JSON.parse(existing) as Json;
  let changed = false;
  const markets = settings.extraKnownMarketplaces;
  if (isObject(markets) && sameSource(markets[PLUGIN_MARKETPLACE])) {
    delete markets[PLUGIN_MARKETPLACE];
    if (Object.keys(markets).length === 0) delete settings.extraKnownMarketplaces;
    changed = true;
  }
  const enabled = settings.enabledPlugins;
  if (isObject(enabled) && enabled[PLUGIN_ID] === true) {
    delete enabled[PLUGIN_ID];
    if (Object.keys(enabled).length === 0) delete settings.enabledPlugins;
    changed = true;
  }
  if (!changed) return existing;
  return `${JSON.stringify(settings, null, detectIndent(existing))}\n`;
}

/** What is missing for the plugin to run in this repository (empty when nothing is). */
export function checkPluginSettings(existing: string | null): Array<'marketplace' | 'enabled'> {
  const settings = existing === null || existing.trim() === '' ? {} : (JSON.parse(existing) as Json);
  const missing: Array<'marketplace' | 'enabled'> = [];
  if (!isObject(settings.extraKnownMarketplaces) || !(PLUGIN_MARKETPLACE in settings.extraKnownMarketplaces)) missing.push('marketplace');
  if (!isObject(settings.enabledPlugins) || settings.enabledPlugins[PLUGIN_ID] !== true) missing.push('enabled');
  return missing;
}
