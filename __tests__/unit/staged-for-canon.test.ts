import { describe, expect, test } from '@jest/globals';
import { DEFAULT_CONFIG } from '../../tools/core/config.js';
import { classifyPath, OPERATORS_FILE, stagedForCanon } from '../../tools/core/layout.js';

const folders = Object.values(DEFAULT_CONFIG.folders);
const special = ['canon.config.json', OPERATORS_FILE, 'docs/INDEX.md'];

describe("what a commit stages decides whether canon's pre-commit loads its checks", () => {
  test.each([
    ['src/app.js', false],
    ['README.md', false],
    ['docs/guides/setup.md', false],
    ['docs-site/sessions/a.md', false],
    ['docs/sessionsX/a.md', false],
    ['.claude/commands/x.md', false],
    ['docs/sessions/RT-260511-01.md', true],
    ['workstreams/hooks.md', true],
    ['docs/adr/INDEX.md', true],
    ['docs/sessions/index/2026-05.md', true],
    ['docs/plans/TEMPLATE.md', true],
    ['docs/learnings/notes.txt', true],
    ['docs/sessions/old/deep/x.md', true],
    // A folder's parent (or the folder itself) staged as a file: a link that replaces the store.
    ['docs', true],
    ['docs/sessions', true],
    ['workstreams', true],
    ['docs/INDEX.md', true],
    ['canon.config.json', true],
    [OPERATORS_FILE, true],
    // Without case: on a case-insensitive file system these are the store's files.
    ['Docs/Sessions/RT-260511-01.md', true],
    ['CANON.CONFIG.JSON', true],
  ])('%s alone: %s', (rel, expected) => {
    expect(stagedForCanon([rel], folders, special)).toBe(expected);
  });

  test('every note classifyPath knows is taken (the hook acts on notes and the operators file only)', () => {
    for (const folder of folders) {
      const rel = `${folder}/some-note.md`;
      expect(classifyPath(rel, DEFAULT_CONFIG)?.role).toBe('note');
      expect(stagedForCanon(['src/a.js', rel], folders, special)).toBe(true);
    }
  });

  test('configured folders, written with ./ and trailing slashes, are honoured', () => {
    const custom = ['./notes/sessions/', 'notes/ws', 'notes/plans', 'notes/adr', 'notes/learnings'];
    expect(stagedForCanon(['notes/sessions/a.md'], custom, special)).toBe(true);
    expect(stagedForCanon(['docs/sessions/a.md'], custom, special)).toBe(false);
  });

  test('unknown folders, or a folder that is the repository top, take the whole hook for every commit', () => {
    expect(stagedForCanon(['src/a.js'], null, special)).toBe(true);
    expect(stagedForCanon(['src/a.js'], ['./', ...folders.slice(1)], special)).toBe(true);
    expect(stagedForCanon(['src/a.js'], ['.', ...folders.slice(1)], special)).toBe(true);
  });

  test('nothing staged: nothing to do', () => {
    expect(stagedForCanon([], folders, special)).toBe(false);
  });
});
