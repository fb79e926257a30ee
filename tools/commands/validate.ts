import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { formatIssue } from '../core/format-issues.js';
import { inertJson } from '../core/inert-text.js';
import { classifyPath, externalIdFor, trimSlashes } from '../core/layout.js';
import { compareIssues, findDuplicateIds, validateNote, type IdOccurrence, type Issue, type NoteRef } from '../core/validate-note.js';
import { UsageError } from '../errors.js';
import { openRepo, type Repo } from '../io/repo.js';
import { listStagedChanges, readBlobs } from '../io/staged.js';
import { listNotes, loadNoteBytes, readNote, skippedLinkIssue, type LoadedNote } from '../io/store.js';
import { messages } from '../messages/index.js';
import { createPaint } from '../output.js';
import { createValidationContext, resolveNoteArgs, resolvePathArgs } from '../steps/note-set.js';

export interface ValidateOptions {
  paths?: string[];
  all?: boolean;
  staged?: boolean;
  strict?: boolean;
  json?: boolean;
}

export interface ValidateResult {
  files: number;
  errors: number;
  warnings: number;
  issues: Issue[];
}

/** Check notes and return every issue; pure of output so pre-commit can reuse it. */
export async function validateNotes(repo: Repo, loaded: readonly LoadedNote[], options: { strict: boolean; wholeStore: boolean }): Promise<Issue[]> {
  const ctx = createValidationContext(repo.root, repo.config, options.strict);
  const issues: Issue[] = [];
  const ids: IdOccurrence[] = [];
  for (const item of loaded) {
    if (item.problem) {
      issues.push(item.problem);
      continue;
    }
    issues.push(...validateNote(item.ref, item.note, ctx));
    const note = item.note;
    if (typeof note.data.external_id === 'string') {
      ids.push({ rel: item.ref.rel, id: note.data.external_id, line: () => note.locate('/external_id').line });
    }
  }
  if (!options.wholeStore) ids.push(...adrSiblings(repo, loaded));
  const duplicates = findDuplicateIds(ids).filter((d) => options.wholeStore || loaded.some((l) => l.ref.rel === d.file));
  return [...issues, ...duplicates].sort(compareIssues);
}

/**
 * Ids derive from file names, so within one folder only ADRs can collide (0007-a.md, 0007-b.md):
 * checking a few staged notes looks at their ADR siblings only, never the whole store.
 */
function adrSiblings(repo: Repo, loaded: readonly LoadedNote[]): IdOccurrence[] {
  if (!loaded.some((l) => l.ref.kind === 'adr')) return [];
  const folder = trimSlashes(repo.config.folders.adr);
  const mine = new Set(loaded.map((l) => l.ref.rel));
  const wanted = new Set(loaded.filter((l) => l.ref.kind === 'adr').map((l) => externalIdFor('adr', l.ref.stem)));
  const out: IdOccurrence[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(path.join(repo.root, folder));
  } catch {
    return out;
  }
  for (const name of names) {
    const rel = `${folder}/${name}`;
    const info = classifyPath(rel, repo.config);
    if (info?.role !== 'note' || mine.has(rel)) continue;
    const id = externalIdFor('adr', info.stem);
    if (id && wanted.has(id)) out.push({ rel, id, line: () => 1 });
  }
  return out;
}

async function loadStaged(repo: Repo): Promise<LoadedNote[]> {
  const refs: NoteRef[] = [];
  for (const change of await listStagedChanges(repo.root)) {
    if (change.status === 'D') continue;
    const info = classifyPath(change.path, repo.config);
    if (info?.role === 'note') refs.push({ rel: change.path, kind: info.kind, stem: info.stem });
  }
  const blobs = await readBlobs(
    repo.root,
    refs.map((r) => `:${r.rel}`),
  );
  return refs.map((ref) => loadNoteBytes(ref, blobs.get(`:${ref.rel}`) ?? Buffer.alloc(0), repo.config));
}

export async function runValidate(options: ValidateOptions, ctx: CommandContext): Promise<CommandOutcome<ValidateResult>> {
  const paths = options.paths ?? [];
  if ([options.all, options.staged, paths.length > 0].filter(Boolean).length > 1) {
    throw new UsageError('give paths, --all or --staged, not several of them');
  }
  const repo = openRepo(ctx.cwd);
  let loaded: LoadedNote[];
  const links: string[] = [];
  if (options.staged) loaded = await loadStaged(repo);
  else {
    const refs =
      options.all || paths.length === 0
        ? listNotes(repo.root, repo.config, undefined, links)
        : resolveNoteArgs(repo.root, ctx.cwd, resolvePathArgs(ctx.cwd, paths, repo.root), repo.config).refs;
    loaded = refs.map((ref) => readNote(repo.root, ref, repo.config));
  }
  const wholeStore = !options.staged && (options.all === true || paths.length === 0);
  const issues = [...(await validateNotes(repo, loaded, { strict: options.strict === true, wholeStore })), ...links.map(skippedLinkIssue)];
  const errors = issues.filter((i) => i.severity === 'error').length;
  const result: ValidateResult = { files: loaded.length, errors, warnings: issues.length - errors, issues };
  // Issues quote the notes' text: JSON escapes C0 controls, inertJson the rest (ADR-0023).
  if (options.json) ctx.logger.out(inertJson(JSON.stringify(result, null, 2)));
  else {
    const paint = createPaint(ctx.logger.color);
    for (const issue of issues) ctx.logger.out(formatIssue(issue, paint));
    ctx.logger.err(messages.validate.summary(result.files, errors, result.warnings));
  }
  return { exitCode: errors > 0 ? 1 : 0, result };
}
