// canon's own time in /handoff on the bench store (docs/contract.md §11): everything the command runs, without the
// model and without `git push` — `canon session commits` (the command's pre-run) plus `canon handoff
// --no-push` — ≤ 1.5 s; `canon session commits` alone ≤ 0.3 s. The session made two commits of its own
// through the real hooks first (recorded against it by post-commit), and had tool calls counted by the
// hook bundle, as in a real session. Each handoff run commits a new note: the store grows by one per run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { installCanonHooks } from '../install-hooks.mjs';
import { median, timeMs } from './measure.mjs';

const RUNS = 5;

const DRAFT = {
  title: 'Bench handoff',
  summary: 'A handoff measured on the bench store.',
  workstream: null,
  tags: ['bench'],
  shipped: ['a measured handoff'],
  decisions: [],
  open_questions: [],
  next_steps: [],
  resume_prompt: Array.from({ length: 90 }, (_, i) => `word${i}`).join(' '),
  confidence: 'high',
  quick: false,
};

export async function run({ storeDir, canonBin, log, line }) {
  const env = { ...process.env, OPERATOR: 'roman', NO_COLOR: '1', TZ: 'UTC', HUSKY: undefined, CANON_HOOKS: undefined };
  delete env.HUSKY;
  delete env.CANON_HOOKS;
  const git = (args, extra = {}) =>
    execFileSync('git', args, { cwd: storeDir, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (!existsSync(path.join(storeDir, '.husky'))) {
    installCanonHooks(storeDir, env);
    git(['add', '-A']);
    git(['commit', '-q', '-m', 'hooks'], { HUSKY: '0' });
  }
  // The PostToolUse bundle as Claude Code runs it, for a few calls of each session.
  const hook = path.join(path.dirname(canonBin), '..', '.claude/hooks/post-tool-use.mjs');
  const callHook = (session, tool) =>
    spawnSync(process.execPath, [hook], {
      cwd: storeDir,
      env: { ...env, CLAUDE_PROJECT_DIR: storeDir },
      input: JSON.stringify({ session_id: session, cwd: storeDir, hook_event_name: 'PostToolUse', tool_name: tool, tool_input: {}, tool_response: {} }),
    });
  mkdirSync(path.join(storeDir, '.canon'), { recursive: true });
  const commandsMs = [];
  const handoffMs = [];
  const totalMs = [];
  for (let i = 0; i < RUNS; i++) {
    const session = `bench-session-${Date.now()}-${i}`;
    for (const tool of ['Read', 'Edit', 'Bash']) callHook(session, tool);
    for (const n of [1, 2]) {
      const file = path.join(storeDir, `bench-work-${i}-${n}.txt`);
      writeFileSync(file, `work ${i} ${n}\n`);
      git(['add', file]);
      git(['commit', '-q', '-m', `bench work ${i}.${n}`], { CLAUDE_CODE_SESSION_ID: session });
    }
    const draft = path.join(storeDir, '.canon', `handoff-${session}.json`);
    writeFileSync(draft, JSON.stringify(DRAFT));
    const sessionEnv = { ...env, CLAUDE_CODE_SESSION_ID: session };
    const commands = timeMs(() => {
      const r = spawnSync(process.execPath, [canonBin, 'session', 'commits', '--session-id', session], { cwd: storeDir, env: sessionEnv, encoding: 'utf8' });
      if (r.status !== 0 || !r.stdout.includes(`bench work ${i}.2`)) throw new Error(`canon session commits failed: ${r.stderr}${r.stdout}`);
    });
    const handoff = timeMs(() => {
      const r = spawnSync(
        process.execPath,
        [canonBin, 'handoff', '--from', `.canon/handoff-${session}.json`, '--session-id', session, '--yes', '--json', '--no-push'],
        {
          cwd: storeDir,
          env: sessionEnv,
          encoding: 'utf8',
        },
      );
      if (r.status !== 0) throw new Error(`canon handoff failed (exit ${r.status}): ${r.stderr}`);
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
      const note = readFileSync(path.join(storeDir, out.path), 'utf8');
      if (!/^commits: 2$/m.test(note)) throw new Error(`the bench handoff did not count its two commits:\n${note.slice(0, 1500)}`);
    });
    commandsMs.push(commands);
    handoffMs.push(handoff);
    totalMs.push(commands + handoff);
  }
  const commands = median(commandsMs);
  const total = median(totalMs);
  line('canon session commits', `${commands.toFixed(0)} ms`, '≤ 300 ms', commands <= 300);
  line(
    "canon's own time in /handoff (session commits + handoff --no-push)",
    `${total.toFixed(0)} ms (handoff ${median(handoffMs).toFixed(0)} ms)`,
    '≤ 1500 ms',
    total <= 1500,
  );
  log(`     each run: 3 tool calls, 2 commits of the session, one note committed through the real hooks`);
}
