/** User-facing sentences about what a kill or a fault left behind, and about folders canon cannot write (ADR-0025). */
export const faultMessages = {
  outsideRepo: (arg: string, root: string) => `${arg} is outside the repository (${root}); canon checks only the notes inside it. No files were changed.`,
  outsideRepoHint: 'Give paths of notes in this repository, or run canon from the repository that holds that file (--cwd <dir>).',
  cannotWrite: (rel: string, reason: string) => `Cannot write to ${rel}: ${reason}. Nothing was written.`,
  cannotWriteHint: {
    full: 'Free some disk space, then run the command again.',
    readOnly: (rel: string) => `${rel} is on a read-only file system: remount it read-write, or run canon from a writable clone.`,
    denied: (rel: string) => `Give yourself write permission (e.g. \`chmod u+w ${rel}\`), then run the command again.`,
    other: 'Fix the folder (it must be a writable folder), then run the command again.',
  },
  notWritable: (rels: string[], reason: string) => `Cannot rewrite ${rels.join(', ')}: ${reason}. Nothing was changed: neither the notes nor the git index.`,
  notWritableHint: (rel: string) => `Make the file writable (e.g. \`chmod u+w ${rel}\`, or remount its file system read-write), then commit again.`,
  deadStub: (rel: string, owner: string) =>
    `${rel} is a claim stub left by a handoff that is gone (${owner}); it blocks \`git pull\` once another clone pushes that id.`,
  deadStubFix: 'canon doctor --fix (or canon session gc --apply) removes it',
  tempLeft: (rel: string) => `${rel} is a temp file left by a killed canon process.`,
  tempLeftFix: 'canon doctor --fix removes it',
  removedStubs: (rels: string[]) => `Removed ${rels.length} claim stub(s) left by killed handoffs: ${rels.join(', ')}.`,
  unpushed: (ids: string[], branch: string) =>
    `${ids.length === 1 ? `The handoff commit of ${ids[0]} is` : `The handoff commits of ${ids.join(', ')} are`} not pushed to ${branch}: run \`git push\`.`,
  unpushedFix: 'git push',
  unpushedByThis: (ids: string[]) => `Earlier handoff commit(s) of ${ids.join(', ')} were not pushed; this handoff's push sends them too.`,
};
