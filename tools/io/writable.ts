// Checks made before a command changes anything, so that a folder or file it cannot write stops it
// with one line naming the path and the fix, instead of an internal error half-way through (ADR-0025).
import { closeSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { faultMessages as m } from '../messages/faults.js';

/** The probe's name matches the sweep of `.claude/state` (tools/io/temp-sweep.ts) should a kill leave it. */
export const PROBE_PREFIX = '.probe-';

function explain(error: unknown, rel: string): { reason: string; hint: string } {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return { reason: 'the disk is full', hint: m.cannotWriteHint.full };
    case 'EROFS':
      return { reason: 'the file system is read-only', hint: m.cannotWriteHint.readOnly(rel) };
    case 'EACCES':
    case 'EPERM':
      return { reason: 'permission denied', hint: m.cannotWriteHint.denied(rel) };
    case 'ENOTDIR':
    case 'EEXIST':
      return { reason: 'a file is in the way of the folder', hint: m.cannotWriteHint.other };
    default:
      return { reason: e.message ?? String(error), hint: m.cannotWriteHint.other };
  }
}

/** The UserError for a failed write of `rel` (repository-relative), for callers that catch one late. */
export function cannotWriteError(rel: string, error: unknown): UserError {
  const { reason, hint } = explain(error, rel);
  return new UserError(m.cannotWrite(rel, reason), { hint, cause: error });
}

/**
 * Create the folder if needed and write (then remove) a small file in it: a folder that is read-only,
 * not ours or on a full disk fails here, before anything is written.
 */
export function checkWritableFolder(root: string, rel: string): void {
  const dir = path.join(root, rel);
  const probe = path.join(dir, `${PROBE_PREFIX}${process.pid}-${Math.random().toString(36).slice(2, 10)}.tmp`);
  let fd: number | null = null;
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(probe, 'wx');
    // One page's worth: a disk with no free block refuses it, as it would refuse the lock or a record.
    writeSync(fd, Buffer.alloc(4096, 0x20));
  } catch (error) {
    throw cannotWriteError(rel, error);
  } finally {
    if (fd !== null) closeSync(fd);
    try {
      unlinkSync(probe);
    } catch {
      // never created
    }
  }
}

/**
 * Each file can be opened for writing (a read-only file, a read-only mount or a file someone else
 * owns fails), checked before a command rewrites several files and git's index together.
 */
export function checkWritableFiles(root: string, rels: readonly string[]): void {
  const refused: string[] = [];
  let first: unknown = null;
  for (const rel of rels) {
    try {
      closeSync(openSync(path.join(root, rel), 'r+'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      refused.push(rel);
      first ??= error;
    }
  }
  if (refused.length === 0) return;
  const { reason } = explain(first, refused[0]!);
  throw new UserError(m.notWritable(refused, reason), { hint: m.notWritableHint(refused[0]!), cause: first });
}
