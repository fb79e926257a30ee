import { NOTE_KINDS, type CanonConfig, type NoteKind } from './config.js';

/** Files inside a store folder that are not notes (docs/contract.md §2). */
export const NOT_NOTES: ReadonlySet<string> = new Set(['TEMPLATE.md', 'INDEX.md', 'README.md']);

/** The operators registry; a commit that stages it regenerates the command wrappers (pre-commit). */
export const OPERATORS_FILE = '.claude/operators.yaml';

export type PathRole = 'note' | 'index' | 'template' | 'other';

export interface PathInfo {
  kind: NoteKind;
  role: PathRole;
  /** File name without `.md`. */
  stem: string;
}

/** What a repository-relative path (forward slashes) is in the store, or null when outside it. */
export function classifyPath(relPath: string, config: CanonConfig): PathInfo | null {
  const slash = relPath.lastIndexOf('/');
  const dir = slash === -1 ? '' : relPath.slice(0, slash);
  const name = relPath.slice(slash + 1);
  for (const kind of NOTE_KINDS) {
    if (trimSlashes(config.folders[kind]) !== dir) continue;
    if (!name.endsWith('.md')) return { kind, role: 'other', stem: name };
    const stem = name.slice(0, -3);
    if (name === 'INDEX.md') return { kind, role: 'index', stem };
    if (NOT_NOTES.has(name)) return { kind, role: 'template', stem };
    return { kind, role: 'note', stem };
  }
  return null;
}

export function trimSlashes(folder: string): string {
  return folder.replace(/^\.?\/+/, '').replace(/\/+$/, '');
}

const ID_PREFIX: Record<Exclude<NoteKind, 'session' | 'adr'>, string> = {
  workstream: 'WS-',
  plan: 'PLAN-',
  learning: 'LRN-',
};

/** The external_id a note's file name implies (docs/contract.md §2), or null when the name cannot carry one. */
export function externalIdFor(kind: NoteKind, stem: string): string | null {
  switch (kind) {
    case 'session':
      return stem;
    case 'adr': {
      const match = /^(\d{4})-/.exec(stem);
      return match ? `ADR-${match[1]}` : null;
    }
    default:
      return ID_PREFIX[kind] + stem;
  }
}

/**
 * Whether a commit staging `paths` (added, changed or removed; both sides of a rename) gives canon's
 * pre-commit hook anything to do, decided from the paths alone so that a code-only commit loads none
 * of the checks. Deliberately wider than what the hook acts on (a note, or the operators file): any
 * path in or above a store folder (INDEX files, month pages, templates, a folder replaced by a link),
 * the root INDEX, the config and the operators file take the whole hook, and so does every commit
 * when the folders are unknown (null: a config that does not read cleanly, which the hook reports)
 * or one of them is the repository's top. Paths compare without case: on a case-insensitive file
 * system `Docs/ADR/x.md` is a note.
 */
export function stagedForCanon(paths: readonly string[], folders: readonly string[] | null, special: readonly string[]): boolean {
  if (folders === null) return true;
  const roots = folders.map((f) => trimSlashes(f).toLowerCase());
  if (roots.some((f) => f === '' || f === '.')) return true;
  const named = new Set(special.map((s) => s.toLowerCase()));
  return paths.some((p) => {
    const rel = p.toLowerCase();
    return named.has(rel) || roots.some((f) => rel === f || rel.startsWith(`${f}/`) || f.startsWith(`${rel}/`));
  });
}
