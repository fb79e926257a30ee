import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderLinkedSkill } from '../core/linked-plugin.js';
import { packageRoot } from './schemas.js';

/**
 * In a repository with no package.json (ADR-0031) there is no node_modules/canon-notes: the pre-commit
 * framework installs canon into an environment of its own, somewhere under ~/.cache. This link, in
 * each worktree's git-ignored `.canon/`, is where Claude Code finds canon there: the skills run the CLI
 * through it, and canon's plugin is laid beside it with its skills rewritten to do so.
 */
export const PACKAGE_LINK = '.canon/canon-notes';

/** The CLI through the link, as a command line relative to the worktree top. */
export const LINKED_CLI = `node ${PACKAGE_LINK}/dist/canon.js`;

/** canon's plugin as Claude Code loads it here: its marketplace, hooks, and skills that run {@link LINKED_CLI}. */
const LINKED_PLUGIN = '.canon/claude-plugin';

/**
 * Point the worktree's link at the canon that runs now, and lay the plugin beside it; true when the
 * link had to change. Both are git-ignored (canon's `.canon/` line).
 */
export function writePackageLink(top: string): boolean {
  const changed = linkPackage(top);
  if (changed || !existsSync(path.join(top, LINKED_PLUGIN, SOURCE))) writeLinkedPlugin(top, LINKED_CLI);
  return changed;
}

/**
 * yarn's Plug'n'Play (ADR-0029): canon is in a zip, so Claude Code finds no `node_modules/canon-notes`
 * to load the plugin from, and `npm run handoff` finds no `canon` bin. Such a repository gets the
 * plugin laid in `.canon/claude-plugin` like one without a package.json, its skills running canon
 * through yarn, which resolves it.
 */
export function usesPnp(top: string): boolean {
  return existsSync(path.join(top, '.pnp.cjs')) && existsSync(path.join(top, 'package.json'));
}

/** How the skills start canon under Plug'n'Play. */
export const PNP_CLI = 'yarn canon';

/** Lay (or refresh) the plugin copy for a Plug'n'Play repository; run by `canon setup` on every install. */
export function writePnpPlugin(top: string): void {
  writeLinkedPlugin(top, PNP_CLI);
}

/** Names the package the plugin copy was made from. */
const SOURCE = '.canon-source';

function writeLinkedPlugin(top: string, cli: string): void {
  const from = packageRoot();
  const to = path.join(top, LINKED_PLUGIN);
  rmSync(to, { recursive: true, force: true });
  const copy = (rel: string, transform: (text: string) => string = (t) => t) => {
    mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
    writeFileSync(path.join(to, rel), transform(readFileSync(path.join(from, rel), 'utf8')));
  };
  copy('.claude-plugin/marketplace.json');
  copy('plugin/.claude-plugin/plugin.json');
  for (const name of readdirSync(path.join(from, 'plugin/hooks'))) copy(`plugin/hooks/${name}`);
  for (const name of readdirSync(path.join(from, 'plugin/skills'))) copy(`plugin/skills/${name}/SKILL.md`, (text) => renderLinkedSkill(text, cli));
  writeFileSync(path.join(to, SOURCE), `${from}\n`);
}

function linkPackage(top: string): boolean {
  const link = path.join(top, PACKAGE_LINK);
  const target = packageRoot();
  try {
    if (lstatSync(link).isSymbolicLink() && readlinkSync(link) === target) return false;
    rmSync(link, { recursive: true, force: true });
  } catch {
    // No link yet.
  }
  mkdirSync(path.dirname(link), { recursive: true });
  symlinkSync(target, link, 'dir');
  return true;
}
