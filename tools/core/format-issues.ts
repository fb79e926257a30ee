import type { Paint } from '../output.js';
import type { Issue } from './validate-note.js';

/** `path:line:col: error <json-pointer> <sentence> [rule]` — one line per issue, like a compiler. */
export function formatIssue(issue: Issue, paint: Paint): string {
  const severity = issue.severity === 'error' ? paint.red('error') : paint.yellow('warning');
  const pointer = issue.pointer === '' ? '' : `${paint.bold(issue.pointer)} `;
  return `${issue.file}:${issue.line}:${issue.column}: ${severity} ${pointer}${issue.message} ${paint.dim(`[${issue.rule}]`)}`;
}
