import { createHash } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NOTE_KINDS, type CanonConfig } from '../core/config.js';
import { isClaimStub, type Note } from '../core/frontmatter.js';
import { indexRowFor, monthOf } from '../core/index-render.js';
import { externalIdFor } from '../core/layout.js';
import { encodeRow, isPageSource, type RenderManifest, type SourceEntry } from '../core/render-plan.js';
import type { NoteRef } from '../core/validate-note.js';
import { listNotes, loadNoteBytes } from './store.js';

/** git's racy rule: a file changed less than this long before we looked may change again within the same mtime. */
const RACY_MS = 2000;

export interface RenderSource {
  ref: NoteRef;
  entry: SourceEntry;
  /** The parsed note when this run read it; unread notes are read again only if their page is rendered. */
  note: Note | null;
  /** Its text, when this run read and parsed it (for the commit door's checks). */
  text?: string;
}

export function shaOf(bytes: Buffer | string): string {
  return createHash('sha1').update(bytes).digest('hex');
}

function factsOf(ref: NoteRef, note: Note): { ids: string[]; month: string; row: string } | null {
  if (!note.hasFrontmatter && note.body.trim() === '') return null;
  if (isClaimStub(note)) return null;
  const fromName = externalIdFor(ref.kind, ref.stem);
  const declared = typeof note.data.external_id === 'string' ? note.data.external_id : null;
  const id = declared ?? fromName ?? ref.stem;
  const ids = [...new Set([id, fromName, declared, ref.stem].filter((x): x is string => typeof x === 'string' && x !== ''))];
  const row = indexRowFor(ref.kind, `${ref.stem}.md`, id, note.data);
  return { ids, month: ref.kind === 'session' ? monthOf(row.date) : '', row: encodeRow(row) };
}

/** Hash, parse and describe one note from its bytes. */
function describe(ref: NoteRef, bytes: Buffer, config: CanonConfig, stat: { size: number; mtimeMs: number }, now: number): RenderSource {
  const loaded = loadNoteBytes(ref, bytes, config);
  const mtimeMs = now - stat.mtimeMs > RACY_MS ? stat.mtimeMs : null;
  const sha = shaOf(bytes);
  if (loaded.problem) return { ref, entry: [stat.size, mtimeMs, sha, null, null, null, loaded.problem], note: null };
  const facts = factsOf(ref, loaded.note);
  return { ref, entry: [stat.size, mtimeMs, sha, facts?.month ?? null, facts?.ids ?? null, facts?.row ?? null, null], note: loaded.note, text: loaded.text };
}

/**
 * Every note of the store, as cheaply as the manifest allows: a note whose size and mtime match what
 * the last run saw (and that was old enough then to trust) is not read; one that was read is hashed,
 * and parsed only when its bytes changed. `skipped` collects symbolic links (never read).
 */
export function readRenderSources(root: string, config: CanonConfig, previous: RenderManifest | null, now: number, skipped: string[]): RenderSource[] {
  const sources: RenderSource[] = [];
  for (const ref of listNotes(root, config, NOTE_KINDS, skipped)) {
    const file = path.join(root, ref.rel);
    const stat = lstatSync(file);
    if (stat.isSymbolicLink()) {
      skipped.push(ref.rel);
      continue;
    }
    const before = previous?.sources[ref.rel];
    if (before && before[1] !== null && before[1] === stat.mtimeMs && before[0] === stat.size) {
      sources.push({ ref, entry: before, note: null });
      continue;
    }
    const bytes = readFileSync(file);
    if (before && before[2] === shaOf(bytes) && (isPageSource(before) || before[6] !== null)) {
      const mtimeMs = now - stat.mtimeMs > RACY_MS ? stat.mtimeMs : null;
      sources.push({ ref, entry: [stat.size, mtimeMs, before[2], before[3], before[4], before[5], before[6]], note: null });
      continue;
    }
    sources.push(describe(ref, bytes, config, stat, now));
  }
  return sources;
}

/** Read a note again for its page (its facts came from the manifest). null when it no longer parses. */
export function readSourceNote(root: string, source: RenderSource, config: CanonConfig): Note | null {
  if (source.note) return source.note;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.join(root, source.ref.rel));
  } catch {
    return null; // removed since the scan: the next run drops its page
  }
  const loaded = loadNoteBytes(source.ref, bytes, config);
  return loaded.problem ? null : loaded.note;
}
