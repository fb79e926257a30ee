/** Sentences of the push gate (pre-push), `canon verify`, and what render and handoff say about secrets. */
import { inertText } from '../core/inert-text.js';

const short = (sha: string) => sha.slice(0, 7);

export const gateMessages = {
  push: {
    // A commit subject is git's text, not canon's: shown inert (ADR-0023).
    commit: (sha: string, subject: string) => `commit ${short(sha)} "${inertText(subject)}":`,
    refused: 'canon: the push was refused: the notes above would reach the remote as they are. Nothing was pushed.',
    /** How to take a secret out of history: deleting it in a later commit leaves it in the pushed one. */
    secretFix: (sha: string, isTip: boolean, files: string[]) =>
      isTip
        ? `  Remove the secret from ${files.join(', ')}, then rewrite the commit:\n    git add ${files.join(' ')} && git commit --amend --no-edit\n  and rotate the secret if it was ever pushed anywhere.`
        : `  The secret is in commit ${short(sha)}; a later commit that deletes it still pushes it. Rewrite that commit:\n    git rebase -i ${short(sha)}^     (mark ${short(sha)} as "edit")\n    … remove the secret from ${files.join(', ')} …\n    git add ${files.join(' ')} && git commit --amend --no-edit && git rebase --continue\n  and rotate the secret if it was ever pushed anywhere.`,
    noteFix: (files: string[]) =>
      `  Fix the note as the commit door would, then commit the fix (or amend the tip):\n    canon normalize ${files.join(' ')} && canon index && git add -A ${files.join(' ')} && git commit --amend --no-edit\n  (errors canon cannot fix, such as a schema error or a link to no note, are yours to edit first).`,
    indexFix:
      '  The INDEX rows as committed do not match the notes: run `canon index`, then `git add` the INDEX files and `git commit --amend --no-edit` (or a new commit).',
    indexStale: (what: string) => `does not hold the rows of the pushed notes as they are (${what}): run \`canon index\``,
    indexMissing: 'is missing, but pushed notes belong in it: run `canon index`',
    indexUnreadable: 'is not an INDEX canon can check row by row: run `canon index`',
    notNormal: 'is not in canonical form (key order, content_hash): run `canon normalize`',
    symlink: 'is a symbolic link in the pushed commit; a note must be a file',
    wikilink: (from: string, to: string) => `holds the wikilink ${from}, which the commit door rewrites to ${to}: run \`canon links --fix\``,
  },
  verify: {
    summary: (checks: string[], errors: number, warnings: number) =>
      errors === 0
        ? `canon verify: ${checks.join(', ')}: no errors${warnings > 0 ? ` (${warnings} warning(s))` : ''}.`
        : `canon verify: ${checks.join(', ')}: ${errors} error(s), ${warnings} warning(s).`,
    badRef: (ref: string) => `--since ${ref} names no commit here.`,
    badRefHint: 'Give a commit, branch or tag this clone has (CI: check out with fetch-depth: 0).',
    zeroRef: 'the all-zero commit of a new branch has no range: only HEAD is checked.',
    headless: 'this repository has no commit yet: there is nothing committed to verify.',
    indexStale: 'is out of date with the notes: run `canon index`',
    notNormal: 'is not in canonical form (key order, content_hash): run `canon normalize`',
    noCheckout: (detail: string) => `could not check out HEAD to verify it: ${detail}`,
    dirty: (n: number) =>
      `${n} path(s) of the store differ from HEAD: checking HEAD in a temporary checkout (untracked and changed files are not what CI sees).`,
  },
  render: {
    notPublished: (message: string, more: number, rel: string, rule: string) =>
      `not published: ${message}${more > 0 ? ` (and ${more} more: \`canon validate ${rel}\`)` : ''} [${rule}]`,
    refused: (count: number) =>
      `${count} note(s) were left out of the site: the commit door would refuse them. Fix them (the lines above say where), commit, and render again.`,
  },
  handoff: {
    masked: (where: string, count: number) =>
      `${count} secret(s) in the text for ${where} were masked before writing it (commit subjects, the summary); rotate them if they were pushed.`,
  },
} as const;
