/** Sentences of canon's Claude Code integration: session resolution, the session hooks, transcripts. */
export const claudeMessages = {
  resolve: {
    ambiguous: (ids: string[]) =>
      `${ids.length} Claude Code sessions are live in this repository (${ids.join(', ')}), and nothing says which one this handoff is for.`,
    ambiguousHint: 'Run it again with --session-id <id> (inside Claude Code, /canon:handoff passes it for you; the id is also in $CLAUDE_CODE_SESSION_ID).',
  },
  hook: {
    contextFailed: (reason: string) => `SessionStart: no resume context for the model (${reason}).`,
    endFailed: (reason: string) => `SessionEnd: could not mark the session ended (${reason}).`,
  },
  context: {
    header: (slug: string, initials: string) => `canon resume context for ${slug} (${initials}), from the repository's session notes:`,
    lastSession: (id: string, date: string | null, title: string | null) => `Last session: ${id}${date ? ` (${date})` : ''}${title ? ` — ${title}` : ''}`,
    resumePrompt: 'Its Resume Prompt:',
    noPrompt: 'It has no Resume Prompt.',
    noSessions: (slug: string) => `No prior sessions for ${slug}.`,
    workstreams: 'Your active workstreams:',
    peers: 'Peers since then:',
    unfinished: (n: number, calls: number) => `Unfinished: ${n} session(s) with ${calls} tool call(s) and no note (run \`npm run resume\`).`,
    truncated: '[…cut to fit; run `npm run resume` for the whole dashboard]',
  },
  transcript: {
    missing: (where: string) => `No transcript of this session was found (${where}); none was archived.`,
    failed: (reason: string) => `The transcript could not be archived (${reason}).`,
    masked: (n: number) => `${n} secret(s) were masked in the archived transcript.`,
  },
  unfinished: (n: number, calls: number, ids: string[]) =>
    `unfinished: ${n} session(s) with ${calls} tool call(s) and no note (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''}); hand off with \`npm run handoff -- --session-id <id>\`.`,
  commits: {
    none: (since: string) => `No commits since this session started (${since}).`,
    noneRecorded: 'No commits by this session since it started or since its last handoff.',
    noStart: 'canon does not know when this session started (no telemetry for it); the last commits instead:',
  },
} as const;

/** What a session's user is shown through the PostToolUse hook's systemMessage (ADR-0028). */
export const noticeMessages = {
  notCommitted: (code: number, detail: string) => `canon handoff did not commit the note (exit ${code}):\n${detail}`,
  refused: (code: number, detail: string) => `canon handoff was refused (exit ${code}); nothing was written:\n${detail}`,
  failed: (code: number, detail: string) => `canon handoff failed (exit ${code}):\n${detail}`,
};
