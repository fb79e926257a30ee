import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { formatIssue } from '../core/format-issues.js';
import { parseNote } from '../core/frontmatter.js';
import { normalizeText } from '../core/normalize.js';
import type { Issue } from '../core/validate-note.js';
import { writeFileSafely } from '../io/fs.js';
import { openRepo } from '../io/repo.js';
import { scanSecrets } from '../io/secrets.js';
import { readNote, type LoadedNote } from '../io/store.js';
import { messages } from '../messages/index.js';
import { createPaint } from '../output.js';
import { resolveNoteArgs } from './note-set.js';
import { validateNotes } from './validate.js';

export interface PreCommitOptions {
  paths?: string[];
}

/**
 * The lint-staged task for staged notes. lint-staged has already hidden unstaged hunks, so the
 * files on disk are exactly what will be committed; this task only rewrites them (lint-staged
 * re-stages) and never runs `git add` itself.
 */
export async function runPreCommit(options: PreCommitOptions, ctx: CommandContext): Promise<CommandOutcome<{ issues: Issue[] }>> {
  if (ctx.env.CANON_HOOKS === '0') return { exitCode: 0, result: { issues: [] } };
  const repo = openRepo(ctx.cwd);
  const { refs } = resolveNoteArgs(repo.root, ctx.cwd, options.paths ?? [], repo.config);
  const loaded: LoadedNote[] = [];
  for (const ref of refs) {
    const item = readNote(repo.root, ref, repo.config);
    if (!item.problem) {
      const text = normalizeText(item.text, item.note, ref.kind);
      if (text !== null) {
        await writeFileSafely(path.join(repo.root, ref.rel), text);
        loaded.push({ ref, text, note: parseNote(text) });
        continue;
      }
    }
    loaded.push(item);
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
  else if (errors.length > 0) ctx.logger.err(messages.validate.warnMode);
  return { exitCode: blocking.length > 0 ? 1 : 0, result: { issues } };
}
