import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { formatIssue } from '../core/format-issues.js';
import { bodyLineOffset, indexNotePaths, linksTo, resolveNoteName, type LinkChange } from '../core/links.js';
import { normalizeText } from '../core/normalize.js';
import type { Issue } from '../core/validate-note.js';
import { UsageError } from '../errors.js';
import { writeFileSafely } from '../io/fs.js';
import { openRepo, type Repo } from '../io/repo.js';
import { listNotes, readNote, skippedLinkIssue } from '../io/store.js';
import { linkMessages as m } from '../messages/links.js';
import { createPaint } from '../output.js';
import { createLinkFixer } from '../steps/note-links.js';

export interface LinksOptions {
  id?: string;
  check?: boolean;
  fix?: boolean;
  json?: boolean;
}

export interface LinksCheckResult {
  files: number;
  errors: number;
  warnings: number;
  issues: Issue[];
  /** Notes whose wikilinks were (with --fix) or would be rewritten. */
  changed: Array<{ file: string; links: LinkChange[] }>;
}

export interface Backlink {
  file: string;
  line: number;
  column: number;
  text: string;
}

export interface BacklinksResult {
  id: string;
  path: string;
  backlinks: Backlink[];
}

/**
 * `canon links [--check|--fix]`: every note's wikilinks and relative links, checked against the
 * working tree (what CI has checked out). `--check` changes nothing and exits 1 when a wikilink is
 * left (GitHub cannot follow one) or names no note; `--fix` rewrites the wikilinks as the commit
 * door does (content_hash restamped). `canon links <id>` lists the notes that link to that note.
 */
export async function runLinks(options: LinksOptions, ctx: CommandContext): Promise<CommandOutcome<LinksCheckResult | BacklinksResult>> {
  if ((options.check && options.fix) || (options.id !== undefined && (options.check || options.fix))) throw new UsageError(m.both, m.bothHint);
  const repo = openRepo(ctx.cwd);
  if (options.id !== undefined) return backlinks(repo, options.id, options, ctx);
  return checkOrFix(repo, options.fix === true, options, ctx);
}

async function checkOrFix(repo: Repo, fix: boolean, options: LinksOptions, ctx: CommandContext): Promise<CommandOutcome<LinksCheckResult>> {
  const skipped: string[] = [];
  const refs = listNotes(repo.root, repo.config, undefined, skipped);
  const fixer = createLinkFixer(repo.root, repo.config, 'working');
  const changed: LinksCheckResult['changed'] = [];
  const left: Issue[] = skipped.map(skippedLinkIssue);
  for (const ref of refs) {
    const loaded = readNote(repo.root, ref, repo.config);
    if (loaded.problem) continue; // `canon validate` reports notes that cannot be read
    const { note, changes } = await fixer.fix(ref, loaded.text, loaded.note, true);
    if (changes.length === 0) continue;
    changed.push({ file: ref.rel, links: changes });
    if (fix) {
      const text = note.hasFrontmatter ? normalizeText(loaded.text, note, ref.kind) : note.body;
      if (text !== null) await writeFileSafely(path.join(repo.root, ref.rel), text);
    } else {
      for (const change of changes) {
        left.push({
          file: ref.rel,
          line: change.line,
          column: change.column,
          severity: 'error',
          pointer: '',
          message: m.unrewritten(change.from, change.to),
          rule: 'link/wikilink',
        });
      }
    }
  }
  const issues = [...(await fixer.issues()), ...left].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  const errors = issues.filter((i) => i.severity === 'error').length;
  const result: LinksCheckResult = { files: refs.length, errors, warnings: issues.length - errors, issues, changed };
  if (options.json) ctx.logger.out(JSON.stringify(result, null, 2));
  else {
    const paint = createPaint(ctx.logger.color);
    if (fix) for (const c of changed) ctx.logger.out(m.fixed(c.file, c.links.length));
    for (const issue of issues) ctx.logger.err(formatIssue(issue, paint));
    if (issues.length > 0) ctx.logger.err(m.summary(refs.length, errors, result.warnings));
    if (errors > 0) ctx.logger.err(fix ? m.fixLeft : m.checkHint);
  }
  return { exitCode: errors > 0 ? 1 : 0, result };
}

async function backlinks(repo: Repo, id: string, options: LinksOptions, ctx: CommandContext): Promise<CommandOutcome<BacklinksResult>> {
  const refs = listNotes(repo.root, repo.config);
  const table = indexNotePaths(
    refs.map((r) => r.rel),
    repo.config,
  );
  const target = resolveNoteName(table, id.replace(/\.md$/, '').split('/').pop() ?? id);
  if (!target.ok) {
    if (target.reason === 'ambiguous') throw new UsageError(m.ambiguousId(id, target.candidates), m.idHint);
    throw new UsageError(m.unknownId(id, target.candidates), m.idHint);
  }
  const stem = path.posix.basename(target.rel, '.md');
  const found: Backlink[] = [];
  for (const ref of refs) {
    if (ref.rel === target.rel) continue;
    const loaded = readNote(repo.root, ref, repo.config);
    // A note that mentions neither the file name nor the id cannot link to it: no parse needed.
    if (loaded.problem || (!loaded.text.includes(stem) && !loaded.text.includes(target.id))) continue;
    const offset = bodyLineOffset(loaded.text, loaded.note.body);
    for (const link of linksTo(loaded.note.body, ref.rel, table, offset)) {
      if (link.rel === target.rel) found.push({ file: ref.rel, line: link.line, column: link.column, text: link.text });
    }
  }
  const result: BacklinksResult = { id: target.id, path: target.rel, backlinks: found };
  if (options.json) ctx.logger.out(JSON.stringify(result, null, 2));
  else {
    ctx.logger.err(m.backlinksHeader(target.id, target.rel, new Set(found.map((f) => f.file)).size));
    for (const link of found) ctx.logger.out(m.backlink(link.file, link.line, link.column, link.text));
  }
  return { exitCode: 0, result };
}
