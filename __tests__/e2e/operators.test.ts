import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from '@jest/globals';
import { createGitRepo, OPERATORS_YAML, runCli, type GitRepo } from '../helpers/git-repo.js';

let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

describe('a malformed operators.yaml is a configuration error (exit 2) naming its line', () => {
  test.each([
    ['a tab in the indentation', 'operators:\n  - slug: roman\n\tinitials: RT\n    emails: [roman@example.com]\n', '.claude/operators.yaml:3:1: invalid YAML: Tabs are not allowed as indentation'],
    ['a bad indent', 'operators:\n  - slug: roman\n    initials: RT\n   emails: [roman@example.com]\n', '.claude/operators.yaml:4:'],
    [
      'duplicate initials',
      `${OPERATORS_YAML}  - slug: rita\n    initials: RT\n    emails: [rita@example.com]\n`,
      '.claude/operators.yaml:11: initials "RT" is used by more than one operator',
    ],
    [
      'duplicate slugs',
      `${OPERATORS_YAML}  - slug: roman\n    initials: RO\n    emails: [other@example.com]\n`,
      '.claude/operators.yaml:10: slug "roman" is used by more than one operator',
    ],
    ['initials that are not 2-4 capitals', 'operators:\n  - slug: roman\n    initials: Rt\n    emails: [roman@example.com]\n', '.claude/operators.yaml:3: /operators/0/initials must be 2 to 4 capital letters'],
    [
      'a YAML alias bomb',
      `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n${OPERATORS_YAML}`,
      '.claude/operators.yaml:2:',
    ],
    ['initials too long', 'operators:\n  - slug: roman\n    initials: ROMAN\n    emails: [roman@example.com]\n', '.claude/operators.yaml:3: /operators/0/initials'],
  ])('%s', (_name, yaml, message) => {
    repo = createGitRepo({ files: { '.claude/operators.yaml': yaml } });
    for (const args of [['session', 'whoami'], ['session', 'claim', '--operator', 'roman'], ['commands', 'generate']]) {
      const r = runCli(args, { cwd: repo.dir, env: repo.env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(repo.exists('docs/sessions')).toBe(false);
  });

  test('a missing operators.yaml says what to create', () => {
    repo = createGitRepo({ operators: false });
    const r = runCli(['session', 'whoami'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('.claude/operators.yaml does not exist');
  });
});

describe('commands generate: per-operator Claude Code wrappers', () => {
  const commands = (r: GitRepo) => readdirSync(path.join(r.dir, '.claude/commands')).sort();

  test('writes handoff-<initials>.md and resume-<initials>.md running a literal OPERATOR=<slug> npm run command', () => {
    repo = createGitRepo();
    const r = runCli(['commands', 'generate', '--json'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).written).toEqual([
      '.claude/commands/handoff-rt.md',
      '.claude/commands/resume-rt.md',
      '.claude/commands/handoff-sk.md',
      '.claude/commands/resume-sk.md',
    ]);
    expect(commands(repo)).toEqual(['handoff-rt.md', 'handoff-sk.md', 'resume-rt.md', 'resume-sk.md']);
    const resume = repo.read('.claude/commands/resume-rt.md');
    expect(resume).toContain('allowed-tools: Bash(OPERATOR=roman npm run resume:*)');
    expect(resume).toMatch(/^!`OPERATOR=roman npm run resume --silent`$/m);
    const handoff = repo.read('.claude/commands/handoff-sk.md');
    expect(handoff).toContain('allowed-tools: Bash(OPERATOR=sergei npm run handoff:*)');
    expect(handoff).toMatch(/^OPERATOR=sergei npm run handoff -- --from - --yes --json \$ARGUMENTS <<'JSON'$/m);
    // Idempotent: a second run writes nothing.
    expect(JSON.parse(runCli(['commands', 'generate', '--json'], { cwd: repo.dir, env: repo.env }).stdout).written).toEqual([]);
  });

  test('removes the wrappers of an operator who left, but never a hand-written file', () => {
    repo = createGitRepo();
    runCli(['commands', 'generate'], { cwd: repo.dir, env: repo.env });
    repo.write('.claude/commands/resume-zz.md', 'my own command\n');
    repo.write('.claude/operators.yaml', OPERATORS_YAML.split('  - slug: sergei')[0]!);
    const r = runCli(['commands', 'generate', '--json'], { cwd: repo.dir, env: repo.env });
    expect(JSON.parse(r.stdout)).toEqual({ written: [], removed: ['.claude/commands/handoff-sk.md', '.claude/commands/resume-sk.md'], kept: [] });
    expect(commands(repo)).toEqual(['handoff-rt.md', 'resume-rt.md', 'resume-zz.md']);
  });

  test('never overwrites a hand-written file that has a wrapper\'s name; says so and writes the rest', () => {
    repo = createGitRepo();
    repo.write('.claude/commands/handoff-rt.md', 'my own handoff command\n');
    const r = runCli(['commands', 'generate', '--json'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      written: ['.claude/commands/resume-rt.md', '.claude/commands/handoff-sk.md', '.claude/commands/resume-sk.md'],
      removed: [],
      kept: ['.claude/commands/handoff-rt.md'],
    });
    expect(r.stderr).toContain('.claude/commands/handoff-rt.md was not written by canon');
    expect(repo.read('.claude/commands/handoff-rt.md')).toBe('my own handoff command\n');
    // A wrapper canon generated is still rewritten when operators.yaml changes it.
    repo.write('.claude/operators.yaml', OPERATORS_YAML.replace('slug: sergei', 'slug: serge'));
    const again = runCli(['commands', 'generate', '--json'], { cwd: repo.dir, env: repo.env });
    expect(JSON.parse(again.stdout).written).toEqual(['.claude/commands/handoff-sk.md', '.claude/commands/resume-sk.md']);
    expect(repo.read('.claude/commands/resume-sk.md')).toContain('OPERATOR=serge npm run resume');
  });

  test('pre-commit regenerates and stages the wrappers when operators.yaml is staged', () => {
    repo = createGitRepo({ hooks: true });
    repo.git(['add', '-A']);
    expect(repo.git(['commit', '-q', '-m', 'store'], { allowFail: true }).code).toBe(0);
    expect(repo.git(['show', '--name-only', '--format=', 'HEAD']).stdout).toContain('.claude/commands/resume-sk.md');

    repo.write('.claude/operators.yaml', `${OPERATORS_YAML}  - slug: ana\n    initials: AL\n    emails: [ana@example.com]\n`);
    repo.git(['add', '.claude/operators.yaml']);
    expect(repo.git(['commit', '-q', '-m', 'add ana'], { allowFail: true }).code).toBe(0);
    const files = repo.git(['show', '--name-only', '--format=', 'HEAD']).stdout.trim().split('\n').sort();
    expect(files).toEqual(['.claude/commands/handoff-al.md', '.claude/commands/resume-al.md', '.claude/operators.yaml']);
    expect(repo.git(['show', 'HEAD:.claude/commands/resume-al.md']).stdout).toContain('OPERATOR=ana npm run resume');
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
  });
});
