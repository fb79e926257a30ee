/**
 * The note indexes canon generates (INDEX.md per folder, the sessions' month pages): which files they are,
 * rendering them all, and splicing rows into them for the staged notes (pre-commit), a pushed range
 * (pre-push), a rewrite (post-rewrite), a rename and `canon init`. The `index` command is commands/index-files.ts.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { NOTE_KINDS, type CanonConfig, type NoteKind } from '../core/config.js';
import { isClaimStub } from '../core/frontmatter.js';
import {
  GENERATED_MARKER,
  indexRowFor,
  monthOf,
  monthTitle,
  parseMonthList,
  renderIndex,
  renderMonthList,
  renderRootIndex,
  ROOT_INDEX,
  SESSION_SHARD_DIR,
  shardRowFile,
  spliceIndex,
  type IndexRow,
} from '../core/index-render.js';
import { classifyPath, externalIdFor, trimSlashes } from '../core/layout.js';
import type { NoteRef } from '../core/validate-note.js';
import { UserError } from '../errors.js';
import { readTextOrNull, writeFileSafely } from '../io/fs.js';
import type { Repo } from '../io/repo.js';
import { listStagedChanges, readBlobs, writeIndexEntries, type BlobRead, type StagedChange } from '../io/staged.js';
import { readSkippedNotes } from '../io/note-paths.js';
import { listNotes, loadNoteBytes, readNote, type LoadedNote } from '../io/store.js';
import { messages } from '../messages/index.js';

/** Generated files by repository path; null means the file must not exist (an emptied month page). */
export type IndexFiles = Map<string, string | null>;

export function rowOf(loaded: LoadedNote): IndexRow | null {
  if (loaded.problem || !loaded.note.hasFrontmatter || isClaimStub(loaded.note)) return null;
  const id = externalIdFor(loaded.ref.kind, loaded.ref.stem) ?? loaded.ref.stem;
  return indexRowFor(loaded.ref.kind, rowFile(loaded.ref), id, loaded.note.data);
}

/** A row's link, from the index page that lists it: a session's month page is one folder below the notes. */
export function rowFile(ref: Pick<NoteRef, 'kind' | 'stem'>): string {
  return ref.kind === 'session' ? shardRowFile(`${ref.stem}.md`) : `${ref.stem}.md`;
}

export function indexPath(config: CanonConfig, kind: NoteKind): string {
  return `${trimSlashes(config.folders[kind])}/INDEX.md`;
}

export function shardPath(config: CanonConfig, month: string): string {
  return `${trimSlashes(config.folders.session)}/${SESSION_SHARD_DIR}/${month}.md`;
}

/** What a generated index file is: a folder's INDEX, the sessions' month list, or one month's page. */
export function classifyIndexFile(rel: string, config: CanonConfig): { kind: NoteKind; month: string | null; monthList: boolean } | null {
  const shard = /^(.*)\/([0-9]{4}-[0-9]{2}|undated)\.md$/.exec(rel);
  if (shard && shard[1] === `${trimSlashes(config.folders.session)}/${SESSION_SHARD_DIR}`) return { kind: 'session', month: shard[2]!, monthList: false };
  const info = classifyPath(rel, config);
  if (info?.role !== 'index') return null;
  return { kind: info.kind, month: null, monthList: info.kind === 'session' };
}

function readText(repo: Repo, rel: string): string | null {
  return readTextOrNull(path.join(repo.root, rel));
}

/**
 * The index files of one kind, rendered from all its notes: the working tree's, and those a sparse
 * checkout leaves out, read from the index (`skipped`, from readSkippedNotes).
 */
function renderKind(repo: Repo, kind: NoteKind, skipped: readonly LoadedNote[] = readSkippedNotes(repo.root, repo.config, [kind])): IndexFiles {
  const files: IndexFiles = new Map();
  const folder = trimSlashes(repo.config.folders[kind]);
  const outside = skipped.filter((n) => n.ref.kind === kind);
  if (!existsSync(path.join(repo.root, folder)) && outside.length === 0) return files;
  const rows = [...listNotes(repo.root, repo.config, [kind]).map((ref) => readNote(repo.root, ref, repo.config)), ...outside]
    .map((loaded) => rowOf(loaded))
    .filter((r): r is IndexRow => r !== null);
  if (kind !== 'session') {
    files.set(indexPath(repo.config, kind), renderIndex(kind, rows));
    return files;
  }
  const byMonth = new Map<string, IndexRow[]>();
  for (const row of rows) {
    const month = monthOf(row.date);
    byMonth.set(month, [...(byMonth.get(month) ?? []), row]);
  }
  // Month pages left over from months that no longer have sessions are removed.
  const shardDir = path.join(repo.root, folder, SESSION_SHARD_DIR);
  for (const name of existsSync(shardDir) ? readdirSync(shardDir) : []) {
    const rel = `${folder}/${SESSION_SHARD_DIR}/${name}`;
    if (classifyIndexFile(rel, repo.config)) files.set(rel, null);
  }
  for (const [month, monthRows] of byMonth) files.set(shardPath(repo.config, month), renderIndex('session', monthRows, monthTitle(month)));
  files.set(indexPath(repo.config, 'session'), renderMonthList(byMonth.keys()));
  return files;
}

/** Every index file rendered from the whole store. */
export function renderAllIndexes(repo: Repo): IndexFiles {
  const files: IndexFiles = new Map();
  const skipped = readSkippedNotes(repo.root, repo.config);
  for (const kind of NOTE_KINDS) for (const [rel, text] of renderKind(repo, kind, skipped)) files.set(rel, text);
  files.set(ROOT_INDEX, renderRootIndex(repo.config, path.posix.dirname(ROOT_INDEX)));
  return files;
}

export interface RowChanges {
  upserts: IndexRow[];
  removals: string[];
}

export function changesFor<K>(map: Map<K, RowChanges>, key: K): RowChanges {
  let changes = map.get(key);
  if (!changes) map.set(key, (changes = { upserts: [], removals: [] }));
  return changes;
}

/**
 * Pre-commit: update only the rows of staged notes in the index files they belong to, so the cost
 * follows the number of staged notes, not the size of the store. A session's old row is found
 * through its committed version (HEAD), whose date names the month page it sits on. An index that
 * is missing or was not generated by canon is rendered in full for that kind, once.
 */
async function renderStagedIndexes(
  repo: Repo,
  staged: readonly StagedChange[] | undefined,
  { read: readBlobsFrom = (specs) => readBlobs(repo.root, specs), committed = new Map() }: StagedIndexOptions,
): Promise<{ files: IndexFiles; read: Map<string, string | null> }> {
  const read = new Map<string, string | null>();
  const files: IndexFiles = new Map();
  const refs: Array<{ ref: NoteRef; status: 'A' | 'M' | 'D' }> = [];
  for (const change of staged ?? (await listStagedChanges(repo.root))) {
    const info = classifyPath(change.path, repo.config);
    if (info?.role === 'note') refs.push({ ref: { rel: change.path, kind: info.kind, stem: info.stem }, status: change.status });
  }
  if (refs.length === 0) return { files, read };
  const blobs = await readBlobsFrom([
    ...refs.filter((r) => r.status !== 'D' && !committed.has(r.ref.rel)).map((r) => `:${r.ref.rel}`),
    ...refs.filter((r) => r.ref.kind === 'session' && r.status !== 'A').map((r) => `HEAD:${r.ref.rel}`),
  ]);
  const rowAt = (spec: string, ref: NoteRef) => {
    const bytes = spec.startsWith(':') && committed.has(ref.rel) ? committed.get(ref.rel) : blobs.get(spec);
    return bytes ? rowOf(loadNoteBytes(ref, bytes, repo.config)) : null;
  };
  const byKind = new Map<NoteKind, RowChanges>();
  const byMonth = new Map<string, RowChanges>();
  for (const { ref, status } of refs) {
    const file = rowFile(ref);
    const row = status === 'D' ? null : rowAt(`:${ref.rel}`, ref);
    if (ref.kind !== 'session') {
      const changes = changesFor(byKind, ref.kind);
      if (row) changes.upserts.push(row);
      else changes.removals.push(file);
      continue;
    }
    const old = status === 'A' ? null : rowAt(`HEAD:${ref.rel}`, ref);
    if (old) changesFor(byMonth, monthOf(old.date)).removals.push(file);
    if (row) changesFor(byMonth, monthOf(row.date)).upserts.push(row);
  }

  // The index files as staged are the base of the splice (not the working files, which a killed or
  // concurrent commit may have left different): one cat-file process reads them all.
  const wanted = [...[...byKind.keys()].map((kind) => indexPath(repo.config, kind))];
  if (byMonth.size > 0) wanted.push(indexPath(repo.config, 'session'), ...[...byMonth.keys()].map((month) => shardPath(repo.config, month)));
  const stagedIndexes = await readBlobsFrom(wanted.map((rel) => `:${rel}`));
  for (const rel of wanted) read.set(rel, stagedIndexes.get(`:${rel}`)?.toString('utf8') ?? null);
  const readOnce = (rel: string) => {
    if (!read.has(rel)) read.set(rel, readText(repo, rel));
    return read.get(rel)!;
  };

  const fullRender = (kind: NoteKind) => {
    for (const [rel, text] of renderKind(repo, kind)) files.set(rel, text);
  };
  for (const [kind, { upserts, removals }] of byKind) {
    const target = indexPath(repo.config, kind);
    const existing = readOnce(target);
    const spliced = existing === null ? null : spliceIndex(kind, existing, upserts, removals);
    if (spliced === null) fullRender(kind);
    else files.set(target, spliced);
  }
  if (byMonth.size > 0 && !spliceMonths(repo, byMonth, readOnce, files)) fullRender('session');
  files.set(ROOT_INDEX, renderRootIndex(repo.config, path.posix.dirname(ROOT_INDEX)));
  return { files, read };
}

/** Splice the touched month pages and the month list; false when they are not in a state to splice. */
export function spliceMonths(repo: Repo, byMonth: Map<string, RowChanges>, readOnce: (rel: string) => string | null, files: IndexFiles): boolean {
  const listPath = indexPath(repo.config, 'session');
  const listText = readOnce(listPath);
  const listed = listText === null ? [] : parseMonthList(listText);
  if (listed === null) return false;
  const months = new Set(listed);
  for (const [month, { upserts, removals }] of byMonth) {
    const target = shardPath(repo.config, month);
    const existing = readOnce(target);
    if (existing === null && removals.length > 0 && upserts.length === 0) continue; // nothing indexed there to remove
    const text =
      existing === null ? renderIndex('session', upserts, monthTitle(month)) : spliceIndex('session', existing, upserts, removals, monthTitle(month));
    if (text === null) return false;
    const empty = !text.includes('\n| [');
    files.set(target, empty ? null : text);
    if (empty) months.delete(month);
    else months.add(month);
  }
  files.set(listPath, renderMonthList(months));
  return true;
}

export interface StagedIndexOptions {
  /** How blobs are read (default: a `git cat-file --batch` per round); pre-commit shares one process. */
  read?: BlobRead;
  /** The notes' contents as they will be committed, when the caller has them and the index does not yet. */
  committed?: ReadonlyMap<string, Buffer>;
}

/**
 * Pre-commit: the index files the staged notes' rows change, rendered, nothing written. Refuses
 * (UserError) to change one canon did not generate, staged or in the working tree (say, the team's
 * own untracked INDEX.md).
 */
export async function planStagedIndexes(repo: Repo, staged?: readonly StagedChange[], options: StagedIndexOptions = {}): Promise<IndexFiles> {
  const { files, read } = await renderStagedIndexes(repo, staged, options);
  const changed = changedIndexes(repo, files, read);
  for (const rel of changed.keys()) {
    if (!isOurs(readText(repo, rel))) throw new UserError(messages.index.foreign(rel), { hint: messages.index.foreignHint });
  }
  return changed;
}

/**
 * Pre-commit: bring the index rows of the staged notes up to date and stage those files. `staged`
 * saves listing the staged changes again when the caller already has them.
 */
export async function updateStagedIndexes(repo: Repo, staged?: readonly StagedChange[]): Promise<string[]> {
  const changed = await planStagedIndexes(repo, staged);
  // Index first (one atomic update), then the working files: a kill in between leaves a commit
  // that has not happened yet and working files that `canon index` rewrites the same way.
  await writeIndexEntries(
    repo.root,
    [...changed].map(([rel, text]) => ({ path: rel, text })),
  );
  await writeIndexes(repo, changed);
  return [...changed.keys()];
}

/** The rendered files that differ from disk; refuses to touch one canon did not generate. */
export function changedIndexes(repo: Repo, files: IndexFiles, alreadyRead = new Map<string, string | null>()): IndexFiles {
  const changed: IndexFiles = new Map();
  for (const [rel, text] of files) {
    const current = alreadyRead.has(rel) ? alreadyRead.get(rel)! : readText(repo, rel);
    if (current === text) continue;
    if (!isOurs(current)) throw new UserError(messages.index.foreign(rel), { hint: messages.index.foreignHint });
    changed.set(rel, text);
  }
  return changed;
}

export async function writeIndexes(repo: Repo, files: IndexFiles): Promise<void> {
  for (const [rel, text] of files) {
    if (text === null) rmSync(path.join(repo.root, rel), { force: true });
    else await writeFileSafely(path.join(repo.root, rel), text);
  }
}

/** canon overwrites or removes only index files it generated (or that do not exist yet). */
function isOurs(text: string | null): boolean {
  return text === null || text.startsWith(GENERATED_MARKER);
}
