import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { INDEX_FIXUPS } from '../core/hook-blocks.js';
import { gitDir } from './dot-git.js';
import { execGit, execGitBytes, openCatFileBatch, parseCatFileBatch, splitNul, gitOutput } from './git.js';

export interface StagedChange {
  status: 'A' | 'M' | 'D';
  path: string;
}

/**
 * Staged changes, renames split into delete + add. Raw `git diff --cached --name-status -z`:
 *
 *     M\0docs/sessions/RT-260511-01.md\0D\0docs/plans/old.md\0
 */
export async function listStagedChanges(root: string): Promise<StagedChange[]> {
  const out = await gitOutput(['diff', '--cached', '--name-status', '--no-renames', '-z', '--diff-filter=ACMD'], { cwd: root });
  const parts = splitNul(out);
  const changes: StagedChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const code = parts[i]![0];
    changes.push({ status: code === 'D' ? 'D' : code === 'A' || code === 'C' ? 'A' : 'M', path: parts[i + 1]! });
  }
  return changes;
}

/**
 * Read blobs as staged (`:path`) or at any revision, in one `git cat-file --batch` process.
 * Output per object: `<oid> blob <size>\n<bytes>\n`, or `<name> missing\n`.
 */
export async function readBlobs(root: string, specs: readonly string[]): Promise<Map<string, Buffer | null>> {
  if (specs.length === 0) return new Map();
  const read = await execGitBytes(['cat-file', '--batch'], { cwd: root, input: specs.map((s) => `${s}\n`).join('') });
  return parseCatFileBatch(read.stdout, specs);
}

/** Reads blobs as readBlobs does: each name's bytes, or null when git has no such object. */
export type BlobRead = (specs: readonly string[]) => Promise<Map<string, Buffer | null>>;

/**
 * readBlobs for a command that reads in rounds (pre-commit: the staged notes and their HEAD
 * versions, then the INDEX pages their rows go to): one `git cat-file --batch` for all of them, and
 * a name asked twice is answered from memory. `:path` names see the index as it was at the first
 * one: never ask for a path after writing it into the index. close() when done.
 */
export function openBlobReader(root: string): { read: BlobRead; close: () => void } {
  const batch = openCatFileBatch({ cwd: root });
  const known = new Map<string, Buffer | null>();
  return {
    async read(specs) {
      const wanted = [...new Set(specs.filter((s) => !known.has(s)))];
      for (const [name, bytes] of await batch.read(wanted)) known.set(name, bytes);
      return new Map(specs.map((s) => [s, known.get(s) ?? null]));
    },
    close: () => batch.close(),
  };
}

export async function stageFiles(root: string, files: readonly string[]): Promise<void> {
  if (files.length === 0) return;
  await gitOutput(['add', '--', ...files], { cwd: root });
}

/** A staged entry with its mode and blob id (from `git diff --cached --raw`). */
export interface StagedEntry extends StagedChange {
  mode: string;
  oid: string;
}

/**
 * Staged changes with modes and blob ids, renames split into delete + add. Raw
 * `git diff --cached --raw --no-abbrev -z` (a deletion has mode 000000 and the null oid):
 *
 *     :000000 100644 0000…0000 5716…ca59 A\0docs/sessions/RT-260511-01.md\0
 */
export async function listStagedEntries(root: string): Promise<StagedEntry[]> {
  const out = await gitOutput(['diff', '--cached', '--raw', '--no-abbrev', '--no-renames', '-z', '--diff-filter=ACMDT'], { cwd: root });
  const parts = splitNul(out);
  const entries: StagedEntry[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [, mode = '', , oid = '', code = ''] = parts[i]!.slice(1).split(' ');
    const status = code[0] === 'D' ? 'D' : code[0] === 'A' || code[0] === 'C' ? 'A' : 'M';
    entries.push({ status, path: parts[i + 1]!, mode, oid });
  }
  return entries;
}

export const SYMLINK_MODE = '120000';

/** One file to put in the index: its new text, or null to remove it from the index. */
export interface IndexWrite {
  path: string;
  text: string | null;
  mode?: string;
}

/**
 * Write files straight into the index, without going through the working tree: the blobs with one
 * `git hash-object -w --stdin-paths` (fed temp files), the entries with one `git update-index
 * --index-info`, which takes the index lock and replaces the index in one rename, so a killed
 * process leaves the index as it was before or after, never half. Honours GIT_INDEX_FILE (the
 * temporary index of `git commit <paths>` / `-a`), as every git child does.
 */
export async function writeIndexEntries(root: string, writes: readonly IndexWrite[]): Promise<string[]> {
  if (writes.length === 0) return [];
  const texts = writes.filter((w) => w.text !== null);
  const oids: string[] = [];
  if (texts.length > 0) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'canon-blobs-'));
    try {
      const files = texts.map((w, i) => {
        const file = path.join(dir, String(i));
        writeFileSync(file, w.text!);
        return file;
      });
      const out = await gitOutput(['hash-object', '-w', '--no-filters', '--stdin-paths'], { cwd: root, input: `${files.join('\n')}\n` });
      oids.push(...out.split('\n').filter(Boolean));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (oids.length !== texts.length) throw new Error(`git hash-object returned ${oids.length} ids for ${texts.length} files`);
  let next = 0;
  const nullOid = '0'.repeat(oids[0]?.length ?? 40);
  const lines = writes.map((w) => (w.text === null ? `0 ${nullOid}\t${w.path}` : `${w.mode ?? '100644'} ${oids[next++]}\t${w.path}`));
  await gitOutput(['update-index', '--index-info'], { cwd: root, input: `${lines.join('\n')}\n` });
  return oids;
}

/**
 * `git commit <paths>` (what IDEs send) runs the hook on a temporary index (`next-index-*.lock`)
 * and afterwards keeps the real index as git staged it before the hook: canon's normalised blobs
 * would be committed but the index would still hold the old ones. The hook leaves a note of them
 * in the worktree's git dir; post-commit puts them into the real index (see applyIndexFixups).
 */

export interface IndexFixup {
  path: string;
  mode: string;
  /** The blob git staged before the hook ('' when the path was not in the index). */
  from: string;
  /** The blob the commit holds ('' when the commit removed it: an emptied month page). */
  to: string;
}

/** Index entries (mode and blob) of some paths, as the index named by `env` holds them (`git ls-files -s`). */
export async function indexEntries(root: string, paths: readonly string[], env?: NodeJS.ProcessEnv): Promise<Map<string, { mode: string; oid: string }>> {
  const entries = new Map<string, { mode: string; oid: string }>();
  if (paths.length === 0) return entries;
  const out = await gitOutput(['ls-files', '-s', '-z', '--', ...paths], { cwd: root, ...(env ? { env } : {}) });
  for (const line of splitNul(out)) {
    const [mode = '', oid = ''] = line.slice(0, line.indexOf('\t')).split(' ');
    entries.set(line.slice(line.indexOf('\t') + 1), { mode, oid });
  }
  return entries;
}

/** Tree entries (mode and blob) of some paths at a commit (`git ls-tree`); a path the commit lacks is absent. */
export async function treeEntries(root: string, rev: string, paths: readonly string[]): Promise<Map<string, { mode: string; oid: string }>> {
  const entries = new Map<string, { mode: string; oid: string }>();
  if (paths.length === 0) return entries;
  const result = await execGit(['ls-tree', '-z', '--full-tree', rev, '--', ...paths], { cwd: root });
  if (result.code !== 0) return entries;
  for (const line of splitNul(result.stdout)) {
    const [mode = '', , oid = ''] = line.slice(0, line.indexOf('\t')).split(' ');
    entries.set(line.slice(line.indexOf('\t') + 1), { mode, oid });
  }
  return entries;
}

export function isTemporaryCommitIndex(indexFile: string | undefined): boolean {
  return indexFile !== undefined && /^next-index-.*\.lock$/.test(path.basename(indexFile));
}

export { gitDir } from './dot-git.js';

/**
 * What a commit made now would hold, as canon's pre-commit block compares it (core/hook-blocks.ts
 * PRECOMMIT_CHECKED): `<HEAD>:<tree of the index>`, HEAD empty on an unborn branch. null when the
 * index cannot be written as a tree (an unmerged or intent-to-add entry).
 */
export async function readStagedState(root: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const [head, tree] = await Promise.all([execGit(['rev-parse', '-q', '--verify', 'HEAD'], { cwd: root, env }), execGit(['write-tree'], { cwd: root, env })]);
  if (tree.code !== 0 || tree.stdout.trim() === '') return null;
  return `${head.code === 0 ? head.stdout.trim() : ''}:${tree.stdout.trim()}`;
}

export async function saveIndexFixups(root: string, fixups: readonly IndexFixup[]): Promise<void> {
  if (fixups.length === 0) return;
  writeFileSync(path.join(await gitDir(root), INDEX_FIXUPS), `${JSON.stringify(fixups)}\n`);
}

/** Put the hook's normalised blobs into the real index where it still holds what git staged before the hook. */
export async function applyIndexFixups(root: string, env: NodeJS.ProcessEnv): Promise<number> {
  const file = path.join(await gitDir(root), INDEX_FIXUPS);
  let fixups: IndexFixup[];
  try {
    fixups = JSON.parse(readFileSync(file, 'utf8')) as IndexFixup[];
  } catch {
    return 0;
  }
  rmSync(file, { force: true });
  // The real index, not the temporary one a surrounding hook environment may name.
  const realEnv = { ...env, GIT_INDEX_FILE: undefined };
  const current = await indexEntries(
    root,
    fixups.map((f) => f.path),
    realEnv,
  );
  // Only where the real index still holds what git staged before the hook: a path the user staged
  // differently since (or had staged apart from this commit) is theirs and stays as it is.
  const lines = fixups
    .filter((f) => (current.get(f.path)?.oid ?? '') === f.from && f.from !== f.to)
    .map((f) => (f.to === '' ? `0 ${'0'.repeat(f.from.length)}\t${f.path}` : `${f.mode} ${f.to}\t${f.path}`));
  if (lines.length > 0) await gitOutput(['update-index', '--index-info'], { cwd: root, env: realEnv, input: `${lines.join('\n')}\n` });
  return lines.length;
}

/**
 * Paths among `paths` (or all, when none are given) that the index marks skip-worktree: outside a
 * sparse checkout's cone, so absent from the working tree though tracked. `git ls-files -t` tags
 * them `S`.
 */
export async function skipWorktreePaths(root: string, paths?: readonly string[]): Promise<Set<string>> {
  if (paths !== undefined && paths.length === 0) return new Set();
  const out = await gitOutput(['ls-files', '-t', '-z', '--', ...(paths ?? [])], { cwd: root });
  return new Set(
    splitNul(out)
      .filter((line) => line.startsWith('S '))
      .map((line) => line.slice(2)),
  );
}
