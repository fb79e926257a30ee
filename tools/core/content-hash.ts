// node:crypto, which the Workers runtime also provides (nodejs_compat, as the Worker runs): a sha256 in
// JavaScript was five times slower, and validate --all hashes every note of the store.
import { createHash } from 'node:crypto';

/** Keys that sync writes back; they never take part in the hash, so syncing never changes it. */
export const SYNC_KEYS = ['content_hash', 'sync_status', 'notion_page_id', 'synced_at', 'synced_hash', 'sync_error'] as const;
const SYNC_KEY_SET: ReadonlySet<string> = new Set(SYNC_KEYS);

/** JSON with object keys sorted at every depth and no spaces (docs/contract.md §3.4). */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => stableJson(item)).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/** The body as hashed: LF line endings and exactly one trailing newline (an empty body is "\n"). */
export function hashableBody(body: string): string {
  return body.replace(/\r\n?/g, '\n').replace(/\n*$/, '') + '\n';
}

/**
 * content_hash = "sha256:" + hex(SHA-256(UTF-8(stable_json(F) + "\n" + B))) where F is the
 * frontmatter without sync metadata and B the normalised body. Documented in
 * docs/conventions/frontmatter.md; other tools recompute it independently.
 */
export function computeContentHash(data: Record<string, unknown>, body: string): string {
  const hashed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (!SYNC_KEY_SET.has(key)) hashed[key] = value;
  const digest = createHash('sha256')
    .update(`${stableJson(hashed)}\n${hashableBody(body)}`, 'utf8')
    .digest('hex');
  return `sha256:${digest}`;
}
