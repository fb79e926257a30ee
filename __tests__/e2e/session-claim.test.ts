import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { isClaimStub, parseNote } from '../../tools/core/frontmatter.js';
import { createGitRepo, runCli, runCliAsync, type GitRepo } from '../helpers/git-repo.js';
import { sessionNote, workstreamNote } from '../helpers/notes.js';
import { storeTemplate } from '../helpers/repo-template.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

function repoFor(options: Parameters<typeof createGitRepo>[0] = {}): GitRepo {
  const repo = createGitRepo(options);
  cleanups.push(() => repo.cleanup());
  return repo;
}

const sessions = (repo: GitRepo) =>
  readdirSync(path.join(repo.dir, 'docs/sessions'))
    .filter((n) => n.endsWith('.md'))
    .sort();

describe('session claim', () => {
  test('50 parallel claims for one operator and day get 50 distinct ids 01..50, each a valid stub', async () => {
    const repo = repoFor();
    const env = { ...repo.env, OPERATOR: 'roman' };
    const results = await Promise.all(
      Array.from({ length: 50 }, () => runCliAsync(['session', 'claim', '--date', '2026-05-11', '--json'], { cwd: repo.dir, env })),
    );
    for (const r of results) expect(r).toMatchObject({ code: 0, stderr: '' });
    const ids = results.map((r) => (JSON.parse(r.stdout) as { id: string }).id).sort();
    const expected = Array.from({ length: 50 }, (_, i) => `RT-260511-${String(i + 1).padStart(2, '0')}`);
    expect(ids).toEqual(expected);
    expect(sessions(repo)).toEqual(expected.map((id) => `${id}.md`));
    for (const id of expected) {
      const text = repo.read(`docs/sessions/${id}.md`);
      expect(text).toMatch(/^---\nclaimed_at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\noperator: roman\nkind: session\n---\n$/);
      expect(isClaimStub(parseNote(text))).toBe(true);
    }
    // No temp file of the link-based create is left behind.
    expect(readdirSync(path.join(repo.dir, 'docs/sessions')).filter((n) => n.startsWith('.'))).toEqual([]);
    // A stub is valid for validate.
    expect(runCli(['validate', `docs/sessions/${expected[0]}.md`], { cwd: repo.dir, env }).code).toBe(0);
  }, 180_000); // 50 Node processes on a 2-core machine

  test('the 100th claim of a day fails clearly with exit 1 and writes nothing', () => {
    const repo = repoFor();
    for (let n = 1; n <= 99; n++) repo.write(`docs/sessions/RT-260511-${String(n).padStart(2, '0')}.md`, sessionNote('x'));
    const before = sessions(repo);
    const r = runCli(['session', 'claim', '--operator', 'RT', '--date', '2026-05-11'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('All 99 session ids of RT for 2026-05-11 are taken (RT-260511-01 … RT-260511-99)');
    expect(r.stderr).toContain('canon session gc --apply');
    expect(sessions(repo)).toEqual(before);
  });

  test('never overwrites: a gap is filled, existing files keep their bytes', () => {
    const repo = repoFor();
    repo.write('docs/sessions/RT-260511-01.md', sessionNote('RT-260511-01'));
    repo.write('docs/sessions/RT-260511-03.md', sessionNote('RT-260511-03'));
    const r = runCli(['session', 'claim', '--date', '2026-05-11'], { cwd: repo.dir, env: repo.env });
    expect(r).toMatchObject({ code: 0, stdout: 'RT-260511-02  docs/sessions/RT-260511-02.md\n' });
    expect(repo.read('docs/sessions/RT-260511-01.md')).toBe(sessionNote('RT-260511-01'));
    expect(runCli(['session', 'claim', '--date', '2026-05-11', '--json'], { cwd: repo.dir, env: repo.env }).stdout).toContain('"id": "RT-260511-04"');
  });

  test("the date is the operator's local date: TZ is honoured", () => {
    const repo = repoFor();
    // UTC+14 and UTC-11 are 25 hours apart: their calendar dates always differ.
    for (const tz of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(new Date()).split('-');
      const r = runCli(['session', 'claim', '--json'], { cwd: repo.dir, env: { ...repo.env, TZ: tz } });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ id: `RT-${y!.slice(2)}${m}${d}-01`, operator: 'roman', path: `docs/sessions/RT-${y!.slice(2)}${m}${d}-01.md` });
    }
  });

  test('docs/sessions/ is created when missing', () => {
    const repo = repoFor();
    expect(repo.exists('docs/sessions')).toBe(false);
    expect(runCli(['session', 'claim', '--date', '2026-05-11'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(repo.exists('docs/sessions/RT-260511-01.md')).toBe(true);
  });

  test.each([
    [['--date', '2026-02-30'], 2, '--date "2026-02-30" is not a date'],
    [['--date', 'tomorrow'], 2, '--date "tomorrow" is not a date'],
    [['--operator', 'nobody'], 2, '--operator "nobody" is neither a slug nor initials in .claude/operators.yaml'],
  ])('bad input %j exits %i', (args, code, message) => {
    const repo = repoFor();
    const r = runCli(['session', 'claim', ...args], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message);
    expect(repo.exists('docs/sessions')).toBe(false);
  });

  const rootCannotBeDenied = process.getuid?.() === 0;
  (rootCannotBeDenied ? test.skip : test)('an unwritable docs/sessions/ is reported with exit 1', () => {
    const repo = repoFor();
    mkdirSync(path.join(repo.dir, 'docs/sessions'), { recursive: true });
    chmodSync(path.join(repo.dir, 'docs/sessions'), 0o555);
    cleanups.push(() => chmodSync(path.join(repo.dir, 'docs/sessions'), 0o755));
    const r = runCli(['session', 'claim', '--date', '2026-05-11'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Cannot create a session file in docs/sessions: permission denied');
  });

  test('a file where docs/ should be is reported with exit 1, and nothing is claimed', () => {
    const repo = repoFor();
    repo.write('docs', 'not a folder\n');
    const r = runCli(['session', 'claim', '--date', '2026-05-11'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Cannot create a session file in docs/sessions: a file is in the way of the folder. No id was claimed.');
  });

  test('a repository under iCloud Drive gets a warning that atomic create is unreliable there', () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'canon-icloud-'));
    cleanups.push(() => rmSync(base, { recursive: true, force: true }));
    const dir = path.join(base, 'Library', 'Mobile Documents', 'com~apple~CloudDocs', 'store');
    mkdirSync(dir, { recursive: true });
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
    const repo = createGitRepo({ existing: dir });
    cleanups.push(() => repo.cleanup());
    const r = runCli(['session', 'claim', '--date', '2026-05-11'], { cwd: dir, env: repo.env });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/iCloud Drive or a FileProvider folder; atomic create and rename are not reliable/);
  });
});

describe('session gc', () => {
  test('lists, then with --apply removes, only stubs older than the bound', () => {
    const repo = repoFor();
    const stub = (at: string) => `---\nclaimed_at: ${at}\noperator: roman\nkind: session\n---\n`;
    const old = new Date(Date.now() - 30 * 3_600_000).toISOString();
    const fresh = new Date(Date.now() - 3_600_000).toISOString();
    repo.write('docs/sessions/RT-260511-01.md', stub(old));
    repo.write('docs/sessions/RT-260511-02.md', stub(fresh));
    repo.write('docs/sessions/RT-260511-03.md', `${stub(old)}## Summary\n\nStarted writing.\n`);
    repo.write('docs/sessions/RT-260511-04.md', sessionNote('RT-260511-04'));

    const dry = runCli(['session', 'gc', '--json'], { cwd: repo.dir, env: repo.env });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ dry_run: true, stale: ['docs/sessions/RT-260511-01.md'], removed: [] });
    expect(repo.exists('docs/sessions/RT-260511-01.md')).toBe(true);

    const apply = runCli(['session', 'gc', '--older-than', '30m', '--apply', '--json'], { cwd: repo.dir, env: repo.env });
    expect(JSON.parse(apply.stdout).removed).toEqual(['docs/sessions/RT-260511-01.md', 'docs/sessions/RT-260511-02.md']);
    expect(sessions(repo)).toEqual(['RT-260511-03.md', 'RT-260511-04.md']);
  });

  test('a bad --older-than is a usage error', () => {
    const repo = repoFor();
    const r = runCli(['session', 'gc', '--older-than', 'soon'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--older-than "soon" is not an age');
  });
});

describe('session rename', () => {
  /**
   * A workstream and two session notes (RT-260511-01 logged in it), normalised and indexed, not committed:
   * the start of the first two tests below, built once for the file and copied for each.
   */
  const loggedTemplate = storeTemplate({}, (repo) => {
    repo.write('workstreams/hooks.md', workstreamNote('hooks').replace('## Session Log\n', '## Session Log\n- RT-260511-01 (2026-05-11): Hooks.\n'));
    repo.write('docs/sessions/RT-260511-01.md', sessionNote('RT-260511-01', { workstream: 'hooks', title: 'Hooks', summary: 'Hooks.' }));
    repo.write('docs/sessions/RT-260511-02.md', sessionNote('RT-260511-02'));
    expect(runCli(['normalize', '--all'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(runCli(['index'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
  });
  afterAll(() => loggedTemplate.cleanup());

  function logged(): GitRepo {
    const repo = loggedTemplate.copy();
    cleanups.push(() => repo.cleanup());
    return repo;
  }

  test('moves an unwritten-to-git note to the next free id, fixing external_id, hash, Session Log and INDEX', () => {
    const repo = logged();
    const r = runCli(['session', 'rename', 'RT-260511-01', '--json'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ from: 'RT-260511-01', to: 'RT-260511-03', path: 'docs/sessions/RT-260511-03.md', git: 'working-tree' });
    expect(repo.exists('docs/sessions/RT-260511-01.md')).toBe(false);
    expect(parseNote(repo.read('docs/sessions/RT-260511-03.md')).data).toMatchObject({ external_id: 'RT-260511-03', title: 'Hooks' });
    expect(repo.read('workstreams/hooks.md')).toContain('- RT-260511-03 (2026-05-11): Hooks.');
    expect(repo.read('docs/sessions/index/2026-05.md')).toContain('[RT-260511-03](../RT-260511-03.md) | Hooks');
    expect(repo.read('docs/sessions/index/2026-05.md')).not.toContain('RT-260511-01');
    const check = runCli(['validate', '--all', '--strict'], { cwd: repo.dir, env: repo.env });
    expect(check.stderr + check.stdout).toContain('0 error(s)');
    expect(runCli(['index', '--check'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
  });

  test('a staged note: only the lines the rename changed are staged; unstaged edits to the workstream and INDEX stay unstaged', () => {
    const repo = logged();
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'init']);
    // A new note, staged with its Session Log line and INDEX row, as a plain `git commit` would take it.
    repo.write('docs/sessions/RT-260511-03.md', sessionNote('RT-260511-03', { workstream: 'hooks', title: 'Later', summary: 'Later.' }));
    repo.write('workstreams/hooks.md', repo.read('workstreams/hooks.md').replace('## Session Log\n', '## Session Log\n- RT-260511-03 (2026-05-11): Later.\n'));
    expect(runCli(['normalize', '--all'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(runCli(['index'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    repo.git(['add', '-A']);
    // Then the user goes on editing, without staging: the workstream's goal, and another note's title (re-indexed).
    repo.write('workstreams/hooks.md', repo.read('workstreams/hooks.md').replace('A goal.', 'A sharper goal.'));
    repo.write('docs/sessions/RT-260511-03.md', repo.read('docs/sessions/RT-260511-03.md').replace('Something shipped.', 'Something more shipped.'));
    repo.write('docs/sessions/RT-260511-02.md', repo.read('docs/sessions/RT-260511-02.md').replace('title: Session RT-260511-02', 'title: Renamed by hand'));
    expect(runCli(['normalize', '--all'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    expect(runCli(['index'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    const shard = 'docs/sessions/index/2026-05.md';
    expect(repo.git(['diff', '--name-only']).stdout.trim().split('\n').sort()).toEqual([
      'docs/sessions/RT-260511-02.md',
      'docs/sessions/RT-260511-03.md',
      shard,
      'workstreams/hooks.md',
    ]);

    const r = runCli(['session', 'rename', 'RT-260511-03', '--json'], { cwd: repo.dir, env: repo.env });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ from: 'RT-260511-03', to: 'RT-260511-04', git: 'staged' });

    // Staged: the rename and nothing of the user's later edits.
    const stagedWs = repo.git(['show', ':workstreams/hooks.md']).stdout;
    expect(stagedWs).toContain('- RT-260511-04 (2026-05-11): Later.');
    expect(stagedWs).not.toContain('RT-260511-03');
    expect(stagedWs).toContain('A goal.');
    const stagedShard = repo.git(['show', `:${shard}`]).stdout;
    expect(stagedShard).toContain('[RT-260511-04](../RT-260511-04.md) | Later');
    expect(stagedShard).not.toContain('RT-260511-03');
    expect(stagedShard).toContain('| Session RT-260511-02 |');
    expect(stagedShard).not.toContain('Renamed by hand');
    expect(repo.git(['diff', '--cached', '--name-status']).stdout.trim().split('\n').sort()).toEqual(
      ['A\tdocs/sessions/RT-260511-04.md', `M\t${shard}`, 'M\tworkstreams/hooks.md'].sort(),
    );
    expect(repo.git(['show', ':docs/sessions/RT-260511-02.md']).stdout).toContain('title: Session RT-260511-02');
    const stagedNote = parseNote(repo.git(['show', ':docs/sessions/RT-260511-04.md']).stdout);
    expect(stagedNote.data.external_id).toBe('RT-260511-04');
    expect(stagedNote.body).toContain('Something shipped.');
    expect(repo.read('docs/sessions/RT-260511-04.md')).toContain('Something more shipped.');
    // Unstaged, exactly as before: the goal edit and the hand-renamed title; the working files also have the rename.
    const unstaged = repo.git(['diff']).stdout;
    expect(unstaged).toContain('+A sharper goal.');
    expect(unstaged).toContain('Renamed by hand');
    expect(unstaged).toContain('+Something more shipped.');
    const changedLines = unstaged.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l));
    expect(changedLines.join('\n')).not.toMatch(/RT-260511-0[34]/);
    expect(repo.read('workstreams/hooks.md')).toContain('- RT-260511-04 (2026-05-11): Later.');
    expect(repo.read('workstreams/hooks.md')).toContain('A sharper goal.');
    expect(repo.read(shard)).toContain('[RT-260511-04](../RT-260511-04.md) | Later');
    expect(repo.read(shard)).toContain('Renamed by hand');
    expect(runCli(['index', '--check'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
  });

  test('a committed note with other uncommitted changes around is refused, and nothing changes', () => {
    const repo = repoFor();
    repo.write('docs/sessions/RT-260511-01.md', sessionNote('RT-260511-01'));
    repo.write('notes.txt', 'draft\n');
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'init']);
    repo.write('notes.txt', 'draft 2\n');
    const r = runCli(['session', 'rename', 'RT-260511-01'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Your working tree has other changes (notes.txt)');
    expect(r.stderr).toContain('No files were changed.');
    expect(sessions(repo)).toEqual(['RT-260511-01.md']);
  });

  test.each([
    ['CONV-30', 'is not a session id like RT-260511-02'],
    ['RT-260511-07', 'docs/sessions/RT-260511-07.md does not exist'],
  ])('%s is a usage error', (id, message) => {
    const repo = repoFor();
    const r = runCli(['session', 'rename', id], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('two clones and a bare remote', () => {
  /**
   * A with canon's hooks and its first commit (through the commit door) pushed to a bare remote, B a clone of it with
   * canon's hooks: built once for the file, copied for each test (the remote and B's clone with it).
   */
  const template = storeTemplate({ hooks: true }, (a) => {
    const base = path.dirname(a.dir);
    const bare = path.join(base, 'remote.git');
    a.git(['init', '-q', '--bare', '-b', 'main', bare]);
    a.git(['add', '-A']);
    a.git(['commit', '-q', '-m', 'store']);
    a.git(['remote', 'add', 'origin', bare]);
    // Past the gate, like A's pushes below: B's pushes are the ones under test.
    a.git(['push', '-q', '--no-verify', '-u', 'origin', 'main']);
    const dirB = path.join(base, 'b');
    a.git(['clone', '-q', bare, dirB]);
    createGitRepo({ existing: dirB, hooks: true }).cleanup();
  });
  afterAll(() => template.cleanup());

  function setup() {
    const a = template.copy();
    cleanups.push(() => a.cleanup());
    const base = path.dirname(a.dir);
    const b = createGitRepo({ existing: path.join(base, 'b'), operators: false });
    cleanups.push(() => b.cleanup());
    b.git(['config', 'user.email', 'roman.t@example.org']); // the same operator on a second machine
    return { a, b, bare: path.join(base, 'remote.git') };
  }

  const claim = (repo: GitRepo, date: string) => {
    const r = runCli(['session', 'claim', '--date', date, '--json'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(0);
    return (JSON.parse(r.stdout) as { id: string }).id;
  };

  const writeNote = (repo: GitRepo, id: string, title: string) => {
    repo.write(`docs/sessions/${id}.md`, sessionNote(id, { title, summary: `${title}.` }));
    repo.git(['add', `docs/sessions/${id}.md`]);
    repo.git(['commit', '-q', '-m', `session ${id}`]);
  };

  /** A's pushes set the scene, B's are under test: canon's pre-push only checks (it writes nothing), so A's skip it. */
  const pushA = (a: GitRepo) => a.git(['push', '-q', '--no-verify']);

  test('B skips an id A pushed once it fetched; a collision from before the fetch is refused at push, renamed, and lands', () => {
    const { a, b, bare } = setup();

    // A pushes RT-260511-01; after a fetch B's claim skips it without B having merged anything.
    expect(claim(a, '2026-05-11')).toBe('RT-260511-01');
    writeNote(a, 'RT-260511-01', 'From A');
    pushA(a);
    b.git(['fetch', '-q']);
    expect(b.exists('docs/sessions/RT-260511-01.md')).toBe(false);
    expect(claim(b, '2026-05-11')).toBe('RT-260511-02');
    rmSync(path.join(b.dir, 'docs/sessions/RT-260511-02.md'));
    b.git(['pull', '-q', '--rebase']);

    // Both claim RT-260512-01: A pushes first; B claimed before fetching.
    expect(claim(a, '2026-05-12')).toBe('RT-260512-01');
    expect(claim(b, '2026-05-12')).toBe('RT-260512-01');
    writeNote(a, 'RT-260512-01', 'Twelfth from A');
    pushA(a);
    writeNote(b, 'RT-260512-01', 'Twelfth from B');
    b.git(['fetch', '-q']);

    const refused = b.git(['push'], { allowFail: true });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('session id RT-260512-01 already exists on origin/main with different content');
    expect(refused.stderr).toContain('canon session rename RT-260512-01');
    expect(a.git(['--git-dir', bare, 'show', 'main:docs/sessions/RT-260512-01.md']).stdout).toContain('Twelfth from A');

    const renamed = runCli(['session', 'rename', 'RT-260512-01', '--json'], { cwd: b.dir, env: b.env });
    expect(renamed.code).toBe(0);
    expect(JSON.parse(renamed.stdout)).toMatchObject({ from: 'RT-260512-01', to: 'RT-260512-02', git: 'committed' });
    // History was rewritten: the old id never existed in B's unpushed commits.
    expect(b.git(['log', '--format=%s', 'origin/main..HEAD']).stdout.trim()).toBe('session RT-260512-01');
    const forkPoint = b.git(['merge-base', 'HEAD', 'origin/main']).stdout.trim();
    expect(b.git(['log', '--name-only', '--format=', `${forkPoint}..HEAD`]).stdout).not.toContain('RT-260512-01.md');

    expect(b.git(['pull', '-q', '--rebase']).code).toBe(0);
    expect(b.git(['push', '-q']).code).toBe(0);

    const remote = (rel: string) => a.git(['--git-dir', bare, 'show', `main:${rel}`]).stdout;
    expect(remote('docs/sessions/RT-260512-01.md')).toContain('Twelfth from A');
    const moved = parseNote(remote('docs/sessions/RT-260512-02.md'));
    expect(moved.data).toMatchObject({ external_id: 'RT-260512-02', title: 'Twelfth from B' });
    const index = remote('docs/sessions/index/2026-05.md');
    expect(index).toContain('[RT-260512-01](../RT-260512-01.md) | Twelfth from A');
    expect(index).toContain('[RT-260512-02](../RT-260512-02.md) | Twelfth from B');
    expect(runCli(['validate', '--all'], { cwd: b.dir, env: b.env }).code).toBe(0);
  });

  test('pushing a session that already exists upstream with the same content is allowed', () => {
    const { a, b } = setup();
    writeNote(a, 'RT-260511-01', 'Shared');
    pushA(a);
    b.git(['fetch', '-q']);
    // B picked up the same commit content by hand (e.g. a cherry-pick of a patch): same bytes, no collision.
    b.write('docs/sessions/RT-260511-01.md', a.read('docs/sessions/RT-260511-01.md'));
    b.git(['add', 'docs/sessions/RT-260511-01.md']);
    b.git(['commit', '-q', '-m', 'same']);
    const r = runCli(['pre-push', 'origin', 'url'], {
      cwd: b.dir,
      env: b.env,
      input: `refs/heads/main ${b.head()} refs/heads/main ${a.head()}\n`,
    });
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });
});
