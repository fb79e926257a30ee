import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NOTE_KINDS, type CanonConfig, type NoteKind } from '../core/config.js';
import { NoteSyntaxError, parseNote, type Note } from '../core/frontmatter.js';
import { classifyPath, trimSlashes } from '../core/layout.js';
import type { Issue, NoteRef } from '../core/validate-note.js';

/** Every note file in the store (INDEX, TEMPLATE and README left out), sorted by path. */
export function listNotes(root: string, config: CanonConfig, kinds: readonly NoteKind[] = NOTE_KINDS): NoteRef[] {
  const refs: NoteRef[] = [];
  for (const kind of kinds) {
    const folder = trimSlashes(config.folders[kind]);
    let names: string[];
    try {
      // A directory named like a note (`x.md/`) is not one: reading it would crash every command.
      names = readdirSync(path.join(root, folder), { withFileTypes: true }).filter((d) => !d.isDirectory()).map((d) => d.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    for (const name of names.sort()) {
      const info = classifyPath(`${folder}/${name}`, config);
      if (info?.role === 'note') refs.push({ rel: `${folder}/${name}`, kind: info.kind, stem: info.stem });
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
      return { ref, text, problem: { file: ref.rel, line: error.line, column: error.column, severity: 'error', pointer: '', message: error.message, rule: error.rule } };
    }
    throw error;
  }
}

export function readNote(root: string, ref: NoteRef, config: CanonConfig): LoadedNote {
  return loadNoteBytes(ref, readFileSync(path.join(root, ref.rel)), config);
}

function fileProblem(ref: NoteRef, message: string, rule: string): LoadedNote {
  return { ref, problem: { file: ref.rel, line: 1, column: 1, severity: 'error', pointer: '', message, rule } };
}

function tooLarge(ref: NoteRef, size: number, config: CanonConfig): LoadedNote {
  const mb = (size / 1024 / 1024).toFixed(1);
  const limit = Math.round(config.limits.max_note_bytes / 1024);
  return fileProblem(ref, `is ${mb} MB; a note may hold at most ${limit} KB (limits.max_note_bytes in canon.config.json)`, 'file/too-large');
}
