/** Sentences of the telemetry hook's error log and of `canon telemetry show`. */
export const telemetryMessages = {
  hook: {
    notCounted: (reason: string) => `${reason}; this call was not counted.`,
    tooLarge: (limit: number) => `stdin is larger than ${limit} bytes`,
    corrupt: (file: string, movedTo: string) =>
      `${file} did not hold a telemetry state; it was moved to ${movedTo} and the count was rebuilt from the journal.`,
    journalShrank: (file: string) => `the journal of ${file} is shorter than the state says (replaced by hand?); the count was rebuilt from the journal.`,
    tornLines: (n: number) => `skipped ${n} unreadable journal line(s) (a write cut short, e.g. on a full disk).`,
    failed: (reason: string) => `could not record the call (${reason}); this call was not counted.`,
    foldFailed: (reason: string) => `the call was recorded in the journal, but the state file could not be updated (${reason}); readers still see it.`,
    noLog: (reason: string) => `canon telemetry hook: ${reason} (and the error log could not be written either)`,
  },
  show: {
    none: 'No telemetry has been recorded in this repository yet.',
    noneHint: 'The PostToolUse hook in .claude/settings.json records every tool call of a Claude Code session into .claude/state/.',
    noSession: (id: string) => `No telemetry state for session "${id}".`,
    noSessionHint: 'Run `canon telemetry show` without --session-id to see the newest session.',
  },
} as const;
