import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The cache end-to-end tests share across files and runs: npm/pnpm/yarn/bun caches, tools from the
 * registry, canon's tarball and the team templates installed from it. jest runs several files at
 * once (jest.config.js), so two workers may build the same entry together: each builds in a folder
 * of its own and renames it into place, and the one that comes second throws its copy away.
 */
export const CACHE = path.join(os.tmpdir(), 'canon-test-cache');

/** The folder `name` of the cache, built by `build` (in an empty temp folder) unless `ready` says it is there. */
export function cachedDir(name: string, ready: (dir: string) => boolean, build: (tmp: string) => void): string {
  const dir = path.join(CACHE, name);
  if (ready(dir)) return dir;
  mkdirSync(CACHE, { recursive: true });
  // In the cache itself, so a tarball next to it is `file:../<name>.tgz` for every package manager.
  const tmp = mkdtempSync(path.join(CACHE, 'building-'));
  try {
    build(tmp);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  try {
    renameSync(tmp, dir);
  } catch {
    // Another worker finished first, or a run killed mid-build left an incomplete folder there.
    if (ready(dir)) {
      rmSync(tmp, { recursive: true, force: true });
      return dir;
    }
    const aside = mkdtempSync(path.join(CACHE, 'stale-'));
    renameSync(dir, path.join(aside, 'old'));
    rmSync(aside, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  return dir;
}

/** A digest of the files under `root` named by `entries` (files or folders, recursively): paths, modes and bytes. */
export function digestOf(root: string, entries: string[]): string {
  const hash = createHash('sha256');
  const visit = (rel: string) => {
    let stat;
    try {
      stat = statSync(path.join(root, rel));
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(path.join(root, rel)).sort()) visit(path.join(rel, name));
      return;
    }
    hash.update(`${rel}\0${stat.mode & 0o777}\0${stat.size}\0`);
    hash.update(readFileSync(path.join(root, rel)));
  };
  for (const entry of [...entries].sort()) visit(entry);
  return hash.digest('hex').slice(0, 16);
}
