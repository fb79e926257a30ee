/** Sentences of `canon resume` and of the resume cache. */
export const resumeMessages = {
  skipped: (count: number) => (count === 1 ? 'canon: skipped 1 note that could not be read:' : `canon: skipped ${count} notes that could not be read:`),
  skippedMore: (count: number) => `  … and ${count} more`,
  skippedHint: 'The dashboard leaves them out. Run `canon validate --all` for every problem, fix the notes and commit.',
  noFrontmatter: 'has no YAML frontmatter (a note starts with a `---` line)',
  binary: 'holds binary data (a NUL byte); a note is UTF-8 text',
  encoding: 'is not valid UTF-8 text',
  tooLarge: (mb: string, limitKb: number) => `is ${mb} MB; a note may hold at most ${limitKb} KB (limits.max_note_bytes in canon.config.json)`,
  badLimit: (value: string) => `--limit must be a whole number of at least 1, not "${value}"`,
  badLimitHint: 'For example: canon resume --limit 20',
  cacheRefreshFailed: (reason: string) => `canon: the resume cache was not refreshed (${reason}); the next \`canon resume\` rebuilds it.`,
} as const;
