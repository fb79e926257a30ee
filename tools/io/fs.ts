import { accessSync, constants, lstatSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UserError } from '../errors.js';
import { messages } from '../messages/index.js';

/**
 * write-file-atomic follows a symbolic link and replaces its target, which may be anywhere: canon
 * never writes through one.
 */
function refuseSymlink(file: string): void {
  let link = false;
  try {
    link = lstatSync(file).isSymbolicLink();
  } catch {
    return; // does not exist yet
  }
  if (link) throw new UserError(messages.store.symlinkWrite(file));
}

/** Write a file atomically (temp file + fsync + rename): a reader sees the old or the new bytes, never half. */
export async function writeFileSafely(file: string, content: string): Promise<void> {
  refuseSymlink(file);
  mkdirSync(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, content, { encoding: 'utf8' });
}

/**
 * `derived`: a cache canon can rebuild from the store. It is still replaced atomically, but not
 * fsync'ed (a megabyte's fsync is paid on every handoff); after a crash it may read as garbage, and
 * its reader then rebuilds it.
 */
export function writeFileSafelySync(file: string, content: string, options: { derived?: boolean } = {}): void {
  refuseSymlink(file);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic.sync(file, content, { encoding: 'utf8', ...(options.derived ? { fsync: false } : {}) });
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** A text file's contents, or null when it cannot be read (missing, a folder, unreadable). */
export function readTextOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** A regular file this process may execute (a hook, canon's runner). */
export function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
