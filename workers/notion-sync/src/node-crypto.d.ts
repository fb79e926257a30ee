// The one node:crypto call the Worker reaches (tools/core/content-hash.ts), which workerd provides
// under nodejs_compat; @cloudflare/workers-types declares no Node modules.
declare module 'node:crypto' {
  interface Hash {
    update(data: string | Uint8Array, encoding?: 'utf8'): Hash;
    digest(encoding: 'hex' | 'base64'): string;
  }
  export function createHash(algorithm: string): Hash;
}
