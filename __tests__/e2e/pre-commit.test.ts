import { afterEach, describe, expect, test } from '@jest/globals';
import { computeContentHash } from '../../tools/core/content-hash.js';
import { parseNote } from '../../tools/core/frontmatter.js';
import { createGitRepo, type GitRepo } from '../helpers/git-repo.js';
import { sessionNote, workstreamNote } from '../helpers/notes.js';

let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

function commit(r: GitRepo, message: string) {
  return r.git(['commit', '-m', message], { allowFail: true });
}

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
      'title', 'operator', 'summary', 'workstream', 'tags', 'kind', 'external_id', 'date', 'why_note', 'content_hash',
    ]);
    expect(note.data.content_hash).toBe(computeContentHash(note.data, note.body));
    const files = repo.git(['show', '--name-only', '--format=', 'HEAD']).stdout.trim().split('\n').sort();
    expect(files).toEqual(['docs/sessions/INDEX.md', 'docs/sessions/RT-260511-01.md']);
    expect(repo.git(['show', 'HEAD:docs/sessions/INDEX.md']).stdout).toContain('| [RT-260511-01](RT-260511-01.md) | Hook hardening | roman |');
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
  });

  test.each([
    ['an invalid note', sessionNote('RT-260511-02', { operator: 'nobody', date: 'yesterday' }), /operator.*not a slug|date must be/],
    ['a ---js note', '---js\nrequire("fs").writeFileSync("PWNED", "x")\n---\nbody\n', /front matter language "js" is not allowed/],
    ['a note holding a token', sessionNote('RT-260511-02', {}, `## Summary\n\ntoken ghp_${'a1B2c3D4e5'.repeat(3)}abcdef\n`), /secret.*ghp_\*{8}/],
  ])('%s is refused with HEAD unchanged', (_name, text, reason) => {
    repo = createGitRepo({ hooks: true });
    repo.write('README.md', 'store\n');
    repo.git(['add', '-A']);
    commit(repo, 'init');
    const head = repo.head();
    repo.write('docs/sessions/RT-260511-02.md', text);
    repo.git(['add', '-A']);
    const result = commit(repo, 'bad');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).not.toContain('a1B2c3D4e5a1B2c3D4e5');
    expect(repo.head()).toBe(head);
    expect(repo.exists('PWNED')).toBe(false);
  });
});
