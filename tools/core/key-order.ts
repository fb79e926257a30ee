import type { NoteKind } from './config.js';
import { SYNC_KEYS } from './content-hash.js';

/** Group 1: what a person reads on a phone comes first (docs/contract.md §3.1). */
const TOP: Record<NoteKind, readonly string[]> = {
  session: ['title', 'operator', 'summary', 'workstream', 'status', 'tags'],
  workstream: ['title', 'owner', 'summary', 'workstream', 'status', 'tags'],
  plan: ['title', 'owner', 'summary', 'workstream', 'status', 'tags'],
  adr: ['title', 'summary', 'workstream', 'status', 'tags'],
  learning: ['title', 'summary', 'workstream', 'status', 'tags'],
};

/** Group 2: identity, then the kind's own fields in its schema's order (a test keeps these in step). */
export const KIND_FIELDS: Record<NoteKind, readonly string[]> = {
  session: ['mode', 'confidence', 'started_at', 'ended_at', 'claimed_at'],
  workstream: ['priority', 'blocked_by', 'started'],
  plan: ['score', 'supersedes'],
  adr: ['deciders', 'supersedes'],
  learning: ['source_session'],
};
const IDENTITY = ['kind', 'external_id', 'date'] as const;
/** Kept by backfill on every note it touched; sits at the end of the identity group. */
const TRAILING_IDENTITY = ['legacy_notes'] as const;

/** Group 4: session telemetry. */
export const TELEMETRY_KEYS = [
  'tool_calls_count',
  'tool_calls_breakdown',
  'tool_calls_breakdown_methods',
  'tool_calls_failed',
  'subagents_dispatched',
  'parallel_terminals_observed',
  'commits',
  'lines_added',
  'lines_removed',
  'first_commit_at',
  'last_commit_at',
  'active_min_estimate',
  'handoff_write_min',
  'transcript_bytes',
] as const;

const cache = new Map<NoteKind, { head: Map<string, number>; tail: Map<string, number> }>();

function ranks(kind: NoteKind) {
  let r = cache.get(kind);
  if (!r) {
    const head = [...TOP[kind], ...IDENTITY, ...KIND_FIELDS[kind], ...TRAILING_IDENTITY];
    const tail = [...(kind === 'session' ? TELEMETRY_KEYS : []), ...SYNC_KEYS];
    r = { head: new Map(head.map((k, i) => [k, i])), tail: new Map(tail.map((k, i) => [k, i])) };
    cache.set(kind, r);
  }
  return r;
}

/** Canonical order of the given keys; unknown keys keep their relative order between groups 2 and 4. */
export function orderKeys(kind: NoteKind, keys: readonly string[]): string[] {
  const { head, tail } = ranks(kind);
  const known = (m: Map<string, number>) => keys.filter((k) => m.has(k)).sort((a, b) => m.get(a)! - m.get(b)!);
  const unknown = keys.filter((k) => !head.has(k) && !tail.has(k));
  return [...known(head), ...unknown, ...known(tail)];
}
