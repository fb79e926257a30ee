import type { CommandContext, CommandOutcome } from '../context.js';
import { inertText } from '../core/inert-text.js';
import { UserError } from '../errors.js';
import { execGit } from '../io/git.js';
import { openRepo } from '../io/repo.js';
import { readSessionCommits } from '../io/session-commits-log.js';
import { resolveSessionIdFor } from '../io/session-resolve.js';
import { findTelemetryState } from '../io/telemetry.js';
import { claudeMessages as m } from '../messages/claude.js';

export interface SessionCommitsOptions {
  sessionId?: string;
  json?: boolean;
}

export interface SessionCommitsResult {
  session_id: string | null;
  /** When the session started (its first SessionStart or tool call), or null when canon does not know. */
  since: string | null;
  /** `recorded`: the commits canon's post-commit recorded for this session since its last handoff;
   *  `since`: the clone records none, so every commit since the session started. */
  source: 'recorded' | 'since' | 'recent';
  commits: Array<{ sha: string; subject: string }>;
}

/** Without a known start, this many recent commits stand in (and the output says so). */
const FALLBACK_COUNT = 15;

/**
 * `canon session commits`: what /handoff shows the model as "this session's commits": those canon's
 * post-commit recorded for the session since its last handoff (the same list the note counts). A
 * clone that records none falls back to every commit since the session started (its telemetry:
 * SessionStart, else its first tool call).
 */
export async function runSessionCommits(options: SessionCommitsOptions, ctx: CommandContext): Promise<CommandOutcome<SessionCommitsResult>> {
  const { root } = openRepo(ctx.cwd);
  const { id } = resolveSessionIdFor(root, options.sessionId, ctx.env, ctx.now());
  const state = id === null ? null : (findTelemetryState(root, id, ctx.now())?.state ?? null);
  const start = state?.session_started_at ?? (state && state.started_at !== '' ? state.started_at : null);
  const since = start !== null && !Number.isNaN(Date.parse(start)) ? start : null;
  const recorded = id === null ? null : await readSessionCommits(root, id, ctx.env);
  // After `/clear`: the commits of the session it ended, as the handoff counts them (while its calls are unhanded).
  const replaced = state?.replaces ?? null;
  if (recorded?.recording && replaced !== null && (findTelemetryState(root, replaced, ctx.now())?.state.tool_calls_count ?? 0) > 0) {
    recorded.shas = [...new Set([...(await readSessionCommits(root, replaced, ctx.env)).shas, ...recorded.shas])];
  }
  const source = recorded?.recording ? 'recorded' : since === null ? 'recent' : 'since';
  // None recorded since the last handoff: no `git log` (with nothing on its stdin it would list HEAD).
  const log =
    recorded?.recording && recorded.shas.length === 0
      ? { code: 0, stdout: '', stderr: '' }
      : recorded?.recording
        ? await execGit(['log', '--no-walk=unsorted', '--ignore-missing', '--stdin', '--no-merges', '--format=%h%x09%s'], {
            cwd: root,
            env: ctx.env,
            input: [...recorded.shas]
              .reverse()
              .map((sha) => `${sha}\n`)
              .join(''),
          })
        : await execGit(['log', '--no-merges', '--format=%h%x09%s', ...(since === null ? [`-${FALLBACK_COUNT}`] : [`--since=${since}`]), '--'], {
            cwd: root,
            env: ctx.env,
          });
  // An unborn branch has no log: no commits, not an error.
  if (log.code !== 0 && !/does not have any commits|bad default revision/.test(log.stderr)) throw new UserError(log.stderr.trim());
  const commits = log.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const tab = line.indexOf('\t');
      return { sha: line.slice(0, tab), subject: line.slice(tab + 1) };
    });
  const result: SessionCommitsResult = { session_id: id, since, source, commits };
  if (options.json) ctx.logger.out(JSON.stringify(result));
  else {
    if (source === 'recent') ctx.logger.out(m.commits.noStart);
    else if (commits.length === 0) ctx.logger.out(source === 'recorded' ? m.commits.noneRecorded : m.commits.none(since!));
    for (const c of commits) ctx.logger.out(`${c.sha} ${inertText(c.subject)}`);
  }
  return { exitCode: 0, result };
}
