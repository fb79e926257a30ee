// canon as a Claude Code plugin (ADR-0028), the I/O half of `canon init`: settings.json enables the
// plugin, and what earlier versions put into `.claude/commands/` and `.claude/hooks/` goes — only
// files canon wrote, byte for byte; a file anyone changed, or wrote, stays.
import { createHash } from 'node:crypto';
import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { bundleImportsBeside, HOOK_SHARED_FILE, LEGACY_COMMAND_SHA256, LEGACY_HOOK_BUNDLES, mergePluginSettings } from '../core/claude-plugin-settings.js';
import { removeSettings } from '../core/install-plan.js';
import { readTextOrNull } from './fs.js';

export interface PluginRemoval {
  path: string;
  why: string;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** settings.json as the plugin wants it: its two keys in, the hook entries of earlier versions out. */
export function planPluginSettings(existing: string | null, marketplacePath?: string): string {
  return mergePluginSettings(existing === null ? null : removeSettings(existing, LEGACY_HOOK_BUNDLES), marketplacePath);
}

/**
 * The files of earlier versions that the plugin replaces, each removed only when its bytes are what
 * canon wrote: as the install record has them, one of the `/handoff` and `/resume` canon shipped, or
 * the hook bundle (or the code the bundles share) of this package.
 */
export function planPluginMigration(root: string, pkgRoot: string, written: Readonly<Record<string, { written: string }>>): PluginRemoval[] {
  const removals: PluginRemoval[] = [];
  const wroteIt = (rel: string, text: string) => written[rel]?.written === sha(text);
  for (const [name, known] of Object.entries(LEGACY_COMMAND_SHA256)) {
    const rel = `.claude/commands/${name}`;
    const text = readTextOrNull(path.join(root, rel));
    if (text !== null && (wroteIt(rel, text) || known.includes(sha(text)))) {
      removals.push({ path: rel, why: `now /canon:${name.slice(0, -3)}, from canon's Claude Code plugin` });
    }
  }
  for (const name of LEGACY_HOOK_BUNDLES) {
    const rel = `.claude/hooks/${name}`;
    const text = readTextOrNull(path.join(root, rel));
    if (text !== null && (wroteIt(rel, text) || text === readTextOrNull(path.join(pkgRoot, 'plugin/hooks', name)))) {
      removals.push({ path: rel, why: "the plugin runs the hook from canon's package" });
    }
  }
  // The code those bundles share goes with them: when it is canon's, and no file that stays imports it.
  const shared = `.claude/hooks/${HOOK_SHARED_FILE}`;
  const text = readTextOrNull(path.join(root, shared));
  if (text !== null && (wroteIt(shared, text) || text === readTextOrNull(path.join(pkgRoot, 'plugin/hooks', HOOK_SHARED_FILE)))) {
    const going = new Set(removals.map((r) => r.path));
    const staying = readdirSync(path.join(root, '.claude/hooks')).filter((n) => /\.[cm]?js$/.test(n) && !going.has(`.claude/hooks/${n}`));
    const needed = staying.some((n) => bundleImportsBeside(readTextOrNull(path.join(root, '.claude/hooks', n)) ?? '').includes(HOOK_SHARED_FILE));
    if (!needed) removals.push({ path: shared, why: "the plugin runs the hooks from canon's package" });
  }
  return removals;
}

/** Remove them, and the folders they leave empty. */
export function applyPluginMigration(root: string, removals: readonly PluginRemoval[]): void {
  for (const removal of removals) {
    const file = path.join(root, removal.path);
    rmSync(file, { force: true });
    const dir = path.dirname(file);
    try {
      if (readdirSync(dir).length === 0) rmdirSync(dir);
    } catch {
      // already gone
    }
  }
}
