// npm run bench [-- --sessions N] : the performance budgets of docs/contract.md §11, measured on a seeded synthetic
// store in temporary git repositories. Every figure is printed as a ratio to a baseline taken in the
// same run, so the numbers mean the same on a fast or a slow machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CANON_ROOT, installCanonHooks } from '../install-hooks.mjs';
import { generateStore } from './store.mjs';
import { median, timeMs } from './measure.mjs';

const CANON_BIN = path.join(CANON_ROOT, 'dist', 'canon.js');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}
const SESSIONS = arg('--sessions', 10000);
// --only validate,precommit,precommit-links,hook,resume,session-start,handoff,sync,worker,render,pre-push : run some figures only.
const onlyIndex = process.argv.indexOf('--only');
const ONLY = onlyIndex === -1 ? null : new Set(process.argv[onlyIndex + 1].split(','));
const wanted = (name) => ONLY === null || ONLY.has(name);
const WORKSTREAMS = arg('--workstreams', 200);

/** Median wall time of `node -e 0`: the cost of starting Node at all, the unit of every ratio. */
export function nodeBaselineMs(runs = 15) {
  return median(Array.from({ length: runs }, () => timeMs(() => execFileSync(process.execPath, ['-e', '0']))));
}

const home = mkdtempSync(path.join(os.tmpdir(), 'canon-bench-home-'));
const env = { ...process.env, HOME: home, GIT_CONFIG_NOSYSTEM: '1', TZ: 'UTC', HUSKY: undefined, CANON_HOOKS: undefined };
delete env.HUSKY;
delete env.CANON_HOOKS;

function git(dir, args, extraEnv = {}) {
  const r = spawnSync('git', args, { cwd: dir, env: { ...env, ...extraEnv }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A temporary git repository holding a synthetic store, committed without hooks. */
export function createStoreRepo(sessions, workstreams, label) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `canon-bench-${label}-`));
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['config', 'user.name', 'Bench']);
  git(dir, ['config', 'user.email', 'roman@example.com']);
  git(dir, ['config', 'commit.gpgsign', 'false']);
  generateStore(dir, { sessions, workstreams });
  writeFileSync(path.join(dir, '.gitignore'), 'node_modules\ndist\n.claude/state/\n');
  execFileSync(process.execPath, [CANON_BIN, 'index'], { cwd: dir, env, stdio: 'ignore' });
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'synthetic store'], { HUSKY: '0' });
  return dir;
}

/** Install canon's hooks as `npm install` would, and commit them. */
export function installHooks(dir) {
  installCanonHooks(dir, env);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'hooks'], { HUSKY: '0' });
}

/**
 * Canon's pre-commit overhead and that of bare husky + lint-staged running a no-op task, in one
 * store: the median time of committing one changed session note with canon's hooks, with the bare
 * hook, and with HUSKY=0, interleaved run by run so that drift on a shared machine hits all three.
 */
function precommitOverhead(dir, runs, { wikilink = false, codeOnly = false } = {}) {
  const sessions = readdirSync(path.join(dir, 'docs/sessions'))
    .filter((n) => /^[A-Z]{2}-\d{6}-\d{2}\.md$/.test(n))
    .sort((a, b) => (a.slice(3) < b.slice(3) ? 1 : -1));
  const newest = sessions[0];
  // With `wikilink`, every commit's note holds `[[<another session>]]` for the door to resolve and rewrite.
  const link = wikilink ? `\nFollows [[${sessions[1].slice(0, -3)}]] and [[ws-001]].\n` : '';
  // With `codeOnly`, every commit stages one source file and no note: canon's hook should cost little more than starting node.
  const file = codeOnly ? path.join(dir, 'src/bench.js') : path.join(dir, 'docs/sessions', newest);
  if (codeOnly) mkdirSync(path.dirname(file), { recursive: true });
  const original = codeOnly ? '' : readFileSync(file, 'utf8');
  const hook = path.join(dir, '.husky/pre-commit');
  const rc = path.join(dir, '.lintstagedrc.json');
  // canon's hook needs no lint-staged config (its block checks the staged notes itself).
  const canonHook = { hook: readFileSync(hook, 'utf8'), rc: null };
  // The bare baseline: the same husky, lint-staged with a no-op task and nothing else in the hook.
  const bareHook = { hook: 'lint-staged --quiet\n', rc: JSON.stringify({ '*.md': 'true' }) };
  const times = { canon: [], bare: [], plain: [] };
  let n = 0;
  const commitOnce = (setup, extraEnv) => {
    if (setup) {
      writeFileSync(hook, setup.hook);
      if (setup.rc === null) rmSync(rc, { force: true });
      else writeFileSync(rc, setup.rc);
    }
    writeFileSync(file, codeOnly ? `export const summary = ${n++};\n` : original.replace(/^summary: .*$/m, `summary: bench edit ${n++}`) + link);
    git(dir, ['add', file]);
    return timeMs(() => git(dir, ['commit', '-q', '-m', `bench ${n}`], extraEnv));
  };
  commitOnce(canonHook, {}); // warm-up: caches, page cache, the first month page
  for (let i = 0; i < runs; i++) {
    times.plain.push(commitOnce(null, { HUSKY: '0' }));
    times.canon.push(commitOnce(canonHook, {}));
    times.bare.push(commitOnce(bareHook, {}));
  }
  writeFileSync(hook, canonHook.hook);
  rmSync(rc, { force: true });
  const plain = median(times.plain);
  return { canon: median(times.canon) - plain, bare: median(times.bare) - plain, plain };
}

function line(label, value, budget, ok) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}: ${value}${budget ? ` (budget ${budget})` : ''}`);
  if (!ok) process.exitCode = 1;
}

async function main() {
  if (!existsSync(CANON_BIN)) throw new Error('dist/canon.js is missing: run `npm run build` first');
  const node = nodeBaselineMs();
  console.log(`baseline: node -e 0 median ${node.toFixed(1)} ms; store: ${SESSIONS} sessions + ${WORKSTREAMS} workstreams`);
  const store = createStoreRepo(SESSIONS, WORKSTREAMS, 'large');
  const small = createStoreRepo(100, 10, 'small');
  try {
    // validate --all: whole-process time, start-up included.
    const files = SESSIONS + WORKSTREAMS;
    if (wanted('validate')) {
      const validateMs = median(
        Array.from({ length: 3 }, () => timeMs(() => execFileSync(process.execPath, [CANON_BIN, 'validate', '--all'], { cwd: store, env, stdio: 'ignore' }))),
      );
      const rate = files / (validateMs / 1000);
      line('validate --all throughput', `${Math.round(rate)} notes/s (${files} notes in ${validateMs.toFixed(0)} ms)`, '≥ 5,000 notes/s', rate >= 5000);
    }

    if (wanted('precommit')) {
      installHooks(store);
      installHooks(small);
      const runs = 11;
      const large = precommitOverhead(store, runs);
      const little = precommitOverhead(small, runs);
      const ratio = large.canon / large.bare;
      line(
        'pre-commit overhead, 1 staged note ÷ bare husky + lint-staged no-op',
        `${ratio.toFixed(2)} (canon ${large.canon.toFixed(0)} ms, bare ${large.bare.toFixed(0)} ms)`,
        '≤ 2',
        ratio <= 2,
      );
      console.log(
        `     lint-staged's own share grows with the repository (bare: ${large.bare.toFixed(0)} ms vs ${little.bare.toFixed(0)} ms); ` +
          `canon's work above it: ${(large.canon - large.bare).toFixed(0)} ms vs ${(little.canon - little.bare).toFixed(0)} ms`,
      );
      // A commit that stages no note (the common one in a team's repository): canon only looks at the staged paths.
      const code = precommitOverhead(store, runs, { codeOnly: true });
      console.log(
        `     code-only commit (one source file, no note): canon ${code.canon.toFixed(0)} ms, bare ${code.bare.toFixed(0)} ms above a commit without hooks (${code.plain.toFixed(0)} ms)`,
      );
      const growth = large.canon / little.canon;
      line(
        `pre-commit overhead, ${SESSIONS}-note store ÷ 100-note store`,
        `${growth.toFixed(2)} (${large.canon.toFixed(0)} ms vs ${little.canon.toFixed(0)} ms)`,
        '≤ 1.2',
        growth <= 1.2,
      );
    }

    if (wanted('precommit-links')) {
      // The same commit, but the note holds wikilinks: the markdown parser loads and the note ids are listed.
      if (!wanted('precommit')) {
        installHooks(store);
        installHooks(small);
      }
      const runs = 11;
      const large = precommitOverhead(store, runs, { wikilink: true });
      const little = precommitOverhead(small, runs, { wikilink: true });
      const ratio = large.canon / large.bare;
      line(
        'pre-commit overhead, 1 staged note with 2 wikilinks ÷ bare husky + lint-staged no-op',
        `${ratio.toFixed(2)} (canon ${large.canon.toFixed(0)} ms, bare ${large.bare.toFixed(0)} ms)`,
        '≤ 2',
        ratio <= 2,
      );
      const growth = large.canon / little.canon;
      line(
        `pre-commit overhead with wikilinks, ${SESSIONS}-note store ÷ 100-note store`,
        `${growth.toFixed(2)} (${large.canon.toFixed(0)} ms vs ${little.canon.toFixed(0)} ms; commits without hooks ${large.plain.toFixed(0)} ms vs ${little.plain.toFixed(0)} ms)`,
        '≤ 1.2',
        growth <= 1.2,
      );
    }

    // Figures owned by other parts of canon, each in its own module.
    for (const name of ['hook', 'resume', 'session-start', 'handoff', 'sync', 'worker', 'render', 'pre-push']) {
      if (!wanted(name)) continue;
      const file = path.join(CANON_ROOT, 'tools/bench', `${name}.mjs`);
      if (!existsSync(file)) continue;
      const mod = await import(file);
      if (typeof mod.run === 'function')
        await mod.run({ storeDir: store, smallDir: small, canonBin: CANON_BIN, nodeBaselineMs: node, log: (text) => console.log(text), line });
    }
  } finally {
    for (const dir of [store, small, home]) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
