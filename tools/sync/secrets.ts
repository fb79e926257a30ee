import { scanSecrets } from '../core/secret-scan.js';

/**
 * NoteSource.scanSecrets for both hosts: canon's one scanner (the commit door's), each finding as
 * `file:line: message` with the secret masked. `canon sync` and the Worker refuse the same notes.
 *
 * Not re-exported by index.ts: secretlint's dependencies require Node built-ins (`debug` wants tty and
 * util, its `supports-color` os, the preset crypto), which the Worker gets from `nodejs_compat` (its
 * bundle resolves them the way wrangler does, and aliases the profiler, ADR-0017), so the engine
 * itself stays free of them (__tests__/unit/sync-neutral.test.ts).
 */
export async function noteSecretFindings(text: string, file: string): Promise<string[]> {
  return (await scanSecrets(text, file)).map((f) => `${f.file}:${f.line}: ${f.message}`);
}
