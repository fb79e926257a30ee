// Bundles the Worker the way `wrangler deploy` does (one ES module, fs aliased to an empty module as in
// wrangler.jsonc), for the tests and the bench, which run it in workerd through miniflare.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Write the bundle to `outfile` and return its path. */
export async function bundleWorker(outfile) {
  await build({
    entryPoints: [path.join(here, 'src/index.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    external: ['cloudflare:workers', 'node:*'],
    alias: { fs: path.join(here, 'src/no-fs.ts') },
    logLevel: 'error',
  });
  return outfile;
}
