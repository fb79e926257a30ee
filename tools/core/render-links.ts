/**
 * Where a link in a note goes once the store is a site. Notes link to each other with relative
 * markdown links (`../sessions/RT-260511-02.md#resume-prompt`, what canon's link normalisation
 * writes) and, until normalised, with wikilinks (`[[RT-260511-02]]`, `[[repo-flip|the flip]]`).
 * Pages keep the repository's layout (`docs/sessions/X.md` → `docs/sessions/X.html`), so a
 * resolved link is the same relative path with `.html`.
 */

/** What the renderer needs to know about the site: which repository paths are pages, which ids name them. */
export interface SiteMap {
  /** Repository path (`docs/sessions/X.md`) → site path (`docs/sessions/X.html`). */
  pageFor(rel: string): string | null;
  /** Note id, slug or external_id → repository path. */
  noteById(id: string): string | null;
  /** Store folder (`docs/sessions`) → the repository path of its INDEX page. */
  indexOfFolder(folder: string): string | null;
}

export type LinkTarget =
  | { kind: 'page'; href: string; dep: string; target: string }
  | { kind: 'anchor'; href: string }
  | { kind: 'external'; href: string }
  /** A note or INDEX the link names that is not in the site (deleted, renamed, never written). */
  | { kind: 'missing'; target: string; dep: string }
  /** A file of the repository that the site does not carry (source code, images, other docs). */
  | { kind: 'outside'; target: string };

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** A dependency key: the page is rendered again when what this key resolves to changes. */
export function pathDep(rel: string): string {
  return `path:${rel}`;
}

function idDep(id: string): string {
  return `id:${id}`;
}

/** Resolve a dependency key against the current site (what the manifest compares). */
export function resolveDep(dep: string, site: SiteMap): string | null {
  if (dep.startsWith('path:')) return site.pageFor(dep.slice(5));
  if (dep.startsWith('id:')) return site.noteById(dep.slice(3));
  if (dep.startsWith('folder:')) return site.indexOfFolder(dep.slice(7));
  return null;
}

/** posix-normalise `a/b/../c` against a base folder; null when it climbs out of the repository. */
export function joinRepoPath(baseDir: string, relative: string): string | null {
  const parts = relative.startsWith('/') ? [] : baseDir === '' ? [] : baseDir.split('/');
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

function dirOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash === -1 ? '' : rel.slice(0, slash);
}

/** A relative href from one site page to another, each path segment percent-encoded. */
export function relativeHref(fromPage: string, toPage: string): string {
  const from = dirOf(fromPage) === '' ? [] : dirOf(fromPage).split('/');
  const to = toPage.split('/');
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  const parts = [...from.slice(common).map(() => '..'), ...to.slice(common)];
  return parts.map((p) => (p === '..' ? p : encodeURIComponent(p))).join('/');
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Resolve a link written in the note at repository path `fromRel`, rendered at site path `fromPage`.
 * `/docs/x.md` is read from the repository root (as GitHub does).
 */
export function resolveHref(href: string, fromRel: string, fromPage: string, site: SiteMap): LinkTarget {
  if (href.startsWith('#')) return { kind: 'anchor', href };
  if (SCHEME.test(href) || href.startsWith('//')) return { kind: 'external', href };
  const hashAt = href.indexOf('#');
  const hash = hashAt === -1 ? '' : href.slice(hashAt);
  const withoutHash = hashAt === -1 ? href : href.slice(0, hashAt);
  const queryAt = withoutHash.indexOf('?');
  const pathPart = decode(queryAt === -1 ? withoutHash : withoutHash.slice(0, queryAt));
  if (pathPart === '') return { kind: 'anchor', href: hash || '#' };
  const target = joinRepoPath(dirOf(fromRel), pathPart);
  if (target === null) return { kind: 'outside', target: pathPart };
  const page = site.pageFor(target);
  if (page !== null) return { kind: 'page', href: relativeHref(fromPage, page) + hash, dep: pathDep(target), target };
  // A link to a store folder (`../sessions/`) goes to its INDEX page.
  const index = site.indexOfFolder(target.replace(/\/+$/, ''));
  const indexPage = index === null ? null : site.pageFor(index);
  if (index !== null && indexPage !== null) {
    return { kind: 'page', href: relativeHref(fromPage, indexPage) + hash, dep: `folder:${target.replace(/\/+$/, '')}`, target: index };
  }
  // A markdown file in a store folder (or its month pages) would be a page: it is a note that is missing.
  const inStore = site.indexOfFolder(dirOf(target)) !== null || site.indexOfFolder(dirOf(dirOf(target))) !== null;
  if (/\.md$/i.test(target) && inStore) return { kind: 'missing', target, dep: pathDep(target) };
  return { kind: 'outside', target };
}

/** A wikilink's id (`[[RT-260511-02#resume-prompt|text]]` → id, anchor) resolved to a page. */
export function resolveWikilink(id: string, anchor: string, fromPage: string, site: SiteMap): LinkTarget {
  const rel = site.noteById(id);
  const page = rel === null ? null : site.pageFor(rel);
  if (rel === null || page === null) return { kind: 'missing', target: id, dep: idDep(id) };
  return { kind: 'page', href: relativeHref(fromPage, page) + anchor, dep: idDep(id), target: rel };
}

/** The site path of a repository markdown file: `docs/sessions/X.md` → `docs/sessions/X.html`. */
export function sitePathOf(rel: string): string {
  return rel.replace(/\.md$/i, '') + '.html';
}
