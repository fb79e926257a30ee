import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { formatIssue } from '../core/format-issues.js';
import { parseNote } from '../core/frontmatter.js';
import { normalizeText } from '../core/normalize.js';
import type { Issue } from '../core/validate-note.js';
import { UsageError } from '../errors.js';
import { writeFileSafely } from '../io/fs.js';
import { execGit } from '../io/git.js';
import { listStagedChanges, type StagedChange } from '../io/staged.js';
import { classifyPath } from '../core/layout.js';
import { OPERATORS_FILE } from '../io/operators.js';
import { openRepo, type Repo } from '../io/repo.js';
import { scanSecrets } from '../io/secrets.js';
import { readNote, type LoadedNote } from '../io/store.js';
import { messages } from '../messages/index.js';
import { createPaint } from '../output.js';
import { generateCommandWrappers } from './commands-generate.js';
import { updateStagedIndexes } from './index-files.js';
import { resolveNoteArgs } from './note-set.js';
import { validateNotes } from './validate.js';

export interface PreCommitOptions {
  paths?: string[];
}

export const LINT_STAGED_CONFIG = '.lintstagedrc.json';
/** The entry of .lintstagedrc.json that stands for canon's own task (run in-process by the hook). */
const CANON_TASK = /(^|[\s/])canon(\.js)?\s+pre-commit(\s|$)/;

/**
 * Normalise, validate and secret-scan the given notes. lint-staged has already hidden unstaged
 * hunks, so the files on disk are exactly what will be committed. Nothing is written unless the
 * commit may go ahead: a refused commit leaves every file as it was. The task only rewrites files
 * (lint-staged re-stages them) and never runs `git add`.
 */
async function checkNotes(repo: Repo, paths: readonly string[], ctx: CommandContext): Promise<{ refuse: boolean; issues: Issue[] }> {
  const { refs } = resolveNoteArgs(repo.root, ctx.cwd, paths, repo.config);
  const loaded: LoadedNote[] = [];
  const rewrites: Array<{ rel: string; text: string }> = [];
  for (const ref of refs) {
    const item = readNote(repo.root, ref, repo.config);
    const text = item.problem ? null : normalizeText(item.text, item.note, ref.kind);
    if (text === null) loaded.push(item);
    else {
      rewrites.push({ rel: ref.rel, text });
      loaded.push({ ref, text, note: parseNote(text) });
    }
  }
  const issues = await validateNotes(repo, loaded, { strict: false, wholeStore: false });
  for (const item of loaded) if (item.text !== undefined) issues.push(...(await scanSecrets(item.text, item.ref.rel)));

  const paint = createPaint(ctx.logger.color);
  for (const issue of issues) ctx.logger.err(formatIssue(issue, paint));
  const errors = issues.filter((i) => i.severity === 'error');
  const secrets = errors.filter((i) => i.rule.startsWith('secret/'));
  // Secrets are refused even in warn mode: warn mode is for schema migrations, not for leaking tokens.
  const blocking = repo.config.precommit.mode === 'warn' ? secrets : errors;
  if (blocking.length > 0) ctx.logger.err(secrets.length > 0 ? messages.secrets.refused : messages.validate.refused);
  else {
    if (errors.length > 0) ctx.logger.err(messages.validate.warnMode);
    for (const { rel, text } of rewrites) await writeFileSafely(path.join(repo.root, rel), text);
  }
  return { refuse: blocking.length > 0, issues };
}

class RefusedError extends Error {}

type LintStagedConfig = Record<string, string | string[] | { title: string; task: (files: readonly string[]) => Promise<void> }>;

/**
 * The lint-staged configuration to run: `.lintstagedrc.json` as the team wrote it (their own
 * entries keep running as commands), with canon's entry swapped for an in-process task so the
 * whole hook costs one Node process.
 */
function lintStagedConfig(repo: Repo, task: (files: readonly string[]) => Promise<void>): { config: LintStagedConfig; onlyCanon: boolean } {
  let config: Record<string, unknown> = { '*.md': 'canon pre-commit' };
  try {
    config = JSON.parse(readFileSync(path.join(repo.root, LINT_STAGED_CONFIG), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageError(`${LINT_STAGED_CONFIG}: ${(error as Error).message}`);
  }
  const result: LintStagedConfig = {};
  let onlyCanon = true;
  for (const [glob, value] of Object.entries(config)) {
    const canon = typeof value === 'string' && CANON_TASK.test(value);
    onlyCanon &&= canon;
    result[glob] = canon ? { title: 'canon: normalise, validate, scan notes', task } : (value as string | string[]);
  }
  return { config: result, onlyCanon };
}

/**
 * lint-staged's backup stash protects against tasks that fail half-way, and hiding unstaged hunks
 * protects what tasks read and rewrite. canon's task writes nothing unless it succeeds and touches
 * only staged notes, so both (whole-tree git commands: the part of the hook that grows with the
 * repository) are needed only when other tasks run, or when a staged note also has unstaged hunks.
 */
async function needsBackupStash(repo: Repo, onlyCanon: boolean, staged: readonly StagedChange[]): Promise<boolean> {
  if (!onlyCanon) return true;
  const notes = staged
    .filter((c) => c.status !== 'D' && classifyPath(c.path, repo.config)?.role === 'note')
    .map((c) => c.path);
  if (notes.length === 0) return false;
  return (await execGit(['diff', '--quiet', '--', ...notes], { cwd: repo.root })).code !== 0;
}

/**
 * `canon pre-commit` (no paths) is the whole pre-commit hook in one process: lint-staged through
 * its Node API (stash, hide partially staged hunks, re-stage, restore on failure), then the INDEX
 * rows of the staged notes, then the operator wrappers when operators.yaml is staged.
 * `canon pre-commit <paths…>` runs canon's check alone, as a plain lint-staged command would.
 */
export async function runPreCommit(options: PreCommitOptions, ctx: CommandContext): Promise<CommandOutcome<{ issues: Issue[] }>> {
  if (ctx.env.CANON_HOOKS === '0') return { exitCode: 0, result: { issues: [] } };
  const repo = openRepo(ctx.cwd);
  const paths = options.paths ?? [];
  if (paths.length > 0) {
    const { refuse, issues } = await checkNotes(repo, paths, ctx);
    return { exitCode: refuse ? 1 : 0, result: { issues } };
  }

  let issues: Issue[] = [];
  const task = async (files: readonly string[]) => {
    const outcome = await checkNotes(repo, files, ctx);
    issues = outcome.issues;
    if (outcome.refuse) throw new RefusedError('refused');
  };
  const { config, onlyCanon } = lintStagedConfig(repo, task);
  // Tasks rewrite staged files but never add or remove paths: one listing serves the whole hook.
  const staged = await listStagedChanges(repo.root);
  const stash = await needsBackupStash(repo, onlyCanon, staged);
  const { default: lintStaged } = await import('lint-staged');
  // Without other tasks and without partially staged notes there is nothing to hide either.
  const ok = await lintStaged({ config: config as never, cwd: repo.root, quiet: true, concurrent: false, stash, hidePartiallyStaged: stash });
  if (!ok) {
    // canon's own refusals have been explained already; anything else (another task, git) gets a line.
    if (!issues.some((i) => i.severity === 'error')) ctx.logger.err(messages.precommit.failed);
    return { exitCode: 1, result: { issues } };
  }
  await updateStagedIndexes(repo, staged);
  if (staged.some((c) => c.path === OPERATORS_FILE && c.status !== 'D')) await generateCommandWrappers(repo.root, true);
  return { exitCode: 0, result: { issues } };
}
