import { describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import path from 'node:path';

/**
 * The sync core (ADR-0017) runs unchanged in Node and in the Workers runtime: nothing it reaches
 * may import a Node built-in or use a Node-only global. Bundled for a neutral platform, every
 * built-in it imports shows up as an unresolved import; allowed are node:crypto's createHash (workerd
 * has it under nodejs_compat) and two requires in dependencies that canon never reaches (gray-matter's
 * fs, the Notion SDK's webhook crypto).
 */
const ENTRY = path.resolve('tools/sync/index.ts');
const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const ALLOWED = [
  // createHash('sha256') for content_hash: workerd provides node:crypto under nodejs_compat, which the
  // Worker runs with (a JavaScript sha256 made validate --all five times slower in Node).
  'node:crypto <- tools/core/content-hash.ts',
  // matter.read, never called; the Worker bundle aliases fs to an empty module.
  'fs <- node_modules/gray-matter/index.js',
  // Webhook signatures only, a lazy require in a try, after globalThis.crypto.subtle.
  'crypto <- node_modules/@notionhq/client/build/src/webhooks.js',
];

describe('the sync core is host-neutral', () => {
  it('imports no Node built-in (outside the one gray-matter require the Worker stubs)', async () => {
    const found: { name: string; importer: string }[] = [];
    const result = await build({
      entryPoints: [ENTRY],
      bundle: true,
      write: false,
      platform: 'neutral',
      format: 'esm',
      mainFields: ['module', 'main'],
      conditions: ['workerd', 'worker', 'browser'],
      logLevel: 'silent',
      metafile: true,
      plugins: [
        {
          name: 'builtins',
          setup(b) {
            b.onResolve({ filter: /.*/ }, (args) => {
              if (!BUILTINS.has(args.path)) return undefined;
              // A dependency is named from node_modules/ on, wherever that folder really is (a worktree may link it).
              const importer = path.relative(process.cwd(), args.importer).replace(/^(?:\.\.\/)+.*?\/node_modules\//, 'node_modules/');
              found.push({ name: args.path, importer });
              return { path: args.path, external: true };
            });
          },
        },
      ],
    });
    expect(result.errors).toEqual([]);
    const unexpected = found.map((f) => `${f.name} <- ${f.importer}`).filter((f) => !ALLOWED.includes(f));
    expect(unexpected).toEqual([]);
    // canon's own files in the core: none of them names a Node built-in or a Node-only global.
    const own = Object.keys(result.metafile!.inputs).filter((file) => file.startsWith('tools/'));
    expect(own).toEqual(expect.arrayContaining(['tools/sync/engine.ts', 'tools/sync/notion.ts', 'tools/sync/sync-plan.ts', 'tools/sync/notion-markdown.ts']));
    const { readFileSync } = await import('node:fs');
    for (const file of own) {
      const text = readFileSync(file, 'utf8');
      expect({ file, globals: text.match(/\b(?:process\.|Buffer\.|__dirname|__filename|require\()/g) ?? [] }).toEqual({ file, globals: [] });
    }
  });
});
