// `canon render` on the bench store (docs/contract.md §11): the whole site from cold ≤ 10 s, one changed note
// ≤ 1 s, whole-process wall time into a fresh out folder outside the repository.
// Standalone: node tools/bench/render.mjs [--sessions N] builds its own store.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, timeMs } from './measure.mjs';

const COLD_BUDGET_MS = 10000;
const CHANGED_BUDGET_MS = 1000;
const CHANGED_RUNS = 5;

export async function run({ storeDir, canonBin, nodeBaselineMs, log, line }) {
  const env = { ...process.env, NO_COLOR: '1', TZ: 'UTC' };
  const outParent = mkdtempSync(path.join(os.tmpdir(), 'canon-bench-site-'));
  const out = path.join(outParent, 'site');
  const render = (extra = []) => {
    const result = spawnSync(process.execPath, [canonBin, 'render', '--out', out, '--json', ...extra], {
      cwd: storeDir,
      env,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) throw new Error(`canon render failed (exit ${result.status}): ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  const report = (label, ms, budget, detail) => {
    const text = `${ms.toFixed(0)} ms (${(ms / nodeBaselineMs).toFixed(1)}× node -e 0${detail ? `; ${detail}` : ''})`;
    if (line) line(label, text, `≤ ${budget} ms`, ms <= budget);
    else log(`${label}: ${text}, budget ≤ ${budget} ms`);
  };
  try {
    let cold;
    const coldMs = timeMs(() => (cold = render()));
    report('render cold (whole site)', coldMs, COLD_BUDGET_MS, `${cold.written.length} pages`);

    // The notes are older than the two-second racy window, as in any real clone: the manifest's
    // stats are trusted and unchanged notes are not read.
    await new Promise((r) => setTimeout(r, 2100));
    render();
    const sessions = path.join(storeDir, 'docs/sessions');
    const newest = readdirSync(sessions)
      .filter((n) => /^[A-Z]{2}-\d{6}-\d{2}\.md$/.test(n))
      .sort((a, b) => (a.slice(3) < b.slice(3) ? 1 : -1))[0];
    const file = path.join(sessions, newest);
    const original = readFileSync(file, 'utf8');
    let last;
    const times = Array.from({ length: CHANGED_RUNS }, (_, i) => {
      writeFileSync(file, original.replace(/^## Summary\n/m, `## Summary\n\nbench edit ${i}\n`));
      return timeMs(() => (last = render()));
    });
    writeFileSync(file, original);
    if (last.written.length > 2) throw new Error(`one changed note re-rendered ${last.written.length} pages: ${last.written.slice(0, 5).join(', ')}…`);
    report('render, one changed note', median(times), CHANGED_BUDGET_MS, `${last.written.length} page(s) written, ${last.unchanged} unchanged`);
    log(`     render: site of ${cold.pages} pages, ${(statSync(path.join(out, '.canon-render.json')).size / 1e6).toFixed(1)} MB manifest`);
  } finally {
    rmSync(outParent, { recursive: true, force: true });
  }
}

// Standalone use, without the rest of `npm run bench`.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const i = process.argv.indexOf('--sessions');
  const sessions = i === -1 ? 10000 : Number(process.argv[i + 1]);
  const { generateStore } = await import('./store.mjs');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'canon-bench-render-'));
  try {
    spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    generateStore(dir, { sessions, workstreams: 200 });
    const node = median(Array.from({ length: 9 }, () => timeMs(() => spawnSync(process.execPath, ['-e', '0']))));
    await run({ storeDir: dir, canonBin: path.join(root, 'dist', 'canon.js'), nodeBaselineMs: node, log: (text) => console.log(text), line: null });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
