import { afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_CONFIG, NOTION_VERSIONS, type NotionVersion } from '../../tools/core/config.js';
import { computeContentHash } from '../../tools/core/content-hash.js';
import { parseNote } from '../../tools/core/frontmatter.js';
import { renderNotionMarkdown } from '../../tools/sync/notion-markdown.js';
import { parseBlocks } from '../../tools/fake-notion/markdown.mjs';
import { createGitRepo, runCliAsync, type GitRepo } from '../helpers/git-repo.js';
import { DEFAULT_PROPERTIES, startFakeNotion, type FakeNotion, type FakeNotionOptions } from '../helpers/fake-notion.js';
import { sessionNote, workstreamNote } from '../helpers/notes.js';

let repo: GitRepo | undefined;
let fake: FakeNotion | undefined;
afterEach(async () => {
  repo?.cleanup();
  await fake?.close();
  repo = undefined;
  fake = undefined;
});

const TOKEN = 'ntn_e2eTestToken0123456789abcdefghijklmnopqrstuvwxyzABCD';

/**
 * The Notion-Version under test (ADR-0046, amending ADR-0012's rule): the whole matrix runs on canon's
 * default version; what canon does differently per version runs on every version it speaks.
 */
const DEFAULT_VERSION: NotionVersion = DEFAULT_CONFIG.notion.version;
let version: NotionVersion = DEFAULT_VERSION;
/** canon speaks Notion-flavored Markdown v2 to both, with markdown_version on every markdown request (ADR-0036). */
const dialectOf = (_v: string) => 'v2' as const;

async function setup(files: Record<string, string>, options: FakeNotionOptions = {}) {
  // The fake answers only the Notion-Version under test (any other is a 400): every request canon sends carries it.
  fake = await startFakeNotion({ token: TOKEN, version, ...options });
  // Local state is git-ignored in a canon repository (docs/contract.md §2): sync keeps its sent-markdown record there.
  repo = createGitRepo({ files: { '.gitignore': '.claude/state/*\n', 'canon.config.json': `${JSON.stringify({ notion: { version } })}\n`, ...files } });
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'notes']);
  const env = {
    ...repo.env,
    NOTION_TOKEN: TOKEN,
    NOTION_BASE_URL: fake.baseUrl,
    NOTION_DATABASE_ID: fake.databaseId,
    CANON_NOTION_RPS: '500',
    CANON_NOTION_RETRY_BASE_MS: '5',
  };
  // The fake server lives in this process, so the CLI must run asynchronously.
  const sync = (args: string[] = ['--apply'], extra: NodeJS.ProcessEnv = {}) => runCliAsync(['sync', ...args], { cwd: repo!.dir, env: { ...env, ...extra } });
  return { repo, fake, sync, env };
}

const data = (r: GitRepo, rel: string) => parseNote(r.read(rel)).data;
/** Sync sends what is committed: tests commit their edits (and earlier write-backs) first. */
const commitAll = (r: GitRepo, message = 'edit') => {
  r.git(['add', '-A']);
  r.git(['commit', '-q', '-m', message]);
};
const committed = (r: GitRepo, rel: string) => r.git(['show', `HEAD:${rel}`]).stdout;
/** `sync --apply` again while it fails (injected faults), at most six runs: the last run's result. */
async function applyUntilDone(sync: (args: string[]) => ReturnType<typeof runCliAsync>) {
  let last = await sync(['--apply', '--json']);
  for (let runs = 1; last.code !== 0 && runs < 6; runs++) last = await sync(['--apply', '--json']);
  return last;
}

describe(`canon sync against the fake Notion server (real @notionhq/client), Notion-Version ${DEFAULT_VERSION} (the default; ADR-0046)`, () => {
  beforeAll(() => {
    version = DEFAULT_VERSION;
  });

  test('first run creates one page per note; second run sends nothing; one edit updates exactly that page', async () => {
    const { repo, fake, sync } = await setup({
      'docs/sessions/RT-260511-01.md': sessionNote(
        'RT-260511-01',
        { tags: ['hooks', 'sync'], content_hash: 'sha256:' + 'a'.repeat(64) },
        '## Summary\n\nShipped **the hook**.\n\n- one\n- two\n',
      ),
      'docs/sessions/RT-260511-02.md': sessionNote('RT-260511-02'),
      'workstreams/hooks.md': workstreamNote('hooks'),
    });
    const dry = await sync([]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('create  RT-260511-01');
    expect(fake.requests).toHaveLength(0);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');

    const first = await sync();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(fake.pages()).toHaveLength(3);
    const [page] = fake.pagesByExternalId('RT-260511-01');
    expect(fake.propertyText(page!, 'Name')).toBe('Session RT-260511-01');
    expect(page!.properties.kind.select.name).toBe('session');
    expect(page!.properties.operator.select.name).toBe('roman');
    expect(page!.properties.tags.multi_select.map((t: { name: string }) => t.name)).toEqual(['hooks', 'sync']);
    expect(page!.properties.date.date.start).toBe('2026-05-11');
    expect(fake.propertyText(page!, 'summary')).toBe('Work of RT-260511-01.');
    expect(fake.pageText(page!.id)).toBe('Summary\nShipped the hook.\none\ntwo');
    expect(fake.pagesByExternalId('WS-hooks')[0]!.properties.operator.select.name).toBe('roman');

    const written = data(repo, 'docs/sessions/RT-260511-01.md');
    expect(written).toMatchObject({ sync_status: 'synced', notion_page_id: page!.id, synced_at: expect.stringMatching(/^\d{4}-/) });
    // Write-back never changes content_hash, even a stale one.
    expect(written.content_hash).toBe('sha256:' + 'a'.repeat(64));
    expect(fake.propertyText(page!, 'content_hash')).toBe(written.synced_hash);
    expect(
      parseNote(repo.read('docs/sessions/RT-260511-01.md'))
        .entries.slice(-5)
        .map((e) => e.key),
    ).toEqual(['content_hash', 'sync_status', 'notion_page_id', 'synced_at', 'synced_hash']);
    expect(repo.read('docs/sync/LAST_SYNC.md')).toMatch(/created 3, updated 0, unchanged 0, failed 0/);

    const count = fake.requests.length;
    const second = await sync(['--apply', '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ dry_run: false, counts: { create: 0, update: 0, skip: 3, error: 0 }, requests: 0 });
    expect(fake.requests.length).toBe(count);

    const file = 'docs/sessions/RT-260511-02.md';
    repo.write(file, repo.read(file).replace('Something shipped.', 'Something else shipped.'));
    commitAll(repo);
    const third = await sync(['--apply', '--json']);
    const result = JSON.parse(third.stdout);
    expect(result.counts).toEqual({ create: 0, update: 1, skip: 2, error: 0 });
    const touched = new Set(
      fake.requests
        .slice(count)
        .filter((r) => r.method === 'PATCH' && r.path.startsWith('/v1/pages/'))
        .map((r) => r.path.split('/')[3]),
    );
    const updated = fake.pagesByExternalId('RT-260511-02')[0]!;
    expect([...touched]).toEqual([updated.id]);
    expect(fake.pageText(updated.id)).toBe('Summary\nSomething else shipped.');
    expect(fake.pages()).toHaveLength(3);
  });

  // One run serves two promises (each note's path is chosen for that note alone): a long note under
  // a request's 1000 blocks is created in one request with its markdown body; a note past them goes
  // on the block path, counted before anything is sent, and the note beside it stays on markdown.
  test("a note with a 10,000-character paragraph and 300 list items is created in one request with its markdown body; a note past a request's 1000 blocks goes on the block path for that note only, counted before anything is sent, with the reason in the report", async () => {
    const long = 'word '.repeat(2000).trim();
    const items = Array.from({ length: 300 }, (_, i) => `- item ${i}`).join('\n');
    // 1,100 list items: a request takes at most 1,000 blocks (the fake's markdown endpoints refuse more).
    const many = Array.from({ length: 1100 }, (_, i) => `- item ${i}`).join('\n');
    const { fake, sync } = await setup({
      'docs/sessions/RT-260511-03.md': sessionNote('RT-260511-03', {}, `## Summary\n\n${long}\n\n${items}\n`),
      'docs/sessions/RT-260511-21.md': sessionNote('RT-260511-21', {}, `## Summary\n\n${many}\n`),
      'docs/sessions/RT-260511-22.md': sessionNote('RT-260511-22'),
    });
    const result = await sync(['--apply', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    const action = (id: string) => out.actions.find((a: { external_id: string }) => a.external_id === id);

    // The long note: one request, its markdown body, no block appended.
    const page = fake.pagesByExternalId('RT-260511-03')[0]!;
    const lines = fake.pageText(page.id).split('\n');
    expect(lines[1]).toBe(long);
    expect(lines.slice(2)).toEqual(Array.from({ length: 300 }, (_, i) => `item ${i}`));
    expect(action('RT-260511-03')).toMatchObject({ action: 'create', requests: expect.any(Number), path: 'markdown' });
    // One create per note, none of them twice.
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/pages')).toHaveLength(3);
    expect(fake.requests.filter((r) => r.path.endsWith('/children') && r.path.includes(page.id))).toHaveLength(0);

    // The note past 1000 blocks: the block path, with the reason.
    expect(action('RT-260511-21')).toMatchObject({
      action: 'create',
      path: 'blocks',
      reason: expect.stringMatching(/block path: it holds 1101 blocks; a request takes at most 1000/),
    });
    expect(fake.requests.filter((r) => r.status === 400 || r.status === 413)).toEqual([]);
    expect(action('RT-260511-22')).toMatchObject({ action: 'create', path: 'markdown', requests: 1 });
    const big = fake.pagesByExternalId('RT-260511-21')[0]!;
    expect(fake.pageText(big.id).split('\n')).toHaveLength(1101);
    expect(fake.pagesByExternalId('RT-260511-21')).toHaveLength(1);
  });

  test('under 20 % injected 5xx and a dropped connection after a create, repeated runs converge: one page per note, all synced', async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 12; i++)
      files[`docs/sessions/RT-260512-${String(i).padStart(2, '0')}.md`] = sessionNote(
        `RT-260512-${String(i).padStart(2, '0')}`,
        {},
        `## Summary\n\nNote ${i}.\n\n- a\n  - b\n    - c\n`,
      );
    const { repo, fake, sync } = await setup(files, { faults: { serverErrorRate: 0.2, seed: 42, dropAfterCreate: 2 } });
    const last = await applyUntilDone(sync);
    expect(last.code).toBe(0);
    expect(fake.requests.some((r) => r.status === -1)).toBe(true);
    expect(fake.requests.some((r) => r.status >= 500)).toBe(true);
    for (let i = 1; i <= 12; i++) {
      const id = `RT-260512-${String(i).padStart(2, '0')}`;
      const pages = fake.pagesByExternalId(id);
      expect(pages).toHaveLength(1);
      expect(fake.pageText(pages[0]!.id)).toBe(`Summary\nNote ${i}.\na\nb\nc`);
      expect(data(repo, `docs/sessions/${id}.md`)).toMatchObject({ sync_status: 'synced', notion_page_id: pages[0]!.id });
      expect(data(repo, `docs/sessions/${id}.md`).sync_error).toBeUndefined();
    }
  });

  test('a 429 storm is ridden out, honouring Retry-After', async () => {
    const { fake, sync } = await setup({ 'docs/sessions/RT-260511-04.md': sessionNote('RT-260511-04') }, { faults: { rateLimitBurst: 3 } });
    const result = await sync();
    expect(result.code).toBe(0);
    expect(fake.requests.filter((r) => r.status === 429)).toHaveLength(3);
    expect(fake.pagesByExternalId('RT-260511-04')).toHaveLength(1);
  });

  test('a per-workspace limit past what a run waits stops it cleanly (exit 1): the rest stays pending with the reason, and the next run finishes, no page twice (ADR-0041)', async () => {
    const notes = Object.fromEntries(['01', '02', '03'].map((n) => [`docs/sessions/RT-260511-${n}.md`, sessionNote(`RT-260511-${n}`)]));
    // 4 requests: the database, its schema, canon's pages and one create; then Retry-After 300 s.
    const { fake, sync, repo } = await setup(notes, { workspaceLimit: { requests: 4, retryAfterSeconds: 300 } });
    const first = await sync();
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(
      /Notion's rate limit stopped this run before every note was sent \(.*workspace_rate_limit.*Retry-After 300 s.*\); 2 note\(s\) left pending\./,
    );
    expect(first.stderr).not.toMatch(/Error|at .*\.js/);
    expect(first.stdout).toMatch(/skip\s+RT-260511-02 .*not sent: Notion's rate limit stopped the run/);
    expect(data(repo, 'docs/sessions/RT-260511-02.md')).toMatchObject({ sync_status: 'pending' });
    expect(data(repo, 'docs/sessions/RT-260511-01.md')).toMatchObject({ sync_status: 'synced' });
    expect(repo.read('docs/sync/LAST_SYNC.md')).toMatch(/stopped by Notion's rate limit .*: 2 note\(s\) left pending for the next run/);
    fake.setLimits({ workspace: null });
    const second = await sync();
    expect(second.code).toBe(0);
    for (const n of ['01', '02', '03']) {
      expect(fake.pagesByExternalId(`RT-260511-${n}`)).toHaveLength(1);
      expect(data(repo, `docs/sessions/RT-260511-${n}.md`)).toMatchObject({ sync_status: 'synced' });
    }
  });

  test('a failing note is stamped error with sync_error, the run goes on and exits 1; the next run clears it', async () => {
    const { repo, fake, sync } = await setup({
      'docs/sessions/RT-260511-05.md': sessionNote('RT-260511-05'),
      'docs/sessions/RT-260511-06.md': sessionNote('RT-260511-06', {}, `## Summary\n\nleaked ghp_${'a1B2c3D4e5'.repeat(3)}abcdef here\n`),
      'docs/sessions/RT-260511-07.md': '---\ntitle: [unclosed\n---\nbody\n',
      'docs/sessions/RT-260511-08.md': sessionNote('RT-260511-08', { sync_status: 'local-only' }),
      'docs/sessions/RT-260511-09.md': '---\nclaimed_at: 2026-05-11T10:00:00Z\noperator: roman\nkind: session\n---\n',
    });
    const result = await sync();
    expect(result.code).toBe(1);
    expect(fake.pages().map((p) => fake.propertyText(p, 'external_id'))).toEqual(['RT-260511-05']);
    const refused = data(repo, 'docs/sessions/RT-260511-06.md');
    expect(refused.sync_status).toBe('error');
    expect(String(refused.sync_error)).toMatch(/secret/);
    expect(JSON.stringify(fake.requests)).not.toContain('a1B2c3D4e5');
    expect(result.stdout).toMatch(/error .*RT-260511-07\.md/);
    expect(data(repo, 'docs/sessions/RT-260511-08.md').sync_status).toBe('local-only');
    expect(repo.read('docs/sessions/RT-260511-09.md')).not.toContain('sync_status');

    repo.write('docs/sessions/RT-260511-06.md', sessionNote('RT-260511-06'));
    repo.write('docs/sessions/RT-260511-07.md', sessionNote('RT-260511-07'));
    commitAll(repo);
    expect((await sync()).code).toBe(0);
    const fixed = data(repo, 'docs/sessions/RT-260511-06.md');
    expect(fixed.sync_status).toBe('synced');
    expect(fixed.sync_error).toBeUndefined();
  });

  test('a refused note is stamped by one commit; later runs send, write and commit nothing until it changes; a 5xx is retried', async () => {
    const token = `ghp_${'Zy9Xw8Vu7T'.repeat(3)}abcdef`;
    const good = 'docs/sessions/RT-260511-20.md';
    const bad = 'docs/sessions/RT-260511-21.md';
    const { repo, fake, sync } = await setup({
      [good]: sessionNote('RT-260511-20'),
      [bad]: sessionNote('RT-260511-21', {}, `## Summary\n\nleaked ${token} here\n`),
    });
    const head = () => repo.git(['rev-parse', 'HEAD']).stdout.trim();
    const first = await sync(['--apply', '--commit']);
    expect(first.code).toBe(1);
    expect(repo.git(['rev-list', '--count', 'HEAD']).stdout.trim()).toBe('2');
    expect(committed(repo, bad)).toMatch(/\nsync_status: error\nsync_error: "not sent: /);
    const last = repo.read('docs/sync/LAST_SYNC.md');
    expect(last).toMatch(/failed 1/);
    expect(last).toMatch(/RT-260511-21\.md:\d+: holds a secret/);
    expect(JSON.parse(repo.read('.claude/state/sync-refused.json'))[bad].reason).toMatch(/^not sent: /);

    // Two more scheduled runs: the same refusal, no request, no write, no commit.
    const stamped = head();
    const requests = fake.requests.length;
    for (const run of [await sync(['--apply', '--commit']), await sync(['--apply', '--commit'])]) {
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/error .*RT-260511-21\.md — not sent: /);
    }
    expect(head()).toBe(stamped);
    expect(repo.read('docs/sync/LAST_SYNC.md')).toBe(last);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
    expect(fake.requests.length).toBe(requests);

    // A 5xx storm on another note: stamped error, not remembered, sent again by the next run.
    repo.write(good, repo.read(good).replace('Something shipped.', 'Something else shipped.'));
    commitAll(repo);
    fake.setFaults({ failNext: 50 });
    expect((await sync(['--apply', '--commit'])).code).toBe(1);
    fake.setFaults({ failNext: 0 });
    expect(data(repo, good).sync_status).toBe('error');
    expect(repo.read('docs/sync/LAST_SYNC.md')).toMatch(/failed 2[\s\S]*RT-260511-21\.md:\d+: holds a secret/);
    expect(Object.keys(JSON.parse(repo.read('.claude/state/sync-refused.json')))).toEqual([bad]);
    expect((await sync(['--apply', '--commit'])).code).toBe(1);
    expect(data(repo, good)).toMatchObject({ sync_status: 'synced' });
    expect(data(repo, good).sync_error).toBeUndefined();

    // Fixed by the person: synced, sync_error gone, the refusal forgotten.
    repo.write(bad, sessionNote('RT-260511-21'));
    commitAll(repo, 'remove the token');
    const fixed = await sync(['--apply', '--commit']);
    expect(fixed.code).toBe(0);
    expect(parseNote(committed(repo, bad)).data).toMatchObject({ sync_status: 'synced' });
    expect(committed(repo, bad)).not.toContain('sync_error');
    expect(JSON.parse(repo.read('.claude/state/sync-refused.json'))).toEqual({});
    expect(JSON.stringify(fake.requests)).not.toContain('Zy9Xw8Vu7T');
  });

  test('the token is never printed, logged or written, even when things fail', async () => {
    const { repo, sync } = await setup(
      { 'docs/sessions/RT-260511-10.md': sessionNote('RT-260511-10'), 'docs/sessions/RT-260511-11.md': sessionNote('RT-260511-11') },
      { faults: { serverErrorRate: 0.5, seed: 3 } },
    );
    const outputs = [await sync(['--apply']), await sync(['--apply', '--json']), await sync([]), await sync(['--apply', '--debug'], { CANON_NOTION_RPS: 'x' })];
    for (const r of outputs) expect(r.stdout + r.stderr).not.toContain(TOKEN);
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const file = path.join(dir, name);
        if (name === '.git' || name === 'node_modules') return [];
        return statSync(file).isDirectory() ? walk(file) : [file];
      });
    for (const file of walk(repo.dir)) expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);
  });

  test('a missing NOTION_TOKEN or database id is a configuration error (exit 2) that changes nothing', async () => {
    const { repo, sync } = await setup({ 'docs/sessions/RT-260511-12.md': sessionNote('RT-260511-12') });
    const noToken = await sync(['--apply'], { NOTION_TOKEN: '' });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/NOTION_TOKEN is not set/);
    const noDb = await sync(['--apply'], { NOTION_DATABASE_ID: '' });
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toMatch(/No Notion database is configured/);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
  });

  test('a database without external_id stops the run naming it; a missing optional property is one warning', async () => {
    const { external_id: _, ...rest } = DEFAULT_PROPERTIES;
    const { fake, sync } = await setup({ 'docs/sessions/RT-260511-13.md': sessionNote('RT-260511-13') }, { properties: rest });
    const stopped = await sync();
    expect(stopped.code).toBe(2);
    expect(stopped.stderr).toMatch(/"external_id" \(rich_text\) is missing/);
    expect(fake.pages()).toHaveLength(0);
    await fake.close();

    const { tags: __, ...noTags } = DEFAULT_PROPERTIES;
    const second = await setup({ 'docs/sessions/RT-260511-13.md': sessionNote('RT-260511-13', { tags: ['x'] }) }, { properties: noTags });
    const warned = await second.sync();
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(/warning: .*"tags" \(multi_select\) is missing/);
    expect(second.fake.pages()).toHaveLength(1);
  });

  test('--commit makes one commit of the write-backs and the audit log; --kinds limits the run', async () => {
    const { repo, fake, sync } = await setup({
      'docs/sessions/RT-260511-14.md': sessionNote('RT-260511-14'),
      'workstreams/sync.md': workstreamNote('sync'),
    });
    repo.write('unrelated.txt', 'staged by the user\n');
    repo.git(['add', 'unrelated.txt']);
    const head = repo.head();
    const result = await sync(['--apply', '--commit', '--kinds', 'workstream']);
    expect(result.code).toBe(0);
    expect(fake.pages()).toHaveLength(1);
    expect(repo.git(['rev-parse', 'HEAD~1']).stdout.trim()).toBe(head);
    const files = repo.git(['show', '--name-only', '--format=', 'HEAD']).stdout.trim().split('\n').sort();
    expect(files).toEqual(['docs/sync/LAST_SYNC.md', 'workstreams/sync.md']);
    expect(repo.git(['diff', '--cached', '--name-only']).stdout.trim()).toBe('unrelated.txt');
    const bad = await sync(['--kinds', 'sessions']);
    expect(bad.code).toBe(2);
  });

  test('one sync at a time: a live lock holder refuses a second run; a dead one is broken', async () => {
    const { repo, fake, sync } = await setup({ 'docs/sessions/RT-260511-15.md': sessionNote('RT-260511-15') });
    const lock = path.join(repo.dir, '.claude/state/sync.lock');
    repo.write('.claude/state/sync.lock', JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }));
    const refused = await sync();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/another sync is running/);
    expect(fake.requests).toHaveLength(0);
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname(), since: '2026-01-01T00:00:00Z' }));
    const ran = await sync();
    expect(ran.code).toBe(0);
    expect(repo.exists('.claude/state/sync.lock')).toBe(false);
  });

  test("sync sends the committed note; --commit commits only sync metadata on top of it and keeps the user's edits where they were (ADR-0013)", async () => {
    const file = 'docs/sessions/RT-260511-17.md';
    const other = 'docs/sessions/RT-260511-18.md';
    const { repo, fake, sync } = await setup({ [file]: sessionNote('RT-260511-17'), [other]: sessionNote('RT-260511-18') });
    expect((await sync(['--apply', '--commit'])).code).toBe(0);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');

    // A committed edit (A) that sync must send, and on top of it the user's uncommitted edit (B).
    repo.write(file, repo.read(file).replace('Something shipped.', 'Committed edit A.'));
    repo.write(other, repo.read(other).replace('Something shipped.', 'Committed edit A2.'));
    commitAll(repo, 'edit A');
    repo.write(file, repo.read(file).replace('Committed edit A.', 'Committed edit A.\n\nUncommitted edit B.'));
    // On the other note the user staged B2 and then typed C2 (the file was MM before the sync).
    repo.write(other, repo.read(other).replace('Committed edit A2.', 'Committed edit A2.\n\nStaged edit B2.'));
    repo.git(['add', other]);
    repo.write(other, repo.read(other).replace('Staged edit B2.', 'Staged edit B2.\n\nUnstaged edit C2.'));
    const workingBefore = repo.read(file);
    const headBefore = repo.head();

    const result = await sync(['--apply', '--commit', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).counts).toMatchObject({ update: 2, error: 0 });

    // Notion got the committed text, not the uncommitted edits.
    const page = fake.pagesByExternalId('RT-260511-17')[0]!;
    expect(fake.pageText(page.id)).toBe('Summary\nCommitted edit A.');
    expect(fake.pageText(fake.pagesByExternalId('RT-260511-18')[0]!.id)).toBe('Summary\nCommitted edit A2.');

    // The new commit changes only sync metadata (and the audit log) on top of the previous HEAD.
    expect(repo.git(['rev-parse', 'HEAD~1']).stdout.trim()).toBe(headBefore);
    const diff = repo.git(['diff', 'HEAD~1', 'HEAD', '--', file, other]).stdout;
    const changed = diff.split('\n').filter((l) => /^[+-][^+-]/.test(l));
    for (const line of changed) expect(line).toMatch(/^[+-](synced_at|synced_hash|sync_status|notion_page_id|sync_error):/);
    expect(committed(repo, file)).toContain('Committed edit A.');
    expect(committed(repo, file)).not.toContain('Uncommitted edit B');
    expect(committed(repo, other)).not.toContain('Staged edit B2');
    const head = parseNote(committed(repo, file));
    // The committed blob's hash is current: what was sent is what is committed, stamped synced.
    expect(head.data.synced_hash).toBe(computeContentHash(head.data, head.body));
    expect(repo.git(['ls-files', '-s', '--', file]).stdout.split(' ')[1]).toBe(repo.git(['rev-parse', `HEAD:${file}`]).stdout.trim());

    // The user's edits are exactly where they were: B unstaged, B2 staged, C2 unstaged.
    const status = repo.git(['status', '--porcelain']).stdout.split('\n').filter(Boolean).sort();
    expect(status).toEqual([` M ${file}`, `MM ${other}`]);
    expect(repo.git(['diff', '--cached', '--', file]).stdout).toBe('');
    const edits = (out: string) => out.split('\n').filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---) /.test(l));
    const unstaged = edits(repo.git(['diff', '--', file]).stdout);
    expect(unstaged).toEqual(['+', '+Uncommitted edit B.']);
    const staged = edits(repo.git(['diff', '--cached', '--', other]).stdout);
    expect(staged).toEqual(['+', '+Staged edit B2.']);
    const stillUnstaged = edits(repo.git(['diff', '--', other]).stdout);
    expect(stillUnstaged).toEqual(['+', '+Unstaged edit C2.']);
    // The working file is the user's text plus the same metadata edit.
    expect(parseNote(repo.read(file)).body).toBe(parseNote(workingBefore).body);
    expect(parseNote(repo.read(file)).data.synced_hash).toBe(head.data.synced_hash);

    // Nothing is stale: the next run sends nothing, and the user's edit B reaches Notion once committed.
    const count = fake.requests.length;
    const again = await sync(['--apply', '--json']);
    expect(JSON.parse(again.stdout).counts).toMatchObject({ update: 0, create: 0 });
    expect(fake.requests.length).toBe(count);
    commitAll(repo, 'edit B');
    expect((await sync(['--apply'])).code).toBe(0);
    expect(fake.pageText(page.id)).toBe('Summary\nCommitted edit A.\nUncommitted edit B.');
  });

  test('a note that is not committed yet is not sent; the dry run says why', async () => {
    const { repo, fake, sync } = await setup({ 'docs/sessions/RT-260511-19.md': sessionNote('RT-260511-19') });
    repo.write('docs/sessions/RT-260511-20.md', sessionNote('RT-260511-20'));
    const dry = await sync(['--json']);
    const action = JSON.parse(dry.stdout).actions.find((a: { file: string }) => a.file.endsWith('RT-260511-20.md'));
    expect(action).toMatchObject({ action: 'skip', reason: expect.stringMatching(/not committed yet/) });
    expect((await sync()).code).toBe(0);
    expect(fake.pagesByExternalId('RT-260511-20')).toHaveLength(0);
    expect(fake.pagesByExternalId('RT-260511-19')).toHaveLength(1);
  });

  test('requests per change: create 1, body edit 1 (update_content), property change 1, both 2, unchanged 0', async () => {
    // A long note: 151 blocks, past the 100 that one request of the block API takes; about 300 lines of
    // markdown, past the 250 from which canon counts a note's blocks before sending it; and long enough
    // that one edit is smaller than the body (else canon replaces the body whole).
    const lines = Array.from({ length: 150 }, (_, i) => `Line ${i} of a long note, with some words in it.`).join('\n\n');
    const file = 'docs/sessions/RT-260511-23.md';
    const { repo, fake, sync } = await setup({ [file]: sessionNote('RT-260511-23', { tags: ['a'] }, `## Summary\n\n${lines}\n`) });
    const spent = async () => {
      const before = fake.requests.length;
      const result = await sync(['--apply', '--json']);
      expect(result.code).toBe(0);
      return { json: JSON.parse(result.stdout), requests: fake.requests.slice(before) };
    };
    const created = await spent();
    expect(created.requests.filter((r) => r.method === 'POST' && r.path === '/v1/pages')).toHaveLength(1);
    // 1 create + reading the database, its schema and canon's pages once per run.
    expect(created.json.requests).toBe(4);
    commitAll(repo, 'write-back');

    repo.write(file, repo.read(file).replace('Line 100 of a long note', 'Line 100 of a longer note'));
    commitAll(repo);
    const body = await spent();
    expect(body.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, 'ID')}`)).toEqual(['PATCH /v1/pages/ID/markdown']);
    expect(body.json.actions[0].plan).toMatch(/update body \(update_content, 1 edit\): 1 request/);
    const page = fake.pagesByExternalId('RT-260511-23')[0]!;
    expect(fake.pageText(page.id)).toContain('Line 100 of a longer note');
    commitAll(repo, 'write-back');

    // A fresh clone (CI) has no record of what was sent: the synced version is found in git instead.
    rmSync(path.join(repo.dir, '.claude/state/sync-sent'), { recursive: true, force: true });
    repo.write(file, repo.read(file).replace('Line 101 of a long note', 'Line 101 of a shorter note'));
    commitAll(repo);
    const fresh = await spent();
    expect(fresh.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/, 'ID')}`)).toEqual(['PATCH /v1/pages/ID/markdown']);
    expect(fake.pageText(page.id)).toContain('Line 101 of a shorter note');
    commitAll(repo, 'write-back');

    repo.write(file, repo.read(file).replace('tags: [a]', 'tags: [a, b]'));
    commitAll(repo);
    const property = await spent();
    // The schema read tells canon the property names; then one PATCH of the page.
    expect(property.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
    expect(property.requests.filter((r) => r.method === 'PATCH')[0]!.path).toBe(`/v1/pages/${page.id}`);
    expect(fake.pagesByExternalId('RT-260511-23')[0]!.properties.tags.multi_select.map((t: { name: string }) => t.name)).toEqual(['a', 'b']);
    commitAll(repo, 'write-back');

    repo.write(file, repo.read(file).replace('tags: [a, b]', 'tags: [b]').replace('Line 7 of', 'Line seven of'));
    commitAll(repo);
    const both = await spent();
    expect(both.requests.filter((r) => r.method === 'PATCH')).toHaveLength(2);
    commitAll(repo, 'write-back');

    expect((await spent()).requests).toHaveLength(0);
  });

  test('a link to a note created in the same run is a link to its page at once: the target is sent first (ADR-0035)', async () => {
    const { repo, fake, sync } = await setup({
      'docs/sessions/RT-260511-25.md': sessionNote(
        'RT-260511-25',
        {},
        '## Summary\n\nFollows up [the next session](RT-260511-26.md) and [a file](../../README.md).\n',
      ),
      'docs/sessions/RT-260511-26.md': sessionNote('RT-260511-26'),
    });
    const first = await sync(['--apply', '--json']);
    expect(first.code).toBe(0);
    const linking = fake.pagesByExternalId('RT-260511-25')[0]!;
    const target = fake.pagesByExternalId('RT-260511-26')[0]!;
    expect(data(repo, 'docs/sessions/RT-260511-25.md').sync_status).toBe('synced');
    // Two creates and the three lookups: the order made the link, no extra request.
    expect(JSON.parse(first.stdout).requests).toBe(5);
    expect(fake.pageMarkdown(linking.id, dialectOf(version))).toContain(`[the next session](https://www.notion.so/${target.id.replace(/-/g, '')})`);
    const before = fake.requests.length;
    expect((await sync()).code).toBe(0);
    expect(fake.requests.length).toBe(before);
  });

  test('under 20 % injected 5xx, updates converge too: every page ends exactly as its note', async () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 8; i++)
      files[`docs/sessions/RT-260513-0${i}.md`] = sessionNote(`RT-260513-0${i}`, {}, `## Summary\n\nNote ${i}.\n\nSecond paragraph ${i}.\n`);
    const { repo, fake, sync } = await setup(files);
    expect((await sync()).code).toBe(0);
    commitAll(repo, 'write-back');
    for (let i = 1; i <= 8; i++) {
      const file = `docs/sessions/RT-260513-0${i}.md`;
      repo.write(
        file,
        repo
          .read(file)
          .replace(`Second paragraph ${i}.`, `Second paragraph ${i}, edited.`)
          .replace(`title: Session RT-260513-0${i}`, `title: Session ${i} renamed`),
      );
    }
    commitAll(repo);
    fake.setFaults({ serverErrorRate: 0.2, seed: 7 });
    const last = await applyUntilDone(sync);
    expect(last.code).toBe(0);
    expect(fake.requests.some((r) => r.status >= 500)).toBe(true);
    for (let i = 1; i <= 8; i++) {
      const pages = fake.pagesByExternalId(`RT-260513-0${i}`);
      expect(pages).toHaveLength(1);
      expect(fake.pageText(pages[0]!.id)).toBe(`Summary\nNote ${i}.\nSecond paragraph ${i}, edited.`);
      expect(fake.propertyText(pages[0]!, 'Name')).toBe(`Session ${i} renamed`);
    }
  });

  // The dry run's request plan and the Notion-Version it names: 'the dry run prints the request plan …' below, on every version.
  test('--rps sets the pace from the command line; a bad value is a usage error', async () => {
    const { repo, fake, sync } = await setup({ 'docs/sessions/RT-260511-28.md': sessionNote('RT-260511-28') });
    const bad = await sync(['--apply', '--rps', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--rps must be a number above 0, not "0"/);
    expect(fake.requests).toHaveLength(0);
    expect((await sync(['--apply', '--rps', '1000'])).code).toBe(0);
    expect(repo.read('docs/sync/LAST_SYNC.md')).toMatch(/\| requests \|/);
  });
});

/**
 * What canon does differently per Notion-Version, each proven against the fake on every version
 * (ADR-0046): the version it sends and names, the markdown dialect (2026-03-11 defaults to v1,
 * 2026-12-01 to v2 and refuses v1; canon names v2 on every markdown request), query results that
 * hold only the title unless filter_properties names more (2026-12-01), and a page in the trash.
 */
describe.each(NOTION_VERSIONS)('what differs by Notion-Version: canon sync against the fake Notion server, Notion-Version %s (ADR-0046)', (v) => {
  beforeAll(() => {
    version = v;
  });

  test('a page deleted in Notion is created again on the next change', async () => {
    const { repo, fake, sync } = await setup({ 'docs/sessions/RT-260511-16.md': sessionNote('RT-260511-16') });
    await sync();
    const page = fake.pages()[0]!;
    // A person deletes the page (the fake takes only the version under test).
    await fetch(`${fake.baseUrl}/v1/blocks/${page.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}`, 'notion-version': version } });
    const file = 'docs/sessions/RT-260511-16.md';
    repo.write(file, repo.read(file).replace('Something shipped.', 'Changed.'));
    commitAll(repo);
    const before = fake.requests.length;
    const result = await sync();
    expect(result.code).toBe(0);
    // The edit is refused as "in the trash" (2026-03-11 renamed `archived`): known as a page that is gone,
    // so it is created again at once — not taken for refused markdown and tried on the block path.
    const sent = fake.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, '<id>')} ${r.status}`);
    expect(sent).toEqual([
      'PATCH /v1/pages/<id>/markdown 400',
      'GET /v1/databases/<id> 200',
      'GET /v1/data_sources/<id> 200',
      'POST /v1/data_sources/<id>/query 200',
      'POST /v1/pages 200',
    ]);
    const pages = fake.pagesByExternalId('RT-260511-16');
    expect(pages).toHaveLength(1);
    expect(pages[0]!.id).not.toBe(page.id);
    expect(data(repo, file).notion_page_id).toBe(pages[0]!.id);
  });

  test("round trip: canon sends v2 with markdown_version; what Notion answers (normalised) stands for the same blocks as the converter's output", async () => {
    const body = [
      '## Summary',
      '',
      'Shipped **the hook**, *fast*, ~~slow~~ and `code`; see [the web](https://example.com/a?b=c).',
      '',
      '##### A fifth-level heading',
      '',
      '- one',
      '- two',
      '  - nested *item*',
      '    - deeper',
      '- [x] done',
      '- [ ] todo',
      '',
      '1. first',
      '2. second',
      '',
      '> [!WARNING]',
      '> Mind the $5 {braces} | pipes ^ and <tags>.',
      '',
      '> A quote',
      '>',
      '> with a second paragraph',
      '',
      '```ts',
      'const a = 1;',
      '',
      'console.log(a);',
      '```',
      '',
      '| name | value |',
      '| --- | --- |',
      '| a | **1** |',
      '| b | 2 |',
      '',
      '---',
      '',
      'The end.',
      '',
    ].join('\n');
    const { fake, sync } = await setup({ 'docs/sessions/RT-260511-24.md': sessionNote('RT-260511-24', {}, body) }, { keepBodies: true });
    expect((await sync()).code).toBe(0);
    const create = fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/pages')!;
    expect(JSON.parse(create.body!)).toMatchObject({ markdown_version: 'v2' });
    const page = fake.pagesByExternalId('RT-260511-24')[0]!;
    const answer = await fetch(`${fake.baseUrl}/v1/pages/${page.id}/markdown?markdown_version=v2`, {
      headers: { authorization: `Bearer ${TOKEN}`, 'notion-version': version },
    });
    const retrieved = ((await answer.json()) as { markdown: string }).markdown;
    const expected = renderNotionMarkdown(body, { dialect: 'v2' }).markdown;
    expect(retrieved).not.toBe(expected);
    expect(parseBlocks(retrieved, 'v2')).toEqual(parseBlocks(expected, 'v2'));
    expect(expected).toContain('#### A fifth-level heading');
    expect(expected).toContain('<callout icon="⚠️" color="yellow_bg">');
    expect(expected).toContain('\\$5 \\{braces\\} \\| pipes \\^ and \\<tags\\>');
    const tree = fake.blockTree(page.id);
    expect(tree.map((b) => b.type)).toEqual(expect.arrayContaining(['heading_2', 'heading_4', 'to_do', 'callout', 'quote', 'code', 'table', 'divider']));
    expect(tree.find((b) => b.type === 'code')!.data.language).toBe('typescript');
    expect(tree.find((b) => b.type === 'bulleted_list_item' && b.children.length > 0)!.children[0]!.children).toHaveLength(1);
  });

  test('a body edit is one update_content in v2, from the record of what was sent or (a fresh clone) from git; a page edited in Notion since the last sync is replaced whole, never left half-edited', async () => {
    const file = 'docs/sessions/RT-260511-27.md';
    // Enough text after the two lines that one edit is smaller than the body (else canon replaces the body whole).
    const rest = Array.from({ length: 20 }, (_, i) => `Line ${i} keeps the body longer than one edit.`);
    const text = (...lines: string[]) => ['Summary', ...lines, ...rest].join('\n');
    const body = `## Summary\n\nFirst line.\n\nSecond line.\n\n${rest.join('\n\n')}\n`;
    const { repo, fake, sync } = await setup({ [file]: sessionNote('RT-260511-27', {}, body) }, { keepBodies: true });
    expect((await sync()).code).toBe(0);
    commitAll(repo, 'write-back');
    const page = fake.pagesByExternalId('RT-260511-27')[0]!;
    const markdownPatches = () => fake.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/markdown') && r.path.includes(page.id));
    /** What each markdown PATCH asked for: its answer, its kind of edit and the dialect it named. */
    const edits = () =>
      markdownPatches().map((r) => {
        const body = JSON.parse(r.body!) as { type: string; markdown_version?: string };
        return [r.status, body.type, body.markdown_version];
      });

    // A body edit, the old text from canon's record of what it sent: one update_content, applied.
    repo.write(file, repo.read(file).replace('First line.', 'First line, edited.'));
    commitAll(repo);
    expect((await sync()).code).toBe(0);
    commitAll(repo, 'write-back');
    expect(edits()).toEqual([[200, 'update_content', 'v2']]);
    expect(fake.pageText(page.id)).toBe(text('First line, edited.', 'Second line.'));

    // A fresh clone (CI) has no record of what was sent: the synced version, rendered again from git, still matches the page.
    rmSync(path.join(repo.dir, '.claude/state/sync-sent'), { recursive: true, force: true });
    repo.write(file, repo.read(file).replace('First line, edited.', 'First line, edited twice.'));
    commitAll(repo);
    expect((await sync()).code).toBe(0);
    commitAll(repo, 'write-back');
    expect(edits()).toEqual([
      [200, 'update_content', 'v2'],
      [200, 'update_content', 'v2'],
    ]);
    expect(fake.pageText(page.id)).toBe(text('First line, edited twice.', 'Second line.'));

    // Someone rewrites the page in Notion: canon's update_content no longer matches it.
    await fetch(`${fake.baseUrl}/v1/pages/${page.id}/markdown`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${TOKEN}`, 'notion-version': version, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'replace_content', replace_content: { new_str: 'Edited in Notion.\n' } }),
    });
    repo.write(file, repo.read(file).replace('Second line.', 'Second line, edited.'));
    commitAll(repo);
    const result = await sync(['--apply', '--json']);
    expect(result.code).toBe(0);
    expect(fake.pageText(page.id)).toBe(text('First line, edited twice.', 'Second line, edited.'));
    expect(
      markdownPatches()
        .map((r) => r.status)
        .slice(-2),
    ).toEqual([400, 200]);
    expect(edits().slice(-2)).toEqual([
      [400, 'update_content', 'v2'],
      [200, 'replace_content', 'v2'],
    ]);
    // Never replace_content_range (2026-12-01 refuses it); every markdown request names v2.
    expect(fake.requests.filter((r) => r.body?.includes('replace_content_range'))).toEqual([]);
    const create = fake.requests.find((r) => r.method === 'POST' && r.path === '/v1/pages')!;
    expect(JSON.parse(create.body!)).toMatchObject({ markdown_version: 'v2' });
  });

  test('the dry run prints the request plan and names the Notion-Version it speaks', async () => {
    const { fake, sync } = await setup({ 'docs/sessions/RT-260511-28.md': sessionNote('RT-260511-28') });
    const dry = await sync([]);
    expect(dry.stdout).toMatch(/create page with its markdown body: 1 request/);
    expect(dry.stdout).toMatch(new RegExp(`About 4 request\\(s\\) to Notion \\(3 of them .*\\), Notion-Version ${version}`));
    const json = JSON.parse((await sync(['--json'])).stdout);
    expect(json).toMatchObject({ dry_run: true, notion_version: version, requests: 0, planned_requests: 4 });
    expect(fake.requests).toHaveLength(0);
  });

  test('a page whose write-back was lost is found by the one page query at the start and adopted, not duplicated', async () => {
    const file = 'docs/sessions/RT-260511-29.md';
    const { repo, fake, sync } = await setup({ [file]: sessionNote('RT-260511-29'), 'docs/sessions/RT-260511-30.md': sessionNote('RT-260511-30') });
    expect((await sync()).code).toBe(0);
    const page = fake.pagesByExternalId('RT-260511-29')[0]!;
    // The write-backs never reached the repository (a crash, a lost CI run): HEAD has no page ids.
    repo.git(['checkout', '--', '.']);
    repo.write(file, repo.read(file).replace('Something shipped.', 'Edited after the lost run.'));
    commitAll(repo);
    const before = fake.requests.length;
    const result = await sync(['--apply', '--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.actions.map((a: { action: string; reason: string }) => [a.action, a.reason])).toEqual([
      ['update', expect.stringMatching(/adopted the existing page/)],
      ['update', expect.stringMatching(/adopted the existing page/)],
    ]);
    expect(fake.pagesByExternalId('RT-260511-29')).toHaveLength(1);
    expect(fake.pageText(page.id)).toBe('Summary\nEdited after the lost run.');
    const queries = fake.requests.slice(before).filter((r) => r.path.endsWith('/query'));
    expect(queries).toHaveLength(1);
    expect(data(repo, file).notion_page_id).toBe(page.id);
  });
});
