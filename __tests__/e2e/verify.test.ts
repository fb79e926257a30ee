import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';
import { sessionNote, workstreamNote } from '../helpers/notes.js';
import { r } from '../helpers/secret-samples.js';

// `canon verify`: the committed store as CI sees it. Faults are committed with --no-verify (no commit door).
const TOKEN = `ghp_${r('a1B2c3D4e5', 36)}`;

interface VerifyJson {
  ok: boolean;
  checks: Record<'validate' | 'normalize' | 'index' | 'links' | 'secrets', { ok: boolean; errors: number } & Record<string, unknown>>;
  issues: Array<{ file: string; line: number; column: number; severity: string; rule: string; message: string; commit?: string }>;
}

describe('canon verify', () => {
  let repo: GitRepo;
  let base: string;
  const verify = (...args: string[]) => {
    const out = runCli(['verify', '--json', ...args], { cwd: repo.dir, env: repo.env });
    return { code: out.code, json: out.stdout ? (JSON.parse(out.stdout) as VerifyJson) : null, stderr: out.stderr };
  };
  const commitNoVerify = (files: Record<string, string>, subject: string) => {
    for (const [rel, text] of Object.entries(files)) repo.write(rel, text);
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '--no-verify', '-m', subject]);
    return repo.head();
  };

  beforeAll(() => {
    repo = createGitRepo({ hooks: true });
    repo.write('workstreams/hooks.md', workstreamNote('hooks'));
    repo.write('docs/sessions/RT-260511-01.md', sessionNote('RT-260511-01', { workstream: 'hooks' }));
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'store']);
    base = repo.head();
  });
  afterAll(() => repo.cleanup());
  const reset = () => {
    repo.git(['reset', '-q', '--hard', base]);
    repo.git(['clean', '-qfdx', '--', 'docs', 'workstreams']);
  };

  test('a clean store: exit 0, every check ran and passed', () => {
    const { code, json } = verify();
    expect(code).toBe(0);
    expect(json).toMatchObject({ ok: true, issues: [] });
    expect(Object.keys(json!.checks).sort()).toEqual(['index', 'links', 'normalize', 'secrets', 'validate']);
    for (const check of Object.values(json!.checks)) expect(check).toMatchObject({ ok: true, errors: 0 });
    expect(json!.checks.secrets.files).toBe(2);
  });

  test.each([
    [
      'validate',
      'a schema error',
      () => ({ 'docs/sessions/RT-260511-01.md': repo.read('docs/sessions/RT-260511-01.md').replace(/^date: .*$/m, 'date: yesterday') }),
      /^schema\//,
    ],
    [
      'validate',
      'a stale content_hash',
      () => ({ 'docs/sessions/RT-260511-01.md': repo.read('docs/sessions/RT-260511-01.md').replace(/^summary: .*$/m, 'summary: Changed.') }),
      /^hash\/stale$/,
    ],
    [
      'normalize',
      'keys out of canonical order',
      () => ({ 'docs/sessions/RT-260511-01.md': repo.read('docs/sessions/RT-260511-01.md').replace(/^(title: .*)\n(operator: .*)$/m, '$2\n$1') }),
      /^normalize\/changed$/,
    ],
    [
      'index',
      'a stale INDEX row',
      () => ({ 'docs/sessions/index/2026-05.md': repo.read('docs/sessions/index/2026-05.md').replace('Session RT-260511-01', 'Other') }),
      /^index\/stale$/,
    ],
    [
      'links',
      'a wikilink left in a note',
      () => ({ 'workstreams/hooks.md': repo.read('workstreams/hooks.md').replace('A goal.', 'A goal, see [[RT-260511-01]].') }),
      /^link\/wikilink$/,
    ],
    ['secrets', 'a token', () => ({ 'docs/sessions/RT-260511-02.md': sessionNote('RT-260511-02', { why_note: TOKEN }) }), /^secret\/GITHUB_TOKEN$/],
  ])('%s: %s committed without the door is exit 1 with JSON naming it', (check, _name, files, rule) => {
    reset();
    commitNoVerify(files(), 'fault');
    const { code, json } = verify();
    expect(code).toBe(1);
    expect(json!.ok).toBe(false);
    expect(json!.checks[check as keyof VerifyJson['checks']].ok).toBe(false);
    const issue = json!.issues.find((i) => rule.test(i.rule));
    expect(issue).toMatchObject({ severity: 'error' });
    expect(issue!.file).toMatch(/\.md$/);
    expect(JSON.stringify(json)).not.toContain(TOKEN.slice(0, 12));
  });

  test('--since finds a secret added and deleted again inside the range, naming the commit; without it HEAD is clean', () => {
    reset();
    const leak = commitNoVerify(
      { 'docs/sessions/RT-260511-01.md': repo.read('docs/sessions/RT-260511-01.md').replace('Something shipped.', `Something shipped with ${TOKEN}.`) },
      'leak',
    );
    repo.git(['reset', '-q', base, '--', 'docs/sessions/RT-260511-01.md']);
    repo.git(['checkout', '-q', '--', 'docs/sessions/RT-260511-01.md']);
    repo.git(['commit', '-q', '--no-verify', '-m', 'take it out again']);
    expect(verify().code).toBe(0);
    const { code, json } = verify('--since', base);
    expect(code).toBe(1);
    expect(json!.checks.secrets).toMatchObject({ ok: false, commits: 2, since: base });
    expect(json!.issues).toEqual([expect.objectContaining({ file: 'docs/sessions/RT-260511-01.md', rule: 'secret/GITHUB_TOKEN', commit: leak, line: 13 })]);
    // The human form names the commit too, masked.
    const human = runCli(['verify', '--since', base], { cwd: repo.dir, env: repo.env });
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`commit ${leak.slice(0, 7)} "leak": docs/sessions/RT-260511-01.md:13:`);
    expect(human.stdout).toContain('ghp_********');
  });

  test('reads HEAD, not the working tree: an untracked bad note is not what CI sees', () => {
    reset();
    repo.write('docs/sessions/RT-260511-09.md', `---\ntitle: [broken\n---\n${TOKEN}\n`);
    const { code, json, stderr } = verify();
    expect(code).toBe(0);
    expect(json!.ok).toBe(true);
    expect(stderr).toContain('temporary checkout');
    expect(repo.git(['worktree', 'list']).stdout.trim().split('\n')).toHaveLength(1);
  });

  test('an all-zero --since (a new branch) checks HEAD; a ref that names nothing is a usage error', () => {
    reset();
    expect(verify('--since', '0'.repeat(40)).code).toBe(0);
    const bad = runCli(['verify', '--since', 'no-such-ref'], { cwd: repo.dir, env: repo.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since no-such-ref names no commit here');
  });
});
