import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { formatIssue } from '../core/format-issues.js';
import { normalizeText } from '../core/normalize.js';
import type { Issue } from '../core/validate-note.js';
import { UserError } from '../errors.js';
import { writeFileSafely } from '../io/fs.js';
import { openRepo } from '../io/repo.js';
import { listNotes, readNote, skippedLinkIssue } from '../io/store.js';
import { messages } from '../messages/index.js';
import { createPaint } from '../output.js';
import { resolveNoteArgs, resolvePathArgs } from '../steps/note-set.js';
import { cannotWriteError, checkWritableFiles } from '../io/writable.js';

export interface NormalizeOptions {
  paths?: string[];
  all?: boolean;
  check?: boolean;
  json?: boolean;
}

export async function runNormalize(options: NormalizeOptions, ctx: CommandContext): Promise<CommandOutcome<{ changed: string[] }>> {
  const repo = openRepo(ctx.cwd);
  const paths = options.paths ?? [];
  const links: string[] = [];
  const refs =
    options.all || paths.length === 0
      ? listNotes(repo.root, repo.config, undefined, links)
      : resolveNoteArgs(repo.root, ctx.cwd, resolvePathArgs(ctx.cwd, paths, repo.root), repo.config).refs;
  const changed: string[] = [];
  const writes: Array<{ rel: string; text: string }> = [];
  const problems: Issue[] = links.map(skippedLinkIssue);
  for (const ref of refs) {
    const loaded = readNote(repo.root, ref, repo.config);
    if (loaded.problem) {
      problems.push(loaded.problem);
      continue;
    }
    const text = normalizeText(loaded.text, loaded.note, ref.kind);
    if (text === null) continue;
    changed.push(ref.rel);
    writes.push({ rel: ref.rel, text });
  }
  if (!options.check && writes.length > 0) {
    // All or nothing: a read-only note stops the run before any note is rewritten.
    checkWritableFiles(
      repo.root,
      writes.map((w) => w.rel),
    );
    for (const { rel, text } of writes) {
      try {
        await writeFileSafely(path.join(repo.root, rel), text);
      } catch (error) {
        throw error instanceof UserError ? error : cannotWriteError(rel, error);
      }
    }
  }
  const paint = createPaint(ctx.logger.color);
  if (options.json) ctx.logger.out(JSON.stringify({ changed }, null, 2));
  else {
    for (const file of changed) ctx.logger.out(options.check ? messages.normalize.wouldChange(file) : messages.normalize.changed(file));
    if (options.check && changed.length > 0) ctx.logger.err(messages.normalize.checkHint);
  }
  for (const problem of problems) ctx.logger.err(formatIssue(problem, paint));
  const failed = problems.some((p) => p.severity === 'error') || (options.check === true && changed.length > 0);
  return { exitCode: failed ? 1 : 0, result: { changed } };
}
