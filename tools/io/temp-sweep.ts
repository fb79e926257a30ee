// Temp files canon writes next to their final name and removes in a `finally`: only a kill leaves one.
// Their names carry the writer's pid, so the next writer in the same folder can tell a leftover from
// a file being written this instant:
//
//     docs/sessions/.claim-4242-9f0c1ab2e3d4.tmp
//     .claude/state/handoff.lock.4242-k3j9x0ab.tmp
//     .claude/state/handoff.lock.4242-k3j9x0ab.stale.tmp
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { isAlive } from './lock.js';

export const CLAIM_TEMP_PREFIX = '.claim-';
/** Older than this, a temp file is a leftover whoever wrote it (a write and a link take milliseconds). */
const TEMP_MAX_AGE_MS = 3_600_000;

/**
 * The temp files in `dir` named `<prefix><pid>-<random>[.stale].tmp` whose writer is gone (its pid
 * no longer runs here) or that are older than an hour. Folder-relative names.
 */
export function listDeadTemps(dir: string, prefix: string, nowMs = Date.now(), listed?: readonly string[]): string[] {
  let names: readonly string[];
  try {
    names = listed ?? readdirSync(dir);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1] ?? NaN);
    let old = false;
    try {
      old = nowMs - statSync(path.join(dir, name)).mtimeMs > TEMP_MAX_AGE_MS;
    } catch {
      continue; // its writer just removed it
    }
    if (old || (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid))) out.push(name);
  }
  return out;
}

/**
 * Remove what listDeadTemps finds; returns the names removed. Never fails: a sweep is housekeeping.
 * `listed`: the folder's names when the caller has just read them (a 10,000-note folder is read once).
 */
export function sweepDeadTemps(dir: string, prefix: string, nowMs = Date.now(), listed?: readonly string[]): string[] {
  const removed: string[] = [];
  for (const name of listDeadTemps(dir, prefix, nowMs, listed)) {
    try {
      unlinkSync(path.join(dir, name));
      removed.push(name);
    } catch {
      // raced with another sweep
    }
  }
  return removed;
}

/** write-file-atomic's temp file beside a note: `RT-260511-03.md.2914003687` (a uint32 in decimal). */
const ATOMIC_TEMP = /\.md\.\d{1,10}$/;
/** Such a write takes milliseconds; its temp file has no pid in its name, so age alone tells a leftover. */
const ATOMIC_TEMP_MAX_AGE_MS = 60_000;

/** Remove the temp files of note writes killed between create and rename (older than a minute). */
export function sweepAtomicWriteTemps(dir: string, nowMs = Date.now(), listed?: readonly string[]): string[] {
  let names: string[];
  try {
    names = (listed ?? readdirSync(dir)).filter((n) => ATOMIC_TEMP.test(n));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      if (!statSync(file).isFile() || nowMs - statSync(file).mtimeMs <= ATOMIC_TEMP_MAX_AGE_MS) continue;
      unlinkSync(file);
      removed.push(name);
    } catch {
      // its writer renamed it, or another sweep took it
    }
  }
  return removed;
}
