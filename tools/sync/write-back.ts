import { SYNC_KEYS } from '../core/content-hash.js';
import { parseNote, serializeNote, setFrontmatter, type Note } from '../core/frontmatter.js';

/** Sync metadata goes last, in canonical order (docs/contract.md §3.1); every other entry keeps its place and bytes. */
export function withSyncMetadata(note: Note, values: Record<string, unknown>): string {
  const updated = setFrontmatter(note, values);
  const rank = (key: string) => (SYNC_KEYS as readonly string[]).indexOf(key);
  const others = updated.entries.filter((e) => rank(e.key) < 0);
  const sync = updated.entries.filter((e) => rank(e.key) >= 0).sort((a, b) => rank(a.key) - rank(b.key));
  return serializeNote({ ...updated, entries: [...others, ...sync] });
}

/** The metadata edit applied to any version of a note's text, or null when that text does not parse. */
export function applyMetadata(text: string, values: Record<string, unknown>): string | null {
  try {
    return withSyncMetadata(parseNote(text), values);
  } catch {
    return null;
  }
}

/** What a failed note records in its frontmatter. */
export function errorValues(reason: string, pageId: string | null): Record<string, unknown> {
  return { sync_status: 'error', ...(pageId ? { notion_page_id: pageId } : {}), sync_error: reason };
}
