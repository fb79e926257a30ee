/**
 * The host-neutral sync core (ADR-0017): planner, converter, Notion adapter and report, with no
 * file, process or Node-only global, so `canon sync` (Node) and the Cloudflare Worker
 * (workers/notion-sync) run the same code and send the same requests for the same store.
 */
export * from './engine.js';
export * from './notion.js';
export * from './retry-policy.js';
export * from './write-back.js';
export { countActions, planSync, REASONS, type PlannedAction, type SyncCandidate } from '../core/sync-plan.js';
export { formatPlanTable, renderLastSync, type SyncActionResult } from '../core/sync-report.js';
export { planNoteRequests } from '../core/sync-requests.js';
export { renderNotionMarkdown } from '../core/notion-markdown.js';
export { buildProperties, matchSchema } from '../core/notion-properties.js';
export { computeContentHash } from '../core/content-hash.js';
export { parseNote, serializeNote } from '../core/frontmatter.js';
export { resolveConfig } from '../core/config.js';
export { classifyPath } from '../core/layout.js';
