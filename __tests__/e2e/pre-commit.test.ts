import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { computeContentHash } from '../../tools/core/content-hash.js';
import { parseNote } from '../../tools/core/frontmatter.js';
import { createGitRepo, runCli, spyOnRunner, type GitRepo } from '../helpers/git-repo.js';
import { sessionNote, workstreamNote } from '../helpers/notes.js';
import { repoTemplate } from '../helpers/repo-template.js';

let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

function commit(r: GitRepo, message: string) {
  return r.git(['commit', '-m', message], { allowFail: true });
}

/**
 * A store with canon's hooks, a workstream and a session, committed through the commit door: built once,
 * copied for each test that starts from a committed store.
 */
const seededTemplate = repoTemplate(() => {
  const r = createGitRepo({ hooks: true });
  r.write('workstreams/hooks.md', workstreamNote('hooks'));
  r.write('docs/sessions/RT-260511-01.md', sessionNote('RT-260511-01'));
  r.git(['add', '-A']);
  expect(commit(r, 'init').code).toBe(0);
  return r;
});
afterAll(() => seededTemplate.cleanup());

describe('pre-commit through husky + lint-staged', () => {
  test('a valid note with scrambled keys and no hash lands normalised, with its INDEX row, in one commit', () => {
    repo = createGitRepo({ hooks: true });
    repo.write('workstreams/hooks.md', workstreamNote('hooks'));
    repo.git(['add', '-A']);
    expect(commit(repo, 'init').code).toBe(0);
    repo.write(
      'docs/sessions/RT-260511-01.md',
      '---\ndate: 2026-05-11\nexternal_id: RT-260511-01\ntags: [hooks]\nkind: session\nsummary: Hardened the hook.\nwhy_note: kept\noperator: roman\ntitle: Hook hardening\nworkstream: hooks\n---\n## Summary\n\nDone.\n',
    );
    repo.git(['add', 'docs/sessions/RT-260511-01.md']);
    const result = commit(repo, 'session');
    expect(result.code).toBe(0);
    const committed = repo.git(['show', 'HEAD:docs/sessions/RT-260511-01.md']).stdout;
    const note = parseNote(committed);
    expect(note.entries.map((e) => e.key)).toEqual([
      'title',
      'operator',
      'summary',
      'workstream',
      'tags',
      'kind',
      'external_id',
      'date',
      'why_note',
      'content_hash',
    ]);
    expect(note.data.content_hash).toBe(computeContentHash(note.data, note.body));
    const files = repo.git(['show', '--name-only', '--format=', 'HEAD']).stdout.trim().split('\n').sort();
    expect(files).toEqual(['docs/sessions/INDEX.md', 'docs/sessions/RT-260511-01.md', 'docs/sessions/index/2026-05.md']);
    expect(repo.git(['show', 'HEAD:docs/sessions/index/2026-05.md']).stdout).toContain('| [RT-260511-01](../RT-260511-01.md) | Hook hardening | roman |');
    expect(repo.git(['show', 'HEAD:docs/sessions/INDEX.md']).stdout).toContain('| [2026-05](index/2026-05.md) |');
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
  });

  // One commit, three notes, each refused for its own reason: the hook checks every staged note and names
  // each on its own line, so every refusal is still asserted apart (as secrets.test.ts does).
  test('an invalid note, a ---js note and a note holding a token are each refused, with HEAD unchanged', () => {
    repo = seededTemplate.copy();
    const head = repo.head();
    repo.write('docs/sessions/RT-260511-02.md', sessionNote('RT-260511-02', { operator: 'nobody', date: 'yesterday' }));
    repo.write('docs/sessions/RT-260511-03.md', '---js\nrequire("fs").writeFileSync("PWNED", "x")\n---\nbody\n');
    repo.write('docs/sessions/RT-260511-04.md', sessionNote('RT-260511-04', {}, `## Summary\n\ntoken ghp_${'a1B2c3D4e5'.repeat(3)}abcdef\n`));
    repo.git(['add', '-A']);
    const result = commit(repo, 'bad');
    expect(result.code).not.toBe(0);
    const lines = result.stderr.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
    const lineOf = (id: string, reason: RegExp) => lines.filter((l) => l.includes(`${id}.md`) && reason.test(l));
    expect(lineOf('RT-260511-02', /operator.*not a slug|date must be/)).not.toEqual([]);
    expect(lineOf('RT-260511-03', /front matter language "js" is not allowed/)).not.toEqual([]);
    expect(lineOf('RT-260511-04', /secret.*ghp_\*{8}/)).not.toEqual([]);
    expect(result.stderr).not.toContain('a1B2c3D4e5a1B2c3D4e5');
    expect(repo.head()).toBe(head);
    expect(repo.exists('PWNED')).toBe(false);
  });
});

describe('what a handoff checked itself (CANON_PRECOMMIT_CHECKED, ADR-0037)', () => {
  test('names exactly one HEAD and staged tree: only that content skips the check, anything else is checked as always', () => {
    repo = seededTemplate.copy();
    const calls = spyOnRunner(repo);
    const checked = () => `${repo!.head()}:${repo!.git(['write-tree']).stdout.trim()}`;

    // The staged state it names: the hook starts no node for it.
    repo.write('notes.txt', 'plain\n');
    repo.git(['add', 'notes.txt']);
    const digest = checked();
    expect(repo.git(['commit', '-q', '-m', 'named'], { env: { CANON_PRECOMMIT_CHECKED: digest } }).code).toBe(0);
    expect(calls()).not.toContain('pre-commit');

    // A digest of other content (here the same tree on the HEAD before, then an older tree) is checked, and refused.
    const head = repo.head();
    repo.write('docs/sessions/RT-260511-02.md', sessionNote('RT-260511-02', {}, `## Summary\n\ntoken ghp_${'a1B2c3D4e5'.repeat(3)}abcdef\n`));
    repo.git(['add', '-A']);
    for (const stale of [digest, `${head}:${digest.split(':')[1]}`, `${digest.split(':')[0]}:${repo.git(['write-tree']).stdout.trim()}`]) {
      const refused = repo.git(['commit', '-m', 'unchecked'], { allowFail: true, env: { CANON_PRECOMMIT_CHECKED: stale } });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/secret.*ghp_\*{8}/);
      expect(repo.head()).toBe(head);
    }
    expect(calls().filter((c) => c === 'pre-commit')).toHaveLength(3);
  });
});

describe('the commit door, continued', () => {
  const seeded = (): GitRepo => seededTemplate.copy();

  test('two branches that both add sessions merge (and rebase) without an INDEX conflict', () => {
    repo = seeded();
    const r = repo;
    r.git(['checkout', '-q', '-b', 'feature']);
    r.write('docs/sessions/SK-260512-01.md', sessionNote('SK-260512-01', { operator: 'sergei', date: '2026-05-12' }));
    r.git(['add', '-A']);
    expect(commit(r, 'sergei').code).toBe(0);
    r.git(['checkout', '-q', 'main']);
    r.write('docs/sessions/RT-260512-01.md', sessionNote('RT-260512-01', { date: '2026-05-12' }));
    r.git(['add', '-A']);
    expect(commit(r, 'roman').code).toBe(0);

    const merge = r.git(['merge', '--no-edit', 'feature'], { allowFail: true });
    expect(merge.code).toBe(0);
    const index = r.read('docs/sessions/index/2026-05.md');
    expect(index).toContain('[SK-260512-01]');
    expect(index).toContain('[RT-260512-01]');
    expect(index).toContain('[RT-260511-01]');
    expect(runCli(['index', '--check'], { cwd: r.dir, env: r.env }).code).toBe(0);

    // The same two lines of work, rebased instead of merged.
    r.git(['reset', '-q', '--hard', 'HEAD~1']);
    r.git(['checkout', '-q', 'feature']);
    const rebase = r.git(['rebase', 'main'], { allowFail: true });
    expect(rebase.code).toBe(0);
    expect(runCli(['index', '--check'], { cwd: r.dir, env: r.env }).code).toBe(0);
  });

  test('sessions of new months on both branches merge into one month list', () => {
    repo = seeded();
    const r = repo;
    r.git(['checkout', '-q', '-b', 'feature']);
    r.write('docs/sessions/SK-260601-01.md', sessionNote('SK-260601-01', { operator: 'sergei', date: '2026-06-01' }));
    r.git(['add', '-A']);
    expect(commit(r, 'june').code).toBe(0);
    r.git(['checkout', '-q', 'main']);
    r.write('docs/sessions/RT-260701-01.md', sessionNote('RT-260701-01', { date: '2026-07-01' }));
    r.git(['add', '-A']);
    expect(commit(r, 'july').code).toBe(0);
    expect(r.git(['merge', '--no-edit', 'feature'], { allowFail: true }).code).toBe(0);
    expect(r.read('docs/sessions/INDEX.md').match(/\| \[(\d{4}-\d{2})\]/g)).toEqual(['| [2026-07]', '| [2026-06]', '| [2026-05]']);
    expect(runCli(['index', '--check'], { cwd: r.dir, env: r.env }).code).toBe(0);
  });

  test('a partially staged note keeps its unstaged hunk', () => {
    repo = seeded();
    const r = repo;
    const committed = r.read('docs/sessions/RT-260511-01.md');
    const staged = committed.replace('Something shipped.', 'Something shipped, and more.');
    r.write('docs/sessions/RT-260511-01.md', staged);
    r.git(['add', 'docs/sessions/RT-260511-01.md']);
    r.write('docs/sessions/RT-260511-01.md', `${staged}\n## Scratch\n\nnot ready yet\n`);
    expect(commit(r, 'partial').code).toBe(0);
    expect(r.git(['show', 'HEAD:docs/sessions/RT-260511-01.md']).stdout).not.toContain('not ready yet');
    expect(r.read('docs/sessions/RT-260511-01.md')).toContain('not ready yet');
    expect(r.git(['status', '--porcelain']).stdout).toMatch(/^ M docs\/sessions\/RT-260511-01\.md/);
  });

  test('an unstaged hunk in frontmatter that normalisation moves is never lost', () => {
    repo = seeded();
    const r = repo;
    // Staged: keys out of order (normalisation will move them). Unstaged on top: an edit of a moved key.
    const scrambled =
      '---\ndate: 2026-05-11\nexternal_id: RT-260511-02\nkind: session\nsummary: First take.\noperator: roman\ntitle: Scrambled\n---\n## Summary\n\nBody.\n';
    r.write('docs/sessions/RT-260511-02.md', scrambled);
    r.git(['add', 'docs/sessions/RT-260511-02.md']);
    const edited = scrambled.replace('summary: First take.', 'summary: Second take, not staged.');
    r.write('docs/sessions/RT-260511-02.md', edited);
    const result = commit(r, 'partial frontmatter');
    const tree = r.read('docs/sessions/RT-260511-02.md');
    expect(tree).toContain('summary: Second take, not staged.');
    if (result.code === 0) {
      expect(r.git(['show', 'HEAD:docs/sessions/RT-260511-02.md']).stdout).toContain('summary: First take.');
    } else {
      expect(tree).toBe(edited);
      expect(r.git(['show', ':docs/sessions/RT-260511-02.md']).stdout).toBe(scrambled);
    }
  });

  test('deleting a note removes its INDEX row in the same commit', () => {
    repo = seeded();
    repo.git(['rm', '-q', 'docs/sessions/RT-260511-01.md']);
    expect(commit(repo, 'remove').code).toBe(0);
    // The month's last session went, so its page goes too and the month list forgets it.
    expect(repo.git(['ls-tree', '--name-only', 'HEAD', 'docs/sessions/index/']).stdout).toBe('');
    expect(repo.git(['show', 'HEAD:docs/sessions/INDEX.md']).stdout).not.toContain('2026-05');
  });

  test.each([
    ['HUSKY', '0'],
    ['CANON_HOOKS', '0'],
  ])("%s=0 skips canon's hook work", (name, value) => {
    repo = seeded();
    repo.write('docs/sessions/RT-260511-02.md', sessionNote('RT-260511-02', { operator: 'nobody' }));
    repo.git(['add', '-A']);
    expect(repo.git(['commit', '-m', 'skip'], { env: { [name]: value }, allowFail: true }).code).toBe(0);
  });

  test('precommit.mode "warn" lets an invalid note in with the problems printed, but never a secret', () => {
    repo = seeded();
    repo.write('canon.config.json', JSON.stringify({ precommit: { mode: 'warn' } }));
    repo.write('docs/sessions/RT-260511-02.md', sessionNote('RT-260511-02', { operator: 'nobody' }));
    repo.git(['add', '-A']);
    const result = commit(repo, 'warn');
    expect(result.code).toBe(0);
    expect(result.stderr.replace(/\u001b\[[0-9;]*m/g, '')).toMatch(/RT-260511-02\.md:3:1: error \/operator is "nobody"/);
    repo.write('docs/sessions/RT-260511-03.md', sessionNote('RT-260511-03', {}, `## Summary\n\nntn_${'A1b2C3d4E5'.repeat(5)}\n`));
    repo.git(['add', '-A']);
    const head = repo.head();
    expect(commit(repo, 'secret').code).not.toBe(0);
    expect(repo.head()).toBe(head);
  });

  // A code-only commit is decided from the staged paths alone and loads none of the checks (nor the
  // config's schema); anything in the store, the config or the operators file takes the whole hook.
  // The config is the witness: only the whole hook reads it through its schema.
  test('a code-only commit passes without touching an INDEX file; only an unreadable config stops it', () => {
    repo = seeded();
    const r = repo;
    const indexes = ['workstreams/INDEX.md', 'docs/sessions/INDEX.md', 'docs/sessions/index/2026-05.md', 'docs/INDEX.md'];
    const before = indexes.map((rel) => r.read(rel));
    // Not staged: a note edited without its hash, and a config the schema refuses.
    r.write('docs/sessions/RT-260511-01.md', r.read('docs/sessions/RT-260511-01.md').replace('Something shipped.', 'Something else.'));
    r.write('canon.config.json', JSON.stringify({ precommit: { mode: 'loud' } }));
    r.write('src/app.js', 'export const x = 1;\n');
    r.write('docs-site/sessions/notes.md', '# not a note\n');
    r.git(['add', 'src/app.js', 'docs-site']);
    const result = commit(r, 'code');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(r.git(['show', '--name-only', '--format=', 'HEAD']).stdout.trim().split('\n').sort()).toEqual(['docs-site/sessions/notes.md', 'src/app.js']);
    expect(indexes.map((rel) => r.read(rel))).toEqual(before);
    expect(r.git(['status', '--porcelain']).stdout.split('\n').filter(Boolean).sort()).toEqual([' M docs/sessions/RT-260511-01.md', '?? canon.config.json']);

    // A config that does not even parse: every commit takes the whole hook, which says so.
    r.write('canon.config.json', '{ "precommit": \n');
    r.write('src/app.js', 'export const x = 2;\n');
    r.git(['add', 'src/app.js']);
    const head = r.head();
    const refused = commit(r, 'code again');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('canon.config.json is not valid JSON');
    expect(r.head()).toBe(head);
  });

  test('an INDEX hand edit, the config, the operators file, a renamed note and a symlinked note take the whole hook', () => {
    repo = seeded();
    const r = repo;
    const refusedWith = (message: string, expected: string | RegExp) => {
      const head = r.head();
      const result = commit(r, message);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(expected);
      expect(r.head()).toBe(head);
    };
    // With a config the schema refuses, on disk only: whatever reaches the whole hook is refused.
    r.write('canon.config.json', JSON.stringify({ precommit: { mode: 'loud' } }));
    r.write('docs/sessions/INDEX.md', `${r.read('docs/sessions/INDEX.md')}\nhand edit\n`);
    r.git(['add', 'docs/sessions/INDEX.md']);
    refusedWith('index by hand', 'canon.config.json: /precommit/mode');
    r.git(['reset', '-q', '--hard']);
    r.write('docs/sessions/index/2026-05.md', `${r.read('docs/sessions/index/2026-05.md')}\nhand edit\n`);
    r.git(['add', 'docs/sessions/index/2026-05.md']);
    refusedWith('month page by hand', 'canon.config.json: /precommit/mode');
    r.git(['reset', '-q', '--hard']);
    r.git(['add', 'canon.config.json']);
    refusedWith('config', 'canon.config.json: /precommit/mode');
    r.git(['rm', '-q', '--cached', 'canon.config.json']);
    r.write('canon.config.json', '{}\n');

    // The operators file is read as staged: a malformed one is refused, naming its line.
    r.write('.claude/operators.yaml', 'operators:\n  - slug: roman\n\tinitials: RT\n');
    r.git(['add', '.claude/operators.yaml']);
    refusedWith('operators', '.claude/operators.yaml:3:1: invalid YAML');
    r.git(['reset', '-q', '--hard']);

    // A note linked from elsewhere is refused.
    r.write('elsewhere/RT-260511-02.md', sessionNote('RT-260511-02'));
    symlinkSync('../../elsewhere/RT-260511-02.md', path.join(r.dir, 'docs/sessions/RT-260511-02.md'));
    r.git(['add', 'docs/sessions/RT-260511-02.md']);
    refusedWith('link', /RT-260511-02\.md.*is a symbolic link/);
    r.git(['rm', '-q', '--cached', 'docs/sessions/RT-260511-02.md']);
    rmSync(path.join(r.dir, 'docs/sessions/RT-260511-02.md'));

    // A renamed note: its INDEX row follows, in the same commit.
    r.git(['mv', 'docs/sessions/RT-260511-01.md', 'docs/sessions/RT-260511-02.md']);
    r.write('docs/sessions/RT-260511-02.md', r.read('docs/sessions/RT-260511-02.md').replace('external_id: RT-260511-01', 'external_id: RT-260511-02'));
    r.git(['add', 'docs/sessions/RT-260511-02.md']);
    const renamed = commit(r, 'rename');
    expect(renamed.stderr).toBe('');
    expect(renamed.code).toBe(0);
    const page = r.git(['show', 'HEAD:docs/sessions/index/2026-05.md']).stdout;
    expect(page).toContain('[RT-260511-02](../RT-260511-02.md)');
    expect(page).not.toContain('(../RT-260511-01.md)');
  });

  test('the tree is clean after a commit: post-commit never edits tracked files', () => {
    repo = seeded();
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
  });
});

describe("the team's own lint-staged entries", () => {
  test("run from the team's own hook line, before canon's block, and their failure refuses the commit", () => {
    repo = seededTemplate.copy();
    // The team's hook runs lint-staged (wherever it finds its config); canon's block runs after it.
    repo.write('.husky/pre-commit', `npx lint-staged\n${repo.read('.husky/pre-commit')}`);
    repo.write('.lintstagedrc.json', JSON.stringify({ '*.txt': 'node -e "console.error(\'txt check failed\'); process.exit(3)"' }));
    repo.write('docs/sessions/RT-260511-02.md', sessionNote('RT-260511-02'));
    repo.git(['add', '-A']);
    expect(commit(repo, 'hook').code).toBe(0);
    expect(parseNote(repo.git(['show', 'HEAD:docs/sessions/RT-260511-02.md']).stdout).data.content_hash).toMatch(/^sha256:/);
    repo.write('notes.txt', 'x\n');
    repo.git(['add', 'notes.txt']);
    const head = repo.head();
    const result = commit(repo, 'txt');
    expect(result.code).not.toBe(0);
    expect(result.stderr + result.stdout).toContain('txt check failed');
    expect(repo.head()).toBe(head);
  });

  test("canon's checks run whatever the lint-staged config says: an empty one lets no invalid note in", () => {
    repo = seededTemplate.copy();
    repo.write('.husky/pre-commit', `npx lint-staged --allow-empty\n${repo.read('.husky/pre-commit')}`);
    repo.write('.lintstagedrc.json', JSON.stringify({ '*.js': 'node -e 0' }));
    // The hook line and its config go in through the hook: the empty config lets a commit without notes pass.
    repo.git(['add', '-A']);
    expect(commit(repo, 'hook').code).toBe(0);
    repo.write('docs/sessions/RT-260511-02.md', sessionNote('RT-260511-02', { operator: 'nobody' }));
    repo.git(['add', '-A']);
    const head = repo.head();
    expect(commit(repo, 'bad').code).not.toBe(0);
    expect(repo.head()).toBe(head);
  });
});
