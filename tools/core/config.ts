/** canon.config.json, after defaults (schema: schemas/config.schema.json). */
export interface CanonConfig {
  folders: Record<NoteKind, string>;
  /**
   * The Notion-silent invariant (docs/contract.md §7): `forbidden_mcp` holds MCP server names or `*` globs, matched
   * case-insensitively; calls to every matching server fold into the one counter `mcp__<counter>`.
   */
  invariant: { forbidden_mcp: string[]; counter: string };
  precommit: { mode: 'error' | 'warn' };
  limits: { max_note_bytes: number };
  /**
   * Claude Code integration: the SessionStart context's size bound, and where handoff archives the
   * session's transcript (null: `.claude/state/archive/`; else a folder, absolute or repository-relative).
   */
  claude: { session_start_max_chars: number; transcripts_dir: string | null };
  /** The changelog `canon handoff` adds each session to (repository-relative), or null for none. */
  changelog: { file: string | null };
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

/** Every MCP server whose name contains "notion": the hosted `notion`, `claude_ai_Notion`, `notion_offplan`, … */
const DEFAULT_FORBIDDEN_MCP: readonly string[] = ['*notion*'];
const DEFAULT_INVARIANT_COUNTER = 'notion_offplan';
const DEFAULT_SESSION_START_MAX_CHARS = 2000;

/**
 * The servers whose `mcp__<server>` key the invariant checks: the one counter, or none when nothing
 * is forbidden. Notes, validate and telemetry show take this list.
 */
export function invariantServers(invariant: CanonConfig['invariant']): string[] {
  return invariant.forbidden_mcp.length > 0 ? [invariant.counter] : [];
}

export const DEFAULT_CONFIG: CanonConfig = {
  folders: {
    session: 'docs/sessions',
    workstream: 'workstreams',
    plan: 'docs/plans',
    adr: 'docs/adr',
    learning: 'docs/learnings',
  },
  invariant: { forbidden_mcp: [...DEFAULT_FORBIDDEN_MCP], counter: DEFAULT_INVARIANT_COUNTER },
  precommit: { mode: 'error' },
  limits: { max_note_bytes: 1024 * 1024 },
  claude: { session_start_max_chars: DEFAULT_SESSION_START_MAX_CHARS, transcripts_dir: null },
  changelog: { file: 'CHANGELOG.md' },
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
    claude: pick('claude'),
    changelog: pick('changelog'),
    notion: pick('notion'),
  };
}
