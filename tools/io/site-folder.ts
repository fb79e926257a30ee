import { lstatSync, mkdirSync, readdirSync, realpathSync, rmdirSync, unlinkSync } from 'node:fs';
import { writeFile as writeFileCallback } from 'node:fs';
import { lstat, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { NOTE_KINDS, type CanonConfig } from '../core/config.js';
import { trimSlashes } from '../core/layout.js';
import { isSitePath, MANIFEST_FILE, parseManifest, serializeManifest, type RenderManifest } from '../core/render-plan.js';
import { UsageError, UserError } from '../errors.js';
import { renderMessages } from '../messages/render.js';
import { readTextOrNull, writeFileSafelySync } from './fs.js';

/** The out folder of `canon render`, checked: every write and removal goes through it. */
export interface SiteFolder {
  /** Absolute path. */
  dir: string;
  /** How to name it to the user: relative to the repository when inside it. */
  display: string;
  /** Folders (site-relative) already known to be real folders inside `dir`. */
  checked: Set<string>;
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function lstatOrNull(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return null;
  }
}

/** realpath of a path that may not exist yet: its nearest existing ancestor's realpath plus the rest. */
function realpathLoose(file: string): string {
  const rest: string[] = [];
  for (let dir = file; ; dir = path.dirname(dir)) {
    try {
      return path.join(realpathSync(dir), ...rest.reverse());
    } catch {
      if (path.dirname(dir) === dir) return file;
      rest.push(path.basename(dir));
    }
  }
}

/**
 * Resolve and check `--out` (default `<repo>/site`). Refused, with nothing written: the repository
 * itself or a folder holding it, anything in `.git` or in a store folder (or holding one), a
 * symbolic link, a path that leaves the repository through one, a file, and a folder with files
 * that canon render did not make (no manifest of its own in it).
 */
export function openSiteFolder(root: string, config: CanonConfig, cwd: string, out: string | undefined): SiteFolder {
  const dir = path.resolve(out === undefined ? root : cwd, out ?? DEFAULT_OUT);
  const display = isInside(root, dir) ? path.relative(root, dir).split(path.sep).join('/') : dir;
  const refuse = (reason: string): never => {
    throw new UsageError(renderMessages.outRefused(display, reason), renderMessages.outHint);
  };
  if (dir === root || isInside(dir, root)) refuse(renderMessages.outIsRepo);
  if (dir === path.join(root, '.git') || isInside(path.join(root, '.git'), dir)) refuse(renderMessages.outInGit);
  for (const kind of NOTE_KINDS) {
    const folder = path.join(root, trimSlashes(config.folders[kind]));
    if (dir === folder || isInside(folder, dir) || isInside(dir, folder)) refuse(renderMessages.outInStore(trimSlashes(config.folders[kind])));
  }
  const stat = lstatOrNull(dir);
  if (stat?.isSymbolicLink()) refuse(renderMessages.outIsLink);
  if (isInside(root, dir)) {
    const realRoot = realpathLoose(root);
    const real = realpathLoose(dir);
    if (!isInside(realRoot, real)) refuse(renderMessages.outLeavesRepo(real));
  }
  if (stat && !stat.isDirectory()) refuse(renderMessages.outNotFolder);
  if (stat) {
    const entries = readdirSync(dir);
    if (entries.length > 0 && !entries.includes(MANIFEST_FILE)) refuse(renderMessages.outForeign(entries.length));
  }
  return { dir, display, checked: new Set() };
}

const DEFAULT_OUT = 'site';

/** A site path as an absolute file, after checking it is one canon render may touch. */
function fileOf(site: SiteFolder, page: string): string {
  if (!isSitePath(page)) throw new UserError(renderMessages.badPath(page));
  const file = path.join(site.dir, ...page.split('/'));
  if (!isInside(site.dir, file)) throw new UserError(renderMessages.badPath(page));
  return file;
}

/** Make (or check) each folder between the out folder and a page, refusing symbolic links among them. */
function ensureFolders(site: SiteFolder, page: string, create: boolean): boolean {
  const parts = page.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const rel = parts.slice(0, i).join('/');
    if (site.checked.has(rel)) continue;
    const dir = path.join(site.dir, ...parts.slice(0, i));
    const stat = lstatOrNull(dir);
    if (stat === null) {
      if (!create) return false;
      mkdirSync(dir);
    } else if (stat.isSymbolicLink()) throw new UserError(renderMessages.linkInside(`${site.display}/${rel}`));
    else if (!stat.isDirectory()) throw new UserError(renderMessages.notFolderInside(`${site.display}/${rel}`));
    site.checked.add(rel);
  }
  return true;
}

/**
 * Write one page; an existing one is replaced by a temp file renamed over it (a reader sees the
 * old page or the new, never half). Not fsynced: the site is derived, and a page lost to a crash is
 * rendered again because the manifest, written last, does not list it as current.
 */
async function writeSiteFile(site: SiteFolder, page: string, content: string): Promise<void> {
  const file = fileOf(site, page);
  ensureFolders(site, page, true);
  // A new page is created in place: `wx` (O_CREAT|O_EXCL) fails on anything already there, a
  // symbolic link included, so nothing is followed. Creating 10,000 files is most of a cold render.
  if (await createOnly(file, content)) return;
  if ((await lstat(file)).isSymbolicLink()) throw new UserError(renderMessages.linkInside(`${site.display}/${page}`));
  const tmp = `${file}.${process.pid}.tmp`;
  await rm(tmp, { force: true });
  if (!(await createOnly(tmp, content))) throw new UserError(renderMessages.linkInside(`${site.display}/${page}.${process.pid}.tmp`));
  await rename(tmp, file);
}

/** Create a file that must not exist yet; false when something is there. (The callback API: no FileHandle per page.) */
function createOnly(file: string, content: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    writeFileCallback(file, content, { flag: 'wx' }, (error) => {
      if (!error) resolve(true);
      else if (error.code === 'EEXIST') resolve(false);
      else reject(error);
    });
  });
}

/**
 * Pages written with a few in flight at once: on a real disk, creating files one by one waits on
 * each in turn (4× slower here for 10,000 pages). `write` waits while the pool is full, so at most
 * `limit` pages are held in memory; `done` waits for the rest and throws the first failure.
 */
export function createSiteWriter(site: SiteFolder, limit = 16): { write(page: string, content: string): Promise<void>; done(): Promise<void> } {
  if (!site.checked.has('')) {
    mkdirSync(site.dir, { recursive: true });
    site.checked.add('');
  }
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  return {
    async write(page, content) {
      if (failure !== null) throw failure;
      const task: Promise<void> = writeSiteFile(site, page, content)
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (inFlight.size >= limit) await Promise.race(inFlight);
    },
    async done() {
      await Promise.all(inFlight);
      if (failure !== null) throw failure;
    },
  };
}

/** Remove a page an earlier run wrote (a regular file only), and the folders that leaves empty. */
export function removeSiteFile(site: SiteFolder, page: string): boolean {
  // A path no run could have written (a hand-edited manifest) is left alone, and drops out of the manifest.
  if (!isSitePath(page)) return false;
  const file = fileOf(site, page);
  if (!ensureFolders(site, page, false)) return false;
  const stat = lstatOrNull(file);
  if (stat === null || !stat.isFile()) return false;
  unlinkSync(file);
  for (let dir = path.dirname(file); isInside(site.dir, dir); dir = path.dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      break; // not empty
    }
    site.checked.delete(path.relative(site.dir, dir).split(path.sep).join('/'));
  }
  return true;
}

/** Site paths among `pages` whose file is not there (deleted by hand): rendered again. One listing per folder. */
export function listMissingFiles(site: SiteFolder, pages: Iterable<string>): Set<string> {
  const missing = new Set<string>();
  const listings = new Map<string, Set<string> | null>();
  for (const page of pages) {
    if (!isSitePath(page)) {
      missing.add(page);
      continue;
    }
    const slash = page.lastIndexOf('/');
    const dir = slash === -1 ? '' : page.slice(0, slash);
    let files = listings.get(dir);
    if (files === undefined) {
      try {
        files = new Set(
          readdirSync(path.join(site.dir, ...dir.split('/')), { withFileTypes: true })
            .filter((d) => d.isFile())
            .map((d) => d.name),
        );
      } catch {
        files = null;
      }
      listings.set(dir, files);
    }
    if (!files?.has(page.slice(slash + 1))) missing.add(page);
  }
  return missing;
}

export function readManifest(site: SiteFolder): RenderManifest | null {
  return parseManifest(readTextOrNull(path.join(site.dir, MANIFEST_FILE)));
}

export function writeManifest(site: SiteFolder, manifest: RenderManifest): void {
  const file = path.join(site.dir, MANIFEST_FILE);
  if (lstatOrNull(file)?.isSymbolicLink()) throw new UserError(renderMessages.linkInside(`${site.display}/${MANIFEST_FILE}`));
  // Temp file, fsync and rename, never through a link (a plain temp-file write would follow one).
  writeFileSafelySync(file, serializeManifest(manifest));
}
