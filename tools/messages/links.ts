/** User-facing sentences of `canon links` and of links that follow a rename. */
export const linkMessages = {
  summary: (files: number, errors: number, warnings: number) => `${files} note(s) checked: ${errors} error(s), ${warnings} warning(s)`,
  checkHint: 'Run `canon links --fix` to rewrite the wikilinks, and fix the names that name no note. No files were changed.',
  unrewritten: (written: string, to: string) => `${written} is a wikilink GitHub cannot follow; canon links --fix writes it as ${to}`,
  fixed: (file: string, count: number) => `${file}: ${count} link(s) rewritten`,
  fixLeft: 'The names above name no note: fix them by hand (the nearest ids are listed), then run `canon links --check`.',
  nothingToFix: 'No wikilinks to rewrite.',
  both: '--check and --fix cannot be used together, nor with a note id.',
  bothHint: 'Run `canon links --check`, `canon links --fix` or `canon links <id>`.',
  unknownId: (id: string, nearest: string[]) => `${id} names no note in the store${nearest.length > 0 ? `; nearest: ${nearest.join(', ')}` : ''}.`,
  ambiguousId: (id: string, candidates: string[]) => `${id} could name any of ${candidates.join(', ')}.`,
  idHint: 'Give a note id (RT-260511-02, WS-<slug>, PLAN-<slug>, ADR-0003, LRN-<slug>) or a workstream slug.',
  backlinksHeader: (id: string, rel: string, count: number) => `${count} note(s) link to ${id} (${rel})`,
  backlink: (file: string, line: number, column: number, text: string) => `${file}:${line}:${column}  ${text}`,
  followed: (count: number) => `Links follow: updated ${count} note(s) that link to the renamed note.`,
  followCommit: (from: string, to: string) => `Links follow the rename of session ${from} to ${to}`,
};
