import type * as Links from '../core/links.js';
import type { CanonConfig } from '../core/config.js';
import type { Note } from '../core/frontmatter.js';
import { mayHoldLinks } from '../core/markdown-lines.js';
import type { Issue, NoteRef } from '../core/validate-note.js';
import { listIndexedMatches, listIndexedNotePaths, listIndexedPaths, listWorkingNotePaths, workingPathExists } from '../io/note-paths.js';
import { listTreeNotePaths, listTreePaths } from '../io/range-notes.js';

/** Which store a link is checked against: what is staged (the commit door), what is on disk, or a commit (the push gate). */
export type LinkView = 'index' | 'working' | { tree: string };

export interface LinkFix {
  note: Note;
  changes: Links.LinkChange[];
}

export interface LinkFixer {
  /**
   * The note with its wikilinks rewritten (the same object when it holds none). With `report`,
   * its unknown names and relative links are kept for `issues()`.
   */
  fix(ref: NoteRef, text: string, note: Note, report: boolean): Promise<LinkFix>;
  /** Unknown or ambiguous names (errors) and broken relative links (warnings) of the reported notes. */
  issues(): Promise<Issue[]>;
}

/**
 * Links between notes for the commands that write notes. The markdown parser and the list of
 * note ids are loaded only when a note holds a link (a pre-commit of a note without one pays
 * nothing), and the ids come from file names — `git ls-files` for the index, a directory listing
 * for the working tree — never from reading the notes.
 */
export function createLinkFixer(root: string, config: CanonConfig, view: LinkView): LinkFixer {
  let links: typeof Links | undefined;
  let full: Links.NoteTable | undefined;
  // The commit door first looks up only the paths the names imply (`RT-…` → docs/sessions/RT-….md):
  // one small `git ls-files`, whatever the size of the store. Only a name that does not resolve that
  // way (a stem, another case, a typo that needs the nearest ids) lists the whole store.
  const found = new Set<string>();
  let partial: Links.NoteTable | undefined;
  const errors: Issue[] = [];
  const targets: Array<{ file: string; targets: Links.RelativeTarget[] }> = [];
  const load = async () => (links ??= await import('../core/links.js'));
  const wholeTable = async (lib: typeof Links) => {
    full ??= lib.indexNotePaths(
      typeof view === 'object'
        ? await listTreeNotePaths(root, config, view.tree)
        : view === 'index'
          ? await listIndexedNotePaths(root, config)
          : listWorkingNotePaths(root, config),
      config,
    );
    return full;
  };
  const tableFor = async (lib: typeof Links, names: readonly string[]): Promise<Links.NoteTable> => {
    if (full || view !== 'index') return wholeTable(lib);
    const named = names.filter((n) => n !== '');
    const missing = named.filter((n) => !partial || !lib.resolvesExactly(partial, n));
    if (missing.length > 0) {
      const candidates = missing.map((n) => lib.candidatePaths(n, config));
      for (const rel of await listIndexedMatches(
        root,
        candidates.flatMap((c) => c.paths),
        candidates.flatMap((c) => c.globs),
      ))
        found.add(rel);
      partial = lib.indexNotePaths(found, config);
    }
    return named.every((n) => lib.resolvesExactly(partial!, n)) ? partial! : wholeTable(lib);
  };
  return {
    async fix(ref, text, note, report) {
      if (!mayHoldLinks(note.body)) return { note, changes: [] };
      const lib = await load();
      const links = lib.findLinks(note.body);
      const table =
        links.wiki.length > 0
          ? await tableFor(
              lib,
              links.wiki.map((w) => w.name),
            )
          : lib.indexNotePaths([], config);
      const plan = lib.planLinks(note.body, { noteRel: ref.rel, table, lineOffset: lib.bodyLineOffset(text, note.body), found: links });
      if (report) {
        errors.push(...plan.issues);
        if (plan.targets.length > 0) targets.push({ file: ref.rel, targets: plan.targets });
      }
      return { note: plan.body === null ? note : { ...note, body: plan.body }, changes: plan.changes };
    },
    async issues() {
      if (targets.length === 0) return [...errors];
      const lib = await load();
      const rels = targets.flatMap((t) => t.targets.flatMap((x) => (x.rel === null ? [] : [x.rel])));
      const exists =
        typeof view === 'object'
          ? await listTreePaths(root, view.tree, rels)
          : view === 'index'
            ? await listIndexedPaths(root, rels)
            : new Set(rels.filter((rel) => workingPathExists(root, rel)));
      return [...errors, ...targets.flatMap((t) => lib.brokenLinkIssues(t.file, t.targets, (rel) => exists.has(rel)))];
    },
  };
}
