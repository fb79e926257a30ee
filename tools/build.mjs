// Builds canon: the CLI (code-split so each command loads only what it needs) and, when present,
// the standalone hook bundles. Type-checking is `tsc --noEmit` (npm run typecheck); esbuild only strips.
//
// Outputs are written file by file through a temp file + rename, and chunks from earlier builds are
// kept for a while: a canon process (a test, a hook) running during a rebuild never sees half a file.
import { build } from 'esbuild';
import { _ } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { readFileSync } from 'node:fs';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fsWithoutFacade, HOOK_BUNDLES, hookBundleOptions } from './hook-bundles.mjs';

// Bundled CommonJS dependencies expect require/__filename/__dirname; ESM output provides none of them.
const requireShim = [
  "import { createRequire as __canonCreateRequire } from 'node:module';",
  "import { fileURLToPath as __canonFileURLToPath } from 'node:url';",
  'const require = __canonCreateRequire(import.meta.url);',
  'const __filename = __canonFileURLToPath(import.meta.url);',
  "const __dirname = __canonFileURLToPath(new URL('.', import.meta.url));",
].join(' ');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'esm', legalComments: 'none', logLevel: 'warning', write: false };

function writeAtomically(file, contents, mode = 0o644) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents, { mode });
  renameSync(tmp, file);
}

// The entry (dist/canon.js) is one file: the plain `canon resume` runs from it alone, without
// loading a dozen chunks (ADR-0016); every other command imports the code-split command line.
// No require shim: nothing the entry bundles calls require, and importing node:module for it costs
// the warm resume (ADR-0040); a dependency that needs one fails the entry's tests at once.
const entry = await build({
  ...common,
  entryPoints: ['tools/bin/canon.ts'],
  outfile: 'dist/canon.js',
  external: ['./cli.js'],
  // fs without an ESM facade, as in the hook bundles (tools/hook-bundles.mjs).
  plugins: [fsWithoutFacade],
});
// gray-matter loads js-yaml for its default YAML engine, and js-yaml 3 tries require('esprima') for
// its JavaScript types: about 25 ms of every process that reads a note, for code canon never runs.
// canon gives gray-matter its own YAML engine on every call and refuses code engines
// (core/frontmatter.ts), so js-yaml's two functions that gray-matter binds at load are stubs here.
const grayMatterWithoutJsYaml = {
  name: 'gray-matter-without-js-yaml',
  setup(b) {
    b.onResolve({ filter: /^js-yaml$/ }, (args) => (/[\\/]gray-matter[\\/]/.test(args.importer) ? { path: 'js-yaml', namespace: 'canon-stub' } : undefined));
    b.onLoad({ filter: /^js-yaml$/, namespace: 'canon-stub' }, () => ({
      contents:
        "const unused = () => { throw new Error('canon parses front matter with its own YAML engine (core/frontmatter.ts)'); };\n" +
        'module.exports = { safeLoad: unused, safeDump: unused };\n',
      loader: 'js',
    }));
  },
};
const cli = await build({
  ...common,
  entryPoints: { cli: 'tools/bin/cli.ts' },
  plugins: [grayMatterWithoutJsYaml],
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: requireShim },
  // husky copies its `h` script from beside its own module: it must stay a real package.
  external: ['husky'],
});
const written = new Set();
for (const out of [...entry.outputFiles, ...cli.outputFiles]) {
  written.add(out.path);
  writeAtomically(out.path, out.contents, out.path.endsWith(`${path.sep}canon.js`) ? 0o755 : 0o644);
}
// Drop chunks of earlier builds once no process can still be loading them.
const chunks = path.resolve('dist/chunks');
for (const name of existsSync(chunks) ? readdirSync(chunks) : []) {
  const file = path.join(chunks, name);
  // `--clean` (npm pack's prepack): a package ships only this build's chunks.
  const stale = process.argv.includes('--clean') || Date.now() - statSync(file).mtimeMs > 10 * 60 * 1000;
  if (!written.has(file) && stale) rmSync(file, { force: true });
}

// Schemas compiled ahead of time (ajv standalone): compiling them at run time costs ~150 ms per
// process, which every pre-commit would pay. tools/io/schemas.ts loads this file when it is current.
{
  const addFormats = addFormatsModule.default ?? addFormatsModule;
  const standaloneCode = standaloneModule.default ?? standaloneModule;
  const read = (name) => JSON.parse(readFileSync(`schemas/${name}.schema.json`, 'utf8'));
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    strict: true,
    allowUnionTypes: true,
    code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` },
  });
  addFormats(ajv);
  ajv.addSchema(read('common'));
  const refs = {};
  for (const name of ['session', 'workstream', 'plan', 'adr', 'learning', 'config', 'operators']) {
    const schema = read(name);
    ajv.addSchema(schema);
    refs[name] = schema.$id;
  }
  writeAtomically('dist/validators.cjs', standaloneCode(ajv, refs));
}

// Hook bundles import only Node built-ins and are committed, so a fresh clone works before any build
// (Claude Code runs them as `node <file>`; see docs/contract.md §5). The two bundles and the code they
// share (tools/hook-bundles.mjs's HOOK_FILES) go, the same bytes, to canon's own .claude/hooks/ and to
// the Claude Code plugin's hooks/ folder (ADR-0028).
if (HOOK_BUNDLES.every(([entry]) => existsSync(entry))) {
  const hooks = await build(hookBundleOptions());
  for (const out of hooks.outputFiles) {
    writeAtomically(out.path, out.contents);
    writeAtomically(path.resolve('plugin/hooks', path.basename(out.path)), out.contents);
  }
}
