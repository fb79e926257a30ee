import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { computeContentHash } from '../../tools/core/content-hash.js';
import { parseNote } from '../../tools/core/frontmatter.js';
import { createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';
import { frontmatter, sessionNote, workstreamNote } from '../helpers/notes.js';
import { repoTemplate } from '../helpers/repo-template.js';

let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

const commit = (r: GitRepo, message: string) => r.git(['commit', '-m', message], { allowFail: true });
const planNote = (slug: string, body: string) =>
  frontmatter({ title: `Plan ${slug}`, owner: 'roman', status: 'draft', kind: 'plan', external_id: `PLAN-${slug}` }, body);
const hashIsCurrent = (text: string) => {
  const note = parseNote(text);
  return note.data.content_hash === computeContentHash(note.data, note.body);
};

/** A store with hooks, one workstream and two sessions, committed through the commit door: built once, copied for each test. */
const template = repoTemplate(() => {
  const r = createGitRepo({ hooks: true });
  r.write('workstreams/repo-flip.md', workstreamNote('repo-flip'));
  r.write('docs/sessions/RT-260511-01.md', sessionNote('RT-260511-01', { workstream: 'repo-flip' }, '## Summary\n\nFirst.\n\n## Resume Prompt\n\nGo on.\n'));
  r.write('docs/sessions/RT-260511-02.md', sessionNote('RT-260511-02'));
  r.git(['add', '-A']);
  expect(commit(r, 'init').code).toBe(0);
  return r;
});
afterAll(() => template.cleanup());
const seeded = (): GitRepo => template.copy();

describe('links at the commit door', () => {
  test('wikilinks become relative links in the commit and the working file; code is untouched; the hash covers the new body', () => {
    repo = seeded();
    const r = repo;
    const body = [
      '## Summary',
      '',
      'Follows [[RT-260511-01|the first session]] (see [[RT-260511-01#Resume Prompt]]) for [[repo-flip]].',
      'Literally: `[[RT-260511-01]]`.',
      '',
      '```md',
      '[[RT-260511-01]]',
      '```',
      '',
      '| note | why |',
      '| --- | --- |',
      '| [[RT-260511-02\\|second]] | it followed |',
      '',
    ].join('\n');
    r.write('docs/plans/vault.md', planNote('vault', body));
    r.git(['add', '-A']);
    const result = commit(r, 'plan');
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    const committed = r.git(['show', 'HEAD:docs/plans/vault.md']).stdout;
    expect(committed).toContain(
      'Follows [the first session](../sessions/RT-260511-01.md) (see [RT-260511-01 > Resume Prompt](../sessions/RT-260511-01.md#resume-prompt)) for [repo-flip](../../workstreams/repo-flip.md).',
    );
    expect(committed).toContain('Literally: `[[RT-260511-01]]`.');
    expect(committed).toContain('```md\n[[RT-260511-01]]\n```');
    expect(committed).toContain('| [second](../sessions/RT-260511-02.md) | it followed |');
    expect(hashIsCurrent(committed)).toBe(true);
    expect(r.read('docs/plans/vault.md')).toBe(committed);
    expect(r.git(['status', '--porcelain']).stdout).toBe('');
    expect(runCli(['links', '--check'], { cwd: r.dir, env: r.env }).code).toBe(0);
  });

  test('a name that is no note refuses the commit with path:line:col and the nearest ids; nothing changes', () => {
    repo = seeded();
    const r = repo;
    const head = r.head();
    const text = sessionNote('RT-260511-03', {}, '## Summary\n\nBuilds on [[RT-260511-02]] and [[RT-260511-20]].\n');
    r.write('docs/sessions/RT-260511-03.md', text);
    r.git(['add', '-A']);
    const result = commit(r, 'bad link');
    expect(result.code).not.toBe(0);
    // Line 11 of the file (8 lines of frontmatter, then the heading and a blank line); column of the second `[[`.
    expect(result.stderr).toMatch(
      /docs\/sessions\/RT-260511-03\.md:11:32: error \[\[RT-260511-20\]\] names no note in the store; nearest: RT-260511-01, RT-260511-02/,
    );
    expect(r.head()).toBe(head);
    expect(r.read('docs/sessions/RT-260511-03.md')).toBe(text);
  });

  test('a note added in the same commit is a link target; a note deleted in it is not', () => {
    repo = seeded();
    const r = repo;
    r.write('docs/sessions/RT-260511-03.md', sessionNote('RT-260511-03', {}, '## Summary\n\nSee [[RT-260511-04]].\n'));
    r.write('docs/sessions/RT-260511-04.md', sessionNote('RT-260511-04'));
    r.git(['add', '-A']);
    expect(commit(r, 'two').code).toBe(0);
    expect(r.git(['show', 'HEAD:docs/sessions/RT-260511-03.md']).stdout).toContain('See [RT-260511-04](RT-260511-04.md).');

    r.git(['rm', '-q', 'docs/sessions/RT-260511-02.md']);
    r.write('docs/sessions/RT-260511-05.md', sessionNote('RT-260511-05', {}, '## Summary\n\nSee [[RT-260511-02]].\n'));
    r.git(['add', '-A']);
    const result = commit(r, 'gone');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('[[RT-260511-02]] names no note in the store');
  });

  test('a partially staged note: the commit gets the staged text with its links rewritten, the unstaged hunk stays unstaged', () => {
    repo = seeded();
    const r = repo;
    const rel = 'docs/sessions/RT-260511-02.md';
    const staged = r.read(rel).replace('Something shipped.', 'Something shipped after [[RT-260511-01]].');
    r.write(rel, staged);
    r.git(['add', rel]);
    r.write(rel, `${staged}\n## Scratch\n\nnot ready yet, see [[RT-260511-01|one]] and [[nothing-yet]]\n`);
    expect(commit(r, 'partial').code).toBe(0);
    const committed = r.git(['show', `HEAD:${rel}`]).stdout;
    expect(committed).toContain('Something shipped after [RT-260511-01](RT-260511-01.md).');
    expect(committed).not.toContain('not ready yet');
    expect(hashIsCurrent(committed)).toBe(true);
    const working = r.read(rel);
    expect(working).toContain('Something shipped after [RT-260511-01](RT-260511-01.md).');
    // The unstaged hunk is the user's and stays unstaged; its links are rewritten, the unknown one left as written.
    expect(working).toContain('not ready yet, see [one](RT-260511-01.md) and [[nothing-yet]]');
    expect(r.git(['status', '--porcelain']).stdout).toBe(` M ${rel}\n`);
    expect(
      r
        .git(['diff'])
        .stdout.split('\n')
        .filter((l) => /^[-+](?![-+]{2} )/.test(l))
        .join('\n'),
    ).not.toContain('Something shipped');
  });

  test('a CRLF note with unicode: links rewritten, positions right, committed with LF', () => {
    repo = seeded();
    const r = repo;
    const rel = 'docs/sessions/RT-260511-03.md';
    r.write(rel, sessionNote('RT-260511-03', {}, '## Summary\n\nÜber 🙂 [[RT-260511-01|für dich]] und [[RT-260511-99]].\n').replace(/\n/g, '\r\n'));
    r.git(['add', '-A']);
    const refused = commit(r, 'crlf');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`${rel}:11:38: error [[RT-260511-99]] names no note`);
    r.write(rel, r.read(rel).replace(' und [[RT-260511-99]]', ''));
    r.git(['add', '-A']);
    expect(commit(r, 'crlf').code).toBe(0);
    const committed = r.git(['show', `HEAD:${rel}`]).stdout;
    expect(committed).not.toContain('\r');
    expect(committed).toContain('Über 🙂 [für dich](RT-260511-01.md).');
  });

  test('`git commit <paths>` (a temporary index, what IDEs send) rewrites links in the commit and the real index', () => {
    repo = seeded();
    const r = repo;
    const rel = 'docs/sessions/RT-260511-02.md';
    r.write(rel, r.read(rel).replace('Something shipped.', 'After [[RT-260511-01]].'));
    expect(r.git(['commit', '-m', 'paths', '--', rel], { allowFail: true }).code).toBe(0);
    expect(r.git(['show', `HEAD:${rel}`]).stdout).toContain('After [RT-260511-01](RT-260511-01.md).');
    expect(r.git(['status', '--porcelain']).stdout).toBe('');
  });

  test('`canon pre-commit <paths>` (older lint-staged configs) rewrites the files on disk, or refuses an unknown name', () => {
    repo = seeded();
    const r = repo;
    const rel = 'docs/sessions/RT-260511-03.md';
    r.write(rel, sessionNote('RT-260511-03', {}, '## Summary\n\nAfter [[RT-260511-01]].\n'));
    expect(runCli(['pre-commit', rel], { cwd: r.dir, env: r.env }).code).toBe(0);
    expect(r.read(rel)).toContain('After [RT-260511-01](RT-260511-01.md).');
    r.write(rel, sessionNote('RT-260511-03', {}, '## Summary\n\nAfter [[RT-260511-07]].\n'));
    const refused = runCli(['pre-commit', rel], { cwd: r.dir, env: r.env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${rel}:11:7: error [[RT-260511-07]] names no note in the store`);
  });

  test('a broken relative link is a warning and the commit goes ahead', () => {
    repo = seeded();
    const r = repo;
    r.write(
      'docs/sessions/RT-260511-03.md',
      sessionNote('RT-260511-03', {}, '## Summary\n\nSee [the design](../design/missing.md) and [ok](RT-260511-01.md).\n'),
    );
    r.git(['add', '-A']);
    const result = commit(r, 'warn');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/RT-260511-03\.md:11:5: warning link \.\.\/design\/missing\.md points at docs\/design\/missing\.md, which does not exist/);
    expect(result.stderr).not.toContain('ok](');
  });
});

describe('canon links', () => {
  test('--check fails on wikilinks and unknown names, --fix rewrites what it can, backlinks list who links where', () => {
    repo = createGitRepo();
    const r = repo;
    r.write('workstreams/repo-flip.md', workstreamNote('repo-flip'));
    r.write('docs/sessions/RT-260511-01.md', sessionNote('RT-260511-01', {}, '## Summary\n\nFor [[WS-repo-flip]], after [[RT-260511-09]].\n'));
    r.write('docs/plans/vault.md', planNote('vault', '## Why\n\nSee [the first](../sessions/RT-260511-01.md#summary) and\n[[RT-260511-01]].\n'));

    const check = runCli(['links', '--check', '--json'], { cwd: r.dir, env: r.env });
    expect(check.code).toBe(1);
    const report = JSON.parse(check.stdout);
    expect(report).toMatchObject({ files: 3, errors: 3, warnings: 0 });
    expect(report.issues.map((i: { file: string; line: number; column: number; rule: string }) => `${i.file}:${i.line}:${i.column} ${i.rule}`)).toEqual([
      'docs/plans/vault.md:11:1 link/wikilink',
      'docs/sessions/RT-260511-01.md:11:5 link/wikilink',
      'docs/sessions/RT-260511-01.md:11:29 link/unknown',
    ]);
    expect(r.read('docs/plans/vault.md')).toContain('[[RT-260511-01]]');

    const fix = runCli(['links', '--fix'], { cwd: r.dir, env: r.env });
    expect(fix.code).toBe(1); // RT-260511-09 is still no note
    expect(fix.stdout).toContain('docs/plans/vault.md: 1 link(s) rewritten');
    expect(fix.stderr).toContain('[[RT-260511-09]] names no note in the store; nearest: RT-260511-01');
    expect(r.read('docs/plans/vault.md')).toContain('[RT-260511-01](../sessions/RT-260511-01.md).');
    expect(r.read('docs/sessions/RT-260511-01.md')).toContain('For [WS-repo-flip](../../workstreams/repo-flip.md), after [[RT-260511-09]].');
    expect(hashIsCurrent(r.read('docs/plans/vault.md'))).toBe(true);

    r.write('docs/sessions/RT-260511-01.md', r.read('docs/sessions/RT-260511-01.md').replace(', after [[RT-260511-09]]', ''));
    expect(runCli(['links', '--check'], { cwd: r.dir, env: r.env }).code).toBe(0);
    expect(runCli(['links', '--fix', '--check'], { cwd: r.dir, env: r.env }).code).toBe(2);

    const back = runCli(['links', 'RT-260511-01', '--json'], { cwd: r.dir, env: r.env });
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout)).toEqual({
      id: 'RT-260511-01',
      path: 'docs/sessions/RT-260511-01.md',
      backlinks: [
        // --fix stamped content_hash: one frontmatter line more than before.
        { file: 'docs/plans/vault.md', line: 11, column: 5, text: '[the first](../sessions/RT-260511-01.md#summary)' },
        { file: 'docs/plans/vault.md', line: 12, column: 1, text: '[RT-260511-01](../sessions/RT-260511-01.md)' },
      ],
    });
    const ws = runCli(['links', 'repo-flip'], { cwd: r.dir, env: r.env });
    expect(ws.stdout).toBe('docs/sessions/RT-260511-01.md:12:5  [WS-repo-flip](../../workstreams/repo-flip.md)\n');
    const unknown = runCli(['links', 'RT-260511-1'], { cwd: r.dir, env: r.env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('RT-260511-1 names no note in the store; nearest: RT-260511-01');
  });
});

describe('links follow renames', () => {
  const rename = (r: GitRepo, id: string) => runCli(['session', 'rename', id, '--json'], { cwd: r.dir, env: r.env });

  test('a committed note: its inbound links follow; the rename folds into the adding commit and the links come on top', () => {
    repo = seeded();
    const r = repo;
    // RT-260511-02 taken elsewhere meanwhile is what a rename is for; here it just moves to the next free id.
    r.write(
      'docs/plans/vault.md',
      planNote('vault', '## Why\n\nSee [[RT-260511-02]], [its summary](../sessions/RT-260511-02.md#summary) and `RT-260511-02.md`.\n'),
    );
    r.write('docs/sessions/RT-260511-01.md', r.read('docs/sessions/RT-260511-01.md').replace('First.', 'First, then [[RT-260511-02|the next]].'));
    r.git(['add', '-A']);
    expect(commit(r, 'links').code).toBe(0);
    const out = rename(r, 'RT-260511-02');
    expect(out.stderr).not.toMatch(/internal error/);
    expect(out.code).toBe(0);
    const result = JSON.parse(out.stdout);
    expect(result).toMatchObject({ from: 'RT-260511-02', to: 'RT-260511-03', git: 'committed' });
    expect(result.links.sort()).toEqual(['docs/plans/vault.md', 'docs/sessions/RT-260511-01.md']);
    const plan = r.git(['show', 'HEAD:docs/plans/vault.md']).stdout;
    expect(plan).toContain('See [RT-260511-03](../sessions/RT-260511-03.md), [its summary](../sessions/RT-260511-03.md#summary) and `RT-260511-02.md`.');
    expect(hashIsCurrent(plan)).toBe(true);
    expect(r.git(['show', 'HEAD:docs/sessions/RT-260511-01.md']).stdout).toContain('First, then [the next](RT-260511-03.md).');
    expect(r.git(['log', '-1', '--format=%s']).stdout.trim()).toBe('Links follow the rename of session RT-260511-02 to RT-260511-03');
    // The old id never existed in history: the rename was folded into the commit that added the note.
    expect(r.git(['log', '--format=%H', '--', 'docs/sessions/RT-260511-02.md']).stdout.trim()).toBe('');
    expect(r.git(['status', '--porcelain']).stdout).toBe('');
    expect(runCli(['links', '--check'], { cwd: r.dir, env: r.env }).code).toBe(0);
    expect(runCli(['validate', '--all', '--strict'], { cwd: r.dir, env: r.env }).code).toBe(0);
  });

  test('a pushed note: the rename and its inbound links are one new commit', () => {
    repo = seeded();
    const r = repo;
    r.write('docs/plans/vault.md', planNote('vault', '## Why\n\nSee [[RT-260511-02]].\n'));
    r.git(['add', '-A']);
    expect(commit(r, 'plan').code).toBe(0);
    const remote = `${r.dir}/../remote.git`;
    r.git(['init', '-q', '--bare', remote]);
    r.git(['remote', 'add', 'origin', remote]);
    // Pushed past the push gate (it adds nothing to a push; push-gate.test.ts is where it is judged): the note only has to be on the remote.
    r.git(['-c', 'core.hooksPath=/dev/null', 'push', '-q', '-u', 'origin', 'main']);
    const head = r.head();
    const out = rename(r, 'RT-260511-02');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ to: 'RT-260511-03', git: 'committed', links: ['docs/plans/vault.md'] });
    expect(r.git(['rev-parse', 'HEAD~1']).stdout.trim()).toBe(head);
    const files = r.git(['show', '--name-status', '--no-renames', '--format=', 'HEAD']).stdout.trim().split('\n');
    expect(files).toEqual(expect.arrayContaining(['M\tdocs/plans/vault.md', 'A\tdocs/sessions/RT-260511-03.md', 'D\tdocs/sessions/RT-260511-02.md']));
    expect(r.git(['show', 'HEAD:docs/plans/vault.md']).stdout).toContain('See [RT-260511-03](../sessions/RT-260511-03.md).');
    expect(r.git(['status', '--porcelain']).stdout).toBe('');
  });

  test("a staged note: only the link edits are staged in the linking note, never the user's unstaged edit to it", () => {
    repo = seeded();
    const r = repo;
    r.write('docs/plans/vault.md', planNote('vault', '## Why\n\nSee [[RT-260511-03]].\n\n## Later\n\nTBD.\n'));
    r.write('docs/sessions/RT-260511-03.md', sessionNote('RT-260511-03'));
    r.git(['add', '-A']);
    expect(commit(r, 'plan and note').code).toBe(0);
    // A new session, staged; the plan links to it (committed), then the user edits the plan without staging.
    r.write('docs/sessions/RT-260511-04.md', sessionNote('RT-260511-04'));
    r.write(
      'docs/plans/vault.md',
      r
        .read('docs/plans/vault.md')
        .replace(
          'See [RT-260511-03](../sessions/RT-260511-03.md).',
          'See [RT-260511-03](../sessions/RT-260511-03.md) and [RT-260511-04](../sessions/RT-260511-04.md).',
        ),
    );
    r.git(['add', '-A']);
    r.write('docs/plans/vault.md', r.read('docs/plans/vault.md').replace('TBD.', 'Not staged yet.'));
    const out = rename(r, 'RT-260511-04');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ to: 'RT-260511-05', git: 'staged', links: ['docs/plans/vault.md'] });
    const staged = r.git(['show', ':docs/plans/vault.md']).stdout;
    expect(staged).toContain('[RT-260511-05](../sessions/RT-260511-05.md)');
    expect(staged).toContain('TBD.');
    expect(hashIsCurrent(staged)).toBe(true);
    const working = r.read('docs/plans/vault.md');
    expect(working).toContain('[RT-260511-05](../sessions/RT-260511-05.md)');
    expect(working).toContain('Not staged yet.');
    const unstaged = r
      .git(['diff', '--', 'docs/plans/vault.md'])
      .stdout.split('\n')
      .filter((l) => /^[-+](?![-+]{2} )/.test(l));
    expect(unstaged).toEqual(expect.arrayContaining(['-TBD.', '+Not staged yet.']));
    expect(unstaged.join('\n')).not.toMatch(/RT-260511-0[45]/);
    expect(commit(r, 'renamed').code).toBe(0);
    expect(r.git(['show', 'HEAD:docs/plans/vault.md']).stdout).toContain('[RT-260511-05](../sessions/RT-260511-05.md)');
  });
});
