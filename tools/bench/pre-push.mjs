// The push gate (docs/contract.md §11, ADR-0022): the pre-push hook's cost for 1 and for 100 pushed notes, in the
// 10,000-note store and in a 100-note one. Its cost must follow the notes pushed, not the store: the
// same push costs about the same in either store (≤ 1.2, as the commit door's figure). Each figure is
// the whole `canon pre-push` process, fed the refs git would write on its stdin, median of interleaved
// runs. The pushed commits are made as the commit door makes them (`canon pre-commit`, then commit).
// Standalone: node tools/bench/pre-push.mjs [--sessions N] builds its own stores.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, timeMs } from './measure.mjs';

const RUNS = 7;
const GROWTH_BUDGET = 1.2;

function git(dir, args, env) {
  const r = spawnSync('git', args, { cwd: dir, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Commits on a branch from `base` that change `count` session notes, made valid by canon's own pre-commit. */
function pushedCommit(dir, canonBin, env, base, count, label) {
  git(dir, ['checkout', '-q', '-B', `bench-push-${label}`, base], env);
  const names = readdirSync(path.join(dir, 'docs/sessions'))
    .filter((n) => /^[A-Z]{2}-\d{6}-\d{2}\.md$/.test(n))
    .sort()
    .slice(0, count);
  if (names.length < count) throw new Error(`the store has ${names.length} sessions, fewer than ${count}`);
  const files = names.map((n) => path.join('docs/sessions', n));
  for (const rel of files) {
    const file = path.join(dir, rel);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^summary: .*$/m, `summary: pushed in the bench (${label})`));
  }
  git(dir, ['add', '--', ...files], env);
  const door = spawnSync(process.execPath, [canonBin, 'pre-commit'], { cwd: dir, env, encoding: 'utf8' });
  if (door.status !== 0) throw new Error(`canon pre-commit failed: ${door.stderr}`);
  git(dir, ['commit', '-q', '--no-verify', '-m', `bench: ${count} pushed note(s)`], env);
  const sha = git(dir, ['rev-parse', 'HEAD'], env);
  git(dir, ['checkout', '-q', base], env);
  return sha;
}

/** One timed run of the gate: what `git push` runs, without the transfer. */
function gateMs(dir, canonBin, env, sha, base) {
  let result;
  const ms = timeMs(() => {
    result = spawnSync(process.execPath, [canonBin, 'pre-push', 'bench', '/dev/null/bench.git'], {
      cwd: dir,
      env,
      input: `refs/heads/main ${sha} refs/heads/main ${base}\n`,
      encoding: 'utf8',
    });
  });
  if (result.status !== 0) throw new Error(`canon pre-push refused a clean push (exit ${result.status}): ${result.stderr}`);
  return ms;
}

export async function run({ storeDir, smallDir, canonBin, nodeBaselineMs, log, line }) {
  const env = { ...process.env, NO_COLOR: '1', TZ: 'UTC', HUSKY: '0' };
  delete env.CANON_HOOKS;
  const stores = { large: storeDir, ...(smallDir ? { small: smallDir } : {}) };
  const cases = [];
  for (const [store, dir] of Object.entries(stores)) {
    const base = git(dir, ['rev-parse', 'HEAD'], env);
    for (const count of [1, 100]) cases.push({ store, dir, count, base, sha: pushedCommit(dir, canonBin, env, base, count, `${store}-${count}`), times: [] });
  }
  for (const c of cases) gateMs(c.dir, canonBin, env, c.sha, c.base); // warm-up
  for (let i = 0; i < RUNS; i++) for (const c of cases) c.times.push(gateMs(c.dir, canonBin, env, c.sha, c.base));
  const ms = (store, count) => median(cases.find((c) => c.store === store && c.count === count).times);
  const one = ms('large', 1);
  const hundred = ms('large', 100);
  log(
    `     pre-push gate in the 10k store: 1 pushed note ${one.toFixed(0)} ms (${(one / nodeBaselineMs).toFixed(1)}× node -e 0), ` +
      `100 pushed notes ${hundred.toFixed(0)} ms; 100 ÷ 1 = ${(hundred / one).toFixed(2)}, ${((hundred - one) / 99).toFixed(1)} ms per further note`,
  );
  if (stores.small) {
    for (const count of [1, 100]) {
      const growth = ms('large', count) / ms('small', count);
      line(
        `pre-push gate, ${count} pushed note(s), 10k-note store ÷ 100-note store`,
        `${growth.toFixed(2)} (${ms('large', count).toFixed(0)} ms vs ${ms('small', count).toFixed(0)} ms)`,
        `≤ ${GROWTH_BUDGET}: grows with the notes pushed, not the store`,
        growth <= GROWTH_BUDGET,
      );
    }
  }
  for (const c of cases) {
    git(c.dir, ['checkout', '-q', c.base], env);
    git(c.dir, ['branch', '-q', '-D', `bench-push-${c.store}-${c.count}`], env);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { createStoreRepo, nodeBaselineMs } = await import('./bench.mjs');
  const i = process.argv.indexOf('--sessions');
  const sessions = i === -1 ? 10000 : Number(process.argv[i + 1]);
  const large = createStoreRepo(sessions, 200, 'push-large');
  const small = createStoreRepo(100, 10, 'push-small');
  const canonBin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'canon.js');
  const line = (label, value, budget, ok) => console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}: ${value}${budget ? ` (budget ${budget})` : ''}`);
  try {
    await run({ storeDir: large, smallDir: small, canonBin, nodeBaselineMs: nodeBaselineMs(), log: console.log, line });
  } finally {
    for (const dir of [large, small]) rmSync(dir, { recursive: true, force: true });
  }
}
