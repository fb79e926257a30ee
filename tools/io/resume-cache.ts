import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import path from 'node:path';
import type { CanonConfig } from '../core/config.js';
import { NOT_NOTES, trimSlashes } from '../core/layout.js';
import { isClaimStubParts, parseNoteFast, sessionFactsFrom, workstreamFactsFrom, type NoteParts } from '../core/resume-facts.js';
import type { SessionFacts, WorkstreamFacts } from '../core/resume-view.js';
import { resumeMessages } from '../messages/resume.js';
import { writeFileSafelySync } from './fs.js';
import { execGit, splitNul } from './git.js';

export const RESUME_CACHE_FILE = '.claude/state/resume-cache.json';
/** Bump when what is extracted from a note changes: an older cache is then ignored and rebuilt. */
export const RESUME_CACHE_VERSION = 1;
const CACHE_TAG = 'canon resume cache';

/**
 * A file whose mtime is this close to the moment it was read may still change within the same
 * timestamp tick without its mtime or size moving (git's "racily clean" problem). Such files are
 * read again next time instead of trusted; 3 s covers filesystems with 1-2 s timestamps.
 */
const RACY_WINDOW_MS = 3000;

/** What one note contributes. */
type Facts =
  | { type: 'session'; operator: string | null; date: string | null; title: string | null }
  | { type: 'workstream'; title: string | null; owner: string | null; status: string | null; priority: string | null }
  | { type: 'stub' }
  | { type: 'problem'; message: string };

/**
 * The cache file, column-wise: 10,000 rows parse several times faster as a few long arrays than as
 * 10,000 small objects, and that parse is most of a warm run.
 *
 *     {"tool":"canon resume cache","version":1,
 *      "path":["docs/sessions/RT-260511-02.md",…], "key":["b:3b18e5…",…], "type":"sw…",
 *      "a":["roman",…], "b":["2026-05-11",…], "c":["Hook hardening",…], "d":[null,…]}
 *
 * `type` holds one letter per row: s session (a operator, b date, c title), w workstream (a owner,
 * b status, c title, d priority), t claim stub, p problem (c the message).
 */
interface CacheFile {
  tool: typeof CACHE_TAG;
  version: number;
  path: string[];
  key: string[];
  type: string;
  a: (string | null)[];
  b: (string | null)[];
  c: (string | null)[];
  d: (string | null)[];
}

/** A decoded cache: its columns, and the row of each path. */
interface CachedRows {
  file: CacheFile;
  row: Map<string, number>;
}

function encodeCache(rows: Array<{ path: string; key: string; facts: Facts }>): CacheFile {
  const file: CacheFile = { tool: CACHE_TAG, version: RESUME_CACHE_VERSION, path: [], key: [], type: '', a: [], b: [], c: [], d: [] };
  const types: string[] = [];
  for (const { path: rel, key, facts } of rows) {
    file.path.push(rel);
    file.key.push(key);
    const [type, a, b, c, d] =
      facts.type === 'session' ? ['s', facts.operator, facts.date, facts.title, null]
      : facts.type === 'workstream' ? ['w', facts.owner, facts.status, facts.title, facts.priority]
      : facts.type === 'stub' ? ['t', null, null, null, null]
      : ['p', null, null, facts.message, null];
    types.push(type);
    file.a.push(a);
    file.b.push(b);
    file.c.push(c);
    file.d.push(d);
  }
  file.type = types.join('');
  return file;
}

/** The cached rows, or null when the file is garbage or from another version. */
function decodeCache(text: string): CachedRows | null {
  let parsed: Partial<CacheFile> | null;
  try {
    parsed = JSON.parse(text) as Partial<CacheFile> | null;
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object' || parsed.tool !== CACHE_TAG || parsed.version !== RESUME_CACHE_VERSION) return null;
  const { path: paths, type } = parsed;
  if (!Array.isArray(paths) || typeof type !== 'string' || type.length !== paths.length || !/^[swtp]*$/.test(type)) return null;
  const columns = [parsed.key, parsed.a, parsed.b, parsed.c, parsed.d];
  if (!columns.every((column) => Array.isArray(column) && column.length === paths.length)) return null;
  const row = new Map<string, number>();
  for (let i = 0; i < paths.length; i++) {
    if (typeof paths[i] !== 'string' || typeof parsed.key![i] !== 'string') return null;
    row.set(paths[i]!, i);
  }
  return { file: parsed as CacheFile, row };
}

const textAt = (column: (string | null)[], i: number) => {
  const value = column[i];
  return typeof value === 'string' ? value : null;
};

/** Row i of the cache as Facts; a hand-edited cell that is not a string reads as null. */
function factsAt(file: CacheFile, i: number, rel: string): Facts {
  switch (file.type[i]) {
    case 's':
      return { type: 'session', operator: textAt(file.a, i), date: textAt(file.b, i), title: textAt(file.c, i) };
    case 'w':
      return { type: 'workstream', owner: textAt(file.a, i), status: textAt(file.b, i), title: textAt(file.c, i), priority: textAt(file.d, i) };
    case 't':
      return { type: 'stub' };
    default:
      return { type: 'problem', message: textAt(file.c, i) ?? rel };
  }
}

export interface NoteProblem {
  /** `path:line:col: message`, ready to print. */
  text: string;
}

export interface ResumeStore {
  sessions: SessionFacts[];
  workstreams: WorkstreamFacts[];
  problems: NoteProblem[];
  stats: { files: number; read: number; reused: number; cache: 'off' | 'cold' | 'warm' };
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
      names = readdirSync(path.join(root, folder), { withFileTypes: true }).filter((d) => !d.isDirectory()).map((d) => d.name);
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
  for (let start = 0; start < out.length; ) {
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
  const { operator, date, title } = sessionFactsFrom(file.stem, file.rel, data);
  return { type: 'session', operator, date, title };
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
      store.sessions.push({ id: file.stem, path: file.rel, operator: facts.operator, date: facts.date, title: facts.title });
      break;
    case 'workstream':
      store.workstreams.push({ slug: file.stem, path: file.rel, title: facts.title, owner: facts.owner, status: facts.status, priority: facts.priority });
      break;
    case 'problem':
      store.problems.push({ text: facts.message });
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
    writeFileSafelySync(path.join(root, RESUME_CACHE_FILE), JSON.stringify(encodeCache(rows)));
  } catch {
    // A read-only checkout still gets its dashboard; it is just read cold every time.
  }
}

/** Post-commit: bring an existing cache up to date, so the next resume starts warm. */
export async function refreshResumeCache(root: string, config: CanonConfig, nowMs: number): Promise<boolean> {
  try {
    lstatSync(path.join(root, RESUME_CACHE_FILE));
  } catch {
    return false;
  }
  await readResumeStore(root, config, { useCache: true, nowMs });
  return true;
}
