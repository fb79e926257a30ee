import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import type { CanonConfig } from '../core/config.js';
import { NOT_NOTES, trimSlashes } from '../core/layout.js';
import { isClaimStubParts, parseNoteFast, sessionFactsFrom, workstreamFactsFrom, type NoteParts } from '../core/resume-facts.js';
import type { SessionFacts, WorkstreamFacts } from '../core/resume-view.js';
import { decodeCache, encodeCache, factsAt, RESUME_CACHE_FILE, type CachedRows, type Facts } from '../core/resume-cache-codec.js';
import { resumeMessages } from '../messages/resume.js';
import { writeFileSafelySync } from './fs.js';
import { execGit, splitNul } from './git.js';

export { RESUME_CACHE_FILE, RESUME_CACHE_VERSION } from '../core/resume-cache-codec.js';

/**
 * A file whose mtime is this close to the moment it was read may still change within the same
 * timestamp tick without its mtime or size moving (git's "racily clean" problem). Such files are
 * read again next time instead of trusted; 3 s covers filesystems with 1-2 s timestamps.
 */
const RACY_WINDOW_MS = 3000;

export interface NoteProblem {
  /** `path:line:col: message`, ready to print. */
  text: string;
  /** The note's repository-relative path (a snapshot watches it, so a fix is seen at once). */
  path?: string;
}

export interface ResumeStore {
  sessions: SessionFacts[];
  workstreams: WorkstreamFacts[];
  problems: NoteProblem[];
  stats: { files: number; read: number; reused: number; cache: 'off' | 'cold' | 'warm' };
  /** Note files git does not track as they are (untracked or modified): what a snapshot must stat. */
  untracked: string[];
}

export interface ReadResumeStoreOptions {
  /** false: ignore the cache file (it is still rewritten). */
  useCache: boolean;
  /** Wall clock in ms, for the racy-mtime rule. */
  nowMs: number;
}

interface StoreFile {
  rel: string;
  kind: 'session' | 'workstream';
  stem: string;
}

/** The note files of the two folders resume reads, from the directory listing (the truth about what exists). */
function listResumeFiles(root: string, config: CanonConfig): StoreFile[] {
  const files: StoreFile[] = [];
  for (const kind of ['session', 'workstream'] as const) {
    const folder = trimSlashes(config.folders[kind]);
    let names: string[];
    try {
      // A directory named like a note (`x.md/`) is not one: reading it would crash resume.
      names = readdirSync(path.join(root, folder), { withFileTypes: true })
        .filter((d) => !d.isDirectory())
        .map((d) => d.name);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      throw error;
    }
    for (const name of names) {
      if (!name.endsWith('.md') || NOT_NOTES.has(name)) continue;
      files.push({ rel: folder === '' ? name : `${folder}/${name}`, kind, stem: name.slice(0, -3) });
    }
  }
  return files;
}

/**
 * Content identity of the tracked notes whose working-tree file equals the index: their blob ids.
 *
 * `git ls-files -s -z`:                   `100644 3b18e512dba79e4c8300dd08aeb37f8e728b8dad 0\tdocs/sessions/RT-260511-01.md\0`
 * `git status --porcelain -z -uno`:       ` M docs/sessions/RT-260511-01.md\0R  docs/sessions/new.md\0docs/sessions/old.md\0`
 *
 * A file modified in the working tree (status column Y not blank) gets no blob id: it is keyed by
 * mtime and size instead. `--no-optional-locks` keeps status from rewriting .git/index, so resume
 * never races a concurrent git command for index.lock.
 */
async function readBlobIds(root: string, folders: string[]): Promise<Map<string, string>> {
  const pathspecs = ['--', ...folders.map((f) => (f === '' ? '.' : f))];
  const [listed, status] = await Promise.all([
    execGit(['ls-files', '-s', '-z', ...pathspecs], { cwd: root }),
    execGit(['--no-optional-locks', 'status', '--porcelain', '-z', '--untracked-files=no', '--ignore-submodules', ...pathspecs], { cwd: root }),
  ]);
  const blobs = new Map<string, string>();
  if (listed.code !== 0 || status.code !== 0) return blobs;
  // Scanned in place rather than split twice: 10,000 records make the difference measurable.
  const out = listed.stdout;
  for (let start = 0; start < out.length;) {
    const end = out.indexOf('\0', start);
    const stop = end === -1 ? out.length : end;
    const tab = out.indexOf('\t', start);
    // `<mode> <40 or 64 hex> <stage>\t<path>`; a conflicted file has stages 1-3 and no single identity.
    if (tab !== -1 && tab < stop && out[tab - 1] === '0' && out[tab - 2] === ' ') {
      const space = out.indexOf(' ', start);
      blobs.set(out.slice(tab + 1, stop), out.slice(space + 1, tab - 2));
    }
    start = stop + 1;
  }
  const records = splitNul(status.stdout);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const x = record[0];
    const y = record[1];
    const rel = record.slice(3);
    if (y !== ' ') blobs.delete(rel);
    if (x === 'R' || x === 'C') i++; // the rename's source path follows
  }
  return blobs;
}

function readCacheFile(root: string): CachedRows | null {
  let text: string;
  try {
    text = readFileSync(path.join(root, RESUME_CACHE_FILE), 'utf8');
  } catch {
    return null;
  }
  // Garbage (a hand edit, a disk error, a foreign tool) is not an error: the cache is rebuilt.
  return decodeCache(text);
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export type ReadNoteResult = { parts: NoteParts; problem?: undefined } | { parts?: undefined; problem: string };

/** Read one note: size, binary and encoding checks, the fast parser, the full parser when needed. */
export async function readNoteParts(root: string, rel: string, config: CanonConfig): Promise<ReadNoteResult> {
  const fd = openSync(path.join(root, rel), 'r');
  let bytes: Buffer;
  try {
    // The size is checked before reading, so a 10 MB note is never pulled into memory.
    const size = fstatSync(fd).size;
    if (size > config.limits.max_note_bytes) {
      return { problem: `${rel}: ${resumeMessages.tooLarge((size / 1024 / 1024).toFixed(1), Math.round(config.limits.max_note_bytes / 1024))}` };
    }
    bytes = Buffer.allocUnsafe(size);
    let offset = 0;
    while (offset < size) {
      const n = readSync(fd, bytes, offset, size - offset, offset);
      if (n === 0) break;
      offset += n;
    }
    bytes = bytes.subarray(0, offset);
  } finally {
    closeSync(fd);
  }
  if (bytes.includes(0)) return { problem: `${rel}: ${resumeMessages.binary}` };
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { problem: `${rel}: ${resumeMessages.encoding}` };
  }
  const fast = parseNoteFast(text);
  if (fast) return { parts: fast };
  // Not the simple shape canon writes: the full parser (loaded only now) reads it or says why not.
  const { parseNote, NoteSyntaxError } = await import('../core/frontmatter.js');
  try {
    const note = parseNote(text);
    if (!note.hasFrontmatter) return { problem: `${rel}: ${resumeMessages.noFrontmatter}` };
    return { parts: { data: note.data, body: note.body } };
  } catch (error) {
    if (error instanceof NoteSyntaxError) return { problem: `${rel}:${error.line}:${error.column}: ${error.message}` };
    throw error;
  }
}

function factsOf(file: StoreFile, result: ReadNoteResult): Facts {
  if (result.problem !== undefined) return { type: 'problem', message: result.problem };
  const { data } = result.parts;
  if (file.kind === 'workstream') {
    const { title, owner, status, priority } = workstreamFactsFrom(file.stem, file.rel, data);
    return { type: 'workstream', title, owner, status, priority };
  }
  if (isClaimStubParts(result.parts)) return { type: 'stub' };
  const { operator, date, title, ended_at } = sessionFactsFrom(file.stem, file.rel, data);
  return { type: 'session', operator, date, title, ended_at };
}

/**
 * Everything resume needs from the store, re-reading only the notes whose identity changed since
 * the cache was written: a note added, edited or removed — committed or not — is always seen.
 */
export async function readResumeStore(root: string, config: CanonConfig, options: ReadResumeStoreOptions): Promise<ResumeStore> {
  const folders = [...new Set([trimSlashes(config.folders.session), trimSlashes(config.folders.workstream)])];
  const blobsPromise = readBlobIds(root, folders).catch(() => new Map<string, string>());
  const cached = options.useCache ? readCacheFile(root) : null;
  const files = listResumeFiles(root, config);
  const blobs = await blobsPromise;

  const rows: Array<{ path: string; key: string; facts: Facts }> = [];
  const store: ResumeStore = {
    sessions: [],
    workstreams: [],
    problems: [],
    stats: { files: files.length, read: 0, reused: 0, cache: !options.useCache ? 'off' : cached ? 'warm' : 'cold' },
    untracked: files.filter((f) => !blobs.has(f.rel)).map((f) => f.rel),
  };
  let dirty = cached === null;
  for (const file of files) {
    const key = identityOf(root, file.rel, blobs, options.nowMs);
    if (key === null) continue; // vanished between listing and stat
    const hit = cached?.row.get(file.rel);
    let facts: Facts;
    if (key.stable && hit !== undefined && cached!.file.key[hit] === key.value) {
      facts = factsAt(cached!.file, hit, file.rel);
      store.stats.reused++;
    } else {
      let result: ReadNoteResult;
      try {
        result = await readNoteParts(root, file.rel, config);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      facts = factsOf(file, result);
      store.stats.read++;
      if (key.stable) dirty = true;
    }
    if (key.stable) rows.push({ path: file.rel, key: key.value, facts });
    collect(store, file, facts);
  }
  // Removed notes leave rows behind; unstable (racy) files are never stored, so count them out too.
  if (cached && !dirty && cached.row.size !== rows.length) dirty = true;
  if (dirty) writeCache(root, rows);
  return store;
}

function collect(store: ResumeStore, file: StoreFile, facts: Facts): void {
  switch (facts.type) {
    case 'session':
      store.sessions.push({ id: file.stem, path: file.rel, operator: facts.operator, date: facts.date, title: facts.title, ended_at: facts.ended_at });
      break;
    case 'workstream':
      store.workstreams.push({ slug: file.stem, path: file.rel, title: facts.title, owner: facts.owner, status: facts.status, priority: facts.priority });
      break;
    case 'problem':
      store.problems.push({ text: facts.message, path: file.rel });
      break;
    case 'stub':
      break;
  }
}

/**
 * `b:<blob id>` for a clean tracked file; `s:<mtime>:<size>:<inode>` for anything else, marked
 * unstable (never reused) while its mtime is within the racy window. null when the file is gone.
 */
function identityOf(root: string, rel: string, blobs: Map<string, string>, nowMs: number): { value: string; stable: boolean } | null {
  const blob = blobs.get(rel);
  if (blob !== undefined) return { value: `b:${blob}`, stable: true };
  let stat;
  try {
    stat = lstatSync(path.join(root, rel));
  } catch {
    return null;
  }
  return { value: `s:${stat.mtimeMs}:${stat.size}:${stat.ino}`, stable: stat.mtimeMs < nowMs - RACY_WINDOW_MS };
}

function writeCache(root: string, rows: Array<{ path: string; key: string; facts: Facts }>): void {
  try {
    writeFileSafelySync(path.join(root, RESUME_CACHE_FILE), JSON.stringify(encodeCache(rows)), { derived: true });
  } catch {
    // A read-only checkout still gets its dashboard; it is just read cold every time.
  }
}

/** Post-commit: bring an existing cache up to date, so the next resume starts warm. `config` is read only then. */
export async function refreshResumeCache(root: string, config: () => CanonConfig, nowMs: number): Promise<boolean> {
  try {
    lstatSync(path.join(root, RESUME_CACHE_FILE));
  } catch {
    return false;
  }
  await readResumeStore(root, config(), { useCache: true, nowMs });
  return true;
}
