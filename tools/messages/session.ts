/** User-facing sentences of operators, session ids, the pre-push guard and the command wrappers. */
export const sessionMessages = {
  whoami: {
    nobody: 'canon cannot tell who you are: no --email, $OPERATOR, $CLAUDE_USER_EMAIL or git config user.email is set.',
    nobodyHint: 'Set one, e.g. `OPERATOR=<your slug> canon session whoami` or `git config user.email you@example.com`.',
    unknownOperator: (name: string, origin: string, file: string) => `${origin} "${name}" is neither a slug nor initials in ${file}.`,
    knownOperators: (known: string[]) => `Known operators: ${known.join(', ')}.`,
    unknownEmail: (email: string, origin: string, file: string) => `The email ${email} (from ${origin}) belongs to no operator in ${file}.`,
    pasteEntry: (file: string, entry: string) =>
      `If that is you, add the email to your entry, or paste this under \`operators:\` in ${file} (and commit it):\n\n${entry}`,
    sourceLabel: {
      flag: 'a command-line flag',
      'env-operator': '$OPERATOR',
      'env-claude': '$CLAUDE_USER_EMAIL',
      'git-config': 'git config user.email',
      cache: 'the cache (.claude/state/operator.cache)',
    } as Record<string, string>,
    line: (slug: string, initials: string, name: string | null, email: string | null, source: string) =>
      `${slug} (${initials}${name ? `, ${name}` : ''})${email ? ` <${email}>` : ''}, from ${source}`,
  },
  claim: {
    badDate: (value: string) => `--date "${value}" is not a date; give it as YYYY-MM-DD, e.g. 2026-05-11.`,
    full: (initials: string, date: string, first: string, last: string) =>
      `All 99 session ids of ${initials} for ${date} are taken (${first} … ${last}). No file was written.`,
    fullHint: 'Remove unused claim stubs with `canon session gc --apply`, or claim on another day with --date YYYY-MM-DD.',
    cannotWrite: (folder: string, reason: string) => `Cannot create a session file in ${folder}: ${reason}. No id was claimed.`,
    cannotWriteHint: 'Check that the folder exists and that you may write to it.',
    claimed: (id: string, rel: string) => `${id}  ${rel}`,
    fileProvider: (root: string) =>
      `warning: ${root} is inside iCloud Drive or a FileProvider folder; atomic create and rename are not reliable there, so two machines may claim one id. Keep the repository outside it.`,
  },
  gc: {
    badAge: (value: string, option = '--older-than') => `${option} "${value}" is not an age; use a number and a unit such as 90m, 24h or 7d.`,
    stale: (rel: string, age: string) => `${rel}  (claimed ${age} ago)`,
    staleDead: (rel: string, age: string) => `${rel}  (claimed ${age} ago by a handoff that is gone)`,
    staleTelemetry: (rel: string, age: string) => `${rel}  (last written ${age} ago)`,
    none: (age: string, telemetry: string, archive: string) =>
      `No claim stubs older than ${age}, no telemetry untouched for ${telemetry}, no archived telemetry older than ${archive}.`,
    dryRunHint: 'Nothing was removed: run again with --apply to remove them.',
    removed: (n: number) => `Removed ${n} file(s).`,
  },
  rename: {
    notAnId: (id: string) => `"${id}" is not a session id like RT-260511-02.`,
    missing: (rel: string) => `${rel} does not exist; there is nothing to rename.`,
    dirty: (files: string[]) =>
      `Your working tree has other changes (${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''}); the rename rewrites unpushed commits and needs a clean tree. No files were changed.`,
    dirtyHint: 'Commit or stash them, then run the rename again.',
    stageFailed: (what: string, detail: string) => `The rename was written to the working tree, but staging it failed (${what}): ${detail}.`,
    stageFailedHint: 'Check `git status`, then stage the renamed note, its workstream and INDEX yourself (`git add -p` keeps your other edits out).',
    renamed: (from: string, to: string) => `Renamed ${from} to ${to}.`,
    rewritten: (n: number) => `Rewrote ${n} unpushed commit(s) so that the old id never existed here; now run \`git pull --rebase\` and push.`,
    fixupLeft: (from: string) =>
      `The rename is committed, but squashing it into the commit that added ${from} failed; history still adds ${from} first, so \`git pull --rebase\` may stop on it. Squash the "fixup!" commit by hand (git rebase -i --autosquash).`,
    staged: 'The rename is staged; commit it, then `git pull --rebase` and push.',
    workingTree: 'The note was not committed; the rename changed the working tree only.',
  },
  prePush: {
    collision: (id: string, rel: string, ref: string) =>
      `${rel}: session id ${id} already exists on ${ref} with different content (another clone claimed it first).`,
    collisionHint: (ids: string[]) =>
      `Nothing was pushed. Give your note the next free id, then integrate and push again:\n${ids.map((id) => `  canon session rename ${id}`).join('\n')}\n  git pull --rebase\n  git push`,
  },
  commands: {
    written: (rel: string) => `wrote ${rel}`,
    removed: (rel: string) => `removed ${rel}`,
    upToDate: 'The command wrappers are up to date.',
    kept: (rel: string) =>
      `canon: ${rel} was not written by canon (it lacks the generated marker), so it was left as it is. Delete or rename it to get the generated wrapper.`,
  },
};
