import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { planBackfill, type BackfillChange, type KindSchema, type NoteOrigin } from '../core/backfill-plan.js';
import { NOTE_KINDS, type NoteKind } from '../core/config.js';
import { formatIssue } from '../core/format-issues.js';
import { classifyPath, trimSlashes } from '../core/layout.js';
import type { OperatorRegistry } from '../core/operators.js';
import { compareIssues, findDuplicateIds, type IdOccurrence, type Issue, type NoteRef, type ValidationContext } from '../core/validate-note.js';
import { UserError } from '../errors.js';
import { acquireBackfillLock } from '../io/backfill-lock.js';
import { writeFileSafely } from '../io/fs.js';
import { execGit, gitOutput, splitNul } from '../io/git.js';
import { readNoteOrigins } from '../io/note-origins.js';
import { readOperators } from '../io/operators.js';
import { readSchema } from '../io/schemas.js';
import { openRepo, type Repo } from '../io/repo.js';
import { readBlobs } from '../io/staged.js';
import { listNotes, loadNoteBytes, readNote, type LoadedNote } from '../io/store.js';
import { backfillMessages as m } from '../messages/backfill.js';
import { createPaint, type Paint } from '../output.js';
import { createProgress } from '../progress-bar.js';
import { createValidationContext } from './note-set.js';

export interface BackfillOptions {
  apply?: boolean;
  json?: boolean;
}

export interface BackfillFileReport {
  file: string;
  changes: BackfillChange[];
  problems: Issue[];
}

export interface BackfillResult {
  dry_run: boolean;
  /** How many notes are (or would be) rewritten. */
  changed: number;
  /** The backfill commit, when --apply made one. */
  commit: string | null;
  files: BackfillFileReport[];
}

interface FilePlan extends BackfillFileReport {
  ref: NoteRef;
  text: string | null;
  externalId: string | null;
}

const WRITE_CONCURRENCY = 16;

interface Planner {
  plan(loaded: LoadedNote): FilePlan;
}

/**
 * `canon backfill`: plan every note of the store (pure), print the plan, and with --apply write the
 * files atomically and make exactly one commit of them. Files that still need a hand are left as
 * they are, so everything backfill commits passes `canon validate --strict`.
 */
export async function runBackfill(options: BackfillOptions, ctx: CommandContext): Promise<CommandOutcome<BackfillResult>> {
  const repo = openRepo(ctx.cwd);
  const operators = readOperators(repo.root)!;
  const lock = acquireBackfillLock(repo.root, ctx.now(), (text) => ctx.logger.err(`canon: ${text}`));
  try {
    return await backfill(repo, operators, options, ctx);
  } finally {
    lock.release();
  }
}

async function backfill(repo: Repo, operators: OperatorRegistry, options: BackfillOptions, ctx: CommandContext): Promise<CommandOutcome<BackfillResult>> {
  const apply = options.apply === true;
  const folders = NOTE_KINDS.map((kind) => trimSlashes(repo.config.folders[kind]));
  const origins = await readNoteOrigins(repo.root, folders, ctx.env);
  const planner = createPlanner(createValidationContext(repo.root, repo.config, true), operators, origins);
  const progressStream = process.stderr;
  const showProgress = !options.json;

  // An interrupted --apply leaves files written but uncommitted; those (and only those) are picked
  // up again, planned from their committed version, so running again simply finishes the job.
  const fromHead = apply ? await checkWorkingTree(repo, planner, ctx) : new Map<string, string>();
  if (fromHead.size > 0) ctx.logger.err(`canon: ${m.leftovers(fromHead.size)}`);

  const refs = listNotes(repo.root, repo.config);
  const planning = createProgress(m.progress.planning, refs.length, { enabled: showProgress, stream: progressStream, minItems: 100 });
  const plans: FilePlan[] = [];
  for (const ref of refs) {
    const committed = fromHead.get(ref.rel);
    const loaded = committed === undefined ? readNote(repo.root, ref, repo.config) : loadNoteBytes(ref, Buffer.from(committed, 'utf8'), repo.config);
    plans.push(planner.plan(loaded));
    planning.tick();
  }
  planning.done();
  addDuplicateIds(plans);

  const toWrite = plans.filter((p) => p.text !== null && p.problems.length === 0);
  const needHand = plans.filter((p) => p.problems.length > 0);
  const result: BackfillResult = {
    dry_run: !apply,
    changed: toWrite.length,
    commit: null,
    files: plans.filter((p) => p.text !== null || p.problems.length > 0).map(({ file, changes, problems }) => ({ file, changes, problems })),
  };

  let commitFailure: string | null = null;
  if (apply && toWrite.length > 0) {
    const writing = createProgress(m.progress.writing, toWrite.length, { enabled: showProgress, stream: progressStream, minItems: 100 });
    // Each atomic write waits on an fsync; a few in flight overlap those waits (a 5,200-note --apply: 17 s → 7 s).
    let next = 0;
    const worker = async () => {
      while (next < toWrite.length) {
        const plan = toWrite[next++]!;
        const file = path.join(repo.root, plan.ref.rel);
        if (currentText(file) !== plan.text) await writeFileSafely(file, plan.text!);
        writing.tick();
      }
    };
    await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));
    writing.done();
    const outcome = await commitFiles(repo, toWrite.map((p) => p.ref.rel), m.commitMessage(toWrite.length), ctx);
    if (typeof outcome === 'string') result.commit = outcome;
    else commitFailure = outcome.detail;
  }

  report(result, needHand.length, refs.length, options, ctx, createPaint(ctx.logger.color));
  if (commitFailure !== null) {
    ctx.logger.err(`canon: ${m.commitFailed(commitFailure)}`);
    ctx.logger.err(m.commitFailedHint);
  }
  return { exitCode: commitFailure !== null || needHand.length > 0 ? 1 : 0, result };
}

function createPlanner(validation: ValidationContext, operators: OperatorRegistry, origins: Map<string, NoteOrigin>): Planner {
  const schemas = Object.fromEntries(NOTE_KINDS.map((kind) => [kind, readSchema(kind) as KindSchema])) as Record<NoteKind, KindSchema>;
  return {
    plan(loaded) {
      const ref = loaded.ref;
      if (loaded.problem) return { ref, file: ref.rel, changes: [], problems: [loaded.problem], text: null, externalId: null };
      const plan = planBackfill({ ref, text: loaded.text, note: loaded.note, origin: origins.get(ref.rel) ?? null }, { validation, operators, schemas });
      const id = plan.note.data.external_id;
      return { ref, file: ref.rel, changes: plan.changes, problems: plan.problems, text: plan.text, externalId: typeof id === 'string' ? id : null };
    },
  };
}

/** Two notes may not share an id (two ADRs numbered alike): neither is written until that is fixed. */
function addDuplicateIds(plans: FilePlan[]): void {
  const occurrences: IdOccurrence[] = plans.filter((p) => p.externalId !== null).map((p) => ({ rel: p.file, id: p.externalId!, line: () => 1 }));
  const byFile = new Map(plans.map((p) => [p.file, p]));
  for (const issue of findDuplicateIds(occurrences)) byFile.get(issue.file)?.problems.push(issue);
  for (const plan of plans) plan.problems.sort(compareIssues);
}

function currentText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/**
 * --apply commits only its own files, so the store folders must be clean and nothing else staged.
 * Returns the committed text of files an interrupted backfill already rewrote (their current bytes
 * are exactly what backfill makes of the committed version). `git status --porcelain=v1 -z`:
 *
 *     " M docs/sessions/CONV-30.md\0?? workstreams/new.md\0R  new.md\0old.md\0"
 */
async function checkWorkingTree(repo: Repo, planner: Planner, ctx: CommandContext): Promise<Map<string, string>> {
  const folders = NOTE_KINDS.map((kind) => trimSlashes(repo.config.folders[kind]));
  const status = splitNul(await gitOutput(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...folders], { cwd: repo.root, env: ctx.env }));
  const staged = splitNul(await gitOutput(['diff', '--cached', '--name-only', '--no-renames', '-z'], { cwd: repo.root, env: ctx.env }));
  const dirty = new Set<string>(staged);
  const candidates: NoteRef[] = [];
  for (let i = 0; i < status.length; i++) {
    const entry = status[i]!;
    const code = entry.slice(0, 2);
    const rel = entry.slice(3);
    if (code[0] === 'R' || code[0] === 'C') i++; // the rename's source path follows
    const info = classifyPath(rel, repo.config);
    if ((code === ' M' || code === 'M ') && info?.role === 'note') candidates.push({ rel, kind: info.kind, stem: info.stem });
    else dirty.add(rel);
  }
  const leftovers = new Map<string, string>();
  const blobs = await readBlobs(repo.root, candidates.map((ref) => `HEAD:${ref.rel}`));
  for (const ref of candidates) {
    const blob = blobs.get(`HEAD:${ref.rel}`);
    const committed = blob ? blob.toString('utf8') : null;
    const planned = committed === null ? null : planner.plan(loadNoteBytes(ref, blob!, repo.config));
    if (committed !== null && planned?.text != null && planned.problems.length === 0 && planned.text === currentText(path.join(repo.root, ref.rel))) {
      leftovers.set(ref.rel, committed);
      dirty.delete(ref.rel);
    } else dirty.add(ref.rel);
  }
  if (dirty.size > 0) {
    const files = [...dirty].sort();
    throw new UserError(m.dirty(files.length > 20 ? [...files.slice(0, 20), `… and ${files.length - 20} more`] : files), { hint: m.dirtyHint });
  }
  return leftovers;
}

/** Stage exactly these files and commit them through the repository's hooks. */
async function commitFiles(repo: Repo, files: readonly string[], message: string, ctx: CommandContext): Promise<string | { detail: string }> {
  const input = files.map((f) => `${f}\0`).join('');
  const add = await execGit(['add', '--pathspec-from-file=-', '--pathspec-file-nul'], { cwd: repo.root, env: ctx.env, input });
  if (add.code !== 0) return { detail: (add.stderr || add.stdout).trim() };
  const commit = await execGit(['commit', '-q', '-m', message], { cwd: repo.root, env: ctx.env });
  if (commit.code !== 0) return { detail: `${commit.stdout}${commit.stderr}`.trim() || `git commit exited ${commit.code}` };
  return (await gitOutput(['rev-parse', 'HEAD'], { cwd: repo.root, env: ctx.env })).trim();
}

function show(value: unknown): string {
  if (typeof value === 'string') return /^[\w@.+/:-]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? 'undefined';
}

export function formatChange(change: BackfillChange): string {
  switch (change.action) {
    case 'add':
      return m.change.add(change.key, show(change.value), change.source);
    case 'convert':
      return m.change.convert(change.key, show(change.from), show(change.value));
    case 'frontmatter':
      return m.change.frontmatter;
    case 'order':
      return m.change.order;
    case 'hash':
      return m.change.hash;
    case 'line-endings':
      return m.change.lineEndings;
    case 'bom':
      return m.change.bom;
  }
}

function report(result: BackfillResult, needHand: number, total: number, options: BackfillOptions, ctx: CommandContext, paint: Paint): void {
  if (options.json) {
    ctx.logger.out(JSON.stringify(result, null, 2));
    return;
  }
  for (const file of result.files) {
    ctx.logger.out(paint.bold(file.file));
    for (const change of file.changes) ctx.logger.out(`  ${formatChange(change)}`);
    for (const problem of file.problems) ctx.logger.out(`  ${formatIssue(problem, paint)}`);
  }
  if (result.dry_run) ctx.logger.err(result.changed === 0 && needHand === 0 ? m.nothing(total) : m.dryRunSummary(result.changed, total, needHand));
  else if (result.commit) ctx.logger.err(m.applied(result.changed, result.commit));
  else if (result.changed === 0 && needHand === 0) ctx.logger.err(m.nothing(total));
  if (!result.dry_run && needHand > 0) ctx.logger.err(m.problemsLeft(needHand));
}
