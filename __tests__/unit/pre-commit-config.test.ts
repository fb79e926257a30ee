import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { CANON_HOOKS } from '../../tools/core/hook-blocks.js';
import { hasPreCommitHook, mergePreCommitConfig, removePreCommitConfig } from '../../tools/core/pre-commit-config.js';

describe("canon's local repo in a .pre-commit-config.yaml", () => {
  test.each([
    [
      'a remote repo',
      '# ours\ndefault_install_hook_types: [pre-commit]\nrepos:\n  - repo: https://github.com/psf/black\n    rev: 24.1.0\n    hooks:\n      - id: black\n',
    ],
    ['no repos', 'fail_fast: true\n'],
  ])("%s: canon is added with its hook types; the team's lines stay; twice is once; removal takes the repo out", (_name, text) => {
    const merged = mergePreCommitConfig(text);
    for (const hook of CANON_HOOKS) expect(hasPreCommitHook(merged, hook)).toBe(true);
    expect(mergePreCommitConfig(merged)).toBe(merged);
    const config = parse(merged) as {
      default_install_hook_types: string[];
      repos: Array<{ repo: string; hooks: Array<{ id: string; stages: string[]; language: string; args: string[] }> }>;
    };
    expect(config.default_install_hook_types).toEqual(expect.arrayContaining([...CANON_HOOKS]));
    const local = config.repos.find((r) => r.repo === 'local')!;
    expect(local.hooks.map((h) => [h.id, h.stages, h.language])).toEqual([
      ['canon', ['commit'], 'system'],
      ['canon-post-commit', ['post-commit'], 'system'],
      ['canon-pre-push', ['push'], 'system'],
      ['canon-post-rewrite', ['post-rewrite'], 'system'],
      ['canon-post-merge', ['post-merge'], 'system'],
    ]);
    expect(local.hooks[2]!.args[0]).toContain('"$PRE_COMMIT_TO_REF"');
    const removed = removePreCommitConfig(merged);
    for (const hook of CANON_HOOKS) expect(hasPreCommitHook(removed, hook)).toBe(false);
    if (text.startsWith('# ours')) expect(removed).toContain('# ours');
  });
});
