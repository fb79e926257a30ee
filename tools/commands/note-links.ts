import type * as Links from '../core/links.js';
import type { CanonConfig } from '../core/config.js';
import type { Note } from '../core/frontmatter.js';
import { mayHoldLinks } from '../core/markdown-lines.js';
import type { Issue, NoteRef } from '../core/validate-note.js';
import { listIndexedNotePaths, listIndexedPaths, listWorkingNotePaths, workingPathExists } from '../io/note-paths.js';

/** Which store a link is checked against: what is staged (the commit door) or what is on disk. */
export type LinkView = 'index' | 'working';

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
 * nothing), and the ids come from file names — `git ls-files` of the store folders for the index,
 * a directory listing for the working tree — never from reading the notes.
 */
export function createLinkFixer(root: string, config: CanonConfig, view: LinkView): LinkFixer {
  let links: typeof Links | undefined;
  let table: Links.NoteTable | undefined;
  const errors: Issue[] = [];
  const targets: Array<{ file: string; targets: Links.RelativeTarget[] }> = [];
  const load = async () => (links ??= await import('../core/links.js'));
  const noteTable = async (lib: typeof Links) => {
    table ??= lib.indexNotePaths(view === 'index' ? await listIndexedNotePaths(root, config) : listWorkingNotePaths(root, config), config);
    return table;
  };
  return {
    async fix(ref, text, note, report) {
      if (!mayHoldLinks(note.body)) return { note, changes: [] };
      const lib = await load();
      const empty = lib.indexNotePaths([], config);
      const plan = lib.planLinks(note.body, { noteRel: ref.rel, table: note.body.includes('[[') ? await noteTable(lib) : empty, lineOffset: lib.bodyLineOffset(text, note.body) });
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
      const exists = view === 'index' ? await listIndexedPaths(root, rels) : new Set(rels.filter((rel) => workingPathExists(root, rel)));
      return [...errors, ...targets.flatMap((t) => lib.brokenLinkIssues(t.file, t.targets, (rel) => exists.has(rel)))];
    },
  };
}
