import { utimesSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { OPERATORS_YAML, runCli, type GitRepo } from '../helpers/git-repo.js';
import { storeTemplate } from '../helpers/repo-template.js';

/** A repository with operators.yaml and git's user.email roman@example.com, built once, a fresh copy per test. */
const template = storeTemplate({}, () => {});
afterAll(() => template.cleanup());

let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

function whoami(r: GitRepo, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const result = runCli(['session', 'whoami', '--json', ...args], { cwd: r.dir, env: { ...r.env, ...env } });
  return { ...result, json: result.code === 0 ? (JSON.parse(result.stdout) as Record<string, unknown>) : null };
}

const ROMAN = { slug: 'roman', initials: 'RT', name: 'Roman T.' };
const SERGEI = { slug: 'sergei', initials: 'SK', name: 'Sergei K.' };

describe('session whoami: the resolution chain', () => {
  // One repository for three promises: each later part starts from the answer the cache holds.
  test('git config user.email answers last, then the cache answers; a changed git config user.email is not answered from the cache; a cached answer never outlives a broken operators.yaml', () => {
    repo = template.copy();
    expect(whoami(repo).json).toEqual({ ...ROMAN, email: 'roman@example.com', source: 'git-config' });
    expect(repo.exists('.claude/state/operator.cache')).toBe(true);
    expect(whoami(repo).json).toEqual({ ...ROMAN, email: 'roman@example.com', source: 'cache' });

    // A changed git config user.email is not answered from the cache.
    repo.git(['config', 'user.email', 'sergei@example.com']);
    expect(whoami(repo).json).toMatchObject({ slug: 'sergei', source: 'git-config' });
    expect(whoami(repo).json).toMatchObject({ slug: 'sergei', source: 'cache' });

    // A cached answer never outlives a broken operators.yaml.
    repo.write('.claude/operators.yaml', 'operators:\n  - slug: roman\n\tinitials: RT\n');
    const r = whoami(repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('.claude/operators.yaml:3:1: invalid YAML: Tabs are not allowed as indentation');
  });

  test('$CLAUDE_USER_EMAIL beats git config, in any case', () => {
    repo = template.copy();
    expect(whoami(repo, [], { CLAUDE_USER_EMAIL: 'Sergei@Example.com' }).json).toEqual({ ...SERGEI, email: 'sergei@example.com', source: 'env-claude' });
  });

  test('$OPERATOR (slug or initials) beats $CLAUDE_USER_EMAIL', () => {
    repo = template.copy();
    const env = { CLAUDE_USER_EMAIL: 'roman@example.com' };
    expect(whoami(repo, [], { ...env, OPERATOR: 'sergei' }).json).toEqual({ ...SERGEI, email: 'sergei@example.com', source: 'env-operator' });
    expect(whoami(repo, [], { ...env, OPERATOR: 'sk' }).json).toMatchObject({ slug: 'sergei', source: 'env-operator' });
  });

  test('--email beats everything, including a second email of an operator', () => {
    repo = template.copy();
    expect(whoami(repo, ['--email', 'roman.t@example.org'], { OPERATOR: 'sergei' }).json).toEqual({ ...ROMAN, email: 'roman.t@example.org', source: 'flag' });
  });

  test('text output says who and from where', () => {
    repo = template.copy();
    const r = runCli(['session', 'whoami'], { cwd: repo.dir, env: repo.env });
    expect(r).toMatchObject({ code: 0, stdout: 'roman (RT, Roman T.) <roman@example.com>, from git config user.email\n' });
  });

  test('an unknown email halts with exit 2 and a ready-to-paste entry that works once pasted', () => {
    repo = template.copy();
    repo.git(['config', 'user.email', 'ana.lopez@example.com']);
    repo.git(['config', 'user.name', 'Ana López']);
    const r = runCli(['session', 'whoami'], { cwd: repo.dir, env: repo.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('The email ana.lopez@example.com (from git config user.email) belongs to no operator in .claude/operators.yaml.');
    const entry = r.stderr.slice(r.stderr.indexOf('  - slug:'));
    expect(entry).toBe('  - slug: ana-lopez\n    initials: AL\n    name: "Ana López"\n    emails: [ana.lopez@example.com]\n');
    repo.write('.claude/operators.yaml', OPERATORS_YAML + entry);
    expect(whoami(repo).json).toEqual({ slug: 'ana-lopez', initials: 'AL', name: 'Ana López', email: 'ana.lopez@example.com', source: 'git-config' });
  });

  test.each([
    ['--email', ['--email', 'nobody@example.com'], {}, 'The email nobody@example.com (from --email) belongs to no operator'],
    ['$CLAUDE_USER_EMAIL', [], { CLAUDE_USER_EMAIL: 'nobody@example.com' }, 'The email nobody@example.com (from $CLAUDE_USER_EMAIL)'],
    [
      '$OPERATOR',
      [],
      { OPERATOR: 'nobody' },
      '$OPERATOR "nobody" is neither a slug nor initials in .claude/operators.yaml.\nKnown operators: roman (RT), sergei (SK).',
    ],
  ])('an input that names nobody (%s) halts instead of falling through to git config', (_name, args, env, message) => {
    repo = template.copy();
    const r = whoami(repo, args, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  test('no input at all halts with exit 2 and says how to set one', () => {
    repo = template.copy();
    repo.git(['config', '--unset', 'user.email']);
    const r = whoami(repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('canon cannot tell who you are');
  });
});

describe('session whoami: the cache is invalidated by every input', () => {
  // A changed git config user.email, and a broken operators.yaml under a cached answer: the first test
  // of 'the resolution chain', which leaves the cache warm for them.
  test('a changed $OPERATOR, $CLAUDE_USER_EMAIL or --email is not answered from the cache', () => {
    repo = template.copy();
    expect(whoami(repo, [], { OPERATOR: 'roman' }).json).toMatchObject({ slug: 'roman', source: 'env-operator' });
    expect(whoami(repo, [], { OPERATOR: 'roman' }).json).toMatchObject({ slug: 'roman', source: 'cache' });
    expect(whoami(repo, [], { OPERATOR: 'sergei' }).json).toMatchObject({ slug: 'sergei', source: 'env-operator' });
    expect(whoami(repo, [], { CLAUDE_USER_EMAIL: 'sergei@example.com' }).json).toMatchObject({ slug: 'sergei', source: 'env-claude' });
    expect(whoami(repo, ['--email', 'sergei@example.com']).json).toMatchObject({ slug: 'sergei', source: 'flag' });
    // Each answer is kept: switching back is a hit.
    expect(whoami(repo, [], { OPERATOR: 'roman' }).json).toMatchObject({ slug: 'roman', source: 'cache' });
  });

  test('an edited operators.yaml is re-read, even with the same size and mtime', () => {
    repo = template.copy();
    expect(whoami(repo, [], { OPERATOR: 'roman' }).json).toMatchObject({ initials: 'RT', source: 'env-operator' });
    const file = path.join(repo.dir, '.claude/operators.yaml');
    repo.write('.claude/operators.yaml', OPERATORS_YAML.replace('initials: RT', 'initials: RX'));
    const past = new Date(Date.now() - 3_600_000);
    utimesSync(file, past, past);
    expect(whoami(repo, [], { OPERATOR: 'roman' }).json).toMatchObject({ initials: 'RX', source: 'env-operator' });
  });

  test('a corrupt cache is ignored and rewritten', () => {
    repo = template.copy();
    repo.write('.claude/state/operator.cache', '{"version":1,"operators":');
    expect(whoami(repo).json).toMatchObject({ slug: 'roman', source: 'git-config' });
    expect(whoami(repo).json).toMatchObject({ slug: 'roman', source: 'cache' });
  });
});
