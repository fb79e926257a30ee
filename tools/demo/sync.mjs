// Demo: `canon sync` against the fake Notion server — a dry run, an --apply, an edit, and a second
// --apply that sends only the change. `export run(ctx)` for tools/demo.mjs; runnable alone too.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeNotion } from '../fake-notion/server.mjs';

function canon(canonBin, cwd, env, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [canonBin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** @param {{ storeDir?: string, canonBin: string, log: (line: string) => void }} ctx */
export async function run(ctx) {
  const owned = !ctx.storeDir;
  const dir = ctx.storeDir ?? mkdtempSync(path.join(os.tmpdir(), 'canon-demo-sync-'));
  const fake = await startFakeNotion({ rateLimit: { rps: 3, burst: 5 } });
  try {
    if (owned) {
      spawnSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
      mkdirSync(path.join(dir, 'docs/sessions'), { recursive: true });
      writeFileSync(path.join(dir, '.gitignore'), '.claude/state/*\n');
      mkdirSync(path.join(dir, 'workstreams'), { recursive: true });
      writeFileSync(
        path.join(dir, 'docs/sessions/RT-260511-01.md'),
        '---\ntitle: Hook hardening\noperator: roman\nsummary: The telemetry hook survives garbage input.\ntags: [hooks]\nkind: session\nexternal_id: RT-260511-01\ndate: 2026-05-11\n---\n' +
          '## Summary\n\nThe hook now exits 0 on **any** input.\n\n## What shipped\n\n- [x] fuzz tests\n- [ ] docs\n\n```ts\nprocess.exitCode = 0;\n```\n',
      );
      writeFileSync(
        path.join(dir, 'workstreams/hooks.md'),
        '---\ntitle: Hooks\nowner: roman\nstatus: active\nkind: workstream\nexternal_id: WS-hooks\n---\n## Goal\n\nHooks that never get in the way.\n',
      );
    }
    // Sync sends what is committed (docs/guides/sync.md, "What is sent"), so the demo commits its notes and edits.
    const commit = (message) => {
      spawnSync('git', ['add', '-A', 'docs', 'workstreams'], { cwd: dir });
      spawnSync('git', ['-c', 'user.name=canon demo', '-c', 'user.email=demo@canon.invalid', 'commit', '-q', '-m', message], { cwd: dir });
    };
    if (owned) commit('notes');
    const env = { ...process.env, NOTION_TOKEN: fake.token, NOTION_BASE_URL: fake.baseUrl, NOTION_DATABASE_ID: fake.databaseId, NO_COLOR: '1' };
    ctx.log(`fake Notion server on ${fake.baseUrl} (3 req/s, like Notion)`);
    for (const [title, args] of [
      ['dry run', ['sync']],
      ['apply', ['sync', '--apply']],
      ['again: nothing changed', ['sync', '--apply']],
    ]) {
      ctx.log(`\n$ canon ${args.join(' ')}    # ${title}`);
      ctx.log((await canon(ctx.canonBin, dir, env, args)).output.trimEnd());
    }
    // Edit one session note (the newest) after the first sync: only that page is updated.
    const sessions = readdirSync(path.join(dir, 'docs/sessions'))
      .filter((n) => /^[A-Z]{2,4}-\d{6}-\d{2}\.md$/.test(n))
      .sort();
    const file = path.join(dir, 'docs/sessions', sessions.at(-1));
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n*$/, '\n\n- [x] one more box ticked after the first sync\n'));
    commit(`edit ${path.basename(file)}`);
    ctx.log(`\n$ canon sync --apply    # after editing and committing ${path.basename(file)}`);
    ctx.log((await canon(ctx.canonBin, dir, env, ['sync', '--apply'])).output.trimEnd());
    ctx.log(`\nNotion now holds ${fake.pages().length} pages; ${fake.requests.length} requests were made in all.`);
  } finally {
    await fake.close();
    if (owned) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  await run({ canonBin: path.join(root, 'dist', 'canon.js'), log: (line) => console.log(line) });
}
