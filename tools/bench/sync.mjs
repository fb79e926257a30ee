// Bench: `canon sync` against the fake Notion server at Notion's real pace (3 req/s), the figures of ADR-0012:
// - 100 new notes: ≤ 110 requests, and the run within 10 % of the floor that pace sets (requests ÷ 3 s);
// - an unchanged store: 0 requests;
// - a one-word edit in a 300-line note: ≤ 2 requests and ≤ 2 s;
// - 100 notes, each edited by one word: ≤ 200 requests.
// Each prints a PASS or FAIL line. `export run(ctx)` for tools/bench/bench.mjs; `node tools/bench/sync.mjs`
// runs it alone (`--version 2026-12-01` measures the other Notion-Version).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeNotion } from '../fake-notion/server.mjs';

const NOTES = 100;
const RATE = 3;
const FLOOR_BUDGET = 1.1;

function idOf(i) {
  // Session ids run NN = 01..99 per day, so 100 notes span two days.
  return `RT-2605${10 + Math.floor((i - 1) / 50)}-${String(((i - 1) % 50) + 1).padStart(2, '0')}`;
}

function note(i) {
  const id = idOf(i);
  // Note 1 is the long one: 300 lines of prose, lists and a table.
  const body =
    i === 1
      ? `## Summary\n\n${Array.from({ length: 100 }, (_, k) => `Paragraph ${k} of the long note, with **some** text in it.`).join('\n\n')}\n\n` +
        `${Array.from({ length: 100 }, (_, k) => `- item ${k}`).join('\n')}\n\n| k | v |\n| - | - |\n${Array.from({ length: 96 }, (_, k) => `| ${k} | value ${k} |`).join('\n')}\n`
      : `## Summary\n\nSynthetic note ${i}, with **some** text.\n\n- one\n- two\n\n## Resume Prompt\n\nCarry on.\n`;
  return [
    id,
    `---\ntitle: Bench session ${i}\noperator: roman\nsummary: Synthetic note ${i}.\ntags: [bench]\nkind: session\nexternal_id: ${id}\ndate: 2026-05-11\n---\n${body}`,
  ];
}

function runCanon(canonBin, cwd, env) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [canonBin, 'sync', '--apply', '--json'], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      if (code !== 0) return resolve({ code, stderr, seconds: 0, result: null });
      resolve({ code, stderr, seconds: (performance.now() - started) / 1000, result: JSON.parse(stdout) });
    });
  });
}

function verdict(log, label, value, budget, ok) {
  log(`${ok ? 'PASS' : 'FAIL'} ${label}: ${value} (budget ${budget})`);
  if (!ok) process.exitCode = 1;
  return ok;
}

/** @param {{ canonBin: string, log: (line: string) => void, version?: string }} ctx */
export async function run(ctx) {
  const version = ctx.version ?? '2026-03-11';
  // The 10k-note store is never synced; these figures need a store of their own.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'canon-bench-sync-'));
  const fake = await startFakeNotion({ rateLimit: { rps: RATE, burst: 3 } });
  const git = (...args) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@canon.invalid', ...args], { cwd: dir, stdio: 'pipe' });
  const commit = (message) => {
    git('add', '-A');
    git('commit', '-q', '-m', message);
  };
  const edit = (i, from, to) => {
    const file = path.join(dir, `docs/sessions/${idOf(i)}.md`);
    writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));
  };
  const sync = async (what) => {
    const before = fake.requests.length;
    const outcome = await runCanon(ctx.canonBin, dir, env);
    if (outcome.code !== 0) throw new Error(`sync (${what}) failed (exit ${outcome.code}): ${outcome.stderr}`);
    const sent = fake.requests.slice(before);
    return { ...outcome, requests: sent.length, limited: sent.filter((r) => r.status === 429).length };
  };
  const env = { ...process.env, NOTION_TOKEN: fake.token, NOTION_BASE_URL: fake.baseUrl, NOTION_DATABASE_ID: fake.databaseId };
  delete env.CANON_NOTION_RPS;
  try {
    git('init', '-q', '-b', 'main');
    mkdirSync(path.join(dir, 'docs/sessions'), { recursive: true });
    writeFileSync(path.join(dir, '.gitignore'), '.claude/state/*\n');
    writeFileSync(path.join(dir, 'canon.config.json'), `${JSON.stringify({ notion: { version } })}\n`);
    for (let i = 1; i <= NOTES; i++) {
      const [id, text] = note(i);
      writeFileSync(path.join(dir, `docs/sessions/${id}.md`), text);
    }
    commit('notes');
    ctx.log(`sync figures (Notion-Version ${version}, fake server at ${RATE} req/s; the first note is 300 lines long)`);

    const created = await sync('100 new notes');
    const floor = created.requests / RATE;
    const ratio = created.seconds / floor;
    const limited = created.limited;
    const figures = { version };
    figures.newRequests = created.requests;
    let ok = verdict(
      ctx.log,
      `${NOTES} new notes`,
      `${created.requests} requests${created.limited ? ` (${created.limited} of them answered 429)` : ''}`,
      '≤ 110',
      created.requests <= 110,
    );
    ok =
      verdict(
        ctx.log,
        `${NOTES} new notes, time ÷ the ${RATE} req/s floor`,
        `${ratio.toFixed(2)} (${created.seconds.toFixed(1)} s vs ${floor.toFixed(1)} s${limited ? `, ${limited} answered 429` : ''})`,
        `≤ ${FLOOR_BUDGET.toFixed(2)}`,
        ratio <= FLOOR_BUDGET,
      ) && ok;
    commit('write-backs');

    const unchanged = await sync('unchanged');
    figures.unchangedRequests = unchanged.requests;
    ok = verdict(ctx.log, 'unchanged store', `${unchanged.requests} requests`, '0', unchanged.requests === 0) && ok;

    edit(1, 'Paragraph 57 of the long note', 'Paragraph 57 of the longer note');
    commit('one word');
    const one = await sync('one-word edit');
    figures.oneWordRequests = one.requests;
    figures.oneWordSeconds = one.seconds;
    ok =
      verdict(
        ctx.log,
        'one-word edit in a 300-line note',
        `${one.requests} requests in ${one.seconds.toFixed(2)} s`,
        '≤ 2 requests, ≤ 2 s',
        one.requests <= 2 && one.seconds <= 2,
      ) && ok;
    commit('write-backs');

    for (let i = 1; i <= NOTES; i++)
      edit(i, i === 1 ? 'Paragraph 12 of' : `Synthetic note ${i}, with`, i === 1 ? 'Paragraph twelve of' : `Synthetic note ${i}, edited, with`);
    commit('100 edits');
    const edited = await sync('100 edited notes');
    figures.editedRequests = edited.requests;
    ok =
      verdict(
        ctx.log,
        `${NOTES} notes each edited by one word`,
        `${edited.requests} requests in ${edited.seconds.toFixed(1)} s${edited.limited ? ` (${edited.limited} of them answered 429)` : ''}`,
        '≤ 200',
        edited.requests <= 200,
      ) && ok;
    return { ...figures, ok };
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  const at = process.argv.indexOf('--version');
  const version = at > 0 ? process.argv[at + 1] : undefined;
  const outcome = await run({ canonBin: path.join(root, 'dist', 'canon.js'), log: (line) => console.log(line), ...(version ? { version } : {}) });
  process.exitCode = outcome.ok ? 0 : 1;
}
