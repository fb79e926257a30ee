import type { NoteKind } from './config.js';
import { computeContentHash } from './content-hash.js';
import { isClaimStub, serializeNote, setFrontmatter, type Note } from './frontmatter.js';
import { orderKeys } from './key-order.js';

/** Put keys in canonical order and stamp content_hash. Claim stubs are left exactly as they are. */
export function normalizeNote(note: Note, kind: NoteKind): Note {
  if (isClaimStub(note)) return note;
  const hash = computeContentHash(note.data, note.body);
  const stamped = note.data.content_hash === hash ? note : setFrontmatter(note, { content_hash: hash });
  const order = orderKeys(
    kind,
    stamped.entries.map((e) => e.key),
  );
  const byKey = new Map(stamped.entries.map((e) => [e.key, e]));
  return { ...stamped, entries: order.map((k) => byKey.get(k)!) };
}

/** Normalised file text for `original`, or null when the file is already normal (no byte would change). */
export function normalizeText(original: string, note: Note, kind: NoteKind): string | null {
  if (!note.hasFrontmatter) return null;
  const text = serializeNote(normalizeNote(note, kind));
  return text === original ? null : text;
}
