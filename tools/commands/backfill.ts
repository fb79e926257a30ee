import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { planAdrStem } from '../core/adr-renames.js';
import { firstHeading, planBackfill, type BackfillChange, type KindSchema, type NoteOrigin } from '../core/backfill-plan.js';
import { NOTE_KINDS, type NoteKind } from '../core/config.js';
import { formatIssue } from '../core/format-issues.js';
import { classifyPath, externalIdFor, trimSlashes } from '../core/layout.js';
import type { OperatorRegistry } from '../core/operators.js';
import { compareIssues, findDuplicateIds, type IdOccurrence, type Issue, type NoteRef, type ValidationContext } from '../core/validate-note.js';
import { UserError } from '../errors.js';
import { acquireBackfillLock } from '../io/backfill-lock.js';
import { writeFileSafely } from '../io/fs.js';
import { commitExactFiles, moveTracked, readNoteFolderStatus } from '../io/backfill-git.js';
import { readNoteOrigins } from '../io/note-origins.js';
import { readOperators } from '../io/operators.js';
import { readSchema } from '../io/schemas.js';
import { openRepo, type Repo } from '../io/repo.js';
import { readBlobs } from '../io/staged.js';
import { listNotes, loadNoteBytes, readNote, type LoadedNote } from '../io/store.js';
import { backfillMessages as m } from '../messages/backfill.js';
import { createPaint, type Paint } from '../output.js';
import { createProgress } from '../progress-bar.js';
import { createValidationContext } from '../steps/note-set.js';

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
  /** How many of those are (or would be) renamed to canon's file name (ADRs named for another tool). */
  renamed: number;
  /** The backfill commit, when --apply made one. */
  commit: string | null;
  files: BackfillFileReport[];
}

interface FilePlan extends BackfillFileReport {
  ref: NoteRef;
  text: string | null;
  externalId: string | null;
  /** The new path when the file is renamed (`git mv`). */
  renameTo: string | null;
}

const WRITE_CONCURRENCY = 16;

interface Planner {
  plan(loaded: LoadedNote, rename?: Rename, renames?: ReadonlyMap<string, string>): FilePlan;
}

interface Rename {
  to: NoteRef;
  /** Why the rename cannot be made (the target exists, or two files want it). */
  problem: string | null;
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
  const { texts: fromHead, renames: renamedBefore } = apply
    ? await checkWorkingTree(repo, planner, ctx)
    : { texts: new Map<string, string>(), renames: new Map<string, string>() };
  if (fromHead.size > 0) ctx.logger.err(`canon: ${m.leftovers(fromHead.size)}`);
  const renamedFrom = new Map([...renamedBefore].map(([from, to]) => [to, from]));

  const refs = listNotes(repo.root, repo.config);
  const planning = createProgress(m.progress.planning, refs.length, { enabled: showProgress, stream: progressStream, minItems: 100 });
  const notes: LoadedNote[] = [];
  for (const listed of refs) {
    // A file an interrupted run already renamed is planned from its old name, as the first run did.
    const from = renamedFrom.get(listed.rel);
    const ref = from === undefined ? listed : { ...listed, rel: from, stem: path.posix.basename(from, '.md') };
    const committed = fromHead.get(ref.rel);
    notes.push(committed === undefined ? readNote(repo.root, ref, repo.config) : loadNoteBytes(ref, Buffer.from(committed, 'utf8'), repo.config));
  }
  const renames = planRenames(repo, notes, new Set(renamedFrom.keys()));
  let active = new Map([...renames].filter(([, r]) => r.problem === null).map(([from, r]) => [from, r.to.rel]));
  const planAll = (tick: () => void) => {
    const out = notes.map((loaded) => {
      const plan = planner.plan(loaded, renames.get(loaded.ref.rel), active);
      tick();
      return plan;
    });
    addDuplicateIds(out);
    return out;
  };
  let plans = planAll(() => planning.tick());
  planning.done();
  // A file left as it is keeps its name, so links to it stay as they are too.
  const blocked = plans.filter((p) => p.renameTo !== null && p.problems.length > 0 && active.has(p.file));
  if (blocked.length > 0) {
    active = new Map([...active].filter(([from]) => !blocked.some((p) => p.file === from)));
    plans = planAll(() => undefined);
  }

  const toWrite = plans.filter((p) => (p.text !== null || p.renameTo !== null) && p.problems.length === 0);
  const needHand = plans.filter((p) => p.problems.length > 0);
  const result: BackfillResult = {
    dry_run: !apply,
    changed: toWrite.length,
    renamed: toWrite.filter((p) => p.renameTo !== null).length,
    commit: null,
    files: plans
      .filter((p) => p.text !== null || p.renameTo !== null || p.problems.length > 0)
      .map(({ file, changes, problems }) => ({ file, changes, problems })),
  };

  let commitFailure: string | null = null;
  if (apply && toWrite.length > 0) {
    // `git mv` first, so git records a rename (history follows) before the new name gets its text.
    for (const plan of toWrite.filter((p) => p.renameTo !== null && !renamedBefore.has(p.file))) {
      const refused = await moveTracked(repo.root, ctx.env, plan.ref.rel, plan.renameTo!);
      if (refused !== null) throw new UserError(m.renameFailed(plan.ref.rel, plan.renameTo!, refused), { hint: m.renameFailedHint });
    }
    const writing = createProgress(m.progress.writing, toWrite.length, { enabled: showProgress, stream: progressStream, minItems: 100 });
    // Each atomic write waits on an fsync; a few in flight overlap those waits (a 5,200-note --apply: 17 s → 7 s).
    let next = 0;
    const worker = async () => {
      while (next < toWrite.length) {
        const plan = toWrite[next++]!;
        const file = path.join(repo.root, plan.renameTo ?? plan.ref.rel);
        if (plan.text !== null && currentText(file) !== plan.text) await writeFileSafely(file, plan.text);
        writing.tick();
      }
    };
    await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));
    writing.done();
    const outcome = await commitExactFiles(
      repo.root,
      ctx.env,
      toWrite.map((p) => p.renameTo ?? p.ref.rel),
      m.commitMessage(toWrite.length),
    );
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
    plan(loaded, rename, renames) {
      const ref = loaded.ref;
      if (loaded.problem) return { ref, file: ref.rel, changes: [], problems: [loaded.problem], text: null, externalId: null, renameTo: null };
      const input = { ref, text: loaded.text, note: loaded.note, origin: origins.get(ref.rel) ?? null, renameTo: rename?.to ?? null, renames };
      const plan = planBackfill(input, { validation, operators, schemas });
      if (rename?.problem)
        plan.problems.unshift({ file: ref.rel, line: 1, column: 1, severity: 'error', pointer: '', message: rename.problem, rule: 'backfill/rename' });
      const id = plan.note.data.external_id;
      return {
        ref,
        file: ref.rel,
        changes: plan.changes,
        problems: plan.problems,
        text: plan.text,
        externalId: typeof id === 'string' ? id : null,
        renameTo: rename?.to.rel ?? null,
      };
    },
  };
}

/**
 * ADRs named for another tool (`001-x.md`, `adr-001-x.md`, `0001_x.md`) get canon's `NNNN-<slug>.md`.
 * A rename is refused when its target exists or another file wants the same name.
 */
function planRenames(repo: Repo, notes: readonly LoadedNote[], done: ReadonlySet<string>): Map<string, Rename> {
  const renames = new Map<string, Rename>();
  const present = new Set(notes.map((n) => n.ref.rel));
  for (const { ref, note } of notes) {
    if (ref.kind !== 'adr' || externalIdFor('adr', ref.stem) !== null || !note) continue;
    const title = typeof note.data.title === 'string' ? note.data.title : firstHeading(note.body);
    const stem = planAdrStem(ref.stem, title);
    if (stem === null) continue;
    const rel = `${path.posix.dirname(ref.rel)}/${stem}.md`;
    renames.set(ref.rel, { to: { rel, kind: 'adr', stem }, problem: null });
  }
  const byTarget = new Map<string, string[]>();
  for (const [from, r] of renames) byTarget.set(r.to.rel, [...(byTarget.get(r.to.rel) ?? []), from]);
  for (const [from, r] of renames) {
    const others = byTarget.get(r.to.rel)!.filter((f) => f !== from);
    if (others.length > 0) r.problem = m.problem.renameClash(r.to.rel, others.join(', '));
    else if (present.has(r.to.rel) || (!done.has(r.to.rel) && existsSync(path.join(repo.root, r.to.rel)))) r.problem = m.problem.renameTaken(r.to.rel);
  }
  return renames;
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
 * are exactly what backfill makes of the committed version), keyed by their committed path, and
 * the renames it already staged (old → new), from the status io/backfill-git.ts reads.
 * A rename git does not recognise as one (a short file that changed a lot) shows as `D ` + `A `.
 */
async function checkWorkingTree(repo: Repo, planner: Planner, ctx: CommandContext): Promise<{ texts: Map<string, string>; renames: Map<string, string> }> {
  const folders = NOTE_KINDS.map((kind) => trimSlashes(repo.config.folders[kind]));
  const { status, staged } = await readNoteFolderStatus(repo.root, ctx.env, folders);
  const dirty = new Set<string>(staged);
  const candidates: NoteRef[] = [];
  const moves: Array<{ from: NoteRef; to: NoteRef }> = [];
  const deleted: NoteRef[] = [];
  const added = new Map<string, NoteRef>();
  const noteRef = (rel: string): NoteRef | null => {
    const info = classifyPath(rel, repo.config);
    return info?.role === 'note' ? { rel, kind: info.kind, stem: info.stem } : null;
  };
  for (let i = 0; i < status.length; i++) {
    const entry = status[i]!;
    const code = entry.slice(0, 2);
    const rel = entry.slice(3);
    const ref = noteRef(rel);
    if (code[0] === 'R') {
      const from = noteRef(status[++i]!); // the rename's source path follows
      if (ref?.kind === 'adr' && from?.kind === 'adr' && (code[1] === ' ' || code[1] === 'M')) moves.push({ from, to: ref });
      else dirty.add(rel);
    } else if ((code === ' M' || code === 'M ') && ref) candidates.push(ref);
    else if (code === 'D ' && ref?.kind === 'adr') deleted.push(ref);
    else if ((code === 'A ' || code === 'AM') && ref?.kind === 'adr') added.set(rel, ref);
    else dirty.add(rel);
  }
  const blobs = await readBlobs(
    repo.root,
    [...candidates, ...deleted, ...moves.map((mv) => mv.from)].map((ref) => `HEAD:${ref.rel}`),
  );
  const committedText = (ref: NoteRef) => blobs.get(`HEAD:${ref.rel}`) ?? null;
  for (const from of deleted) {
    const blob = committedText(from);
    const loaded = blob ? loadNoteBytes(from, blob, repo.config) : null;
    const title = loaded?.note ? (typeof loaded.note.data.title === 'string' ? loaded.note.data.title : firstHeading(loaded.note.body)) : null;
    const stem = planAdrStem(from.stem, title);
    const to = stem === null ? undefined : added.get(`${path.posix.dirname(from.rel)}/${stem}.md`);
    if (to) {
      moves.push({ from, to });
      added.delete(to.rel);
    } else dirty.add(from.rel);
  }
  for (const rel of added.keys()) dirty.add(rel);

  const renames = new Map(moves.map((mv) => [mv.from.rel, mv.to.rel]));
  const texts = new Map<string, string>();
  const check = (ref: NoteRef, current: string, rename?: Rename) => {
    const blob = committedText(ref);
    const planned = blob ? planner.plan(loadNoteBytes(ref, blob, repo.config), rename, renames) : null;
    if (blob && planned?.text != null && planned.problems.length === 0 && planned.text === currentText(path.join(repo.root, current))) {
      texts.set(ref.rel, blob.toString('utf8'));
      return true;
    }
    return false;
  };
  for (const mv of moves) {
    if (check(mv.from, mv.to.rel, { to: mv.to, problem: null })) {
      dirty.delete(mv.from.rel);
      dirty.delete(mv.to.rel);
    } else {
      dirty.add(mv.to.rel);
      renames.delete(mv.from.rel);
    }
  }
  for (const ref of candidates) {
    if (check(ref, ref.rel)) dirty.delete(ref.rel);
    else dirty.add(ref.rel);
  }
  if (dirty.size > 0) {
    const files = [...dirty].sort();
    throw new UserError(m.dirty(files.length > 20 ? [...files.slice(0, 20), `… and ${files.length - 20} more`] : files), { hint: m.dirtyHint });
  }
  return { texts, renames };
}

function show(value: unknown): string {
  if (typeof value === 'string') return /^[\w@.+/:-]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? 'undefined';
}

function formatChange(change: BackfillChange): string {
  switch (change.action) {
    case 'add':
      return m.change.add(change.key, show(change.value), change.source);
    case 'convert':
      return m.change.convert(change.key, show(change.from), show(change.value));
    case 'rename':
      return m.change.rename(change.to);
    case 'links':
      return change.links.map((l) => m.change.links(l.from, l.to)).join('\n  ');
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
  if (result.dry_run)
    ctx.logger.err(result.changed === 0 && needHand === 0 ? m.nothing(total) : m.dryRunSummary(result.changed, total, needHand, result.renamed));
  else if (result.commit) ctx.logger.err(m.applied(result.changed, result.commit, result.renamed));
  else if (result.changed === 0 && needHand === 0) ctx.logger.err(m.nothing(total));
  if (!result.dry_run && needHand > 0) ctx.logger.err(m.problemsLeft(needHand));
}
