/** User-facing sentences of `canon render` (the static site). */
export const renderMessages = {
  outRefused: (out: string, reason: string) => `canon render will not write to ${out}: ${reason}.`,
  outHint: 'Pass --out a new or empty folder (or one an earlier `canon render` made), such as the default site/. No files were changed.',
  outIsRepo: 'it is the repository itself, or holds it',
  outInGit: 'it is inside .git',
  outInStore: (folder: string) => `it overlaps the store folder ${folder}`,
  outIsLink: 'it is a symbolic link (canon never writes through one)',
  outLeavesRepo: (real: string) => `it leads out of the repository through a symbolic link (to ${real})`,
  outNotFolder: 'it is a file, not a folder',
  outForeign: (count: number) => `it holds ${count} entr${count === 1 ? 'y' : 'ies'} that canon render did not make (no .canon-render.json in it)`,
  badPath: (page: string) => `refusing to touch "${page}": not a path canon render writes. No other files were changed.`,
  linkInside: (where: string) => `${where} is a symbolic link; canon render never writes through one. Remove it and run canon render again.`,
  notFolderInside: (where: string) => `${where} is a file where canon render needs a folder. Remove it and run canon render again.`,
  problem: (file: string, line: number, column: number, message: string) => `${file}:${line}:${column}: ${message}`,
  problemsHint: (count: number) =>
    `${count} note(s) could not be read and have no page (the rest of the site was written). Fix them (\`canon validate --all\` says more) and run canon render again.`,
  skippedLink: (rel: string) => `${rel}: a symbolic link; canon skips it (no page)`,
  summary: (written: number, unchanged: number, removed: number, out: string) =>
    `rendered ${written} page(s), ${unchanged} unchanged, ${removed} removed: ${out}/index.html`,
};
