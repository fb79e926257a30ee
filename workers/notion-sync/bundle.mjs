// Bundles the Worker the way `wrangler deploy` does (one ES module, fs and secretlint's profiler aliased
// as in wrangler.jsonc, Node built-ins through the same unenv preset wrangler applies for nodejs_compat), for
// the tests and the bench, which run it in workerd through miniflare.
import { defineEnv } from 'unenv';
import { getCloudflarePreset, nonPrefixedNodeModules } from '@cloudflare/unenv-preset';
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
/** As in wrangler.jsonc (and __tests__/helpers/worker.ts). */
const compatibilityDate = '2025-09-01';
const compatibilityFlags = ['nodejs_compat'];

/**
 * wrangler's own `hybrid-nodejs_compat` plugin, in short: a `require('tty')` inside a CommonJS
 * package (secretlint's `debug`) becomes an import of `node:tty`; a built-in workerd does not have at
 * this compatibility date (`os`, `tty`, `perf_hooks`…) is unenv's polyfill; globals (performance,
 * PerformanceObserver) are injected the same way.
 */
function nodejsCompat() {
  const { alias, inject, external, polyfill } = defineEnv({
    presets: [getCloudflarePreset({ compatibilityDate, compatibilityFlags }), { alias: { debug: 'debug' } }],
    npmShims: true,
  }).env;
  const builtin = new RegExp(`^(${nonPrefixedNodeModules.join('|')}|node:.+)$`);
  const resolved = {};
  for (const [name, target] of Object.entries(alias)) {
    try {
      resolved[name] = require.resolve(target);
    } catch {
      // not installed: left to esbuild
    }
  }
  const aliased = new RegExp(`^(${Object.keys(resolved).map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
  const injects = new Map();
  for (const [name, spec] of Object.entries(inject)) {
    const [module, exportName] = Array.isArray(spec) ? spec : [spec, 'default'];
    if (!injects.has(module)) injects.set(module, []);
    injects.get(module).push({ name, exportName });
  }
  const virtual = (module) => path.join(here, `_virtual_unenv_global_polyfill-${module.replaceAll('/', '-')}`);
  const byVirtual = new Map([...injects.keys()].map((m) => [virtual(m), m]));
  return {
    name: 'canon-nodejs-compat',
    setup(b) {
      b.initialOptions.inject = [...(b.initialOptions.inject ?? []), ...byVirtual.keys(), ...polyfill.map((p) => require.resolve(p))];
      b.onResolve({ filter: /_virtual_unenv_global_polyfill-/ }, (args) => ({ path: args.path, namespace: 'unenv-global' }));
      b.onLoad({ filter: /.*/, namespace: 'unenv-global' }, (args) => {
        const module = byVirtual.get(args.path);
        const list = injects.get(module);
        return {
          contents: `import { ${list.map((i, n) => `${i.exportName} as _${n}`).join(', ')} } from ${JSON.stringify(module)};\n${list.map((i, n) => `globalThis.${i.name} = _${n};`).join('\n')}`,
          resolveDir: here,
        };
      });
      b.onResolve({ filter: builtin }, (args) => (args.kind === 'require-call' ? { path: args.path, namespace: 'node-built-in' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'node-built-in' }, (args) => ({ contents: `import libDefault from ${JSON.stringify(args.path)};\nmodule.exports = libDefault;`, loader: 'js', resolveDir: here }));
      b.onResolve({ filter: aliased }, (args) => {
        const target = alias[args.path];
        if (args.kind === 'require-call' && (target.startsWith('unenv/npm/') || target.startsWith('unenv/mock/'))) return { path: args.path, namespace: 'unenv-cjs' };
        return { path: resolved[args.path], external: external.includes(target) };
      });
      b.onLoad({ filter: /.*/, namespace: 'unenv-cjs' }, (args) => ({
        contents: `import * as esm from ${JSON.stringify(resolved[args.path])};\nmodule.exports = Object.entries(esm).filter(([k]) => k !== 'default').reduce((cjs, [k, value]) => Object.defineProperty(cjs, k, { value, enumerable: true }), 'default' in esm ? esm.default : {});`,
        loader: 'js',
        resolveDir: here,
      }));
    },
  };
}

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
    alias: { fs: path.join(here, 'src/no-fs.ts'), '@secretlint/profiler': path.join(here, 'src/no-profiler.ts') },
    plugins: [nodejsCompat()],
    logLevel: 'error',
  });
  return outfile;
}
