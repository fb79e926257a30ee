/**
 * The host-neutral sync core (ADR-0017): planner, converter, Notion adapter and report, with no
 * file, process or Node-only global, so `canon sync` (Node) and the Cloudflare Worker
 * (workers/notion-sync) run the same code and send the same requests for the same store. Both hosts
 * import the sync core from here and nowhere deeper (everything of its modules is exported), so the neutrality test
 * (__tests__/unit/sync-neutral.test.ts) guards what they run; the one other import is the
 * secret scan (./secrets.ts), which needs nodejs_compat in the Worker and says why.
 */
export * from './engine.js';
export * from './notion.js';
export * from './retry-policy.js';
export * from './write-back.js';
export * from './sync-plan.js';
export * from './sync-report.js';
export * from './sync-requests.js';
export * from './notion-markdown.js';
export * from './notion-blocks.js';
export * from './notion-properties.js';
// Declared twice, alike (the adapter's and the planner's); the adapter's is the one a host names.
export type { MarkdownEdit } from './notion.js';
export { computeContentHash } from '../core/content-hash.js';
export { isClaimStub, NoteSyntaxError, parseNote, serializeNote, type Note } from '../core/frontmatter.js';
export { resolveConfig, type CanonConfig, type NotionVersion } from '../core/config.js';
export { classifyPath } from '../core/layout.js';
