import type { Paint } from '../output.js';
import { inertData } from './inert-text.js';
import type { TelemetryState } from './telemetry.js';

export interface FormatTelemetryOptions {
  paint: Paint;
  /** The state file, repository-relative, named in the heading. */
  file: string;
  /** `invariant.forbidden_mcp`: servers whose calls break the Notion-silent invariant (docs/contract.md §7). */
  forbiddenMcp: readonly string[];
}

function byCountThenName([a, x]: [string, number], [b, y]: [string, number]): number {
  return y - x || (a < b ? -1 : a > b ? 1 : 0);
}

/** A session's telemetry for a person: what handoff will put into the note, and the invariant verdict. */
export function formatTelemetryState(input: TelemetryState, options: FormatTelemetryOptions): string {
  const { paint } = options;
  // Tool names, paths and ids come from Claude Code's hook input: shown inert (ADR-0023).
  const state = inertData(input);
  const lines = [
    `${paint.bold(`Session ${state.session_id}`)} ${paint.dim(`(${options.file})`)}`,
    `  started  ${state.started_at}`,
    `  updated  ${state.updated_at}`,
    `  cwd      ${state.cwd}`,
    '',
    `${paint.bold('Tool calls:')} ${state.tool_calls_count}${state.failed_calls > 0 ? ` (${state.failed_calls} failed)` : ''}${state.own_calls > 0 ? paint.dim(`; canon's own /handoff calls, not counted: ${state.own_calls}`) : ''}`,
  ];
  const rows = Object.entries(state.tool_calls_breakdown).sort(byCountThenName);
  const width = Math.max(0, ...rows.map(([key]) => key.length));
  const countWidth = Math.max(0, ...rows.map(([, n]) => String(n).length));
  for (const [key, count] of rows) {
    const methods = Object.entries(state.tool_calls_breakdown_methods[key] ?? {}).sort(byCountThenName);
    const detail = methods.length > 0 ? paint.dim(`  (${methods.map(([m, n]) => `${m} ${n}`).join(', ')})`) : '';
    lines.push(`  ${key.padEnd(width)}  ${String(count).padStart(countWidth)}${detail}`);
  }
  lines.push(`${paint.bold('Subagents dispatched:')} ${state.subagents_dispatched}`);
  lines.push(`${paint.bold('Parallel terminals observed:')} ${state.parallel_terminals_observed}`);
  lines.push(`${paint.bold(`Files touched (${state.files_touched.length}):`)}`);
  for (const file of state.files_touched) lines.push(`  ${file}`);
  if (options.forbiddenMcp.length > 0) {
    lines.push('');
    const broken = options.forbiddenMcp
      .map((server) => [`mcp__${server}`, state.tool_calls_breakdown[`mcp__${server}`] ?? 0] as const)
      .filter(([, count]) => count > 0);
    const keys = options.forbiddenMcp.map((server) => `mcp__${server}`).join(', ');
    lines.push(
      broken.length === 0
        ? paint.green(`Notion-silent: yes (${keys} not called)`)
        : paint.red(`Notion-silent: NO (${broken.map(([key, n]) => `${key} called ${n} time(s)`).join(', ')})`),
    );
  }
  return lines.join('\n');
}
