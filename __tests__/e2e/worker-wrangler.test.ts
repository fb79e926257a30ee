import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '../../tools/fake-github/server.mjs';
import { startFakeNotion, type FakeNotion } from '../../tools/fake-notion/server.mjs';

/**
 * The Worker run locally (docs/guides/sync.md, "Deploy as a Cloudflare Worker"): `npx wrangler dev --config workers/notion-sync/wrangler.jsonc --test-scheduled`
 * with the configuration names as `--var` runs the Worker locally, and `GET /__scheduled` triggers a
 * run. The real wrangler (pinned to a release that runs on Node 20) against the loopback fakes.
 */
const WRANGLER = path.resolve('node_modules/.bin/wrangler');
const CONFIG = path.resolve('workers/notion-sync/wrangler.jsonc');
const RUN_TOKEN = 'run-token-for-wrangler-dev-0123456789';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const note = (i: number) => {
  const id = `RT-260511-${String(i).padStart(2, '0')}`;
  return [
    `docs/sessions/${id}.md`,
    `---\ntitle: Session ${i}\noperator: roman\nsummary: Note ${i}.\ntags: [worker]\nkind: session\nexternal_id: ${id}\ndate: 2026-05-11\n---\n## Summary\n\nNote ${i}.\n`,
  ];
};

let github: FakeGitHub;
let notion: FakeNotion;
let child: ChildProcess | null = null;
let printed = '';
let base = '';
let skipped: string | null = null;
const temp = mkdtempSync(path.join(os.tmpdir(), 'canon-wrangler-'));

beforeAll(async () => {
  if (!existsSync(WRANGLER)) {
    skipped = 'wrangler is not installed';
    return;
  }
  github = await startFakeGitHub({ files: Object.fromEntries([1, 2, 3].map(note)) });
  notion = await startFakeNotion({ token: 'ntn_wrangler_dev_token', rateLimit: { rps: 10000, burst: 10000 } });
  const port = await freePort();
  const vars: Record<string, string> = {
    GITHUB_REPOSITORY: github.repository,
    GITHUB_BRANCH: 'main',
    GITHUB_API_URL: github.apiUrl,
    NOTION_DATABASE_ID: notion.databaseId,
    NOTION_BASE_URL: notion.baseUrl,
    GITHUB_TOKEN: github.token,
    NOTION_TOKEN: notion.token,
    RUN_TOKEN,
  };
  const args = [
    'dev',
    '--config',
    CONFIG,
    '--test-scheduled',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--persist-to',
    path.join(temp, 'state'),
    '--show-interactive-dev-session=false',
  ];
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
  child = spawn(WRANGLER, args, {
    env: {
      ...process.env,
      HOME: temp,
      XDG_CONFIG_HOME: path.join(temp, 'config'),
      WRANGLER_SEND_METRICS: 'false',
      CI: 'true',
      NO_COLOR: '1',
      WRANGLER_LOG_PATH: path.join(temp, 'logs'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', (d: Buffer) => (printed += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (printed += d.toString()));
  base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  // Minutes, not seconds: on a loaded machine (jest runs several files at once) wrangler starts slowly.
  while (Date.now() - started < 240_000) {
    if (child.exitCode !== null) break;
    if (/Ready on/i.test(printed)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  skipped = `wrangler dev did not start (${printed.trim().split('\n').slice(-3).join(' | ') || 'no output'})`;
}, 300_000);

afterAll(async () => {
  if (child?.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((r) => setTimeout(r, 500));
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await github?.close();
  await notion?.close();
  rmSync(temp, { recursive: true, force: true });
});

describe('npx wrangler dev --test-scheduled', () => {
  it('runs the Worker with the configuration names as --var: GET /__scheduled mirrors the store, POST /run wants the bearer token', async () => {
    if (skipped) {
      console.log(`wrangler dev test skipped: ${skipped}`);
      return;
    }
    expect((await fetch(`${base}/run`, { method: 'POST' })).status).toBe(401);
    const scheduled = await fetch(`${base}/__scheduled?cron=${encodeURIComponent('*/15 * * * *')}`);
    expect(scheduled.status).toBe(200);
    const pages = () =>
      notion
        .pages()
        .filter((p) => !p.in_trash)
        .map((p) => notion.propertyText(p, 'external_id'))
        .sort();
    // Waits for the outcome, bounded by the test's timeout, not by a count of ticks (ADR-0039).
    while (pages().length < 3) await new Promise((r) => setTimeout(r, 250));
    expect(pages()).toEqual(['RT-260511-01', 'RT-260511-02', 'RT-260511-03']);
    // The write-back commit landed on the fake branch, and no token reached what wrangler printed.
    while (github.readFile('docs/sync/LAST_SYNC.md') === null) await new Promise((r) => setTimeout(r, 250));
    expect(github.readFile('docs/sync/LAST_SYNC.md')).toMatch(/created/i);
    expect(github.readFile('docs/sessions/RT-260511-01.md')).toMatch(/^notion_page_id: \S+/m);
    for (const secret of [github.token, notion.token, RUN_TOKEN]) expect(printed).not.toContain(secret);
    const run = await fetch(`${base}/run`, { method: 'POST', headers: { authorization: `Bearer ${RUN_TOKEN}` } });
    expect([200, 409]).toContain(run.status);
  }, 300_000);
});
