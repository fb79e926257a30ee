import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext } from '../context.js';
import { formatIssue } from '../core/format-issues.js';
import { parseNote } from '../core/frontmatter.js';
import { monthOf, spliceIndex } from '../core/index-render.js';
import { classifyPath } from '../core/layout.js';
import { normalizeText } from '../core/normalize.js';
import type { Issue, NoteRef } from '../core/validate-note.js';
import { writeFileSafely } from '../io/fs.js';
import { execGit, gitOutput, splitNul } from '../io/git.js';
import type { Repo } from '../io/repo.js';
import { scanSecrets } from '../core/secret-scan.js';
import { gitDir, readBlobs, skipWorktreePaths, writeIndexEntries } from '../io/staged.js';
import { loadNoteBytes, type LoadedNote } from '../io/store.js';
import { roadsMessages } from '../messages/roads.js';
import { createPaint } from '../output.js';
import { changesFor, indexPath, rowFile, rowOf, shardPath, spliceMonths, type IndexFiles, type RowChanges } from './note-indexes.js';
import { createLinkFixer } from './note-links.js';
import { validateNotes } from '../commands/validate.js';

/**
 * After a git road that commits without canon's pre-commit — a rebase (`--continue` after a
 * conflict resolved by hand), `--amend --no-verify`, a cherry-pick, a merge — check the notes it
 * committed as HEAD holds them: normalised with a current content_hash, their INDEX rows right.
 * What is off is fixed in one follow-up commit, announced, when that is safe; otherwise canon says
 * exactly what to run (ADR-0024). Never refuses anything: the road has already happened.
 */

export type Road = 'rebase' | 'amend' | 'cherry-pick' | 'merge';

export interface RewriteScope {
  road: Road;
  /** The commits the road made: their note changes (each against its first parent) are checked. */
  commits: string[];
  /** Revisions whose versions of those notes may have left rows elsewhere (a session's old month page). */
  before: string[];
  /** Why canon must not commit now (a sequence still running), or null. */
  hold: string | null;
  /** Where a history rewrite starts, for the secret message. */
  rewriteBase: string | null;
}

export interface RewriteOutcome {
  files: string[];
  committed: string | null;
  problems: number;
}

/** Note paths the commits changed, each commit against its first parent (`git diff-tree --stdin`). */
async function changedNotePaths(repo: Repo, commits: readonly string[]): Promise<string[]> {
  if (commits.length === 0) return [];
  const out = await gitOutput(['diff-tree', '-r', '-z', '--name-only', '--no-commit-id', '-m', '--first-parent', '--no-renames', '--stdin'], {
    cwd: repo.root,
    input: `${commits.join('\n')}\n`,
  });
  const paths = new Set(splitNul(out).filter((p) => classifyPath(p, repo.config)?.role === 'note'));
  return [...paths].sort();
}

async function hasStagedChanges(root: string): Promise<boolean> {
  return (await execGit(['diff', '--cached', '--quiet', 'HEAD', '--'], { cwd: root })).code !== 0;
}

/** The working file differs from what HEAD holds (a missing file counts as different, unless HEAD lacks it too). */
function editedOnDisk(root: string, rel: string, head: Buffer | null): boolean {
  const file = path.join(root, rel);
  if (!existsSync(file)) return head !== null;
  try {
    return head === null || !readFileSync(file).equals(head);
  } catch {
    return true;
  }
}

export async function checkRewrittenNotes(repo: Repo, scope: RewriteScope, ctx: CommandContext): Promise<RewriteOutcome> {
  const none: RewriteOutcome = { files: [], committed: null, problems: 0 };
  const paths = await changedNotePaths(repo, scope.commits);
  if (paths.length === 0) return none;
  const { root, config } = repo;
  const refs: NoteRef[] = paths.map((rel) => {
    const info = classifyPath(rel, config)!;
    return { rel, kind: info.kind, stem: info.stem };
  });
  const sessions = refs.filter((r) => r.kind === 'session');
  const blobs = await readBlobs(root, [...refs.map((r) => `HEAD:${r.rel}`), ...scope.before.flatMap((rev) => sessions.map((r) => `${rev}:${r.rel}`))]);
  const head = (rel: string) => blobs.get(`HEAD:${rel}`) ?? null;

  // The notes as HEAD holds them, normalised the way the commit door would have.
  const fixer = createLinkFixer(root, config, 'index');
  const present = refs.filter((r) => head(r.rel) !== null);
  const loaded: LoadedNote[] = present.map((ref) => loadNoteBytes(ref, head(ref.rel)!, config));
  const noteWrites = new Map<string, string>();
  const checked: LoadedNote[] = [];
  for (const item of loaded) {
    if (item.problem) {
      checked.push(item);
      continue;
    }
    const { note } = await fixer.fix(item.ref, item.text, item.note, false);
    const text = normalizeText(item.text, note, item.ref.kind);
    if (text !== null && text !== item.text) noteWrites.set(item.ref.rel, text);
    checked.push(text === null ? item : { ref: item.ref, text, note: parseNote(text) });
  }
  const issues: Issue[] = [...(await validateNotes(repo, checked, { strict: false, wholeStore: false }))];
  for (const item of checked) if (item.text !== undefined) issues.push(...(await scanSecrets(item.text, item.ref.rel)));
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    const paint = createPaint(ctx.logger.color);
    for (const issue of errors) ctx.logger.err(formatIssue(issue, paint));
    if (errors.some((i) => i.rule.startsWith('secret/'))) {
      const rewrite = scope.road === 'amend' || scope.rewriteBase === null ? roadsMessages.rewriteAmend : roadsMessages.rewriteRebase(scope.rewriteBase);
      ctx.logger.err(roadsMessages.secret(scope.road, rewrite));
    } else ctx.logger.err(roadsMessages.invalid(scope.road));
    return { files: paths, committed: null, problems: errors.length };
  }

  // Their INDEX rows: each note's row upserted where it belongs, removed from every page an earlier
  // version of it may have left it on; spliced onto HEAD's INDEX files.
  const byKind = new Map<string, RowChanges>();
  const byMonth = new Map<string, RowChanges>();
  for (const ref of refs) {
    const item = checked.find((c) => c.ref.rel === ref.rel);
    const row = item && !item.problem ? rowOf(item) : null;
    const file = rowFile(ref);
    if (ref.kind !== 'session') {
      const changes = changesFor(byKind, ref.kind);
      if (row) changes.upserts.push(row);
      else changes.removals.push(file);
      continue;
    }
    const months = new Set<string>();
    for (const spec of [`HEAD:${ref.rel}`, ...scope.before.map((rev) => `${rev}:${ref.rel}`)]) {
      const bytes = blobs.get(spec);
      const old = bytes ? loadNoteBytes(ref, bytes, config) : null;
      const oldRow = old && !old.problem ? rowOf(old) : null;
      if (oldRow) months.add(monthOf(oldRow.date));
    }
    for (const month of months) changesFor(byMonth, month).removals.push(file);
    if (row) changesFor(byMonth, monthOf(row.date)).upserts.push(row);
  }
  const wanted = [...byKind.keys()].map((kind) => indexPath(config, kind as NoteRef['kind']));
  if (byMonth.size > 0) wanted.push(indexPath(config, 'session'), ...[...byMonth.keys()].map((m) => shardPath(config, m)));
  const indexBlobs = await readBlobs(
    root,
    wanted.map((rel) => `HEAD:${rel}`),
  );
  const read = new Map<string, string | null>(wanted.map((rel) => [rel, indexBlobs.get(`HEAD:${rel}`)?.toString('utf8') ?? null]));
  const readOnce = (rel: string) => (read.has(rel) ? read.get(rel)! : null);
  const files: IndexFiles = new Map();
  let unspliceable: string | null = null;
  for (const [kind, { upserts, removals }] of byKind) {
    const target = indexPath(config, kind as NoteRef['kind']);
    const existing = readOnce(target);
    const text = existing === null ? null : spliceIndex(kind as NoteRef['kind'], existing, upserts, removals);
    if (text === null) unspliceable ??= target;
    else files.set(target, text);
  }
  if (byMonth.size > 0 && !spliceMonths(repo, byMonth, readOnce, files)) unspliceable ??= indexPath(config, 'session');
  const indexWrites = new Map([...files].filter(([rel, text]) => text !== readOnce(rel)));

  const changed = [...noteWrites.keys(), ...indexWrites.keys()];
  if (changed.length === 0 && unspliceable === null) return none;
  const notesToRun = [...new Set([...noteWrites.keys(), ...refs.filter((r) => head(r.rel) !== null).map((r) => r.rel)])].sort();
  const instruct = (reason: string): RewriteOutcome => {
    ctx.logger.err(roadsMessages.notCommitted(scope.road, changed.length > 0 ? changed : paths, reason));
    ctx.logger.err(roadsMessages.runThis(notesToRun, [...new Set([...notesToRun, ...indexWrites.keys(), ...(unspliceable ? [unspliceable] : [])])]));
    return { files: changed, committed: null, problems: 0 };
  };
  if (unspliceable !== null) return instruct(roadsMessages.reasonUnspliceable(unspliceable));
  if (scope.hold !== null) return instruct(scope.hold);
  if (await hasStagedChanges(root)) return instruct(roadsMessages.reasonStaged);
  const sparse = await skipWorktreePaths(root, changed);
  const headOf = async (rel: string) => (blobs.has(`HEAD:${rel}`) ? head(rel) : ((await readBlobs(root, [`HEAD:${rel}`])).get(`HEAD:${rel}`) ?? null));
  const edited: string[] = [];
  for (const rel of changed) if (!sparse.has(rel) && editedOnDisk(root, rel, await headOf(rel))) edited.push(rel);
  if (edited.length > 0) return instruct(roadsMessages.reasonEdited(edited));

  // The follow-up commit, made with plumbing so no hook, sequencer state or CHERRY_PICK_HEAD takes
  // part: the index (one atomic update), then the commit and the branch, then the working files.
  const before = (await gitOutput(['rev-parse', 'HEAD'], { cwd: root })).trim();
  const writes = [
    ...[...noteWrites].map(([rel, text]) => ({ path: rel, text, mode: '100644' })),
    ...[...indexWrites].map(([rel, text]) => ({ path: rel, text })),
  ];
  await writeIndexEntries(root, writes);
  const keepSparse = [...sparse].filter((rel) => writes.some((w) => w.path === rel && w.text !== null));
  if (keepSparse.length > 0) await gitOutput(['update-index', '--skip-worktree', '--', ...keepSparse], { cwd: root });
  const tree = (await gitOutput(['write-tree'], { cwd: root })).trim();
  const message = `canon: restamp content_hash and INDEX rows after ${scope.road}\n\n${changed.map((rel) => `- ${rel}`).join('\n')}\n`;
  const made = await execGit(['commit-tree', tree, '-p', before, '-F', '-'], { cwd: root, input: message });
  if (made.code !== 0) {
    // Put the index back as it was (HEAD), so nothing is left half-staged.
    await execGit(['reset', '-q', '--', ...changed], { cwd: root });
    return instruct(roadsMessages.reasonCommit(made.stderr.trim().split('\n')[0] ?? ''));
  }
  const sha = made.stdout.trim();
  await gitOutput(['update-ref', '-m', `canon: restamp after ${scope.road}`, 'HEAD', sha, before], { cwd: root });
  for (const write of writes) {
    if (sparse.has(write.path)) continue;
    if (write.text === null) rmSync(path.join(root, write.path), { force: true });
    else await writeFileSafely(path.join(root, write.path), write.text);
  }
  ctx.logger.err(roadsMessages.restamped(scope.road, changed, sha.slice(0, 12)));
  return { files: changed, committed: sha, problems: 0 };
}

/** The worktree's git dir holds this file or folder (CHERRY_PICK_HEAD, sequencer, rebase-merge/autostash). */
export async function inGitDir(repo: Repo, rel: string): Promise<boolean> {
  return existsSync(path.join(await gitDir(repo.root), rel));
}
