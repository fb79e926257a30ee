// The warm `canon resume` (ADR-0016): the dashboard the last run left, while nothing it was
// computed from has changed, printed without the schema validators, YAML, the resume cache's code
// or the command-line parser (bin/canon.ts runs it straight away for the plain forms of `resume`).
// Anything it cannot answer from the snapshot and the operator cache (a miss, an odd input) returns
// null, and the full `resume` takes over and reports what there is to report.
import type { CommandContext, CommandOutcome } from '../context.js';
import { inertJson, inertText } from '../core/inert-text.js';
import { localDate, renderResume, type ResumeView } from '../core/resume-view.js';
import { findDotGit } from '../io/dot-git.js';
import { cachedOperator } from '../io/operator-cache.js';
import type { NoteProblem } from '../io/resume-cache.js';
import { readFoldersUnchecked, readResumeSnapshot } from '../io/resume-snapshot.js';
import { listUnfinishedSessions } from '../io/telemetry.js';
import { findUnpushedHandoffs, listUnpushedRecords } from '../io/unpushed-handoffs.js';
import { claudeMessages } from '../messages/claude.js';
import { faultMessages } from '../messages/faults.js';
import { resumeMessages } from '../messages/resume.js';
import { createPaint } from '../output.js';

const PROBLEMS_SHOWN = 5;

export interface WarmResumeArgs {
  operator?: string;
  limit: string;
  json: boolean;
}

/**
 * The dashboard on stdout (text or JSON), the notes it had to skip on stderr, and the sessions that
 * ended without a note (never in a snapshot: they come and go without touching the store). Every
 * text from notes reaches the terminal inert (ADR-0023); JSON stays JSON, with no raw control in it.
 */
export function printResume(root: string, view: ResumeView, problems: readonly NoteProblem[], json: boolean, name: string | null, ctx: CommandContext): void {
  const unfinished = listUnfinishedSessions(root, ctx.now());
  view.unfinished = { sessions: unfinished.length, tool_calls: unfinished.reduce((n, u) => n + u.tool_calls, 0), ids: unfinished.map((u) => u.stem) };
  if (problems.length > 0) {
    const lines = [resumeMessages.skipped(problems.length), ...problems.slice(0, PROBLEMS_SHOWN).map((p) => `  ${p.text}`)];
    if (problems.length > PROBLEMS_SHOWN) lines.push(resumeMessages.skippedMore(problems.length - PROBLEMS_SHOWN));
    lines.push(resumeMessages.skippedHint);
    ctx.logger.err(inertText(lines.join('\n')));
  }
  if (json) {
    ctx.logger.out(`${inertJson(JSON.stringify(view, null, 2))}\n`);
    return;
  }
  const paint = createPaint(ctx.logger.color);
  ctx.logger.out(renderResume(view, { paint, width: 80, name }));
  if (unfinished.length > 0)
    ctx.logger.out(paint.yellow(inertText(claudeMessages.unfinished(view.unfinished.sessions, view.unfinished.tool_calls, view.unfinished.ids))));
}

/**
 * One line on stderr per branch whose handoff commit never reached the remote (ADR-0025). Without a
 * record (the usual case) this is one failed readdir: git runs only when a record exists.
 */
export async function announceUnpushed(root: string, ctx: CommandContext): Promise<void> {
  if (listUnpushedRecords(root).length === 0) return;
  const unpushed = await findUnpushedHandoffs(root, ctx.env);
  const paint = createPaint(ctx.logger.color);
  for (const branch of new Set(unpushed.map((u) => u.branch))) {
    ctx.logger.err(
      paint.yellow(
        faultMessages.unpushed(
          unpushed.filter((u) => u.branch === branch).map((u) => u.id),
          branch,
        ),
      ),
    );
  }
}

/** The warm dashboard, or null when only the full `resume` can answer. */
export async function runWarmResume(args: WarmResumeArgs, ctx: CommandContext): Promise<CommandOutcome<ResumeView> | null> {
  const root = findDotGit(ctx.cwd);
  if (root === null || !/^\d+$/.test(args.limit.trim()) || Number(args.limit) < 1) return null;
  const config = readFoldersUnchecked(root);
  const operator = await cachedOperator(root, args.operator === undefined ? {} : { operator: args.operator }, ctx.env);
  if (operator === null) return null;
  const now = ctx.now();
  const inputs = { root, config, operator: operator.slug, limit: Number(args.limit), today: localDate(now), env: ctx.env };
  const snapshot = readResumeSnapshot(inputs);
  if (snapshot === null) return null;
  printResume(root, snapshot.view, snapshot.problems, args.json, operator.name, ctx);
  await announceUnpushed(root, ctx);
  return { exitCode: 0, result: snapshot.view };
}
