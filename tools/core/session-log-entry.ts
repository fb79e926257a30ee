// The workstream's Session Log (docs/contract.md §3.5): a handoff's entry and where it goes. Pure.
import { inertLine } from './inert-text.js';

/** A Session Log line is read in a list; the note itself holds the whole summary. */
const LOG_SUMMARY_MAX = 200;

/**
 * `- [<ID>](<href>) (<date>): <summary>`, the summary on one line, shortened for a list; the link
 * (the note's path from the workstream's folder) puts the session in the workstream's graph. The
 * summary is written inert (ADR-0023): a control that got into a note shows as `\x1b`.
 */
export function formatSessionLogEntry(id: string, date: string, summary: string, href?: string): string {
  let line = inertLine(summary);
  if (line.length > LOG_SUMMARY_MAX) line = `${line.slice(0, LOG_SUMMARY_MAX - 1).trimEnd()}…`;
  return `- ${href === undefined ? id : `[${id}](${encodeURI(href)})`} (${date}): ${line}`;
}

/**
 * Put `entry` first in the body's `## Session Log` (newest first, docs/contract.md §3.5), creating the section at
 * the end when it is missing. An entry for the same id is replaced, so a repeated handoff of one
 * session never lists it twice.
 */
export function insertSessionLogEntry(body: string, id: string, entry: string): string {
  const lines = body.split('\n');
  const start = lines.findIndex((l) => /^##[ \t]+Session Log[ \t#]*$/i.test(l));
  if (start === -1) {
    const trimmed = body.replace(/\s+$/, '');
    return `${trimmed === '' ? '' : `${trimmed}\n\n`}## Session Log\n\n${entry}\n`;
  }
  let end = lines.findIndex((l, i) => i > start && /^#{1,2}[ \t]/.test(l));
  if (end === -1) end = lines.length;
  // An earlier entry of this id, linked or not, is replaced.
  const own = [`- ${id} (`, `- [${id}](`];
  const section = lines.slice(start + 1, end).filter((l) => !own.some((o) => l.startsWith(o)));
  const firstItem = section.findIndex((l) => /^[-*][ \t]/.test(l));
  if (firstItem !== -1) section.splice(firstItem, 0, entry);
  else {
    // Prose only (or nothing): the list goes after it, set off by a blank line.
    while (section.length > 0 && section.at(-1)!.trim() === '') section.pop();
    section.push('', entry, '');
    if (end === lines.length) section.pop();
  }
  const result = [...lines.slice(0, start + 1), ...section, ...lines.slice(end)].join('\n');
  return result.endsWith('\n') ? result : `${result}\n`;
}
