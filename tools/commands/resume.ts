import type { CommandContext, CommandOutcome } from '../context.js';
import { textOf } from '../core/resume-facts.js';
import {
  buildResumeView,
  extractResumePrompt,
  localDate,
  selectOwnSessions,
  selectWatchedNotes,
  type LastSession,
  type ResumeView,
  type SessionFacts,
} from '../core/resume-view.js';
import { UsageError } from '../errors.js';
import type { NoteProblem, readNoteParts as ReadNoteParts } from '../io/resume-cache.js';
import { openRepo } from '../io/repo.js';
import { resolveOperator, type ResolvedOperator } from '../io/whoami.js';
import { readResumeSnapshot, writeResumeSnapshot, type SnapshotInputs } from '../io/resume-snapshot.js';
import { resumeMessages } from '../messages/resume.js';
import { announceUnpushed, printResume } from './resume-warm.js';

export interface ResumeOptions {
  operator?: string;
  limit?: string | number;
  /** commander's `--no-cache` sets `cache: false`. */
  cache?: boolean;
  json?: boolean;
}

function parseLimit(value: string | number | undefined): number {
  if (value === undefined) return 5;
  const text = String(value).trim();
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(resumeMessages.badLimit(text), resumeMessages.badLimitHint);
  return Number(text);
}

/** The last session is read from its file on every run, so its Resume Prompt is never a cached copy. */
async function readLastSession(
  root: string,
  session: SessionFacts,
  config: Parameters<typeof ReadNoteParts>[2],
  readNoteParts: typeof ReadNoteParts,
): Promise<LastSession> {
  const fallback: LastSession = { id: session.id, date: session.date, title: session.title, summary: null, resume_prompt: null, path: session.path };
  let read;
  try {
    read = await readNoteParts(root, session.path, config);
  } catch {
    return fallback;
  }
  if (!read.parts) return fallback;
  const { data, body } = read.parts;
  return {
    id: session.id,
    date: textOf(data.date),
    title: textOf(data.title),
    summary: textOf(data.summary),
    resume_prompt: extractResumePrompt(body),
    path: session.path,
  };
}

/** The dashboard from the store (through the resume cache), kept as a snapshot for the next run. */
async function computeView(
  inputs: SnapshotInputs,
  operator: ResolvedOperator,
  useCache: boolean,
  nowMs: number,
): Promise<{ view: ResumeView; problems: NoteProblem[] }> {
  const { root, config, today, limit } = inputs;
  // Loaded only here: the warm path (a snapshot) never compiles the cache's code.
  const { readNoteParts, readResumeStore } = await import('../io/resume-cache.js');
  const store = await readResumeStore(root, config, { useCache, nowMs });
  const own = selectOwnSessions(store.sessions, operator);
  const last = own[0] ? await readLastSession(root, own[0], config, readNoteParts) : null;
  const view = buildResumeView({ operator, own, last, sessions: store.sessions, workstreams: store.workstreams, today, limit });
  const extra = [...store.untracked, ...store.problems.flatMap((p) => (p.path === undefined ? [] : [p.path]))];
  const watch = selectWatchedNotes({ own, sessions: store.sessions, workstreams: store.workstreams, today, limit, extra });
  writeResumeSnapshot(inputs, watch, view, store.problems, nowMs);
  return { view, problems: store.problems };
}

/** docs/contract.md §8: operator → sessions → last session and its Resume Prompt → workstreams → peers → dashboard. */
export async function runResume(options: ResumeOptions, ctx: CommandContext): Promise<CommandOutcome<ResumeView>> {
  const limit = parseLimit(options.limit);
  const { root, config } = openRepo(ctx.cwd);
  const nowMs = ctx.now().getTime();
  const today = localDate(ctx.now());
  const useCache = options.cache !== false;
  const operator = await resolveOperator(root, options.operator === undefined ? {} : { operator: options.operator }, ctx.env);
  const inputs = { root, config, operator: operator.slug, limit, today, env: ctx.env };
  const { view, problems } = (useCache ? readResumeSnapshot(inputs) : null) ?? (await computeView(inputs, operator, useCache, nowMs));

  printResume(root, view, problems, Boolean(options.json), operator.name, ctx);
  await announceUnpushed(root, ctx);
  return { exitCode: 0, result: view };
}
