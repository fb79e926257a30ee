import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CanonConfig, NoteKind } from '../../core/config.js';
import { computeContentHash } from '../../core/content-hash.js';
import { parseNote, type Note } from '../../core/frontmatter.js';
import { classifyPath, trimSlashes } from '../../core/layout.js';
import type { NoteRef } from '../../core/validate-note.js';
import { execGit, splitNul } from '../../io/git.js';
import { readBlobs } from '../../io/staged.js';
import { listNotes, loadNoteBytes, readNote, type LoadedNote } from '../../io/store.js';

/**
 * A note as sync sees it: its committed version (what is sent to Notion), and the working file
 * (read only for canon's own sync metadata, which a write-back without --commit leaves there).
 */
export interface CommittedNote {
  ref: NoteRef;
  /** The blob id in HEAD. */
  oid: string;
  /** The git file mode in HEAD (`100644`). */
  mode: string;
  head: LoadedNote;
  /** The working file, or null when it is gone or is not a regular file inside the repository. */
  working: LoadedNote | null;
}

/** A note sync leaves alone, with the reason (uncommitted, a symlink). */
export interface UnsentNote {
  ref: NoteRef;
  reason: string;
}

const UNSENT = {
  uncommitted: 'not committed yet: sync sends the committed version; commit it and sync again',
  symlink: 'is a symlink in git; canon never syncs through a symlink',
} as const;

/**
 * The notes of HEAD, one `git ls-tree` and one `git cat-file --batch`. Raw `ls-tree -r -z HEAD`:
 *
 *     100644 blob 3b18e512dba79e4c8300dd08aeb37f8e728b8dad\tdocs/sessions/RT-260511-01.md\0
 *     120000 blob 1f2a…\tdocs/sessions/LINK.md\0
 */
export async function readCommittedNotes(
  root: string,
  config: CanonConfig,
  kinds: readonly NoteKind[],
): Promise<{ notes: CommittedNote[]; unsent: UnsentNote[] }> {
  const folders = [...new Set(kinds.map((k) => trimSlashes(config.folders[k])))];
  const listing = await execGit(['ls-tree', '-r', '-z', '--full-tree', 'HEAD', '--', ...folders], { cwd: root });
  const entries: { ref: NoteRef; oid: string; mode: string }[] = [];
  // No HEAD yet (a repository without commits) lists nothing: every note is uncommitted.
  if (listing.code === 0) {
    for (const record of splitNul(listing.stdout)) {
      const tab = record.indexOf('\t');
      const [mode, type, oid] = record.slice(0, tab).split(' ');
      const rel = record.slice(tab + 1);
      const info = classifyPath(rel, config);
      if (type !== 'blob' || !info || info.role !== 'note' || !kinds.includes(info.kind)) continue;
      entries.push({ ref: { rel, kind: info.kind, stem: info.stem }, oid: oid!, mode: mode! });
    }
  }
  const unsent: UnsentNote[] = [];
  const regular = entries.filter((e) => {
    if (e.mode === '120000') unsent.push({ ref: e.ref, reason: UNSENT.symlink });
    return e.mode === '100644' || e.mode === '100755';
  });
  const blobs = await readBlobs(
    root,
    regular.map((e) => e.oid),
  );
  const notes: CommittedNote[] = regular.map((e) => {
    const bytes = blobs.get(e.oid) ?? Buffer.alloc(0);
    return { ...e, head: loadNoteBytes(e.ref, bytes, config), working: readWorking(root, e.ref, config) };
  });
  const committed = new Set(entries.map((e) => e.ref.rel));
  for (const ref of listNotes(root, config, kinds)) if (!committed.has(ref.rel)) unsent.push({ ref, reason: UNSENT.uncommitted });
  unsent.sort((a, b) => (a.ref.rel < b.ref.rel ? -1 : 1));
  notes.sort((a, b) => (a.ref.rel < b.ref.rel ? -1 : 1));
  return { notes, unsent };
}

function readWorking(root: string, ref: NoteRef, config: CanonConfig): LoadedNote | null {
  if (!existsSync(path.join(root, ref.rel))) return null;
  try {
    return readNote(root, ref, config);
  } catch {
    // A directory, a dangling or refused symlink: the working file gives no metadata.
    return null;
  }
}

/**
 * For each note, the committed version whose content hash is its synced_hash: what Notion holds,
 * known exactly, so an update can send only what changed. Looks back through the file's last
 * `depth` commits (the match is usually HEAD or its parent); a note without a match is absent.
 */
export async function readSyncedVersions(root: string, wanted: readonly { file: string; hash: string }[], depth = 20): Promise<Map<string, Note>> {
  const found = new Map<string, Note>();
  for (const { file, hash } of wanted) {
    const log = await execGit(['log', `-n${depth}`, '--format=%H', 'HEAD', '--', file], { cwd: root });
    if (log.code !== 0) continue;
    const specs = log.stdout
      .split('\n')
      .filter(Boolean)
      .map((sha) => `${sha}:${file}`);
    const blobs = await readBlobs(root, specs);
    for (const spec of specs) {
      const bytes = blobs.get(spec);
      if (!bytes) continue;
      try {
        const note = parseNote(bytes.toString('utf8'));
        if (computeContentHash(note.data, note.body) === hash) {
          found.set(file, note);
          break;
        }
      } catch {
        // An unparsable old version cannot be what was synced.
      }
    }
  }
  return found;
}
