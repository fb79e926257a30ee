// The resume context the SessionStart hook hands the model (ADR-0008, docs/contract.md §5): the operator's last
// Resume Prompt, their active workstreams, peers' sessions since then, unfinished sessions. Pure, and
// bounded: the text never exceeds `maxChars`, whatever the store holds.
import { claudeMessages as m } from '../messages/claude.js';
import { inertData, inertLine } from './inert-text.js';
import type { ResumeView } from './resume-view.js';

export interface UnfinishedSummary {
  sessions: number;
  tool_calls: number;
}

/** Lines beyond these are dropped before anything else is cut. */
const WORKSTREAMS_SHOWN = 8;
const PEERS_SHOWN = 8;

/** The notes' text (titles, the prompt, peers' titles) goes to the model inert, titles on one line (ADR-0023). */
export function renderSessionStartContext(input: ResumeView, unfinished: UnfinishedSummary | null, maxChars: number): string {
  const view = inertData(input);
  const parts: string[] = [m.context.header(view.operator.slug, view.operator.initials)];
  const last = view.last_session;
  if (last === null) parts.push(m.context.noSessions(view.operator.slug));
  else {
    parts.push(m.context.lastSession(last.id, last.date, last.title === null ? null : inertLine(last.title)));
    parts.push(last.resume_prompt === null ? m.context.noPrompt : `${m.context.resumePrompt}\n${last.resume_prompt}`);
  }
  const active = view.workstreams.mine.filter((w) => w.status === 'active').slice(0, WORKSTREAMS_SHOWN);
  if (active.length > 0) {
    parts.push(
      [m.context.workstreams, ...active.map((w) => `- ${w.slug}${w.priority ? ` (${w.priority})` : ''}${w.title ? `: ${inertLine(w.title)}` : ''}`)].join('\n'),
    );
  }
  const since = last?.date ?? null;
  const peers = view.peers.filter((p) => since === null || p.date >= since).slice(0, PEERS_SHOWN);
  if (peers.length > 0)
    parts.push([m.context.peers, ...peers.map((p) => `- ${p.id} (${p.operator}, ${p.date})${p.title ? `: ${inertLine(p.title)}` : ''}`)].join('\n'));
  if (unfinished !== null && unfinished.sessions > 0) parts.push(m.context.unfinished(unfinished.sessions, unfinished.tool_calls));
  return fit(parts.join('\n\n'), maxChars);
}

/** Cut at the last line break that leaves room for the marker (or hard, if a single line is longer). */
function fit(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const marker = `\n${m.context.truncated}`;
  const room = Math.max(0, maxChars - marker.length);
  const cut = text.lastIndexOf('\n', room);
  const head = cut > room / 2 ? text.slice(0, cut) : text.slice(0, room);
  return `${head}${marker}`.slice(0, maxChars);
}
