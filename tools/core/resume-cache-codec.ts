// The resume cache's file format (`.claude/state/resume-cache.json`), pure: shared by `resume`
// (io/resume-cache.ts) and the SessionStart hook bundle, which reads the cache without canon's CLI.
import type { SessionFacts, WorkstreamFacts } from './resume-view.js';

export const RESUME_CACHE_FILE = '.claude/state/resume-cache.json';
/** Bump when what is extracted from a note changes: an older cache is then ignored and rebuilt. */
export const RESUME_CACHE_VERSION = 2;
const CACHE_TAG = 'canon resume cache';

/** What one note contributes. */
export type Facts =
  | { type: 'session'; operator: string | null; date: string | null; title: string | null; ended_at: string | null }
  | { type: 'workstream'; title: string | null; owner: string | null; status: string | null; priority: string | null }
  | { type: 'stub' }
  | { type: 'problem'; message: string };

/**
 * The cache file, column-wise: 10,000 rows parse several times faster as a few long arrays than as
 * 10,000 small objects, and that parse is most of a warm run.
 *
 *     {"tool":"canon resume cache","version":2,
 *      "path":["docs/sessions/RT-260511-02.md",…], "key":["b:3b18e5…",…], "type":"sw…",
 *      "a":["roman",…], "b":["2026-05-11",…], "c":["Hook hardening",…], "d":["2026-05-11T18:02:11Z",…]}
 *
 * `type` holds one letter per row: s session (a operator, b date, c title, d ended_at), w workstream (a owner,
 * b status, c title, d priority), t claim stub, p problem (c the message).
 */
export interface CacheFile {
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
export interface CachedRows {
  file: CacheFile;
  row: Map<string, number>;
}

export function encodeCache(rows: Array<{ path: string; key: string; facts: Facts }>): CacheFile {
  const file: CacheFile = { tool: CACHE_TAG, version: RESUME_CACHE_VERSION, path: [], key: [], type: '', a: [], b: [], c: [], d: [] };
  const types: string[] = [];
  for (const { path: rel, key, facts } of rows) {
    file.path.push(rel);
    file.key.push(key);
    const [type, a, b, c, d] =
      facts.type === 'session'
        ? ['s', facts.operator, facts.date, facts.title, facts.ended_at]
        : facts.type === 'workstream'
          ? ['w', facts.owner, facts.status, facts.title, facts.priority]
          : facts.type === 'stub'
            ? ['t', null, null, null, null]
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
export function decodeCache(text: string): CachedRows | null {
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
export function factsAt(file: CacheFile, i: number, rel: string): Facts {
  switch (file.type[i]) {
    case 's':
      return { type: 'session', operator: textAt(file.a, i), date: textAt(file.b, i), title: textAt(file.c, i), ended_at: textAt(file.d, i) };
    case 'w':
      return { type: 'workstream', owner: textAt(file.a, i), status: textAt(file.b, i), title: textAt(file.c, i), priority: textAt(file.d, i) };
    case 't':
      return { type: 'stub' };
    default:
      return { type: 'problem', message: textAt(file.c, i) ?? rel };
  }
}

/** Every session and workstream row of a decoded cache, as resume's facts. */
export function cachedFacts(cached: CachedRows): { sessions: SessionFacts[]; workstreams: WorkstreamFacts[] } {
  const sessions: SessionFacts[] = [];
  const workstreams: WorkstreamFacts[] = [];
  const { file } = cached;
  for (let i = 0; i < file.path.length; i++) {
    const rel = file.path[i]!;
    const stem = rel.slice(rel.lastIndexOf('/') + 1).replace(/\.md$/, '');
    const facts = factsAt(file, i, rel);
    if (facts.type === 'session')
      sessions.push({ id: stem, path: rel, operator: facts.operator, date: facts.date, title: facts.title, ended_at: facts.ended_at });
    else if (facts.type === 'workstream') {
      workstreams.push({ slug: stem, path: rel, title: facts.title, owner: facts.owner, status: facts.status, priority: facts.priority });
    }
  }
  return { sessions, workstreams };
}
