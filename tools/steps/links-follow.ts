import path from 'node:path';
import type { NoteKind } from '../core/config.js';
import { parseNote } from '../core/frontmatter.js';
import { retargetLinks, type Rename } from '../core/links.js';
import { normalizeText } from '../core/normalize.js';
import { readTextOrNull, writeFileSafely } from '../io/fs.js';
import { gitOutput, splitNul } from '../io/git.js';
import type { Repo } from '../io/repo.js';
import { readBlobs, writeIndexEntries } from '../io/staged.js';
import { listNotes } from '../io/store.js';

/** One note whose links to a renamed note change: its new working text and its new staged text. */
export interface FollowEdit {
  rel: string;
  /** The working file with its links updated; null when the working file needs no change. */
  working: string | null;
  /** The staged blob with its links updated (built from the index, never from the working file); null: not in the index, or no change. */
  staged: string | null;
  mode: string;
}

/** Text with its body's links pointed at the renamed notes, normalised (content_hash restamped); null when nothing changes. */
function follow(text: string, rel: string, kind: NoteKind, renames: readonly Rename[]): string | null {
  let note;
  try {
    note = parseNote(text);
  } catch {
    return null; // a note that does not parse is left for `canon validate` to report
  }
  const { body } = retargetLinks(note.body, rel, renames);
  if (body === null) return null;
  return note.hasFrontmatter ? normalizeText(text, { ...note, body }, kind) : body;
}

/**
 * Every note in the store that links to a renamed note: markdown links, reference definitions and
 * wikilinks (ADR-0018). Only notes that mention an old file name or id are parsed. The staged
 * version of each is built from its blob in the index, so a user's unstaged edits to the same file
 * never reach the index.
 */
export async function planFollowLinks(repo: Repo, renames: readonly Rename[]): Promise<FollowEdit[]> {
  if (renames.length === 0) return [];
  const needles = renames.flatMap((r) => [path.posix.basename(r.fromRel, '.md'), r.fromId]);
  const candidates: Array<{ rel: string; kind: NoteKind; working: string | null }> = [];
  for (const ref of listNotes(repo.root, repo.config)) {
    const text = readTextOrNull(path.join(repo.root, ref.rel));
    if (text !== null && needles.some((n) => text.includes(n))) candidates.push({ rel: ref.rel, kind: ref.kind, working: text });
  }
  if (candidates.length === 0) return [];
  const listed = await gitOutput(['ls-files', '-s', '-z', '--', ...candidates.map((c) => `:(literal)${c.rel}`)], { cwd: repo.root });
  const modes = new Map(splitNul(listed).map((line) => [line.slice(line.indexOf('\t') + 1), line.split(' ')[0] ?? '100644']));
  const blobs = await readBlobs(
    repo.root,
    candidates.filter((c) => modes.has(c.rel)).map((c) => `:${c.rel}`),
  );
  const edits: FollowEdit[] = [];
  for (const c of candidates) {
    const working = c.working === null ? null : follow(c.working, c.rel, c.kind, renames);
    const blob = blobs.get(`:${c.rel}`);
    const stagedText = blob ? blob.toString('utf8') : null;
    const staged = stagedText === null ? null : stagedText === c.working ? working : follow(stagedText, c.rel, c.kind, renames);
    if (working !== null || staged !== null) edits.push({ rel: c.rel, working, staged, mode: modes.get(c.rel) ?? '100644' });
  }
  return edits;
}

/**
 * Write the edits: the working files, and with `stage` the staged blobs straight into the index
 * (one atomic index update). Returns the files changed.
 */
export async function applyFollowLinks(repo: Repo, edits: readonly FollowEdit[], stage: boolean): Promise<string[]> {
  if (stage)
    await writeIndexEntries(
      repo.root,
      edits.filter((e) => e.staged !== null).map((e) => ({ path: e.rel, text: e.staged, mode: e.mode })),
    );
  for (const edit of edits) if (edit.working !== null) await writeFileSafely(path.join(repo.root, edit.rel), edit.working);
  return edits.map((e) => e.rel);
}
