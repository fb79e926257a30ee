import type { IndexRow } from './index-render.js';
import { resolveDep, type SiteMap } from './render-links.js';
import type { Issue } from './validate-note.js';

/**
 * What `canon render` remembers between runs, in `<out>/.canon-render.json`:
 *
 *     { "format": 1, "render": 1, "key": "…",
 *       "sources": { "docs/sessions/RT-260511-02.md": [812, 1764…, "<sha>", "2026-05", ["RT-260511-02"],
 *                    "[\"Hook hardening\",\"roman\",\"2026-05-11\",\"\",\"Made the hook faster.\"]", null] },
 *       "pages": { "docs/sessions/RT-260511-02.html": ["docs/sessions/RT-260511-02.md", "<sha>",
 *                  ["path:workstreams/repo-flip.md", "workstreams/repo-flip.html", "id:RT-9", null]] } }
 *
 * `sources` lets an unchanged note be skipped without reading it (its stat matches, and was old
 * enough to trust when it was taken); `pages` lists every file canon render wrote, so it removes
 * only those, and records what each page's links resolved to, so a page is rendered again when a
 * note it links to appears or disappears.
 */
export interface RenderManifest {
  format: typeof MANIFEST_FORMAT;
  render: number;
  key: string;
  sources: Record<string, SourceEntry>;
  pages: Record<string, PageEntry>;
}

export const MANIFEST_FILE = '.canon-render.json';
export const MANIFEST_FORMAT = 1;

/*
 * Entries are tuples, in memory as on disk: the manifest of 10,000 notes is read and written on
 * every run, and objects per entry (or deps objects keyed by paths, each its own V8 shape) made
 * parsing, writing and collecting them most of the one-changed-note budget.
 */

/**
 * A note as last seen. `mtimeMs` null: too young to trust (git's racy rule), read it next time.
 * `ids` (for wikilinks, the first is its own), `month` (its INDEX page: `YYYY-MM` or `undated` for
 * sessions, '' otherwise) and `row` (its INDEX row as JSON text, hashed as is and parsed only for an
 * INDEX page being rendered) are null when the note is not a page: a claim stub, or one with a problem.
 */
export type SourceEntry = [
  size: number,
  mtimeMs: number | null,
  sha: string,
  month: string | null,
  ids: string[] | null,
  row: string | null,
  problem: Issue | null,
];

/** A page written: its source, the hash it was made from, and its dependency keys with what each resolved to, flat. */
export type PageEntry = [source: string, sha: string, deps: Array<string | null>];

/** A source with a page: its month, ids and row are set (checked without allocating: 10,000 per run). */
export type PageSourceEntry = [size: number, mtimeMs: number | null, sha: string, month: string, ids: [string, ...string[]], row: string, problem: null];

export function isPageSource(entry: SourceEntry): entry is PageSourceEntry {
  return entry[3] !== null && entry[4] !== null && entry[4].length > 0 && entry[5] !== null;
}

/** The row's JSON text: `[title, person, date, status, summary]`. */
export function encodeRow(row: IndexRow): string {
  return JSON.stringify([row.title, row.person, row.date, row.status, row.summary]);
}

export function decodeRow(id: string, file: string, text: string): IndexRow {
  const [title, person, date, status, summary] = JSON.parse(text) as string[];
  return { id, file, title: title ?? '', person: person ?? '', date: date ?? '', status: status ?? '', summary: summary ?? '' };
}

/** A page the site has this run, with the hash of what it is made from. */
export interface PlannedPage {
  page: string;
  source: string;
  sha: string;
}

export interface RenderPlan {
  /** Pages to render (in input order). */
  render: PlannedPage[];
  unchanged: PlannedPage[];
  /** Site paths of pages an earlier run wrote that the site no longer has. */
  remove: string[];
}

/**
 * Which pages to write: new ones, ones whose source changed, ones whose links now resolve
 * differently, ones whose file went missing, and all of them when the renderer or the store layout
 * changed (`key`) or `force` is set.
 */
export function planRender(input: {
  previous: RenderManifest | null;
  /** The render version and the store layout: when it differs from the manifest's, every page is rendered. */
  key: string;
  force: boolean;
  pages: readonly PlannedPage[];
  site: SiteMap;
  /** Site paths whose file is missing from the out folder. */
  missingFiles: ReadonlySet<string>;
}): RenderPlan {
  const { previous, pages, site } = input;
  const fresh = input.force || previous === null || previous.key !== input.key;
  const render: PlannedPage[] = [];
  const unchanged: PlannedPage[] = [];
  const current = new Set<string>();
  for (const planned of pages) {
    current.add(planned.page);
    const before = fresh ? undefined : previous.pages[planned.page];
    const same =
      before !== undefined && before[1] === planned.sha && before[0] === planned.source && !input.missingFiles.has(planned.page) && depsHold(before[2], site);
    (same ? unchanged : render).push(planned);
  }
  const remove = previous === null ? [] : Object.keys(previous.pages).filter((page) => !current.has(page));
  return { render, unchanged, remove };
}

function depsHold(flat: ReadonlyArray<string | null>, site: SiteMap): boolean {
  for (let i = 0; i + 1 < flat.length; i += 2) if (resolveDep(String(flat[i]), site) !== flat[i + 1]) return false;
  return true;
}

export function serializeManifest(m: RenderManifest): string {
  return `${JSON.stringify(m)}\n`;
}

const isSource = (t: unknown): boolean => Array.isArray(t) && t.length === 7 && typeof t[0] === 'number' && typeof t[2] === 'string';
const isPage = (t: unknown): boolean => Array.isArray(t) && t.length === 3 && typeof t[0] === 'string' && typeof t[1] === 'string' && Array.isArray(t[2]);

/** The manifest as read back: anything that is not one (hand-edited, truncated, older format) is null. */
export function parseManifest(text: string | null): RenderManifest | null {
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const m = value as Partial<RenderManifest> | null;
  if (m === null || typeof m !== 'object' || m.format !== MANIFEST_FORMAT || typeof m.key !== 'string' || typeof m.render !== 'number') return null;
  if (typeof m.sources !== 'object' || m.sources === null || typeof m.pages !== 'object' || m.pages === null) return null;
  for (const t of Object.values(m.sources)) if (!isSource(t)) return null;
  for (const t of Object.values(m.pages)) if (!isPage(t)) return null;
  return m as RenderManifest;
}

/**
 * A page path from the manifest is removed only if it is one canon render could have written: a
 * relative `.html` (or the stylesheet) path that stays inside the out folder.
 */
export function isSitePath(page: string): boolean {
  return SITE_PATH.test(page) && !UNSAFE_SEGMENT.test(page);
}

const SITE_PATH = /^[^/\\\0][^\\\0]*\.(?:html|css)$/;
const UNSAFE_SEGMENT = /(?:^|\/)\.{0,2}(?:\/|$)/;
