// Bench: sync of 100 changed notes against the fake Notion server at Notion's real pace (3 req/s),
// compared with the floor that pace sets (requests ÷ 3 s), and the requests an unchanged store costs.
// `export run(ctx)` for tools/bench/bench.mjs; `node tools/bench/sync.mjs` runs it alone.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeNotion } from '../fake-notion/server.mjs';

const NOTES = 100;
const RATE = 3;
const BUDGET = 1.1;

function note(i) {
  // Session ids run NN = 01..99 per day, so 100 notes span two days.
  const id = `RT-2605${10 + Math.floor((i - 1) / 50)}-${String(((i - 1) % 50) + 1).padStart(2, '0')}`;
  return [
    id,
    `---\ntitle: Bench session ${i}\noperator: roman\nsummary: Synthetic note ${i}.\ntags: [bench]\nkind: session\nexternal_id: ${id}\ndate: 2026-05-11\n---\n` +
      `## Summary\n\nSynthetic note ${i}, with **some** text.\n\n- one\n- two\n\n## Resume Prompt\n\nCarry on.\n`,
  ];
}

function runCanon(canonBin, cwd, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [canonBin, 'sync', '--apply', '--json'], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** @param {{ storeDir?: string, canonBin: string, log: (line: string) => void }} ctx */
export async function run(ctx) {
  // The 10k-note store is never synced; this figure needs a store whose every note has a page, so
  // it builds its own small repository beside it.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'canon-bench-sync-'));
  const fake = await startFakeNotion({ rateLimit: { rps: RATE, burst: 5 } });
  try {
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    mkdirSync(path.join(dir, 'docs/sessions'), { recursive: true });
    for (let i = 1; i <= NOTES; i++) {
      const [id, text] = note(i);
      writeFileSync(path.join(dir, `docs/sessions/${id}.md`), text);
    }
    execFileSync('git', ['add', '-A'], { cwd: dir });
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@canon.invalid', 'commit', '-q', '-m', 'notes'], { cwd: dir });
    const env = { ...process.env, NOTION_TOKEN: fake.token, NOTION_BASE_URL: fake.baseUrl, NOTION_DATABASE_ID: fake.databaseId };
    delete env.CANON_NOTION_RPS;
    const started = performance.now();
    const first = await runCanon(ctx.canonBin, dir, env);
    const seconds = (performance.now() - started) / 1000;
    if (first.code !== 0) throw new Error(`sync failed (exit ${first.code}): ${first.stderr}`);
    const result = JSON.parse(first.stdout);
    const requests = result.requests;
    const floor = requests / RATE;
    const ratio = seconds / floor;
    const limited = fake.requests.filter((r) => r.status === 429).length;
    ctx.log(
      `sync of ${NOTES} changed notes against the fake server at ${RATE} req/s: ${requests} requests in ${seconds.toFixed(1)} s, ` +
        `floor ${floor.toFixed(1)} s, ratio ${ratio.toFixed(2)} (budget ≤ ${BUDGET.toFixed(2)})${limited ? `, ${limited} answered 429` : ''}`,
    );
    const before = fake.requests.length;
    const second = await runCanon(ctx.canonBin, dir, env);
    if (second.code !== 0) throw new Error(`second sync failed (exit ${second.code}): ${second.stderr}`);
    const spent = fake.requests.length - before;
    ctx.log(`unchanged store: ${spent} requests (budget 0)`);
    return { requests, seconds, floor, ratio, unchangedRequests: spent, ok: ratio <= BUDGET && spent === 0 };
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const outcome = await run({ canonBin: path.join(root, 'dist', 'canon.js'), log: (line) => console.log(line) });
  process.exitCode = outcome.ok ? 0 : 1;
}
