import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { NOTE_KINDS } from '../core/config.js';
import { formatIssue } from '../core/format-issues.js';
import { inertJson } from '../core/inert-text.js';
import { classifyPath, trimSlashes } from '../core/layout.js';
import type { Issue } from '../core/validate-note.js';
import { errorMessage, UsageError, UserError } from '../errors.js';
import { execGit, splitNul } from '../io/git.js';
import { listRangeNoteBlobs } from '../io/range-notes.js';
import { openRepo, type Repo } from '../io/repo.js';
import { scanSecrets } from '../core/secret-scan.js';
import { readBlobs, SYMLINK_MODE } from '../io/staged.js';
import { gateMessages as g } from '../messages/gates.js';
import { createPaint, type Logger } from '../output.js';
import { runIndex } from './index-files.js';
import { runLinks, type LinksCheckResult } from './links.js';
import { runNormalize } from './normalize.js';
import { scanRangeSecrets, type CommitIssue } from '../steps/scan-range-secrets.js';
import { runValidate } from './validate.js';

export interface VerifyOptions {
  since?: string;
  json?: boolean;
}

export interface VerifyIssue {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning';
  rule: string;
  message: string;
  commit?: string;
}

interface CheckSummary {
  ok: boolean;
  errors: number;
  warnings: number;
  [fact: string]: unknown;
}

export interface VerifyResult {
  ok: boolean;
  checks: { validate: CheckSummary; normalize: CheckSummary; index: CheckSummary; links: CheckSummary; secrets: CheckSummary };
  issues: VerifyIssue[];
}

const ZERO = /^0+$/;

const quiet = (logger: Logger): Logger => ({ ...logger, out: () => undefined, err: () => undefined, step: () => undefined });

function summarize(issues: readonly Issue[], facts: Record<string, unknown>): CheckSummary {
  const errors = issues.filter((i) => i.severity === 'error').length;
  return { ok: errors === 0, errors, warnings: issues.length - errors, ...facts };
}

function fileIssue(file: string, rule: string, message: string): Issue {
  return { file, line: 1, column: 1, severity: 'error', pointer: '', message, rule };
}

/**
 * `canon verify`: the committed store as CI sees it, in one command. Runs what `validate --all
 * --strict`, `normalize --all --check`, `index --check` and `links --check` run (the same
 * functions), plus the secret scan of every note committed at HEAD; with `--since <ref>`, also of
 * every note blob the commits `<ref>..HEAD` add or change (a secret added and deleted again inside a
 * pull request is still in its history). The checks read HEAD: when the store folders of the working
 * tree differ from it (an untracked note, an edit not committed) they run in a temporary checkout of
 * HEAD instead, so what is checked is what CI checks. Changes nothing.
 */
export async function runVerify(options: VerifyOptions, ctx: CommandContext): Promise<CommandOutcome<VerifyResult>> {
  const repo = openRepo(ctx.cwd);
  const git = (args: string[]) => execGit(args, { cwd: repo.root, env: ctx.env });
  const head = (await git(['rev-parse', '-q', '--verify', 'HEAD^{commit}'])).stdout.trim();
  if (head === '') throw new UsageError(g.verify.headless);
  let since: string | null = null;
  if (options.since !== undefined && options.since !== '') {
    if (ZERO.test(options.since)) ctx.logger.err(`canon verify: ${g.verify.zeroRef}`);
    else {
      since = (await git(['rev-parse', '-q', '--verify', `${options.since}^{commit}`])).stdout.trim();
      if (since === '') throw new UsageError(g.verify.badRef(options.since), g.verify.badRefHint);
    }
  }

  const dirty = await listDirtyStorePaths(repo, ctx.env);
  let dir = repo.root;
  let cleanup = async () => {};
  if (dirty > 0) {
    ctx.logger.err(`canon verify: ${g.verify.dirty(dirty)}`);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'canon-verify-'));
    const checkout = path.join(tmp, 'head');
    const added = await execGit(['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', '-q', checkout, head], { cwd: repo.root, env: ctx.env });
    if (added.code !== 0) {
      rmSync(tmp, { recursive: true, force: true });
      throw new UserError(g.verify.noCheckout(added.stderr.trim()));
    }
    dir = checkout;
    cleanup = async () => {
      await execGit(['worktree', 'remove', '--force', checkout], { cwd: repo.root, env: ctx.env });
      rmSync(tmp, { recursive: true, force: true });
    };
  }

  try {
    const sub = { ...ctx, cwd: dir, logger: quiet(ctx.logger) };
    const validated = (await runValidate({ all: true, strict: true, json: true }, sub)).result;
    const normalized = (await runNormalize({ all: true, check: true, json: true }, sub)).result;
    const indexIssues: Issue[] = [];
    let indexChanged: string[] = [];
    try {
      indexChanged = (await runIndex({ check: true, json: true }, sub)).result.changed;
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      indexIssues.push(fileIssue('.', 'index/foreign', errorMessage(error)));
    }
    for (const rel of indexChanged) indexIssues.push(fileIssue(rel, 'index/stale', g.verify.indexStale));
    const links = (await runLinks({ check: true, json: true }, sub)).result as LinksCheckResult;
    const normalizeIssues = normalized.changed.map((rel) => fileIssue(rel, 'normalize/changed', g.verify.notNormal));

    const secrets = await scanCommitted(repo, head, since, ctx.env);
    const checks: VerifyResult['checks'] = {
      validate: summarize(validated.issues, { files: validated.files }),
      normalize: summarize(normalizeIssues, { files: validated.files, changed: normalized.changed.length }),
      index: summarize(indexIssues, { changed: indexChanged.length }),
      links: summarize(links.issues, { files: links.files }),
      secrets: summarize(secrets.issues, secrets.facts),
    };
    const all: CommitIssue[] = [...validated.issues, ...normalizeIssues, ...indexIssues, ...links.issues, ...secrets.issues];
    const issues = all.map(toVerifyIssue);
    const ok = Object.values(checks).every((c) => c.ok);
    const result: VerifyResult = { ok, checks, issues };
    if (options.json) ctx.logger.out(inertJson(JSON.stringify(result, null, 2)));
    else {
      const paint = createPaint(ctx.logger.color);
      for (const issue of all) ctx.logger.out(`${issue.commit ? `${g.push.commit(issue.commit, issue.subject ?? '')} ` : ''}${formatIssue(issue, paint)}`);
      const errors = issues.filter((i) => i.severity === 'error').length;
      ctx.logger.err(g.verify.summary(Object.keys(checks), errors, issues.length - errors));
    }
    return { exitCode: ok ? 0 : 1, result };
  } finally {
    await cleanup();
  }
}

function toVerifyIssue(issue: CommitIssue): VerifyIssue {
  return {
    file: issue.file,
    line: issue.line,
    column: issue.column,
    severity: issue.severity,
    rule: issue.rule,
    message: issue.message,
    ...(issue.commit ? { commit: issue.commit } : {}),
  };
}

/**
 * How many paths of the store (notes, INDEX files, canon.config.json, operators.yaml) differ from
 * HEAD in the working tree: changed, staged, untracked or ignored. Raw `status --porcelain -z`:
 *
 *     ?? docs/sessions/RT-260511-03.md\0 M docs/adr/INDEX.md\0
 */
async function listDirtyStorePaths(repo: Repo, env: NodeJS.ProcessEnv): Promise<number> {
  const folders = [...new Set(NOTE_KINDS.map((k) => trimSlashes(repo.config.folders[k])))];
  const r = await execGit(
    [
      'status',
      '--porcelain',
      '-z',
      '--untracked-files=all',
      '--ignored=matching',
      '--no-renames',
      '--',
      ...folders,
      'canon.config.json',
      '.claude/operators.yaml',
    ],
    {
      cwd: repo.root,
      env,
    },
  );
  if (r.code !== 0) return 0;
  return splitNul(r.stdout)
    .map((record) => record.slice(3))
    .filter((rel) => rel === 'canon.config.json' || rel === '.claude/operators.yaml' || rel.endsWith('.md')).length;
}

/**
 * The secret scan of the committed store: every note blob of HEAD (and the changelog canon writes),
 * then every note blob of `<since>..HEAD` not already scanned. Read from git objects, never the
 * working tree.
 */
async function scanCommitted(
  repo: Repo,
  head: string,
  since: string | null,
  env: NodeJS.ProcessEnv,
): Promise<{ issues: CommitIssue[]; facts: Record<string, unknown> }> {
  const { root, config } = repo;
  const folders = [...new Set(NOTE_KINDS.map((k) => trimSlashes(config.folders[k])))];
  const changelog = config.changelog.file;
  const listing = await execGit(['ls-tree', '-r', '-z', '--full-tree', head, '--', ...folders, ...(changelog ? [changelog] : [])], { cwd: root, env });
  const entries: Array<{ rel: string; oid: string }> = [];
  for (const record of listing.code === 0 ? splitNul(listing.stdout) : []) {
    const tab = record.indexOf('\t');
    const [mode, type, oid] = record.slice(0, tab).split(' ');
    const rel = record.slice(tab + 1);
    if (type !== 'blob' || mode === SYMLINK_MODE) continue;
    if (rel === changelog || classifyPath(rel, config)?.role === 'note') entries.push({ rel, oid: oid! });
  }
  const blobs = await readBlobs(root, [...new Set(entries.map((e) => e.oid))]);
  const seen = new Set<string>();
  const issues: CommitIssue[] = [];
  for (const { rel, oid } of entries) {
    if (seen.has(oid)) continue;
    seen.add(oid);
    const bytes = blobs.get(oid);
    if (bytes) issues.push(...(await scanSecrets(bytes.toString('utf8'), rel)));
  }
  const facts: Record<string, unknown> = { files: entries.length };
  if (since !== null) {
    const range = await listRangeNoteBlobs(root, config, [`${since}..${head}`], env);
    const before = seen.size;
    issues.push(...(await scanRangeSecrets(root, range.blobs, seen)));
    Object.assign(facts, { since, commits: range.commits, blobs: seen.size - before });
  }
  return { issues, facts };
}
