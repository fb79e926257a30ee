import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeGitHub, type FakeGitHub } from '../../tools/fake-github/server.mjs';
import { startFakeNotion, type FakeNotion } from '../../tools/fake-notion/server.mjs';
import { createGitRepo, runCliAsync } from '../helpers/git-repo.js';
import { r } from '../helpers/secret-samples.js';
import { RUN_TOKEN, startWorker, workerBundle, workerdWorks, type WorkerHandle } from '../helpers/worker.js';

/**
 * The Notion Worker in the real Workers runtime (workerd via miniflare) against a fake GitHub REST
 * API and the fake Notion, both on 127.0.0.1 (ADR-0017).
 */
const unavailable = await workerdWorks();
if (unavailable) console.log(`worker tests skipped: workerd cannot start here (${unavailable})`);
const suite = unavailable ? describe.skip : describe;

function note(i: number, extra = ''): [string, string] {
  const id = `RT-260511-${String(i).padStart(2, '0')}`;
  return [
    `docs/sessions/${id}.md`,
    `---\ntitle: Session ${i}\noperator: roman\nsummary: Note ${i}.\ntags: [worker]\nkind: session\nexternal_id: ${id}\ndate: 2026-05-11\n---\n## Summary\n\nNote ${i}.${extra}\n`,
  ];
}
const store = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => note(i + 1)));
/** n notes where `links` says which note links to which (1 → 2 is ` See [session 2](RT-260511-02.md).`). */
const linkedStore = (n: number, links: [number, number][]) =>
  Object.fromEntries(
    Array.from({ length: n }, (_, i) => {
      const to = links.filter(([from]) => from === i + 1).map(([, target]) => ` See [session ${target}](RT-260511-${String(target).padStart(2, '0')}.md).`);
      return note(i + 1, to.join(''));
    }),
  );
const pageUrl = (id: string) => `https://www.notion.so/${id.replace(/-/g, '')}`;

/**
 * What a fake Notion stores, comparable across two fakes: per page (by external_id) its properties as
 * values and its block tree, every page id (in links too) and option id named by what it stands for.
 */
function stored(f: FakeNotion) {
  const names = new Map<string, string>();
  for (const page of f.pages()) {
    const id = f.propertyText(page, 'external_id');
    names.set(page.id, id);
    names.set(page.id.replace(/-/g, ''), id);
  }
  const uuid = /[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/g;
  const named = (value: unknown) => JSON.parse(JSON.stringify(value).replace(uuid, (id) => `<${names.get(id) ?? 'option'}>`)) as unknown;
  return f
    .pages()
    .map((page) => ({ external_id: f.propertyText(page, 'external_id'), properties: named(page.properties), body: named(f.blockTree(page.id)) }))
    .sort((a, b) => (a.external_id < b.external_id ? -1 : 1));
}

let github: FakeGitHub;
let notion: FakeNotion;
let worker: WorkerHandle | null = null;
const temps: string[] = [];

async function setUp(n: number | Record<string, string>, vars: Record<string, string> = {}, persist?: string, keepBodies = false) {
  github = await startFakeGitHub({ files: typeof n === 'number' ? store(n) : n });
  notion = await startFakeNotion({ token: 'ntn_worker_test_token', rateLimit: { rps: 10000, burst: 10000 }, keepBodies });
  worker = await startWorker(env(vars), persist ? { persist } : {});
}
const env = (vars: Record<string, string> = {}) => ({
  GITHUB_REPOSITORY: github.repository,
  GITHUB_API_URL: github.apiUrl,
  GITHUB_TOKEN: github.token,
  NOTION_TOKEN: notion.token,
  NOTION_DATABASE_ID: notion.databaseId,
  NOTION_BASE_URL: notion.baseUrl,
  RETRY_BASE_MS: '5',
  NOTION_RPS: '1000',
  ...vars,
});
const pagesPerNote = () => {
  const counts = new Map<string, number>();
  for (const page of notion.pages().filter((p) => !p.in_trash)) {
    const id = notion.propertyText(page, 'external_id');
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
};

suite('the Notion Worker in workerd', () => {
  beforeAll(async () => {
    await workerBundle();
  });
  afterEach(async () => {
    await worker?.dispose();
    worker = null;
    await github?.close();
    await notion?.close();
  });
  afterAll(() => {
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  it('the CLI and the Worker mirror the same store into the same Notion content, through a 504 after a create and a 409 (ADR-0041)', async () => {
    const extra = [
      ' See [session 2](RT-260511-02.md).\n\n```ts\nconst a = 1;\n```\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n- [x] done\n- [ ] todo',
      ' Back to [session 1](RT-260511-01.md).',
      '\n\n> A quote with **bold** and `code`.',
    ];
    const files: Record<string, string> = {
      '.gitignore': '.claude/state/*\n',
      'canon.config.json': `${JSON.stringify({ notion: { version: '2026-03-11' } })}\n`,
      ...Object.fromEntries(extra.map((tail, i) => note(i + 1, tail))),
    };
    // The same faults for both, each fake playing its own copy: a create applied but answered 504, a 409 on a body write.
    const faults = {
      errors: [
        { method: 'POST', path: '/v1/pages', status: 504, code: 'gateway_timeout', apply: true },
        { method: 'PATCH', path: '/markdown', status: 409, code: 'conflict_error' },
      ],
    };
    await setUp(files);
    notion.setFaults(faults);
    const run = await worker!.post('/run');
    expect(run.body.summary.counts).toMatchObject({ create: 3, error: 0 });

    const cliNotion = await startFakeNotion({ token: 'ntn_cli_test_token', faults });
    const repo = createGitRepo({ files, operators: false });
    try {
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'notes']);
      const cli = await runCliAsync(['sync', '--apply'], {
        cwd: repo.dir,
        env: {
          ...repo.env,
          NOTION_TOKEN: cliNotion.token,
          NOTION_BASE_URL: cliNotion.baseUrl,
          NOTION_DATABASE_ID: cliNotion.databaseId,
          CANON_NOTION_RPS: '1000',
          CANON_NOTION_RETRY_BASE_MS: '5',
        },
      });
      expect(cli.stderr).not.toMatch(/failed|error/i);
      expect(cli.code).toBe(0);
      // Both met the same faults and got past them.
      for (const f of [notion, cliNotion]) expect(f.requests.map((q) => q.status).filter((st) => st === 504 || st === 409)).toEqual([504, 409]);
      expect(stored(cliNotion)).toEqual(stored(notion));
      expect(stored(notion).map((p) => p.external_id)).toEqual(['RT-260511-01', 'RT-260511-02', 'RT-260511-03']);
      expect(JSON.stringify(stored(notion)[0]!.body)).toContain('https://www.notion.so/<RT-260511-02>');
      // And the write-backs agree: every note synced, on the page of its own fake.
      for (const [file] of Object.entries(files).filter(([f]) => f.startsWith('docs/sessions/'))) {
        expect(repo.read(file)).toMatch(/sync_status: synced\n/);
        expect(github.readFile(file)).toMatch(/sync_status: synced\n/);
      }
    } finally {
      repo.cleanup();
      await cliNotion.close();
    }
  });

  it('first run mirrors every note and commits one write-back; an incremental run after one change costs a few requests', async () => {
    await setUp(20);
    const before = github.head();
    const first = await worker!.scheduled();
    expect(first.outcome).toBe('ok');
    expect(pagesPerNote().size).toBe(20);
    expect([...pagesPerNote().values()].every((n) => n === 1)).toBe(true);
    const log = github.log();
    expect(log[1]!.sha).toBe(before);
    expect(log[0]!.message).toMatch(/^sync: 20 created, 0 updated, 0 failed in Notion$/);
    expect(log[0]!.author?.name).toBe('canon-sync[bot]');
    expect(github.readFile('docs/sessions/RT-260511-03.md')).toMatch(/sync_status: synced\nnotion_page_id: [0-9a-f-]{36}\n/);
    expect(github.readFile('docs/sync/LAST_SYNC.md')).toMatch(
      /created 20, updated 0, unchanged 0, failed 0[\s\S]*- left: 0 changed note\(s\) for the next run/,
    );
    expect(github.requests.some((r) => r.forced)).toBe(false);

    // Nothing changed: the branch head is all it reads.
    github.requests.length = 0;
    notion.requests.length = 0;
    await worker!.post('/run');
    await worker!.post('/run');
    expect(notion.requests).toHaveLength(0);

    // One note changes: its blob is the only one read, one edit goes to Notion.
    const [file, text] = note(7, ' One more sentence.');
    const synced = github.readFile(file)!;
    github.commitFiles({ [file]: synced.replace('\n\nNote 7.\n', '\n\nNote 7. One more sentence.\n') }, 'edit note 7');
    github.requests.length = 0;
    notion.requests.length = 0;
    const run = await worker!.post('/run');
    expect(run.status).toBe(200);
    expect(run.body.summary.counts).toEqual({ create: 0, update: 1, skip: 19, error: 0 });
    expect(github.requests.filter((r) => r.path.includes('/git/blobs/'))).toHaveLength(1);
    expect(github.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{40}/, '<sha>')}`)).toEqual([
      'GET /repos/team/notes/git/ref/heads/main',
      'GET /repos/team/notes/git/trees/<sha>',
      'GET /repos/team/notes/git/blobs/<sha>',
      'POST /repos/team/notes/git/trees',
      'POST /repos/team/notes/git/commits',
      'PATCH /repos/team/notes/git/refs/heads/main',
    ]);
    expect(notion.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{32,36}/, '<id>')}`)).toEqual(['PATCH /v1/pages/<id>/markdown']);
    const page = notion.pagesByExternalId('RT-260511-07')[0]!;
    expect(notion.pageMarkdown(page.id)).toContain('One more sentence.');
    expect(text).toContain('One more sentence.');
    const status = await worker!.get('/status');
    expect(status.body.last.requests).toEqual({ github: 6, notion: 1 });
  });

  it('syncs in bounded batches, says what is left, and continues on the next run', async () => {
    await setUp(12, { SYNC_BATCH: '5' });
    const first = await worker!.post('/run');
    expect(first.body.summary).toMatchObject({ left: 7, counts: { create: 5 } });
    expect(github.readFile('docs/sync/LAST_SYNC.md')).toContain('- left: 7 changed note(s) for the next run');
    expect(github.log()[0]!.message).toContain('(7 left for the next run)');
    await worker!.post('/run');
    const third = await worker!.post('/run');
    expect(third.body.summary.left).toBe(0);
    expect(pagesPerNote().size).toBe(12);
    expect([...pagesPerNote().values()].every((n) => n === 1)).toBe(true);
  });

  it('a run killed halfway leaves a lease that expires; the next run takes the lock over and adopts the pages made, no duplicate', async () => {
    const persist = mkdtempSync(path.join(os.tmpdir(), 'canon-worker-state-'));
    temps.push(persist);
    // A lease longer than a loaded machine takes to start workerd again, so the lock is still held then.
    await setUp(10, { LOCK_LEASE_SECONDS: '25' }, persist);
    // The runtime dies after the fourth page is created: no write-back reaches GitHub.
    let creates = 0;
    let killed: Promise<void> | null = null;
    const dying = worker!;
    github.onRequest(() => undefined);
    const originalCreates = () => notion.requests.filter((r) => r.method === 'POST' && r.path === '/v1/pages').length;
    const watch = setInterval(() => {
      creates = originalCreates();
      if (creates >= 4 && !killed) killed = dying.dispose();
    }, 5);
    await dying.post('/run').catch(() => null);
    clearInterval(watch);
    await (killed as Promise<void> | null)?.catch(() => undefined);
    worker = null;
    expect(github.log()).toHaveLength(1);
    const made = pagesPerNote().size;
    expect(made).toBeGreaterThanOrEqual(3);
    expect(made).toBeLessThan(10);

    worker = await startWorker(env({ LOCK_LEASE_SECONDS: '25' }), { persist });
    const locked = await worker.post('/run');
    expect(locked.status).toBe(409);
    // Once the lease has run out (no sooner), the lock of the run that is gone is taken over.
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(locked.body.until) - Date.now()) + 100));
    const resumed = await worker.post('/run');
    expect(resumed.status).toBe(200);
    expect(worker.output()).toMatch(/the lock of a run that is gone \(its lease ended .*\) is taken over/);
    expect(pagesPerNote().size).toBe(10);
    expect([...pagesPerNote().values()].every((n) => n === 1)).toBe(true);
    expect(resumed.body.summary.counts.create + resumed.body.summary.counts.update).toBe(10);
  }, 180_000);

  it('overlapping runs (a manual run during a cron tick) never create a page twice', async () => {
    await setUp(15);
    const [a, b, c] = await Promise.all([worker!.scheduled(), worker!.post('/run'), worker!.post('/run')]);
    expect(a.outcome).toBe('ok');
    expect([b.status, c.status].filter((s) => s === 409).length).toBeGreaterThanOrEqual(1);
    expect(pagesPerNote().size).toBe(15);
    expect([...pagesPerNote().values()].every((n) => n === 1)).toBe(true);
    const again = await worker!.post('/run');
    expect(again.body.summary.counts.create).toBe(0);
  });

  it("rebuilds its commit on a branch that moved during the run, keeping a person's newer edit", async () => {
    await setUp(6);
    const [edited] = note(2);
    const [other] = note(5);
    let pushed = false;
    github.onRequest((request, gh) => {
      if (!pushed && request.method === 'POST' && request.path.endsWith('/git/trees')) {
        pushed = true;
        gh.commitFiles(
          { [edited]: gh.readFile(edited)!.replace('\n\nNote 2.\n', '\n\nNote 2, edited by a person.\n'), 'README.md': 'hello\n' },
          'a person pushes',
        );
      }
    });
    const run = await worker!.post('/run');
    expect(run.status).toBe(200);
    expect(run.body.summary.deferred).toEqual([edited]);
    const log = github.log();
    expect(log[1]!.message).toBe('a person pushes');
    expect(github.readFile('README.md')).toBe('hello\n');
    expect(github.readFile(edited)).toContain('Note 2, edited by a person.');
    expect(github.readFile(edited)).not.toContain('notion_page_id');
    expect(github.readFile(other)).toContain('notion_page_id');
    expect(github.requests.some((r) => r.forced)).toBe(false);
    // The next run sends the person's version to the page already made (adopted by external_id).
    github.onRequest(null);
    const next = await worker!.post('/run');
    expect(next.body.summary.counts).toMatchObject({ create: 0, update: 1 });
    expect(github.readFile(edited)).toContain('notion_page_id');
    expect(pagesPerNote().get('RT-260511-02')).toBe(1);
    expect(notion.pageMarkdown(notion.pagesByExternalId('RT-260511-02')[0]!.id)).toContain('edited by a person');
  });

  it("a Notion rate limit whose Retry-After passes the run's lease stops the run cleanly: the notes not sent stay pending with the reason; the next run sends them, one page each (ADR-0041)", async () => {
    await setUp(5, { LOCK_LEASE_SECONDS: '20' });
    // 6 requests per 60-second window: the database, its schema, canon's pages and 3 creates.
    notion.setLimits({ connection: { requests: 6 } });
    const run = await worker!.post('/run');
    expect(run.status).toBe(200);
    expect(run.body.status).toBe('ran');
    expect(run.body.summary.counts).toEqual({ create: 3, update: 0, skip: 2, error: 0 });
    expect(run.body.summary.stopped).toMatch(/429 rate_limited.*connection_rate_limit.*lease ends before the wait would/);
    for (const i of [4, 5]) expect(github.readFile(`docs/sessions/RT-260511-0${i}.md`)).toMatch(/sync_status: pending\n/);
    expect(github.readFile('docs/sync/LAST_SYNC.md')).toMatch(/RT-260511-04 \| skip \|.*not sent: Notion's rate limit stopped the run/);
    expect(worker!.output()).toMatch(/Notion's rate limit stopped the run/);
    // The lock was released at once: the next run goes, and finishes the store.
    notion.setLimits({ connection: null });
    const next = await worker!.post('/run');
    expect(next.body.summary).toMatchObject({ counts: { create: 2, error: 0 } });
    expect(next.body.summary.stopped).toBeUndefined();
    expect(pagesPerNote().size).toBe(5);
    expect([...pagesPerNote().values()].every((n) => n === 1)).toBe(true);
    for (const i of [1, 2, 3, 4, 5]) expect(github.readFile(`docs/sessions/RT-260511-0${i}.md`)).toMatch(/sync_status: synced\n/);
  });

  it('rides out a 5xx/429 storm on both APIs', async () => {
    await setUp(8);
    github.setFaults({ serverErrorRate: 0.3, seed: 7, rateLimitBurst: 3 });
    notion.setFaults({ serverErrorRate: 0.3, seed: 9, rateLimitBurst: 4 });
    const run = await worker!.post('/run');
    expect(run.status).toBe(200);
    expect(run.body.summary.counts.error).toBe(0);
    expect(pagesPerNote().size).toBe(8);
    expect([...pagesPerNote().values()].every((n) => n === 1)).toBe(true);
    expect(github.readFile('docs/sessions/RT-260511-08.md')).toContain('sync_status: synced');
    expect(github.requests.some((r) => r.status === 502)).toBe(true);
    expect(notion.requests.some((r) => r.status === 429)).toBe(true);
  });

  it('one run mirrors a store of linked notes: every note synced, every link made, a cycle costing one more request', async () => {
    await setUp(
      linkedStore(5, [
        [1, 2],
        [3, 4],
        [4, 3],
      ]),
    );
    const run = await worker!.post('/run');
    expect(run.status).toBe(200);
    expect(run.body.summary).toMatchObject({ left: 0, counts: { create: 5, update: 0, error: 0 } });
    // 5 creates, 1 update_content for the cycle, and the 3 lookups (database, schema, pages).
    expect(run.body.summary.requests.notion).toBe(9);
    expect(notion.requests.filter((q) => q.method === 'PATCH' && q.path.endsWith('/markdown'))).toHaveLength(1);
    const page = (i: number) => notion.pagesByExternalId(`RT-260511-0${i}`)[0]!.id;
    for (const i of [1, 2, 3, 4, 5]) expect(github.readFile(`docs/sessions/RT-260511-0${i}.md`)).toContain(`sync_status: synced\nnotion_page_id: ${page(i)}\n`);
    expect(notion.pageMarkdown(page(1))).toContain(pageUrl(page(2)));
    expect(notion.pageMarkdown(page(3))).toContain(pageUrl(page(4)));
    expect(notion.pageMarkdown(page(4))).toContain(pageUrl(page(3)));
    // Done: the next run reads the head and sends nothing.
    notion.requests.length = 0;
    expect((await worker!.post('/run')).body.summary.requests).toEqual({ github: 1, notion: 0 });
  });

  it('under 20 % faults on both sides converges within 4 ticks: no tick skipped, one page per note, no write-back lost', async () => {
    await setUp(
      linkedStore(8, [
        [1, 2],
        [3, 4],
        [4, 3],
        [5, 8],
      ]),
    );
    // A GitHub outage: the run gives up after a short backoff (never GitHub's hourly reset) and
    // releases the lock at once — the next call runs.
    github.setFaults({ failNext: 40 });
    const failed = await worker!.post('/run');
    expect(failed.status).toBe(502);
    expect(failed.body.error).toMatch(/GitHub answered 502 .*gave up after 6 failed tries/);
    expect((await worker!.get('/status')).body.lease).toBeNull();

    // 20 % on each side: GitHub 5xx and dropped answers (with its rate-limit headers on every one),
    // Notion 5xx and a create applied whose answer is lost.
    github.setFaults({ serverErrorRate: 0.1, dropRate: 0.1, seed: 11 });
    notion.setFaults({ serverErrorRate: 0.2, seed: 13, dropAfterCreate: 1 });
    const converged = () =>
      [1, 2, 3, 4, 5, 6, 7, 8].every((i) => {
        const pages = notion.pagesByExternalId(`RT-260511-0${i}`);
        return (
          pages.length === 1 && (github.readFile(`docs/sessions/RT-260511-0${i}.md`) ?? '').includes(`sync_status: synced\nnotion_page_id: ${pages[0]!.id}\n`)
        );
      });
    let ticks = 0;
    while (!converged() && ticks < 4) {
      ticks += 1;
      expect((await worker!.scheduled()).outcome).toBe('ok');
    }
    expect(converged()).toBe(true);
    expect(worker!.output()).not.toContain('this tick is skipped');
    expect(github.requests.some((q) => q.status === 502) && github.requests.some((q) => q.status === -1)).toBe(true);
    expect(notion.requests.some((q) => q.status >= 500) && notion.requests.some((q) => q.status === -1)).toBe(true);
    expect([...pagesPerNote().values()]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    const page = (i: number) => notion.pagesByExternalId(`RT-260511-0${i}`)[0]!.id;
    expect(notion.pageMarkdown(page(4))).toContain(pageUrl(page(3)));
    expect(notion.pageMarkdown(page(5))).toContain(pageUrl(page(8)));
    expect(github.requests.some((q) => q.forced)).toBe(false);
  });

  it('refuses a note with a secret as canon sync does: nothing of it reaches Notion, the note and LAST_SYNC.md say why, masked', async () => {
    await setUp(3, {}, undefined, true);
    expect((await worker!.post('/run')).body.summary.counts.create).toBe(3);
    // Committed past the commit door (HUSKY=0, say): a GitHub token in a synced note and in a new one.
    const token = `ghp_${r('a1B2c3D4e5', 36)}`;
    const [edited] = note(2);
    const [fresh, freshText] = note(4, ` Deploy with ${token} today.`);
    github.commitFiles(
      { [edited]: github.readFile(edited)!.replace('\n\nNote 2.\n', `\n\nNote 2, token: ${token}\n`), [fresh]: freshText },
      'a person commits with HUSKY=0',
    );
    notion.requests.length = 0;
    const run = await worker!.post('/run');
    expect(run.status).toBe(200);
    expect(run.body.summary.counts).toEqual({ create: 0, update: 0, skip: 2, error: 2 });

    // Not sent: no page for the new note, the synced page keeps what it had.
    expect(notion.pagesByExternalId('RT-260511-04')).toHaveLength(0);
    expect(notion.pageMarkdown(notion.pagesByExternalId('RT-260511-02')[0]!.id)).not.toContain('token');
    expect(notion.requests.filter((q) => q.method !== 'GET' && !q.path.endsWith('/query'))).toEqual([]);

    // Written back as the CLI does for a refused note: sync_status error, sync_error naming line and rule, masked.
    for (const [file, line] of [
      [edited, 16],
      [fresh, 12],
    ] as const) {
      const text = github.readFile(file)!;
      expect(text).toContain(token); // the person's text is theirs to fix
      expect(text).toMatch(/\nsync_status: error\n/);
      expect(text).toMatch(new RegExp(`\\nsync_error: "not sent: ${file.replace(/[.]/g, '\\.')}:${line}: holds a secret \\(ghp_\\*{8}, GITHUB_TOKEN\\)`));
    }
    expect(github.readFile(edited)).toMatch(/notion_page_id: [0-9a-f-]{36}/);
    const last = github.readFile('docs/sync/LAST_SYNC.md')!;
    expect(last).toMatch(/failed 2/);
    expect(last).toContain(`${fresh}:12: holds a secret (ghp_********, GITHUB_TOKEN)`);

    // The token itself is nowhere but in the person's note.
    const status = await worker!.get('/status');
    const everything = [
      JSON.stringify(run.body),
      JSON.stringify(status.body),
      last,
      github.log()[0]!.message,
      ...notion.requests.map((q) => q.body ?? ''),
      worker!.output(),
    ].join('\n');
    expect(worker!.output()).toContain('canon sync (POST /run): 0 created, 0 updated, 2 failed'); // the log is really read
    expect(everything).not.toContain(token);
    expect(everything).not.toContain(token.slice(4));

    // Fixed by the person: the next run sends it, and clears sync_error.
    github.commitFiles({ [fresh]: note(4)[1] }, 'remove the token');
    const next = await worker!.post('/run');
    expect(next.body.summary.counts).toMatchObject({ create: 1, error: 1 });
    expect(github.readFile(fresh)).toContain('sync_status: synced');
    expect(github.readFile(fresh)).not.toContain('sync_error');
    expect(JSON.stringify(notion.requests.map((q) => q.body))).not.toContain(token.slice(4));
  });

  // One Worker start serves two promises: POST /run needs the bearer token (before anything is sent),
  // then the wider scan's refusals.
  it('needs the bearer token for POST /run; refuses in the Workers runtime what the wider scan refuses: a new kind, an assignment, base64 and a zero-width split (ADR-0021)', async () => {
    await setUp(1, {}, undefined, true);
    expect((await worker!.post('/run', 'wrong')).status).toBe(401);
    expect((await worker!.post('/run', '')).status).toBe(401);
    expect(notion.requests).toHaveLength(0);
    expect((await worker!.post('/run')).body.summary.counts.create).toBe(1);
    const gitlab = `glpat-${r('Ab3De6Gh9Jk2', 20)}`;
    const ghp = `ghp_${r('a1B2c3D4e5', 36)}`;
    const password = `Zq7${r('Xy4Wv3', 18)}`;
    const cases: Array<[number, string, number, string, string]> = [
      [2, ` Use ${gitlab} for the mirror.`, 12, 'glpa', 'GITLAB_TOKEN'],
      [3, ` Config: ${btoa(`TOKEN=${ghp}`)}`, 12, 'ghp_', 'GITHUB_TOKEN'],
      [4, ` Token ${ghp.slice(0, 9)}\u200B${ghp.slice(9)}`, 12, 'ghp_', 'GITHUB_TOKEN'],
      [5, `\n\nDB_PASSWORD=${password}`, 14, 'Zq7X', 'PASSWORD_ASSIGNMENT'],
    ];
    github.commitFiles(Object.fromEntries(cases.map(([i, extra]) => note(i, extra))), 'a person commits with HUSKY=0');
    notion.requests.length = 0;
    const run = await worker!.post('/run');
    expect(run.body.summary.counts).toEqual({ create: 0, update: 0, skip: 1, error: 4 });
    expect(notion.requests.filter((q) => q.method !== 'GET' && !q.path.endsWith('/query'))).toEqual([]);
    for (const [i, , line, mask, rule] of cases) {
      const [file] = note(i);
      expect(github.readFile(file)).toMatch(
        new RegExp(`\\nsync_error: "not sent: ${file.replace(/[.]/g, '\\.')}:${line}: holds a secret[^"]*\\(${mask}\\*{8}, ${rule}\\)`),
      );
    }
    const everything = [JSON.stringify(run.body), github.readFile('docs/sync/LAST_SYNC.md')!, github.log()[0]!.message, worker!.output()].join('\n');
    for (const secret of [gitlab.slice(4), ghp.slice(4), password.slice(4)]) expect(everything).not.toContain(secret);
  });

  it('a refused note is stamped by one commit and not read again until it changes; a 5xx is retried next run', async () => {
    await setUp(3);
    expect((await worker!.post('/run')).body.summary.counts.create).toBe(3);
    const token = `ghp_${r('Zy9Xw8Vu7T', 36)}`;
    const [refused, refusedText] = note(4, ` Deploy with ${token} today.`);
    github.commitFiles({ [refused]: refusedText }, 'a person commits with HUSKY=0');
    const commits = github.log().length;
    const writes = () => github.requests.filter((q) => q.method !== 'GET');

    // Three runs on the cron: one write-back commit, then nothing is written or read again.
    github.requests.length = 0;
    notion.requests.length = 0;
    const runs = [await worker!.scheduled(), await worker!.scheduled(), await worker!.scheduled()];
    expect(runs.map((x) => x.outcome)).toEqual(['ok', 'ok', 'ok']);
    expect(github.log()).toHaveLength(commits + 1);
    expect(writes().map((q) => q.method)).toEqual(['POST', 'POST', 'PATCH']);
    expect(github.requests.filter((q) => q.path.includes('/git/blobs/'))).toHaveLength(1);
    expect(notion.requests.filter((q) => q.method !== 'GET' && !q.path.endsWith('/query'))).toEqual([]);
    expect(github.readFile(refused)).toMatch(/\nsync_status: error\nsync_error: "not sent: /);
    const stamped = github.readFile('docs/sync/LAST_SYNC.md')!;
    expect(stamped).toMatch(/failed 1/);
    // A run woken by another commit that leaves it all as it was writes nothing either.
    github.commitFiles({ 'README.md': 'hello\n' }, 'a person adds a README');
    github.requests.length = 0;
    const quiet = await worker!.post('/run');
    expect(quiet.body.summary).toMatchObject({ commit: null, counts: { error: 1 } });
    expect(writes()).toEqual([]);
    expect(github.readFile('docs/sync/LAST_SYNC.md')).toBe(stamped);

    // A 5xx storm on one note's update: stamped error, and tried again on the next run.
    const [edited] = note(2);
    github.commitFiles({ [edited]: github.readFile(edited)!.replace('\n\nNote 2.\n', '\n\nNote 2, edited.\n') }, 'edit note 2');
    notion.setFaults({ failNext: 50 });
    const failing = await worker!.post('/run');
    notion.setFaults({ failNext: 0 });
    expect(failing.body.summary.counts).toMatchObject({ update: 0, error: 2 });
    expect(github.readFile(edited)).toMatch(/\nsync_status: error\n/);
    // The commit that happens still says how many notes are refused, and why.
    const last = github.readFile('docs/sync/LAST_SYNC.md')!;
    expect(last).toMatch(/failed 2/);
    expect(last).toContain(`${refused}:12: holds a secret (ghp_********, GITHUB_TOKEN)`);
    const retried = await worker!.post('/run');
    expect(retried.body.summary.counts).toMatchObject({ update: 1, error: 1 });
    expect(github.readFile(edited)).toMatch(/\nsync_status: synced\n/);
    expect(github.readFile(edited)).not.toContain('sync_error');
    expect(notion.pageMarkdown(notion.pagesByExternalId('RT-260511-02')[0]!.id)).toContain('Note 2, edited.');

    // Fixed by the person (a new blob): synced on the next run, sync_error gone; then quiet again.
    github.commitFiles({ [refused]: note(4)[1] }, 'remove the token');
    const fixed = await worker!.post('/run');
    expect(fixed.body.summary.counts).toMatchObject({ create: 1, error: 0 });
    expect(github.readFile(refused)).toMatch(/\nsync_status: synced\n/);
    expect(github.readFile(refused)).not.toContain('sync_error');
    expect(github.readFile('docs/sync/LAST_SYNC.md')).toMatch(/failed 0/);
    github.requests.length = 0;
    await worker!.post('/run');
    expect(writes()).toEqual([]);
    expect(JSON.stringify(notion.requests.map((q) => q.body))).not.toContain(token.slice(4));
  });

  it('never shows a token in what it answers or commits', async () => {
    await setUp(2);
    notion.setFaults({ failNext: 100 });
    const run = await worker!.post('/run');
    const everything = JSON.stringify(run.body) + (github.readFile('docs/sync/LAST_SYNC.md') ?? '') + JSON.stringify((await worker!.get('/status')).body);
    for (const secret of [github.token, notion.token, RUN_TOKEN]) expect(everything).not.toContain(secret);
  });
});
