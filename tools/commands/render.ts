import type { CommandContext, CommandOutcome } from '../context.js';
import { NOTE_KINDS, type NoteKind } from '../core/config.js';
import { stableJson } from '../core/content-hash.js';
import { SESSION_SHARD_DIR } from '../core/index-render.js';
import { trimSlashes } from '../core/layout.js';
import { SITE_CSS } from '../core/render-css.js';
import { planIndexSources, type IndexSource } from '../core/render-indexes.js';
import { resolveDep, sitePathOf, type SiteMap } from '../core/render-links.js';
import { indexRelOf, RENDER_VERSION, renderIndexPage, renderNotePage, STYLESHEET } from '../core/render-page.js';
import { decodeRow, isPageSource, MANIFEST_FORMAT, planRender, type PageEntry, type PageSourceEntry, type PlannedPage } from '../core/render-plan.js';
import type { Issue } from '../core/validate-note.js';
import { readRenderSources, readSourceNote, shaOf, type RenderSource } from '../io/render-sources.js';
import { openRepo, type Repo } from '../io/repo.js';
import { createSiteWriter, listMissingFiles, openSiteFolder, readManifest, removeSiteFile, writeManifest } from '../io/site-folder.js';
import { gateMessages } from '../messages/gates.js';
import { renderMessages } from '../messages/render.js';

export interface RenderOptions {
  out?: string;
  force?: boolean;
  json?: boolean;
}

export interface RenderResult {
  /** The out folder (repository-relative when inside the repository). */
  out: string;
  pages: number;
  written: string[];
  unchanged: number;
  removed: string[];
  problems: Issue[];
  skipped: string[];
}

type Job = { planned: PlannedPage; make: () => { html: string; deps: Set<string> } | null };

/**
 * `canon render`: the store as a static site in `--out` (default `site/`, git-ignored). Reads the
 * notes (only the changed ones, thanks to the manifest), plans which pages to write, writes them,
 * removes the pages of deleted notes, and writes the manifest last.
 */
export async function runRender(options: RenderOptions, ctx: CommandContext): Promise<CommandOutcome<RenderResult>> {
  const repo = openRepo(ctx.cwd);
  const { config, root } = repo;
  const site = openSiteFolder(root, config, ctx.cwd, options.out);
  const previous = readManifest(site);
  const skipped: string[] = [];
  // What an older renderer (or --force) recorded of the notes is not trusted: each is read and checked again.
  const trusted = previous !== null && (options.force || previous.render !== RENDER_VERSION) ? { ...previous, sources: {} } : previous;
  const sources = readRenderSources(root, config, trusted, ctx.now().getTime(), skipped);
  const refused = await refuseLikeTheDoor(repo, sources);
  const notes = sources.filter((s): s is RenderSource & { entry: PageSourceEntry } => isPageSource(s.entry));
  const indexes = planIndexSources(
    config,
    notes.map((s) => {
      const [, , , month, ids, row] = s.entry;
      return { kind: s.ref.kind, month, key: `${s.ref.stem}\0${ids[0]}\0${row}`, row: () => decodeRow(ids[0], `${s.ref.stem}.md`, row) };
    }),
  );
  const siteMap = buildSiteMap(notes, indexes, config.folders);

  const jobs = new Map<string, Job>();
  for (const source of notes) {
    const id = source.entry[4][0];
    jobs.set(sitePathOf(source.ref.rel), {
      planned: { page: sitePathOf(source.ref.rel), source: source.ref.rel, sha: source.entry[2] },
      make: () => {
        const note = readSourceNote(root, source, config);
        source.note = null; // rendered once: let the parsed note go
        if (note === null) return null;
        return renderNotePage({ config, site: siteMap, kind: source.ref.kind, rel: source.ref.rel, id, data: note.data, body: note.body });
      },
    });
  }
  for (const index of indexes) {
    jobs.set(index.page, {
      planned: { page: index.page, source: index.rel, sha: index.fingerprint },
      make: () => renderIndexPage({ config, site: siteMap, kind: index.kind, rel: index.rel, page: index.page, markdown: index.markdown() }),
    });
  }
  jobs.set(STYLESHEET, { planned: { page: STYLESHEET, source: '', sha: shaOf(SITE_CSS) }, make: () => ({ html: SITE_CSS, deps: new Set() }) });

  const planned = [...jobs.values()].map((j) => j.planned);
  // The renderer's version and the store's layout: when either changes, every page is rendered.
  const key = `${RENDER_VERSION}:${stableJson(config.folders)}`;
  const plan = planRender({
    previous,
    key,
    force: Boolean(options.force),
    pages: planned,
    site: siteMap,
    missingFiles: listMissingFiles(
      site,
      planned.map((p) => p.page).filter((p) => previous?.pages[p] !== undefined),
    ),
  });

  const pages: Record<string, PageEntry> = {};
  for (const p of plan.unchanged) pages[p.page] = previous!.pages[p.page]!;
  const written: string[] = [];
  const writer = createSiteWriter(site);
  for (const p of plan.render) {
    const made = jobs.get(p.page)!.make();
    if (made === null) {
      // Changed under us since it was scanned: the next run renders it (an old page stays listed, so it can still be removed).
      const before = previous?.pages[p.page];
      if (before) pages[p.page] = [before[0], '', before[2]];
      continue;
    }
    await writer.write(p.page, made.html);
    const deps: Array<string | null> = [];
    for (const dep of [...made.deps].sort()) deps.push(dep, resolveDep(dep, siteMap));
    pages[p.page] = [p.source, p.sha, deps];
    written.push(p.page);
  }
  await writer.done();
  const removed = plan.remove.filter((page) => removeSiteFile(site, page));
  writeManifest(site, {
    format: MANIFEST_FORMAT,
    render: RENDER_VERSION,
    key,
    sources: Object.fromEntries(sources.map((s) => [s.ref.rel, s.entry])),
    pages,
  });

  const problems = sources.map((s) => s.entry[6]).filter((p): p is Issue => p !== null);
  const result: RenderResult = { out: site.display, pages: Object.keys(pages).length, written, unchanged: plan.unchanged.length, removed, problems, skipped };
  if (options.json) ctx.logger.out(JSON.stringify(result, null, 2));
  else {
    for (const rel of skipped) ctx.logger.err(renderMessages.skippedLink(rel));
    for (const p of problems) ctx.logger.err(renderMessages.problem(p.file, p.line, p.column, p.message));
    ctx.logger.out(renderMessages.summary(written.length, plan.unchanged.length, removed.length, site.display));
  }
  if (problems.length > 0 && !options.json)
    ctx.logger.err(refused > 0 ? gateMessages.render.refused(problems.length) : renderMessages.problemsHint(problems.length));
  return { exitCode: problems.length > 0 ? 1 : 0, result };
}

/**
 * Nothing publishes what the commit door would refuse: each note read this run is validated and
 * scanned for secrets as pre-commit does (in warn mode only a secret refuses), and a refused note
 * becomes a problem (path:line:col, the secret masked) instead of a page: it is left out of the
 * site, and the page an earlier run made for it is removed. The manifest remembers the refusal by
 * the note's bytes, so an unchanged note is not scanned again. Returns how many were refused.
 */
async function refuseLikeTheDoor(repo: Repo, sources: RenderSource[]): Promise<number> {
  const fresh = sources.filter((s) => s.note !== null && s.text !== undefined && isPageSource(s.entry));
  if (fresh.length === 0) return 0;
  // Loaded only when a note was read: a run with nothing changed pays for neither the schemas nor the scanner.
  const [{ validateNotes }, { scanSecrets }] = await Promise.all([import('./validate.js'), import('../core/secret-scan.js')]);
  const loaded = fresh.map((s) => ({ ref: s.ref, text: s.text!, note: s.note! }));
  const found = new Map<string, Issue[]>();
  const add = (issue: Issue) => found.set(issue.file, [...(found.get(issue.file) ?? []), issue]);
  const warnMode = repo.config.precommit.mode === 'warn';
  for (const issue of await validateNotes(repo, loaded, { strict: false, wholeStore: false })) if (issue.severity === 'error' && !warnMode) add(issue);
  for (const source of fresh) {
    for (const issue of await scanSecrets(source.text!, source.ref.rel)) add(issue);
    delete source.text;
  }
  for (const source of fresh) {
    const issues = found.get(source.ref.rel);
    if (!issues) continue;
    const first = issues.find((i) => i.rule.startsWith('secret/')) ?? issues[0]!;
    const [size, mtimeMs, sha] = source.entry;
    source.entry = [
      size,
      mtimeMs,
      sha,
      null,
      null,
      null,
      { ...first, message: gateMessages.render.notPublished(first.message, issues.length - 1, source.ref.rel, first.rule) },
    ];
    source.note = null;
  }
  return found.size;
}

/** Which repository paths are pages, and which ids and folders name them. */
function buildSiteMap(
  notes: ReadonlyArray<RenderSource & { entry: PageSourceEntry }>,
  indexes: readonly IndexSource[],
  folders: Record<NoteKind, string>,
): SiteMap {
  const notePages = new Set(notes.map((s) => s.ref.rel));
  const indexPages = new Map(indexes.map((i) => [i.rel, i.page]));
  // The id maps are built on first use: a run that renders no wikilink never needs them.
  let ids: Map<string, string> | null = null;
  let folded: Map<string, string> | null = null;
  const idMaps = () => {
    if (ids === null || folded === null) {
      ids = new Map();
      folded = new Map();
      for (const source of notes) {
        for (const id of source.entry[4]) {
          if (!ids.has(id)) ids.set(id, source.ref.rel);
          if (!folded.has(id.toLowerCase())) folded.set(id.toLowerCase(), source.ref.rel);
        }
      }
    }
    return { ids, folded };
  };
  const folderIndex = new Map<string, string>();
  for (const kind of NOTE_KINDS) folderIndex.set(trimSlashes(folders[kind]), indexRelOf(folders, kind));
  folderIndex.set(`${trimSlashes(folders.session)}/${SESSION_SHARD_DIR}`, indexRelOf(folders, 'session'));
  return {
    pageFor: (rel) => (notePages.has(rel) ? sitePathOf(rel) : (indexPages.get(rel) ?? null)),
    noteById: (id) => {
      const maps = idMaps();
      return maps.ids.get(id) ?? maps.folded.get(id.toLowerCase()) ?? null;
    },
    indexOfFolder: (folder) => folderIndex.get(folder) ?? null,
  };
}
