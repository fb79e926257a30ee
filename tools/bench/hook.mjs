// Bench of the PostToolUse hook (docs/contract.md §11): median latency per call as a ratio to `node -e 0`, and a
// 200-way concurrent run on one session, counted vs expected. Runs the committed bundle the way
// Claude Code does; counts through `canon telemetry show --json` (what handoff reads).
// Used by tools/bench/bench.mjs; also runnable alone: `node tools/bench/hook.mjs`.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './measure.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const HOOK = path.join(ROOT, '.claude/hooks/post-tool-use.mjs');
const CANON = path.join(ROOT, 'dist/canon.js');

const input = (session, tool) =>
  JSON.stringify({
    session_id: session,
    transcript_path: '/tmp/bench.jsonl',
    cwd: '/tmp',
    permission_mode: 'default',
    hook_event_name: 'PostToolUse',
    tool_name: tool,
    tool_input: { command: 'ls' },
    tool_response: { stdout: 'x'.repeat(2000), stderr: '', interrupted: false },
  });

function timeOnce(args, env, stdin) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, input: stdin, stdio: ['pipe', 'ignore', 'ignore'] });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function runAsync(env, stdin) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HOOK], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('close', (code) => resolve({ code, stdout }));
    child.stdin.end(stdin);
  });
}

function readCount(dir, session) {
  const out = execFileSync(process.execPath, [CANON, 'telemetry', 'show', '--json', '--session-id', session], { cwd: dir, encoding: 'utf8' });
  return JSON.parse(out).tool_calls_count;
}

/** Returns the figure lines; `runs` sequential calls for the latency, `concurrent` for the burst. */
export async function benchHook({ runs = 40, concurrent = 200 } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'canon-bench-hook-'));
  try {
    execFileSync('git', ['init', '-q', dir]);
    const env = { ...process.env, CLAUDE_PROJECT_DIR: dir };
    delete env.CANON_HOOKS;
    const stdin = input('latency', 'Bash');
    // Interleaved, after a warm-up, so both medians see the same machine load.
    const baseline = [];
    const hook = [];
    for (let i = 0; i < 3; i++) timeOnce([HOOK], env, stdin);
    for (let i = 0; i < runs; i++) {
      baseline.push(timeOnce(['-e', '0'], env, stdin));
      hook.push(timeOnce([HOOK], env, stdin));
    }
    const ratio = median(hook) / median(baseline);
    const lines = [
      `hook: median ${median(hook).toFixed(1)} ms per call ÷ node -e 0 ${median(baseline).toFixed(1)} ms = ${ratio.toFixed(2)} (budget ≤ 1.5) ${ratio <= 1.5 ? 'ok' : 'OVER BUDGET'}`,
    ];

    const tools = ['Bash', 'Read', 'Edit', 'mcp__notion_offplan__API-post-page', 'Agent'];
    const started = process.hrtime.bigint();
    const results = await Promise.all(Array.from({ length: concurrent }, (_, i) => runAsync(env, input('burst', tools[i % tools.length]))));
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const misbehaved = results.filter((r) => r.code !== 0 || r.stdout !== '').length;
    const counted = readCount(dir, 'burst');
    const ok = counted === concurrent && misbehaved === 0;
    lines.push(
      `hook: ${concurrent} concurrent calls on one session: ${counted} counted, ${concurrent - counted} lost` +
        `${misbehaved ? `, ${misbehaved} exited non-zero or wrote to stdout` : ''} (${(wallMs / 1000).toFixed(1)} s wall) ${ok ? 'ok' : 'FAILED'}`,
    );
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const line of await benchHook()) console.log(line);
}

/** Entry point for `npm run bench` (tools/bench/bench.mjs). */
export async function run({ log }) {
  for (const line of await benchHook()) log(line);
}
