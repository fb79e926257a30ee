/**
 * The secret scanner lives in tools/core/secret-scan.ts: it is pure (no file system), so the CLI, the
 * pre-commit door and the Cloudflare Worker (ADR-0017) all run the one scanner. This path stays for
 * the Node callers.
 */
export * from '../core/secret-scan.js';
