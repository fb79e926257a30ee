import { lstatSync, readdirSync, readFileSync, realpathSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { NOTE_KINDS, type CanonConfig, type NoteKind } from '../core/config.js';
import { NoteSyntaxError, parseNote, type Note } from '../core/frontmatter.js';
import { classifyPath, trimSlashes } from '../core/layout.js';
import type { Issue, NoteRef } from '../core/validate-note.js';
import { messages } from '../messages/index.js';

/** A store folder that is a link out of the repository is not part of the store. */
function folderLeavesRepo(root: string, folder: string): boolean {
  try {
    if (!lstatSync(path.join(root, folder)).isSymbolicLink()) return false;
    const real = realpathSync(path.join(root, folder));
    const top = realpathSync(root);
    return real !== top && !real.startsWith(`${top}${path.sep}`);
  } catch {
    return false;
  }
}

/**
 * Every note file in the store (INDEX, TEMPLATE and README left out), sorted by path. Symbolic
 * links are never notes (canon neither reads nor writes through them): they go to `skipped`, for
 * the caller to warn about, with folders that link out of the repository.
 */
export function listNotes(root: string, config: CanonConfig, kinds: readonly NoteKind[] = NOTE_KINDS, skipped: string[] = []): NoteRef[] {
  const refs: NoteRef[] = [];
  for (const kind of kinds) {
    const folder = trimSlashes(config.folders[kind]);
    if (folderLeavesRepo(root, folder)) {
      skipped.push(folder);
      continue;
    }
    let entries: Dirent[];
    try {
      // A directory named like a note (`x.md/`) is not one: reading it would crash every command.
      entries = readdirSync(path.join(root, folder), { withFileTypes: true }).filter((d) => !d.isDirectory());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const rel = `${folder}/${entry.name}`;
      const info = classifyPath(rel, config);
      if (info?.role !== 'note') continue;
      if (entry.isSymbolicLink()) skipped.push(rel);
      else refs.push({ rel, kind: info.kind, stem: info.stem });
    }
  }
  return refs;
}

/** A note as read from disk: parsed, or the one problem that stopped it from being read. */
export type LoadedNote = { ref: NoteRef; text: string; note: Note; problem?: undefined } | { ref: NoteRef; text?: string; note?: undefined; problem: Issue };

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Decode and parse note bytes; size, binary, encoding and syntax problems become an Issue. */
export function loadNoteBytes(ref: NoteRef, bytes: Buffer, config: CanonConfig): LoadedNote {
  const problem = (message: string, rule: string): LoadedNote => fileProblem(ref, message, rule);
  if (bytes.length > config.limits.max_note_bytes) return tooLarge(ref, bytes.length, config);
  if (bytes.includes(0)) return problem('holds binary data (a NUL byte); a note is UTF-8 text', 'file/binary');
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return problem('is not valid UTF-8 text', 'file/encoding');
  }
  try {
    return { ref, text, note: parseNote(text) };
  } catch (error) {
    if (error instanceof NoteSyntaxError) {
      return {
        ref,
        text,
        problem: { file: ref.rel, line: error.line, column: error.column, severity: 'error', pointer: '', message: error.message, rule: error.rule },
      };
    }
    throw error;
  }
}

/** The warning for a note (or folder) skipped because it is a symbolic link. */
export function skippedLinkIssue(rel: string): Issue {
  return { file: rel, line: 1, column: 1, severity: 'warning', pointer: '', message: messages.store.symlinkSkipped, rule: 'file/symlink' };
}

/** Read a note from disk; a symbolic link is not followed but reported (a warning: it is skipped). */
export function readNote(root: string, ref: NoteRef, config: CanonConfig): LoadedNote {
  const file = path.join(root, ref.rel);
  if (lstatSync(file).isSymbolicLink()) return { ref, problem: skippedLinkIssue(ref.rel) };
  return loadNoteBytes(ref, readFileSync(file), config);
}

function fileProblem(ref: NoteRef, message: string, rule: string): LoadedNote {
  return { ref, problem: { file: ref.rel, line: 1, column: 1, severity: 'error', pointer: '', message, rule } };
}

function tooLarge(ref: NoteRef, size: number, config: CanonConfig): LoadedNote {
  const mb = (size / 1024 / 1024).toFixed(1);
  const limit = Math.round(config.limits.max_note_bytes / 1024);
  return fileProblem(ref, `is ${mb} MB; a note may hold at most ${limit} KB (limits.max_note_bytes in canon.config.json)`, 'file/too-large');
}
