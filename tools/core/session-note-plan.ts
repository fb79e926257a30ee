// The session note a handoff writes (docs/contract.md §6, §3.5, §7): quick or full form, telemetry, frontmatter
// and body. Pure: no fs, git or clock.
import type { GitStats } from './git-log-stats.js';
import type { HandoffContent } from './handoff-input.js';
import { inertData, inertText } from './inert-text.js';
import type { TelemetryState } from './telemetry.js';

/** A session with no commits and at most this many tool calls is trivial: it gets the quick form. */
const TRIVIAL_MAX_TOOL_CALLS = 10;

/** docs/contract.md §6 step 1: no commits and few tool calls. Unknown telemetry is not evidence of a trivial session. */
export function isTrivialSession(stats: GitStats, telemetry: Pick<TelemetryState, 'tool_calls_count'> | null): boolean {
  return telemetry !== null && stats.commits === 0 && telemetry.tool_calls_count <= TRIVIAL_MAX_TOOL_CALLS;
}

/** Whether the content has anything only the full form can hold (the quick form must not drop it silently). */
export function hasFullSections(content: HandoffContent): boolean {
  const s = content.sections;
  return s.shipped !== '' || s.decisions !== '' || s.openQuestions !== '' || s.nextSteps !== '' || s.extra !== '';
}

/** The hook's counters, as a session note carries them (the state file minus its bookkeeping). */
export type NoteTelemetry = Pick<
  TelemetryState,
  'tool_calls_count' | 'tool_calls_breakdown' | 'tool_calls_breakdown_methods' | 'subagents_dispatched' | 'parallel_terminals_observed' | 'files_touched'
> & { tool_calls_failed: number };

/**
 * The note's telemetry from the hook's state (zeros when none was recorded), with the invariant key
 * `mcp__<server>` of every forbidden server always present (docs/contract.md §7) and keys sorted so the
 * frontmatter diffs cleanly.
 */
export function planNoteTelemetry(state: TelemetryState | null, forbiddenMcp: readonly string[]): NoteTelemetry {
  const breakdown: Record<string, number> = { ...(state?.tool_calls_breakdown ?? {}) };
  for (const server of forbiddenMcp) breakdown[`mcp__${server}`] ??= 0;
  const methods = state?.tool_calls_breakdown_methods ?? {};
  // Tool names come from Claude Code and MCP servers: the note holds them inert (ADR-0023), so the
  // commit door never refuses the note handoff wrote.
  return {
    tool_calls_count: state?.tool_calls_count ?? 0,
    tool_calls_breakdown: sortKeys(inertData(breakdown)),
    tool_calls_breakdown_methods: inertData(
      Object.fromEntries(
        Object.keys(methods)
          .sort()
          .map((k) => [k, sortKeys(methods[k]!)]),
      ),
    ),
    tool_calls_failed: state?.failed_calls ?? 0,
    subagents_dispatched: state?.subagents_dispatched ?? 0,
    parallel_terminals_observed: state?.parallel_terminals_observed ?? 0,
    files_touched: state?.files_touched ?? [],
  };
}

/** An earlier handoff of the same session: the note it wrote and the `mcp__*` counts it covered. */
interface EarlierHandoff {
  id: string;
  mcp: Record<string, number>;
}

/**
 * Forbidden MCP servers this session called, with their counts (docs/contract.md §7): the calls this note covers
 * plus those its earlier handoffs covered (the invariant is the whole session's), and which of those
 * earlier notes saw them.
 */
export function findInvariantBreaches(
  telemetry: NoteTelemetry,
  forbiddenMcp: readonly string[],
  earlier: readonly EarlierHandoff[] = [],
): Array<{ key: string; count: number; earlier: string[] }> {
  return forbiddenMcp
    .map((s) => {
      const key = `mcp__${s}`;
      const before = earlier.filter((h) => (h.mcp[key] ?? 0) > 0);
      return { key, count: (telemetry.tool_calls_breakdown[key] ?? 0) + before.reduce((n, h) => n + (h.mcp[key] ?? 0), 0), earlier: before.map((h) => h.id) };
    })
    .filter((b) => b.count > 0);
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, record[k]!]),
  );
}

export interface SessionNotePlan {
  id: string;
  operator: string;
  /** YYYY-MM-DD, the date in the id. */
  date: string;
  content: HandoffContent;
  mode: 'full' | 'quick';
  telemetry: NoteTelemetry;
  /** Whether a state file was found (the Telemetry section says so when not). */
  telemetryRecorded: boolean;
  stats: GitStats;
  startedAt: string | null;
  endedAt: string;
  activeMinutes: number | null;
  writeMinutes: number | null;
  forbiddenMcp: readonly string[];
  /** Size of the transcript archived for this session (secrets masked), or null/absent when none was. */
  transcriptBytes?: number | null;
  /** Earlier handoffs of the same Claude Code session: this note covers what followed them. */
  earlier?: readonly EarlierHandoff[];
  /** The session `/clear` ended to start this one; its calls are counted in this note. */
  continues?: string | null;
}

/** Frontmatter (in canonical order) and body of the session note. */
export function planSessionNote(plan: SessionNotePlan): { data: Record<string, unknown>; body: string } {
  const { content, telemetry, stats } = plan;
  const data: Record<string, unknown> = {
    title: content.title,
    operator: plan.operator,
    summary: content.summary,
    workstream: content.workstream,
    tags: content.tags,
    kind: 'session',
    external_id: plan.id,
    date: plan.date,
    mode: plan.mode,
    ...(content.confidence ? { confidence: content.confidence } : {}),
    started_at: plan.startedAt,
    ended_at: plan.endedAt,
    tool_calls_count: telemetry.tool_calls_count,
    tool_calls_breakdown: telemetry.tool_calls_breakdown,
    tool_calls_breakdown_methods: telemetry.tool_calls_breakdown_methods,
    tool_calls_failed: telemetry.tool_calls_failed,
    subagents_dispatched: telemetry.subagents_dispatched,
    parallel_terminals_observed: telemetry.parallel_terminals_observed,
    commits: stats.commits,
    lines_added: stats.linesAdded,
    lines_removed: stats.linesRemoved,
    first_commit_at: stats.firstCommitAt,
    last_commit_at: stats.lastCommitAt,
    active_min_estimate: plan.activeMinutes,
    handoff_write_min: plan.writeMinutes,
    transcript_bytes: plan.transcriptBytes ?? null,
    sync_status: 'pending',
  };
  return { data, body: renderSessionBody(plan) };
}

const NONE = '_None._';

/** The body of docs/contract.md §3.5: the full form's seven sections, or the quick form's two. */
export function renderSessionBody(plan: SessionNotePlan): string {
  const { content } = plan;
  const section = (heading: string, text: string) => `## ${heading}\n\n${text.trim() === '' ? NONE : text.trim()}\n`;
  const resume =
    content.resumePrompt === null
      ? `## Resume Prompt\n\n${NONE}\n`
      : `## Resume Prompt\n\n${content.resumePrompt}\n${content.confidence ? `\nConfidence: ${content.confidence}\n` : ''}`;
  if (plan.mode === 'quick') return [section('Summary', content.sections.summary), resume].join('\n');
  const parts = [
    section('Summary', content.sections.summary),
    section('What shipped', content.sections.shipped),
    section('Decisions', content.sections.decisions),
    section('Open questions', content.sections.openQuestions),
    section('Next steps', content.sections.nextSteps),
  ];
  if (content.sections.extra !== '') parts.push(`${content.sections.extra}\n`);
  parts.push(resume, section('Telemetry', renderTelemetrySection(plan)));
  return parts.join('\n');
}

function renderTelemetrySection(plan: SessionNotePlan): string {
  const { telemetry: t, stats } = plan;
  const lines: string[] = [];
  if (!plan.telemetryRecorded) lines.push('- No tool-call telemetry was recorded for this session.');
  else {
    const top = Object.entries(t.tool_calls_breakdown)
      .filter(([, n]) => n > 0)
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, 8)
      .map(([k, n]) => `${k} ${n}`);
    lines.push(
      `- Tool calls: ${t.tool_calls_count}${top.length > 0 ? ` (${top.join(', ')})` : ''}${t.tool_calls_failed > 0 ? `; ${t.tool_calls_failed} failed` : ''}`,
    );
    lines.push(`- Subagents dispatched: ${t.subagents_dispatched}; parallel terminals observed: ${t.parallel_terminals_observed}`);
  }
  const earlier = plan.earlier ?? [];
  if (plan.continues) lines.push(`- Continues session \`${plan.continues}\`, ended by /clear: its calls and commits are counted here`);
  if (earlier.length > 0)
    lines.push(
      `- Follows this session's earlier handoff${earlier.length > 1 ? 's' : ''} ${earlier.map((h) => h.id).join(', ')}: the counts above are the calls since`,
    );
  const breaches = findInvariantBreaches(t, plan.forbiddenMcp, earlier);
  if (plan.forbiddenMcp.length > 0) {
    lines.push(
      breaches.length === 0
        ? `- Notion-silent: yes (${plan.forbiddenMcp.map((s) => `mcp__${s}`).join(', ')}: 0${earlier.length > 0 ? ', for the whole session' : ''})`
        : `- Notion-silent: **NO** (${breaches.map((b) => `${b.key} called ${b.count} time(s)${b.earlier.length > 0 ? ` in this session, some before ${b.earlier.join(', ')}` : ''}`).join(', ')})`,
    );
  }
  const span = stats.firstCommitAt && stats.lastCommitAt ? `, ${stats.firstCommitAt} → ${stats.lastCommitAt}` : '';
  lines.push(`- Commits: ${stats.commits}, +${stats.linesAdded} / -${stats.linesRemoved} lines${span}`);
  const touched = [
    stats.touched.workstreams.length > 0 ? `workstreams ${stats.touched.workstreams.join(', ')}` : null,
    stats.touched.plans.length > 0 ? `plans ${stats.touched.plans.join(', ')}` : null,
    stats.touched.adrs.length > 0 ? `ADRs ${stats.touched.adrs.join(', ')}` : null,
  ].filter((x) => x !== null);
  if (touched.length > 0) lines.push(`- Notes changed in those commits: ${touched.join('; ')}`);
  if (t.files_touched.length > 0) {
    const shown = t.files_touched.slice(0, 10).map((f) => `\`${f}\``);
    lines.push(`- Files edited (${t.files_touched.length}): ${shown.join(', ')}${t.files_touched.length > shown.length ? ', …' : ''}`);
  }
  if (plan.activeMinutes !== null) lines.push(`- Active: about ${plan.activeMinutes} min`);
  if (typeof plan.transcriptBytes === 'number') lines.push(`- Transcript archived: ${plan.transcriptBytes} bytes, secrets masked`);
  // File names and note stems from the file system and git: inert, as above.
  return inertText(lines.join('\n'));
}
