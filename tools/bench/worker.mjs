// Bench: the Notion Worker (workers/notion-sync) in workerd, through miniflare, against the fake GitHub
// and the fake Notion on 127.0.0.1. A 1,000-note store is mirrored once (not measured), one note is
// edited, and the incremental run is measured:
//   worker incremental (1 changed of 1,000): N GitHub + M Notion requests, X s
// Budget: ≤ 6 GitHub requests (head, tree, one blob, tree + commit + ref of the write-back), ≤ 2
// Notion requests (the edit, and the properties if they changed), ≤ 2 s. `export run(ctx)` for
// tools/bench/bench.mjs; `node tools/bench/worker.mjs` runs it alone.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorker } from '../../workers/notion-sync/bundle.mjs';
import { startFakeGitHub } from '../fake-github/server.mjs';
import { startFakeNotion } from '../fake-notion/server.mjs';

const NOTES = 1000;
const BUDGET = { github: 6, notion: 2, seconds: 2 };

function note(i) {
  const id = `RT-26${String(Math.floor((i - 1) / 99) + 1).padStart(2, '0')}11-${String(((i - 1) % 99) + 1).padStart(2, '0')}`;
  return [
    `docs/sessions/${id}.md`,
    `---\ntitle: Bench session ${i}\noperator: roman\nsummary: Synthetic note ${i}.\ntags: [bench]\nkind: session\nexternal_id: ${id}\ndate: 2026-05-11\n---\n## Summary\n\nSynthetic note ${i}, with **some** text.\n\n- one\n- two\n`,
  ];
}

/** @param {{ log: (line: string) => void }} ctx */
export async function run(ctx) {
  const log = ctx.log ?? console.log;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'canon-bench-worker-'));
  let Miniflare;
  try {
    ({ Miniflare } = await import('miniflare'));
  } catch {
    log('skip worker incremental: miniflare is not installed');
    return;
  }
  const github = await startFakeGitHub({ files: Object.fromEntries(Array.from({ length: NOTES }, (_, i) => note(i + 1))) });
  const notion = await startFakeNotion({ token: 'ntn_bench_worker', rateLimit: { rps: 100000, burst: 100000 } });
  let mf;
  try {
    const script = await bundleWorker(path.join(dir, 'worker.mjs'));
    mf = new Miniflare({
      // One ES module, named as such: miniflare does not parse the bundle to find its imports (about 1 s of CPU a start).
      modules: [{ type: 'ESModule', path: script }],
      modulesRoot: dir,
      compatibilityDate: '2025-09-01',
      compatibilityFlags: ['nodejs_compat'],
      durableObjects: { SYNC: { className: 'SyncRunner', useSQLite: true } },
      bindings: {
        RUN_TOKEN: 'bench',
        GITHUB_REPOSITORY: github.repository,
        GITHUB_BRANCH: github.branch,
        GITHUB_API_URL: github.apiUrl,
        GITHUB_TOKEN: github.token,
        NOTION_TOKEN: notion.token,
        NOTION_DATABASE_ID: notion.databaseId,
        NOTION_BASE_URL: notion.baseUrl,
        NOTION_RPS: '100000',
        SYNC_BATCH: String(NOTES),
      },
    });
    const post = async () => (await mf.dispatchFetch('http://worker/run', { method: 'POST', headers: { authorization: 'Bearer bench' } })).json();
    const first = await post();
    if (first.status !== 'ran' || first.summary.counts.create !== NOTES)
      throw new Error(`the first run did not mirror the store: ${JSON.stringify(first).slice(0, 300)}`);
    const [file] = note(500);
    github.commitFiles({ [file]: github.readFile(file).replace('with **some** text.', 'with **some** more text.') }, 'edit one note');
    github.requests.length = 0;
    notion.requests.length = 0;
    const started = performance.now();
    const incremental = await post();
    const seconds = (performance.now() - started) / 1000;
    const gh = github.requests.length;
    const nt = notion.requests.length;
    const ok =
      incremental.status === 'ran' && incremental.summary.counts.update === 1 && gh <= BUDGET.github && nt <= BUDGET.notion && seconds <= BUDGET.seconds;
    log(
      `${ok ? 'PASS' : 'FAIL'} worker incremental (1 changed of 1,000): ${gh} GitHub + ${nt} Notion requests, ${seconds.toFixed(2)} s (budget ≤ ${BUDGET.github} GitHub + ≤ ${BUDGET.notion} Notion, ≤ ${BUDGET.seconds} s)`,
    );
    if (!ok) process.exitCode = 1;
  } finally {
    await mf?.dispose();
    await github.close();
    await notion.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  run({ log: (line) => console.log(line) }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
