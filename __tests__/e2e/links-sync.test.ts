import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { DEFAULT_CONFIG } from '../../tools/core/config.js';
import { parseNote } from '../../tools/core/frontmatter.js';
import { runCliAsync, type GitRepo } from '../helpers/git-repo.js';
import { startFakeNotion, type FakeBlock, type FakeNotion } from '../helpers/fake-notion.js';
import { frontmatter, sessionNote, workstreamNote } from '../helpers/notes.js';
import { storeTemplate } from '../helpers/repo-template.js';

let repo: GitRepo | undefined;
let fake: FakeNotion | undefined;
afterEach(async () => {
  repo?.cleanup();
  await fake?.close();
  repo = undefined;
  fake = undefined;
});

const TOKEN = 'ntn_e2eLinksToken0123456789abcdefghijklmnopqrstuvwxyzABC';

/** Every linked text run the fake stored for a page, as `text -> url`. */
function storedLinks(blocks: readonly FakeBlock[]): string[] {
  const out: string[] = [];
  const walk = (list: readonly FakeBlock[]) => {
    for (const block of list) {
      for (const item of (block.data.rich_text ?? []) as Array<{ plain_text?: string; text?: { content: string; link: { url: string } | null } }>) {
        if (item.text?.link) out.push(`${item.text.content} -> ${item.text.link.url}`);
      }
      walk(block.children);
    }
  };
  walk(blocks);
  return out;
}

const pageUrl = (id: string) => `https://www.notion.so/${id.replace(/-/g, '')}`;

/**
 * On canon's default Notion-Version (ADR-0046): links are markdown, sent by the creates and update_content
 * edits whose per-version differences sync.test.ts proves on every version.
 */
const version = DEFAULT_CONFIG.notion.version;

/** A store with canon's hooks (`canon setup` once for the file), copied for each test. */
const template = storeTemplate(
  { hooks: true, files: { '.gitignore': '.claude/state/*\n', 'canon.config.json': `${JSON.stringify({ notion: { version } })}\n` } },
  () => {},
);
afterAll(() => template.cleanup());

describe(`sync sees links between notes (Notion-Version ${version}, the default; ADR-0046)`, () => {
  test("links written as wikilinks, from any folder and with anchors, become links to the other notes' pages; a note synced later is linked on the next run", async () => {
    // The fake answers only this Notion-Version: every request carries it.
    fake = await startFakeNotion({ token: TOKEN, version });
    repo = template.copy();
    const r = repo;
    r.write('docs/sessions/RT-260511-26.md', sessionNote('RT-260511-26', {}, '## Summary\n\nDone.\n\n## Resume Prompt\n\nGo on.\n'));
    r.write(
      'docs/adr/0001-notes-in-git.md',
      frontmatter({ title: 'Notes in git', status: 'accepted', date: '2026-05-11', kind: 'adr', external_id: 'ADR-0001' }, '## Decision\n\nGit.\n'),
    );
    r.write(
      'workstreams/repo-flip.md',
      workstreamNote('repo-flip').replace('A goal.', 'A goal: see [[RT-260511-26#Resume Prompt]], [[ADR-0001|the decision]] and [a bad escape](%zz.md).'),
    );
    r.git(['add', '-A']);
    const committed = r.git(['commit', '-m', 'notes'], { allowFail: true });
    expect(committed.code).toBe(0);
    expect(r.read('workstreams/repo-flip.md')).toContain('[RT-260511-26 > Resume Prompt](../docs/sessions/RT-260511-26.md#resume-prompt)');
    expect(r.read('workstreams/repo-flip.md')).toContain('[the decision](../docs/adr/0001-notes-in-git.md)');

    const env = {
      ...r.env,
      NOTION_TOKEN: TOKEN,
      NOTION_BASE_URL: fake.baseUrl,
      NOTION_DATABASE_ID: fake.databaseId,
      CANON_NOTION_RPS: '500',
      CANON_NOTION_RETRY_BASE_MS: '5',
    };
    const sync = (args: string[]) => runCliAsync(['sync', '--apply', '--json', ...args], { cwd: r.dir, env });
    const commitWriteBacks = () => {
      r.git(['add', '-A']);
      r.git(['commit', '-q', '-m', 'sync write-back'], { env: { HUSKY: '0' } });
    };

    // First run: the ADR and the workstream only; the session has no page yet.
    const first = await sync(['--kinds', 'adr,workstream']);
    expect(first.stderr).not.toMatch(/internal error/);
    expect(first.code).toBe(0);
    const ws = fake.pagesByExternalId('WS-repo-flip')[0]!;
    const adr = fake.pagesByExternalId('ADR-0001')[0]!;
    expect(storedLinks(fake.blockTree(ws.id))).toEqual([`the decision -> ${pageUrl(adr.id)}`]);
    expect(parseNote(r.read('workstreams/repo-flip.md')).data.sync_status).toBe('pending');
    commitWriteBacks();

    // The session gets its page (a run of sessions only)...
    expect((await sync(['--kinds', 'session'])).code).toBe(0);
    const session = fake.pagesByExternalId('RT-260511-26')[0]!;
    commitWriteBacks();
    // ...and the next run makes the workstream's link to it, in one request.
    const before = fake.requests.length;
    const third = await sync([]);
    expect(third.code).toBe(0);
    expect(JSON.parse(third.stdout).counts).toMatchObject({ create: 0, update: 1 });
    expect(fake.requests.length - before).toBe(1);
    expect(storedLinks(fake.blockTree(ws.id)).sort()).toEqual(
      [`RT-260511-26 > Resume Prompt -> ${pageUrl(session.id)}`, `the decision -> ${pageUrl(adr.id)}`].sort(),
    );
    expect(parseNote(r.read('workstreams/repo-flip.md')).data.sync_status).toBe('synced');
    commitWriteBacks();

    // And then nothing is left to send.
    const idle = fake.requests.length;
    const last = await sync([]);
    expect(JSON.parse(last.stdout).counts).toMatchObject({ create: 0, update: 0 });
    expect(fake.requests.length).toBe(idle);
  });

  test('one run mirrors the store: link targets are sent first, a cycle of links costs one more request, and every note ends synced', async () => {
    // The fake answers only this Notion-Version: every request carries it.
    fake = await startFakeNotion({ token: TOKEN, version });
    repo = template.copy();
    const r = repo;
    const id = (n: number) => `RT-260511-${30 + n}`;
    const linkTo = (n: number) => `[session ${n}](${id(n)}.md)`;
    // 1 → 2 (a chain, against file order); 3 ↔ 4 (a cycle); 5 links to nothing.
    const bodies: Record<number, string> = { 1: `See ${linkTo(2)}.`, 2: 'The target.', 3: `Next: ${linkTo(4)}.`, 4: `Back: ${linkTo(3)}.`, 5: 'Alone.' };
    for (const [n, text] of Object.entries(bodies)) r.write(`docs/sessions/${id(Number(n))}.md`, sessionNote(id(Number(n)), {}, `## Summary\n\n${text}\n`));
    r.git(['add', '-A']);
    // The commit only sets the scene (the hooks' work on links is the first test's): past the hooks.
    expect(r.git(['-c', 'core.hooksPath=/dev/null', 'commit', '-m', 'linked notes'], { allowFail: true }).code).toBe(0);
    const env = {
      ...r.env,
      NOTION_TOKEN: TOKEN,
      NOTION_BASE_URL: fake.baseUrl,
      NOTION_DATABASE_ID: fake.databaseId,
      CANON_NOTION_RPS: '500',
      CANON_NOTION_RETRY_BASE_MS: '5',
    };

    // The dry run counts the one request the cycle needs: 3 lookups + 5 creates + 1 link edit.
    const dry = await runCliAsync(['sync', '--json'], { cwd: r.dir, env });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).planned_requests).toBe(9);

    const run = await runCliAsync(['sync', '--apply', '--json'], { cwd: r.dir, env });
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.counts).toMatchObject({ create: 5, update: 0, error: 0 });
    expect(result.requests).toBe(9);
    expect(fake.requests.filter((q) => q.method === 'PATCH' && q.path.endsWith('/markdown'))).toHaveLength(1);
    const page = (n: number) => fake!.pagesByExternalId(id(n));
    for (const n of [1, 2, 3, 4, 5]) {
      expect(page(n)).toHaveLength(1);
      const data = parseNote(r.read(`docs/sessions/${id(n)}.md`)).data;
      expect({ n, status: data.sync_status, page: data.notion_page_id }).toEqual({ n, status: 'synced', page: page(n)[0]!.id });
    }
    expect(storedLinks(fake.blockTree(page(1)[0]!.id))).toEqual([`session 2 -> ${pageUrl(page(2)[0]!.id)}`]);
    expect(storedLinks(fake.blockTree(page(3)[0]!.id))).toEqual([`session 4 -> ${pageUrl(page(4)[0]!.id)}`]);
    expect(storedLinks(fake.blockTree(page(4)[0]!.id))).toEqual([`session 3 -> ${pageUrl(page(3)[0]!.id)}`]);
    expect(r.read('docs/sync/LAST_SYNC.md')).toContain('1 link(s) to notes created in this run added');

    // Nothing is left for a later run.
    const idle = fake.requests.length;
    const again = await runCliAsync(['sync', '--apply', '--json'], { cwd: r.dir, env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).counts).toMatchObject({ create: 0, update: 0, error: 0 });
    expect(fake.requests.length).toBe(idle);
  });
});
