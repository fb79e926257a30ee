import type { NoteKind } from '../core/config.js';
import { computeContentHash } from '../core/content-hash.js';

/** A note as the planner sees it: parsed data and body, or the reason it could not be read. */
export interface SyncCandidate {
  file: string;
  kind: NoteKind;
  data?: Record<string, unknown>;
  body?: string;
  isStub?: boolean;
  /** Why the file could not be read (parse error, binary, too large). */
  problem?: string;
  /** Secrets found in the file (already masked). */
  secrets?: readonly string[];
  /** Why sync leaves this note alone without reading it (not committed yet, a symlink). */
  unsent?: string;
  /**
   * Why this very content was refused by an earlier run, for a reason that lasts until the note
   * changes (a secret, content Notion refuses): it is not sent or scanned again.
   */
  refused?: string;
}

export type SyncActionKind = 'create' | 'update' | 'skip' | 'error';

export interface PlannedAction {
  file: string;
  kind: NoteKind;
  external_id: string | null;
  action: SyncActionKind;
  reason: string;
  notion_page_id: string | null;
  /** The hash the page will carry once synced (computed, so a stale stamp does not matter). */
  content_hash: string | null;
}

/** Notion ids are UUIDs, with or without dashes; anything else (`pending-reconcile`) is not a page yet. */
export function isNotionId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(value);
}

export const REASONS = {
  stub: 'claim stub (never synced)',
  localOnly: 'sync_status is local-only',
  unchanged: 'unchanged since the last sync',
  new: 'not in Notion yet',
  reconcile: (value: string) => `notion_page_id is "${value}": looked up by external_id before creating`,
  changed: 'content changed since the last sync',
  retry: 'the last sync of this note failed',
  neverSynced: 'has a page but no synced_hash',
  noId: 'has no external_id',
  secret: (findings: readonly string[]) => `not sent: ${findings.join('; ')}`,
} as const;

/** Decide, per note, what sync would do and why. Pure: no file, network or clock. */
export function planSync(candidates: readonly SyncCandidate[]): PlannedAction[] {
  return candidates.map((c) => planOne(c));
}

function planOne(c: SyncCandidate): PlannedAction {
  const base = { file: c.file, kind: c.kind, external_id: null, notion_page_id: null, content_hash: null };
  if (c.unsent !== undefined) return { ...base, action: 'skip', reason: c.unsent };
  if (c.problem !== undefined || !c.data || c.body === undefined) return { ...base, action: 'error', reason: c.problem ?? 'could not be read' };
  const data = c.data;
  const externalId = typeof data.external_id === 'string' && data.external_id.trim() !== '' ? data.external_id : null;
  const pageId = isNotionId(data.notion_page_id) ? data.notion_page_id : null;
  const hash = computeContentHash(data, c.body);
  const planned = { ...base, external_id: externalId, notion_page_id: pageId, content_hash: hash };
  if (c.isStub) return { ...planned, action: 'skip', reason: REASONS.stub };
  if (data.sync_status === 'local-only') return { ...planned, action: 'skip', reason: REASONS.localOnly };
  if (!externalId) return { ...planned, action: 'error', reason: REASONS.noId };
  if (c.refused !== undefined) return { ...planned, action: 'error', reason: c.refused };
  if (c.secrets && c.secrets.length > 0) return { ...planned, action: 'error', reason: REASONS.secret(c.secrets) };
  if (!pageId) {
    const odd = typeof data.notion_page_id === 'string' && data.notion_page_id !== '' ? data.notion_page_id : null;
    return { ...planned, action: 'create', reason: odd ? REASONS.reconcile(odd) : REASONS.new };
  }
  if (data.sync_status === 'error') return { ...planned, action: 'update', reason: REASONS.retry };
  if (data.synced_hash === hash) return { ...planned, action: 'skip', reason: REASONS.unchanged };
  return { ...planned, action: 'update', reason: typeof data.synced_hash === 'string' ? REASONS.changed : REASONS.neverSynced };
}

export function countActions(actions: readonly { action: SyncActionKind }[]): Record<SyncActionKind, number> {
  const counts: Record<SyncActionKind, number> = { create: 0, update: 0, skip: 0, error: 0 };
  for (const a of actions) counts[a.action] += 1;
  return counts;
}
