import { lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './schemas.js';

/**
 * In a repository with no package.json (ADR-0031) there is no node_modules/canon-notes: the pre-commit
 * framework installs canon into an environment of its own, somewhere under ~/.cache. This link, in
 * each worktree's git-ignored `.canon/`, is where Claude Code finds canon there: the plugin's
 * marketplace directory and the command the /handoff and /resume skills run.
 */
export const PACKAGE_LINK = '.canon/canon-notes';

/** The CLI through the link, as a command line relative to the worktree top. */
export const LINKED_CLI = `node ${PACKAGE_LINK}/dist/canon.js`;

/** Point the worktree's link at the canon that runs now; true when it had to change. */
export function writePackageLink(top: string): boolean {
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
