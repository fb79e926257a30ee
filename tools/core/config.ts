/** canon.config.json, after defaults (schema: schemas/config.schema.json). */
export interface CanonConfig {
  folders: Record<NoteKind, string>;
  invariant: { forbidden_mcp: string[] };
  precommit: { mode: 'error' | 'warn' };
  limits: { max_note_bytes: number };
  notion: {
    database_id: string | null;
    data_source_id: string | null;
    properties: Record<string, string>;
    requests_per_second: number;
    /** The Notion-Version header; it decides the markdown dialect (v1 for 2026-03-11, v2 for 2026-12-01). */
    version: NotionVersion;
  };
}

export const NOTION_VERSIONS = ['2026-03-11', '2026-12-01'] as const;
export type NotionVersion = (typeof NOTION_VERSIONS)[number];

export const NOTE_KINDS = ['session', 'workstream', 'plan', 'adr', 'learning'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

export const DEFAULT_CONFIG: CanonConfig = {
  folders: {
    session: 'docs/sessions',
    workstream: 'workstreams',
    plan: 'docs/plans',
    adr: 'docs/adr',
    learning: 'docs/learnings',
  },
  invariant: { forbidden_mcp: ['notion_offplan'] },
  precommit: { mode: 'error' },
  limits: { max_note_bytes: 1024 * 1024 },
  notion: { database_id: null, data_source_id: null, properties: {}, requests_per_second: 3, version: '2026-03-11' },
};

/** Merge a parsed (already schema-checked) canon.config.json over the defaults. */
export function resolveConfig(user: Partial<Record<keyof CanonConfig, unknown>> | null): CanonConfig {
  if (!user) return DEFAULT_CONFIG;
  const pick = <K extends keyof CanonConfig>(key: K): CanonConfig[K] =>
    ({ ...(DEFAULT_CONFIG[key] as object), ...((user[key] as object | undefined) ?? {}) }) as CanonConfig[K];
  return {
    folders: pick('folders'),
    invariant: pick('invariant'),
    precommit: pick('precommit'),
    limits: pick('limits'),
    notion: pick('notion'),
  };
}
