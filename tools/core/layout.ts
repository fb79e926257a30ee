import { NOTE_KINDS, type CanonConfig, type NoteKind } from './config.js';

/** Files inside a store folder that are not notes (docs/contract.md §2). */
export const NOT_NOTES: ReadonlySet<string> = new Set(['TEMPLATE.md', 'INDEX.md', 'README.md']);

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
