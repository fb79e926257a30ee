import type { Paint } from '../output.js';
import { inertText } from './inert-text.js';
import type { Issue } from './validate-note.js';

/**
 * `path:line:col: error <json-pointer> <sentence> [rule]` — one line per issue, like a compiler.
 * Paths, keys and sentences quote the note's own text: any control in them is shown, not run (ADR-0023).
 */
export function formatIssue(issue: Issue, paint: Paint): string {
  const severity = issue.severity === 'error' ? paint.red('error') : paint.yellow('warning');
  const pointer = issue.pointer === '' ? '' : `${paint.bold(inertText(issue.pointer))} `;
  return `${inertText(issue.file)}:${issue.line}:${issue.column}: ${severity} ${pointer}${inertText(issue.message)} ${paint.dim(`[${issue.rule}]`)}`;
}
