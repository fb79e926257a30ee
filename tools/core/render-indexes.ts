import { createHash } from 'node:crypto';
import { NOTE_KINDS, type CanonConfig, type NoteKind } from './config.js';
import { monthTitle, renderIndex, renderMonthList, renderRootIndex, ROOT_INDEX, SESSION_SHARD_DIR, type IndexRow } from './index-render.js';
import { trimSlashes } from './layout.js';
import { indexRelOf } from './render-page.js';

/** An INDEX page of the site, as markdown, with the repository path its links are read from. */
export interface IndexSource {
  kind: NoteKind | 'home';
  /** Repository path (`docs/sessions/INDEX.md`); the home page stands for `index.md` at the root. */
  rel: string;
  /** Site path (`docs/sessions/INDEX.html`, `index.html`). */
  page: string;
  /** Changes exactly when the markdown does, and costs a fraction of rendering it (10,000 rows). */
  fingerprint: string;
  markdown: () => string;
}

export interface IndexedNote {
  kind: NoteKind;
  /** The session's month page (`YYYY-MM`, `undated`); '' for other kinds. */
  month: string;
  /** The row's identity (its JSON text): what the fingerprint hashes. */
  key: string;
  row: () => IndexRow;
}

const HOME_REL = 'index.md';
const HOME_PAGE = 'index.html';

/**
 * The site's navigation, built from the notes being rendered with the same functions `canon index`
 * uses, so it is current even where the committed INDEX files are not. Every kind has its INDEX page,
 * empty or not, so the navigation never links to nothing. Month pages link one folder up to the notes.
 */
function fingerprintOf(what: string, notes: readonly IndexedNote[]): string {
  const hash = createHash('sha1').update(`${what}\n`);
  for (const n of notes) hash.update(`${n.key}\n`);
  return hash.digest('hex');
}

const rowsOf = (notes: readonly IndexedNote[]) => notes.map((n) => n.row());

export function planIndexSources(config: CanonConfig, notes: readonly IndexedNote[]): IndexSource[] {
  const sources: IndexSource[] = [];
  const fixed = (kind: IndexSource['kind'], rel: string, pageRel: string, markdown: string): IndexSource => ({
    kind,
    rel,
    page: pageRel,
    fingerprint: fingerprintOf(markdown, []),
    markdown: () => markdown,
  });
  const page = (rel: string) => rel.replace(/\.md$/, '.html');
  const byKind = new Map<NoteKind, IndexedNote[]>(NOTE_KINDS.map((k) => [k, []]));
  for (const note of notes) byKind.get(note.kind)!.push(note);
  for (const kind of NOTE_KINDS) {
    const rel = indexRelOf(config.folders, kind);
    const listed = byKind.get(kind)!;
    if (kind !== 'session') {
      sources.push({ kind, rel, page: page(rel), fingerprint: fingerprintOf(`${kind} index`, listed), markdown: () => renderIndex(kind, rowsOf(listed)) });
      continue;
    }
    const byMonth = new Map<string, IndexedNote[]>();
    for (const note of listed) {
      let list = byMonth.get(note.month);
      if (!list) byMonth.set(note.month, (list = []));
      list.push(note);
    }
    sources.push(fixed(kind, rel, page(rel), renderMonthList(byMonth.keys())));
    for (const [month, monthNotes] of byMonth) {
      const shard = `${trimSlashes(config.folders.session)}/${SESSION_SHARD_DIR}/${month}.md`;
      const rows = () => rowsOf(monthNotes).map((row) => ({ ...row, file: `../${row.file}` }));
      sources.push({
        kind,
        rel: shard,
        page: page(shard),
        fingerprint: fingerprintOf(`session ${month}`, monthNotes),
        markdown: () => renderIndex('session', rows(), monthTitle(month)),
      });
    }
  }
  const rootDir = ROOT_INDEX.slice(0, ROOT_INDEX.lastIndexOf('/'));
  sources.push(fixed('home', ROOT_INDEX, page(ROOT_INDEX), renderRootIndex(config, rootDir)));
  sources.push(fixed('home', HOME_REL, HOME_PAGE, renderRootIndex(config, '')));
  return sources;
}
