// Builds canon: the CLI (code-split so each command loads only what it needs) and, when present,
// the standalone hook bundles. Type-checking is `tsc --noEmit` (npm run typecheck); esbuild only strips.
import { build } from 'esbuild';
import { chmodSync, existsSync, rmSync } from 'node:fs';

// Bundled CommonJS dependencies expect require/__filename/__dirname; ESM output provides none of them.
const requireShim = [
  "import { createRequire as __canonCreateRequire } from 'node:module';",
  "import { fileURLToPath as __canonFileURLToPath } from 'node:url';",
  'const require = __canonCreateRequire(import.meta.url);',
  'const __filename = __canonFileURLToPath(import.meta.url);',
  "const __dirname = __canonFileURLToPath(new URL('.', import.meta.url));",
].join(' ');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'esm', legalComments: 'none', logLevel: 'warning' };

rmSync('dist', { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { canon: 'tools/bin/canon.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: requireShim },
});
chmodSync('dist/canon.js', 0o755);

// Hook bundles import only Node built-ins and are committed, so a fresh clone works before any build
// (Claude Code runs them as `node <file>`; see SPEC §5).
for (const [entry, out] of [['tools/bin/hook-post-tool-use.ts', '.claude/hooks/post-tool-use.mjs']]) {
  if (!existsSync(entry)) continue;
  await build({ ...common, entryPoints: [entry], outfile: out, packages: 'external', minify: false });
}
