/** Sentences of the git roads around the commit door: rebase, amend, cherry-pick, merge (ADR-0024). */
export const roadsMessages = {
  restamped: (road: string, files: readonly string[], sha: string) =>
    `canon: restamped content_hash and INDEX rows for ${files.join(', ')} after the ${road}, committed as ${sha}.`,
  notCommitted: (road: string, files: readonly string[], reason: string) =>
    `canon: the ${road} left ${files.join(', ')} with a stale content_hash or INDEX row; canon did not commit the fix because ${reason}.`,
  reasonStaged: 'the index holds other staged changes',
  reasonEdited: (files: readonly string[]) => `${files.join(', ')} ${files.length === 1 ? 'holds' : 'hold'} changes that are not committed`,
  reasonSequence: 'a cherry-pick sequence is still running',
  reasonAutostash: 'the rebase still has to put back your autostash',
  reasonUnspliceable: (file: string) => `${file} is not in a shape canon can splice rows into`,
  reasonCommit: (detail: string) => `git could not make the commit (${detail})`,
  runThis: (notes: readonly string[], files: readonly string[]) =>
    [
      'When that is settled, run:',
      `  npx canon-notes normalize ${notes.join(' ')} && npx canon-notes index`,
      `  git commit -m "canon: restamp content_hash and INDEX rows" -- ${files.join(' ')}`,
    ].join('\n'),
  invalid: (road: string) =>
    `canon: the ${road} committed the notes above as they are: fix them, then \`git add\` and \`git commit\` them (the commit door restamps content_hash and INDEX rows).`,
  secret: (road: string, rewrite: string) =>
    [
      `canon: !!! the ${road} committed a SECRET into a note (above). Do not push it: the push gate refuses it, and a commit on top does not take it out of history.`,
      '  Rotate the secret, remove it from the note, then rewrite the commits that hold it:',
      `  ${rewrite}`,
    ].join('\n'),
  checkFailed: (reason: string) =>
    `canon: could not check the notes this git command committed (${reason}); \`npx canon-notes validate --all --strict\` and \`npx canon-notes index --check\` do.`,
  notInIndex: (rel: string) => `${rel} is outside the sparse checkout and not in the index`,
  rewriteAmend: 'git commit --amend   (when only the last commit holds it)',
  rewriteRebase: (base: string) => `git rebase -i ${base}   (mark the commits that hold it "edit", fix the note, git commit --amend, git rebase --continue)`,
} as const;
