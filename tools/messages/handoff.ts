/** User-facing sentences of `canon handoff` (docs/contract.md §6). */
export const handoffMessages = {
  steps: {
    operator: (who: string) => `Operator: ${who}`,
    claimed: (id: string, rel: string) => `Claimed ${id} (${rel})`,
    content: (how: string) => `Content: ${how}`,
    telemetry: (what: string) => `Telemetry: ${what}`,
    stats: (commits: number, added: number, removed: number, since: string) => `Git stats since ${since}: ${commits} commit(s), +${added} / -${removed} lines`,
    written: (rel: string, mode: string) => `Wrote ${rel} (${mode} form)`,
    sessionLog: (rel: string) => `Added the session to the Session Log of ${rel}`,
    changelog: (rel: string) => `Added the session to ${rel}`,
    staged: (paths: string[]) => `Staged ${paths.join(', ')}`,
    committed: (sha: string, subject: string) => `Committed ${sha} ${subject}`,
    pushed: (target: string) => `Pushed to ${target}`,
    archived: (rel: string) => `Archived the telemetry state to ${rel}`,
    done: (id: string, rel: string) => `Handoff ${id} done: ${rel}`,
  },
  contentFrom: {
    file: (file: string) => `from ${file}`,
    stdin: 'from stdin',
    flags: 'from flags',
    prompts: 'asking',
  },
  telemetryFrom: (file: string, calls: number) => `${calls} tool call(s) from ${file}`,
  confirm: (initials: string, email: string | null, slug: string) => `You are ${initials}${email ? ` — ${email}` : ''} (${slug}) — right?`,
  notConfirmed: 'Handoff stopped: you said canon has the wrong operator. Nothing was claimed or written.',
  notConfirmedHint: 'Run again with `--operator <slug>` or `OPERATOR=<slug>`, or fix your email in .claude/operators.yaml.',
  cancelled: (released: boolean, id: string | null) =>
    `Handoff cancelled. ${id === null ? 'Nothing was claimed or written.' : released ? `No note was written; the claim on ${id} was released.` : 'No note was written.'}`,
  firstHandoff:
    'First handoff? A good note lets a teammate (or you, tomorrow) pick up cold: a title that says what changed, a summary a phone can show, what shipped and what was decided (with the why), the open questions, the next steps — and a Resume Prompt of 80–150 words that says where things stand, what to do first, which files matter and what to avoid, ending with `Confidence: high|medium|low`.',
  quickAuto: (calls: number) => `This looks like a short session (no commits, ${calls} tool call(s)): writing the quick form (Summary + Resume Prompt).`,
  quickDrops: (sections: string) => `The quick form has no place for ${sections}; they were left out. Drop --quick to keep them.`,
  input: {
    invalid: (source: string, problems: string[]) =>
      `The handoff input ${source} cannot be used: ${problems.length === 1 ? problems[0] : `\n${problems.map((p) => `  - ${p}`).join('\n')}\n`}. Nothing was claimed or written.`,
    invalidHint:
      'Give JSON like {"title": "…", "summary": "…", "resume_prompt": "…", "confidence": "high"} (see `canon handoff --help`), or --title and --summary.',
    unreadable: (file: string, reason: string) => `Cannot read the handoff input ${file}: ${reason}. Nothing was claimed or written.`,
    missing: (problems: string[]) => `The handoff has no content: ${problems.join(' and ')}. Nothing was claimed or written.`,
    missingHint: 'Pass --title and --summary, or --from draft.json (or `--from -` with JSON on stdin), or run it in a terminal to be asked.',
    ignored: (keys: string[]) => `Ignored unknown key(s) in the handoff input: ${keys.join(', ')}.`,
    badFlagTags: (tags: string) => `--tags "${tags}" is not a comma-separated list of kebab-case tags.`,
  },
  warn: {
    noTelemetry: (where: string) =>
      `No telemetry recorded for this session (${where}); the note gets zeros. Is the PostToolUse hook registered in .claude/settings.json?`,
    noSessionStart: 'No session start is known (no telemetry, no earlier handoff of yours): git stats are left at zero.',
    commitsByTime: (n: number) =>
      `This clone has no record of which session made which commit, so the note counts your ${n} commit(s) since the session started, whichever terminal made them. canon's post-commit hook records them exactly: run \`npx canon-notes init --yes\` to update the hooks.`,
    workstreamMissing: (slug: string, rel: string) => `Workstream "${slug}" has no file (${rel}); the note names it anyway, but no Session Log was updated.`,
    workstreamUnreadable: (rel: string, reason: string) => `Could not update the Session Log of ${rel} (${reason}); the note was written anyway.`,
    changelogNotOurs: (rel: string) =>
      `${rel} is not canon's changelog (no canon section and no \`<!-- canon:changelog -->\` line): left alone. Add that line where sessions should be listed, or set "changelog": {"file": …} in canon.config.json (null for none).`,
    changelogFailed: (rel: string, reason: string) => `Could not add the session to ${rel} (${reason}); the note was written anyway.`,
    resumePrompt: {
      missing: 'The note has no Resume Prompt: the next session starts cold.',
      tooShort: (words: number) => `The Resume Prompt has ${words} words; 80–150 let the next session start cold.`,
      tooLong: (words: number) => `The Resume Prompt has ${words} words; keep it to 80–150 so it gets read.`,
      noConfidence: 'The Resume Prompt ends without a `Confidence: high|medium|low` line (pass --confidence or "confidence").',
    },
    invariant: (breaches: string, rel: string) =>
      `WARNING: this session broke the Notion-silent invariant: ${breaches}. The note was written and records it (${rel}); check why the agent called Notion.`,
    dirty: (files: string[]) =>
      `Left out of the commit (not canon's to commit): ${files.slice(0, 8).join(', ')}${files.length > 8 ? ` and ${files.length - 8} more` : ''}.`,
    unstagedOverlap: (files: string[]) =>
      `Your staged changes to ${files.join(', ')} were unstaged (the working tree keeps them) because the handoff commit also changed them.`,
    noUpstream: (branch: string) => `Not pushed: branch ${branch} has no upstream. Push it once with \`git push -u origin ${branch}\`.`,
    pushRejected: (target: string) => `Not pushed: ${target} has commits you do not have (non-fast-forward). The commit is kept.`,
    pushRejectedSteps: 'Run `git pull --rebase` and then `git push`.',
    pushRejectedCollision: (id: string) =>
      `Your session id ${id} now also exists upstream (another clone claimed it). Run \`canon session rename ${id}\` first, then \`git pull --rebase\` and \`git push\`.`,
    pushHookRefused: (detail: string) => `Not pushed: the pre-push hook refused it. The commit is kept.\n${detail}`,
    pushFailed: (detail: string) => `Not pushed: git push failed. The commit is kept; push it later with \`git push\`.\n${detail}`,
    noPush: 'Not pushed (--no-push).',
    noCommit: (paths: string[]) => `Not committed (--no-commit): ${paths.join(', ')} staged.`,
    archiveFailed: (reason: string) => `Could not archive the telemetry state: ${reason}. The note already holds the counts.`,
  },
  fail: {
    invalidNote: (rel: string, issues: string[]) =>
      `The session note ${rel} is not valid:\n${issues.map((i) => `  ${i}`).join('\n')}\nIt was left on disk and nothing was committed.`,
    invalidNoteHint: (rel: string) => `Fix it, then \`git add ${rel}\` and \`git commit\`.`,
    commitRefused: (rel: string, detail: string) =>
      `The commit was refused${detail ? `:\n${detail}` : '.'}\nThe note ${rel} was kept on disk; nothing was committed.`,
    commitRefusedHint: (paths: string[]) => `Fix what the hook names, then \`git add ${paths.join(' ')}\` and \`git commit\`.`,
    writeFailed: (rel: string, reason: string) => `Cannot write ${rel}: ${reason}.`,
  },
  pre: {
    midOperation: (what: string) => `The repository is in the middle of a ${what}; a handoff commit now would mix into it. Nothing was claimed or written.`,
    midOperationHint: (what: string) =>
      what === 'rebase'
        ? 'Finish it (`git rebase --continue`) or abort it (`git rebase --abort`), then hand off.'
        : `Finish the ${what} (commit it) or abort it (\`git ${what} --abort\`), then hand off.`,
    detached: 'HEAD is detached: a handoff commit here would belong to no branch. Nothing was claimed or written.',
    detachedHint: 'Switch to your branch first (`git switch <branch>`), or run with --no-commit.',
    noIdentity: 'git does not know who you are (no user.email / user.name), so it cannot commit. Nothing was claimed or written.',
    noIdentityHint: 'Run `git config user.email you@example.com` and `git config user.name "Your Name"`, or run with --no-commit.',
  },
  prompt: {
    title: 'Title (one line: what this session did)',
    summary: 'Summary (two or three sentences a teammate can read on a phone)',
    workstream: 'Workstream',
    noWorkstream: '(none)',
    tags: 'Tags (comma-separated, kebab-case)',
    list: (what: string) => `${what} — one per line, empty line to finish`,
    shipped: 'What shipped',
    decisions: 'Decisions',
    openQuestions: 'Open questions',
    nextSteps: 'Next steps',
    resumeDraft: (words: number) => `Resume Prompt (a draft from your answers, ${words} words):`,
    resumeChoice: 'Use this Resume Prompt?',
    accept: 'accept',
    edit: 'edit',
    skip: 'skip',
    resumeEdit: 'Resume Prompt (80–150 words)',
    confidence: 'Confidence in the Resume Prompt',
    required: 'Required.',
    badTags: (bad: string) => `Tags are kebab-case like notion-sync: ${bad}`,
  },
} as const;
