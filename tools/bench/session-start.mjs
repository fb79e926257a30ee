// The SessionStart hook (ADR-0008; docs/contract.md §11): the resume context for the model, warm (the
// operator and resume caches exist, as after any canon command), whole-process wall time of
// `node .claude/hooks/session.mjs` with the hook JSON on stdin, as a ratio to `node -e 0` (≤ 1.5).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { CANON_ROOT } from '../install-hooks.mjs';
import { median } from './measure.mjs';

const RUNS = 15;

export async function run({ storeDir, canonBin, nodeBaselineMs, log, line }) {
  const env = { ...process.env, OPERATOR: 'roman', NO_COLOR: '1', TZ: 'UTC', CLAUDE_PROJECT_DIR: storeDir };
  const bundle = path.join(CANON_ROOT, '.claude/hooks/session.mjs');
  const input = JSON.stringify({
    session_id: 'bench-session-start',
    transcript_path: '/nowhere.jsonl',
    cwd: storeDir,
    hook_event_name: 'SessionStart',
    source: 'startup',
  });
  // Warm the caches the way a session's first canon command (or the post-commit hook) does, on files
  // older than the two-second racy window, as in any real clone (the bench store was written moments ago).
  await new Promise((r) => setTimeout(r, 2100));
  const warmup = spawnSync(process.execPath, [canonBin, 'resume'], { cwd: storeDir, env, stdio: 'ignore' });
  if (warmup.status !== 0) throw new Error('canon resume failed before the SessionStart bench');
  const once = () => {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [bundle], { cwd: storeDir, env, input, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0 || !result.stdout.includes('additionalContext')) throw new Error(`SessionStart hook gave no context: ${result.stderr}`);
    return { ms, chars: JSON.parse(result.stdout).hookSpecificOutput.additionalContext.length };
  };
  once();
  // node -e 0 interleaved with the hook runs, so load on a shared machine hits both alike.
  const baseline = [];
  const runs = Array.from({ length: RUNS }, () => {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    baseline.push(Number(process.hrtime.bigint() - start) / 1e6);
    return once();
  });
  nodeBaselineMs = median(baseline);
  const ms = median(runs.map((r) => r.ms));
  const ratio = ms / nodeBaselineMs;
  const text = `${ratio.toFixed(2)} (${ms.toFixed(0)} ms vs ${nodeBaselineMs.toFixed(0)} ms; context ${runs[0].chars} chars)`;
  if (line) line('SessionStart hook (resume context for the model), warm ÷ node -e 0', text, '≤ 1.5', ratio <= 1.5);
  else log(`SessionStart hook warm ÷ node -e 0: ${text}, budget ≤ 1.5`);
}
