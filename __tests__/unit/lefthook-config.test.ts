import { describe, expect, test } from '@jest/globals';
import { parse } from 'yaml';
import { CANON_HOOKS, renderHookCommand } from '../../tools/core/hook-blocks.js';
import { hasLefthookEntry, mergeLefthookConfig, removeLefthookConfig } from '../../tools/core/lefthook-config.js';

describe("canon's entries in a lefthook config", () => {
  test.each([
    ['commands', '# team config\npre-commit:\n  parallel: true\n  commands:\n    lint:\n      run: npx eslint {staged_files} # keep\n'],
    ['jobs', 'pre-commit:\n  jobs:\n    - name: lint\n      run: npx eslint {staged_files}\n'],
    ['empty', ''],
  ])("%s: every hook gains canon; the team's lines and comments stay; twice is once; removal gives the file back", (_name, text) => {
    const merged = mergeLefthookConfig(text);
    for (const hook of CANON_HOOKS) expect(hasLefthookEntry(merged, hook)).toBe(true);
    for (const line of text.split('\n').filter(Boolean)) expect(merged).toContain(line.trim());
    expect(mergeLefthookConfig(merged)).toBe(merged);
    expect(removeLefthookConfig(merged)).toBe(text === '' ? '{}\n' : text);
    const config = parse(merged) as Record<
      string,
      { commands?: Record<string, { run: string; use_stdin?: boolean }>; jobs?: Array<{ name: string; run: string }> }
    >;
    const run = (hook: string) => config[hook]!.commands?.canon?.run ?? config[hook]!.jobs!.find((j) => j.name === 'canon')!.run;
    expect(run('pre-commit')).toBe(renderHookCommand('pre-commit'));
    expect(run('pre-push')).toBe(renderHookCommand('pre-push', '{1} {2}'));
    expect(config['pre-push']!.commands!.canon!.use_stdin).toBe(true);
  });

  test('a stale canon entry is rewritten where it stands', () => {
    const stale = 'pre-commit:\n  commands:\n    canon:\n      run: old\n';
    const merged = mergeLefthookConfig(stale);
    expect((parse(merged) as Record<string, { commands: { canon: { run: string } } }>)['pre-commit']!.commands.canon.run).toBe(renderHookCommand('pre-commit'));
  });
});
