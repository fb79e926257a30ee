import { existsSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { NOTE_KINDS, type CanonConfig, type NoteKind } from '../core/config.js';
import { classifyPath, trimSlashes } from '../core/layout.js';
import { execGitBytesSync, execGitSync, parseCatFileBatch, splitNul, gitOutput } from './git.js';
import { listNotes, loadNoteBytes, type LoadedNote } from './store.js';

/**
 * The notes a sparse checkout leaves out of the working tree (the index marks them skip-worktree,
 * `S` in `git ls-files -t`), read from their blobs in the index: without them every whole-store
 * view (INDEX rows, `index --check`) would take a note that is merely not checked out for a deleted
 * one. Two git processes (ls-files, one cat-file --batch), and none of the reading when nothing is
 * skipped. A note that is skip-worktree yet present on disk is the working tree's (listNotes reads it).
 */
export function readSkippedNotes(root: string, config: CanonConfig, kinds: readonly NoteKind[] = NOTE_KINDS): LoadedNote[] {
  const folders = [...new Set(kinds.map((kind) => trimSlashes(config.folders[kind])))];
  const listed = execGitSync(['ls-files', '-t', '-z', '--', ...folders.map((f) => `:(literal)${f}`)], { cwd: root });
  if (listed.code !== 0) return [];
  const refs = splitNul(listed.stdout)
    .filter((line) => line.startsWith('S '))
    .map((line) => line.slice(2))
    .flatMap((rel) => {
      const info = classifyPath(rel, config);
      return info?.role === 'note' && kinds.includes(info.kind) && !existsSync(path.join(root, rel)) ? [{ rel, kind: info.kind, stem: info.stem }] : [];
    });
  if (refs.length === 0) return [];
  const names = refs.map((r) => `:${r.rel}`);
  const blobs = parseCatFileBatch(execGitBytesSync(['cat-file', '--batch'], { cwd: root, input: names.map((n) => `${n}\n`).join('') }).stdout, names);
  const notes: LoadedNote[] = [];
  refs.forEach((ref, n) => {
    const blob = blobs.get(names[n]!);
    if (blob) notes.push(loadNoteBytes(ref, blob, config));
  });
  return notes;
}

/**
 * The note paths of the index (what the commit will hold, notes added in it included and notes
 * deleted in it left out), from one `git ls-files -z` of the store folders: file names are all a
 * link needs, so no note is read. Raw output: `docs/sessions/RT-260511-01.md\0workstreams/x.md\0`.
 * Honours GIT_INDEX_FILE, as every git child does.
 */
export async function listIndexedNotePaths(root: string, config: CanonConfig): Promise<string[]> {
  const folders = [...new Set(NOTE_KINDS.map((kind) => trimSlashes(config.folders[kind])))];
  const out = await gitOutput(['ls-files', '-z', '--', ...folders.map((f) => `:(literal)${f}`)], { cwd: root });
  return splitNul(out); // indexNotePaths keeps the notes
}

/**
 * Which of these paths (and glob patterns, `*` not crossing `/`) the index holds: one
 * `git ls-files -z`, whatever the size of the store.
 */
export async function listIndexedMatches(root: string, paths: readonly string[], globs: readonly string[]): Promise<string[]> {
  if (paths.length === 0 && globs.length === 0) return [];
  const specs = [...new Set(paths)].map((p) => `:(literal)${p}`).concat([...new Set(globs)].map((g) => `:(glob)${g}`));
  return splitNul(await gitOutput(['ls-files', '-z', '--', ...specs], { cwd: root }));
}

/** The note paths of the working tree (symbolic links left out, as everywhere in canon). */
export function listWorkingNotePaths(root: string, config: CanonConfig): string[] {
  return listNotes(root, config).map((ref) => ref.rel);
}

/**
 * Which of these repository paths the index holds, as a file or as a folder with files in it:
 * one `git ls-files -z` with literal pathspecs.
 */
export async function listIndexedPaths(root: string, rels: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  if (rels.length === 0) return found;
  const wanted = new Set(rels);
  const out = await gitOutput(['ls-files', '-z', '--', ...[...wanted].map((r) => `:(literal)${r}`)], { cwd: root });
  for (const file of splitNul(out)) {
    for (let at = file; at !== '.' && at !== ''; at = path.posix.dirname(at)) {
      if (wanted.has(at)) found.add(at);
    }
  }
  return found;
}

/** Whether a repository path exists in the working tree (a link that is there counts). */
export function workingPathExists(root: string, rel: string): boolean {
  try {
    lstatSync(path.join(root, rel));
    return true;
  } catch {
    return false;
  }
}
