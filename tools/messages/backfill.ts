/** Every sentence `canon backfill` shows a person. */
export const backfillMessages = {
  source: {
    folder: 'the folder',
    fileName: 'the file name',
    fileInitials: 'the initials in the file name',
    firstHeading: 'the first heading',
    fileStem: 'the file name (the note has no heading)',
    firstParagraph: 'the first paragraph',
    title: 'the title (the note has no paragraph of text)',
    author: (email: string) => `the original author ${email}`,
    firstCommit: 'the date of the first commit',
    key: (key: string) => `\`${key}\``,
    default: 'the default',
    legacyKept: 'the original values of the keys converted above',
    legacyEmpty: 'backfill: no value needed converting',
    adrLine: (key: string) => `the \`${key[0]!.toUpperCase()}${key.slice(1)}:\` line`,
    adrSection: (key: string) => `the \`## ${key[0]!.toUpperCase()}${key.slice(1)}\` section`,
  },
  problem: {
    externalIdFromName: (stem: string) =>
      `cannot be derived from the file name "${stem}.md": ADR files are named NNNN-<slug>.md and this name holds no number (or no slug and no title); rename the file and run backfill again`,
    renameTaken: (to: string) => `would be renamed to ${to}, but that file already exists; rename one of them by hand and run backfill again`,
    renameClash: (to: string, other: string) =>
      `would be renamed to ${to}, like ${other}; two ADRs cannot share a number: renumber one by hand and run backfill again`,
    adrStatusUnknown: (text: string, source: string) =>
      `is missing and ${source} says "${text}", which is none of proposed, accepted, superseded, deprecated (or rejected, draft); set \`status\` by hand`,
    personNoHistory: (key: string) =>
      `is missing and the file has no commit in git history, so canon cannot tell who wrote it; set \`${key}\` by hand (a slug from .claude/operators.yaml)`,
    personUnknownAuthor: (key: string, email: string) =>
      `is missing and the file's original author ${email} is not in .claude/operators.yaml; add them there (or set \`${key}\` by hand) and run backfill again`,
    personUnknownValue: (value: string) => `is "${value}", which matches no operator's slug, initials, email or name in .claude/operators.yaml; fix it by hand`,
    dateUnknown: 'is missing and neither the file name, the note nor git history gives a date; set it by hand (YYYY-MM-DD)',
    cannotConvert: (message: string) => `${message}; canon cannot convert it without guessing, fix it by hand`,
  },
  change: {
    add: (key: string, value: string, source: string) => `+ ${key}: ${value}  (from ${source})`,
    convert: (key: string, from: string, to: string) => `~ ${key}: ${from} → ${to}  (original kept in legacy_notes)`,
    frontmatter: '+ front matter (the file had none)',
    rename: (to: string) => `→ rename to ${to}  (git mv: history follows)`,
    links: (from: string, to: string) => `↪ link ${from} → ${to}  (the linked file is renamed)`,
    order: '↕ canonical key order',
    hash: '# content_hash',
    lineEndings: '⏎ CRLF line endings → LF (canon writes LF)',
    bom: '⌫ byte-order mark removed',
  },
  lock: {
    held: (pid: number, since: string) => `another backfill is running (pid ${pid}, since ${since}).`,
    starting: 'another backfill is starting (its BACKFILL_LOCK was created a moment ago).',
    heldHint: 'Wait for it to finish. If no backfill is running, delete BACKFILL_LOCK at the repository root. No files were changed.',
    stale: (pid: number) => `removed a stale BACKFILL_LOCK left by pid ${pid}, which is no longer running`,
  },
  dirty: (files: readonly string[]) =>
    `the store has uncommitted changes, so --apply would mix them into its commit:\n${files.map((f) => `  ${f}`).join('\n')}`,
  dirtyHint: 'Commit or stash them first (or move untracked files out), then run `canon backfill --apply` again. No files were changed.',
  leftovers: (count: number) => `picking up ${count} file(s) an interrupted backfill already wrote`,
  dryRunSummary: (changed: number, total: number, problems: number, renamed: number) =>
    `Dry run: ${changed} of ${total} note(s) would change` +
    (renamed > 0 ? ` (${renamed} renamed with git mv)` : '') +
    (problems > 0 ? `; ${problems} need(s) a hand first (see above) and would be left as they are.` : '.') +
    (changed > 0 ? ' Run `canon backfill --apply` to write them and commit.' : ''),
  nothing: (total: number) => `Nothing to backfill: all ${total} note(s) are up to the schemas.`,
  applied: (changed: number, sha: string, renamed: number) =>
    `Backfilled ${changed} note(s)${renamed > 0 ? ` (${renamed} renamed with git mv)` : ''} in one commit ${sha.slice(0, 12)}.`,
  problemsLeft: (count: number) => `${count} note(s) need a hand (see above); they were left as they are. Fix them and run backfill again.`,
  commitMessage: (changed: number) => `canon backfill: bring ${changed} legacy note(s) up to the schemas`,
  renameFailed: (from: string, to: string, detail: string) => `git mv ${from} ${to} failed:\n${detail}`,
  renameFailedHint:
    'The renames made before it are staged and nothing is committed: undo each with `git mv <new> <old>` (or commit them), then run `canon backfill --apply` again.',
  commitFailed: (detail: string) => `the backfill commit failed:\n${detail}`,
  commitFailedHint:
    'The backfilled files are written and staged. Fix what the hook (or git) reports, then run `git commit`, or run `canon backfill --apply` again.',
  progress: {
    planning: 'planning',
    writing: 'writing',
  },
} as const;
