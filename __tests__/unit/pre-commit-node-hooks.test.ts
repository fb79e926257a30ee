import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { CANON_HOOKS } from '../../tools/core/hook-blocks.js';
import { hasNodeHooks, hasPreCommitHook, mergePreCommitConfig, removePreCommitConfig, renderPreCommitHooksFile } from '../../tools/core/pre-commit-config.js';
import { installCommand, detectPackageManager } from '../../tools/core/package-manager.js';
import { renderCommandWrappers } from '../../tools/core/command-wrappers.js';
import { renderLinkedSkill } from '../../tools/core/linked-plugin.js';
import { CANON_ROOT } from '../helpers/git-repo.js';

type Hook = { id: string; entry: string; language: string; stages: string[]; additional_dependencies?: string[] };

describe('canon as a node hook of the pre-commit framework (no package.json, ADR-0031)', () => {
  test("the config gets canon's node hooks pinned to the package, its hook types installed by default; the team's lines stay; twice is once; removal takes it out", () => {
    const team =
      '# team\nrepos:\n  - repo: local\n    hooks:\n      - id: no-marker\n        name: no marker\n        entry: "! grep -rq FORBIDDEN src"\n        language: system\n        pass_filenames: false\n';
    const merged = mergePreCommitConfig(team, { dependency: 'canon-notes@1.2.3' });
    expect(merged.startsWith(team.split('repos:')[0]!)).toBe(true);
    for (const hook of CANON_HOOKS) expect(hasPreCommitHook(merged, hook)).toBe(true);
    expect(mergePreCommitConfig(merged, { dependency: 'canon-notes@1.2.3' })).toBe(merged);
    const config = parse(merged) as { default_install_hook_types: string[]; repos: Array<{ repo: string; hooks: Hook[] }> };
    expect(config.default_install_hook_types).toEqual([...CANON_HOOKS]);
    expect(config.repos[0]!.hooks[0]!.id).toBe('no-marker');
    const canon = config.repos[1]!.hooks;
    expect(canon.map((h) => [h.id, h.entry, h.language, h.stages])).toEqual([
      ['canon', 'canon git-hook pre-commit', 'node', ['commit']],
      ['canon-post-commit', 'canon git-hook post-commit', 'node', ['post-commit']],
      ['canon-pre-push', 'canon git-hook pre-push', 'node', ['push']],
      ['canon-post-rewrite', 'canon git-hook post-rewrite', 'node', ['post-rewrite']],
      ['canon-post-merge', 'canon git-hook post-merge', 'node', ['post-merge']],
      ['canon-setup', 'canon git-hook setup', 'node', ['manual']],
    ]);
    // One dependency list for all: the framework builds one environment for them.
    for (const hook of canon) expect(hook.additional_dependencies).toEqual(['canon-notes@1.2.3']);
    // A new version replaces the entry where it stands.
    expect(mergePreCommitConfig(merged, { dependency: 'canon-notes@1.2.4' })).toContain('canon-notes@1.2.4');
    expect(mergePreCommitConfig(merged, { dependency: 'canon-notes@1.2.4' })).not.toContain('canon-notes@1.2.3');
    // The route is told by the config: canon's node hooks, not the local `language: system` entry of a repository with package.json.
    expect(hasNodeHooks(merged)).toBe(true);
    expect(hasNodeHooks(mergePreCommitConfig(team))).toBe(false);
    expect(hasNodeHooks(team)).toBe(false);
    const removed = removePreCommitConfig(merged);
    for (const hook of CANON_HOOKS) expect(hasPreCommitHook(removed, hook)).toBe(false);
    expect(removed).toContain('no-marker');
  });

  test("canon's .pre-commit-hooks.yaml is the same hooks, without a pinned dependency (the repository is the package)", () => {
    const shipped = readFileSync(path.join(CANON_ROOT, '.pre-commit-hooks.yaml'), 'utf8');
    expect(shipped).toBe(renderPreCommitHooksFile());
    const hooks = parse(shipped) as Hook[];
    expect(hooks.map((h) => h.id)).toEqual(['canon', 'canon-post-commit', 'canon-pre-push', 'canon-post-rewrite', 'canon-post-merge', 'canon-setup']);
    for (const hook of hooks) expect(hook.additional_dependencies).toBeUndefined();
    const pkg = JSON.parse(readFileSync(path.join(CANON_ROOT, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('.pre-commit-hooks.yaml');
  });

  test("no package.json is the 'none' manager, whose clones install with `pre-commit install`", () => {
    expect(detectPackageManager({ packageJson: null, has: () => true })).toBe('none');
    expect(installCommand('none')).toBe('pre-commit install');
  });

  test('the per-operator skills run the CLI through the link when there is no npm script to run', () => {
    const op = { slug: 'alice', initials: 'AS', name: 'Alice Smith', emails: ['alice@team.example'] };
    const files = renderCommandWrappers([op] as never, 'node .canon/canon-notes/dist/canon.js');
    const resume = files.get('.claude/skills/resume-as/SKILL.md')!;
    const handoff = files.get('.claude/skills/handoff-as/SKILL.md')!;
    expect(resume).toContain('!`OPERATOR=alice node .canon/canon-notes/dist/canon.js resume`');
    expect(resume).toContain('allowed-tools: Bash(OPERATOR=alice node .canon/canon-notes/dist/canon.js resume:*)');
    expect(handoff).toContain('OPERATOR=alice node .canon/canon-notes/dist/canon.js handoff --from .canon/handoff-${CLAUDE_SESSION_ID}.json');
    expect(handoff).toContain('!`node .canon/canon-notes/dist/canon.js session commits --session-id ${CLAUDE_SESSION_ID}`');
    for (const text of [resume, handoff]) expect(text).not.toContain('npm run');
    // With package.json the wrappers are as before.
    expect(renderCommandWrappers([op] as never).get('.claude/skills/resume-as/SKILL.md')).toContain('!`OPERATOR=alice npm run resume --silent`');
  });

  test("the plugin's own /handoff and /resume, laid for such a repository, run the CLI instead of npm scripts", () => {
    const cli = 'node .canon/canon-notes/dist/canon.js';
    const handoff = renderLinkedSkill(readFileSync(path.join(CANON_ROOT, 'plugin/skills/handoff/SKILL.md'), 'utf8'), cli);
    const resume = renderLinkedSkill(readFileSync(path.join(CANON_ROOT, 'plugin/skills/resume/SKILL.md'), 'utf8'), cli);
    for (const text of [handoff, resume]) expect(text).not.toMatch(/npm run/);
    expect(handoff).toContain(`Bash(${cli} handoff --from:*), Bash(${cli} session commits:*)`);
    expect(handoff).toContain(`!\`${cli} session commits --session-id \${CLAUDE_SESSION_ID}\``);
    expect(handoff).toContain(`${cli} handoff --from .canon/handoff-\${CLAUDE_SESSION_ID}.json --session-id \${CLAUDE_SESSION_ID} --yes --json $ARGUMENTS`);
    expect(resume).toContain(`allowed-tools: Bash(${cli} resume:*)`);
    expect(resume).toContain(`!\`${cli} resume --json\``);
  });
});
