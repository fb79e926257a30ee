/** User-facing sentences of handoff's queue (one handoff at a time per clone) and of unfinished handoffs. */
export const handoffQueueMessages = {
  help: `
Handoffs in one clone run one at a time from writing the note to committing it (they queue on
.claude/state/handoff.lock; a killed handoff does not keep it). A handoff killed after writing its
note is finished by the next handoff: committed in its own commit, not written a second time. A
killed handoff's claim stub and temp files are removed by the next handoff (or \`canon doctor --fix\`),
and a handoff commit that was not pushed is announced (handoff, resume, doctor) until \`git push\`.`,
  waiting: (holder: string) => `Waiting for another handoff in this clone to commit (${holder})…`,
  staleLock: (pid: number) => `Took over the handoff lock left by pid ${pid}, which is no longer running.`,
  timeout: (minutes: number, holder: string) =>
    `Another handoff in this clone held the lock for more than ${minutes} minute(s) (${holder}); this one stopped before writing its note. Nothing was written.`,
  timeoutHint:
    'Wait for it to finish and run the handoff again. If no handoff is running, the lock is stale: it is broken automatically once its process is gone (or delete .claude/state/handoff.lock).',
  lockLost:
    'The handoff lock was taken over while this handoff was writing (it was frozen past its lease). The note is written; the next `canon handoff` finishes it.',
  unfinished: (id: string, rel: string) =>
    `Found an unfinished handoff: ${id} (${rel}) was written but not committed, and the handoff that wrote it is gone. Finishing it.`,
  finished: (id: string, sha: string) => `Finished the unfinished handoff ${id}: committed ${sha}.`,
  notFinished: (id: string, detail: string) =>
    `Could not finish the unfinished handoff ${id}: ${detail}. Its note stays on disk, uncommitted; the next handoff tries again.`,
  notFinishedNoCommit: (ids: string[]) =>
    `Unfinished handoff(s) ${ids.join(', ')} left as they are (--no-commit): run \`canon handoff\` without --no-commit to finish them.`,
  sameAsUnfinished: (id: string) => `This is the handoff ${id} again (same session): it was finished instead of writing a second note.`,
  commitMissesNote: (sha: string, rel: string) => `git reported commit ${sha}, but it does not hold ${rel}.`,
};
