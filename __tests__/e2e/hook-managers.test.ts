import { afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';
import { sessionNote } from '../helpers/notes.js';
import { npmTool } from '../helpers/team-repo.js';

/**
 * canon wired through a hook manager's own configuration, with the manager installed from the npm
 * registry: the manager's regeneration (`lefthook install`) keeps canon; a failing team command
 * still refuses the commit; doctor reads the hooks git runs; uninstall gives the config back.
 */
let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

function commit(r: GitRepo, message: string) {
  return r.git(['commit', '-m', message], { allowFail: true });
}

/** The checks every manager passes: the team's failing check, canon's check alone, a valid note. */
function expectChecksHold(r: GitRepo) {
  const head = r.head();
  writeFileSync(path.join(r.dir, 'team-fail'), '');
  r.write('src/index.js', `${Date.now()}\n`);
  r.git(['add', 'src/index.js']);
  expect(commit(r, 'team check fails').code).not.toBe(0);
  expect(r.head()).toBe(head);
  rmSync(path.join(r.dir, 'team-fail'));
  r.write('docs/sessions/RT-261201-01.md', sessionNote('RT-261201-01', { operator: 'nobody' }));
  r.git(['add', '-A']);
  const refused = commit(r, 'invalid note');
  expect(refused.code).not.toBe(0);
  expect(`${refused.stdout}${refused.stderr}`).toMatch(/RT-261201-01\.md:\d+:\d+: error \/operator/);
  expect(r.head()).toBe(head);
  r.write('docs/sessions/RT-261201-01.md', sessionNote('RT-261201-01'));
  r.git(['add', '-A']);
  expect(commit(r, 'valid note').code).toBe(0);
  expect(r.git(['show', 'HEAD:docs/sessions/index/2026-05.md']).stdout).toContain('RT-261201-01');
}

describe('lefthook', () => {
  let tool = '';
  beforeAll(() => {
    tool = npmTool('lefthook@2');
  }, 180_000);

  test.each([
    ['commands', "pre-commit:\n  commands:\n    # the team's own check\n    team-check:\n      run: test ! -e team-fail\n"],
    ['jobs', 'pre-commit:\n  jobs:\n    - name: team-check\n      run: test ! -e team-fail\n'],
  ])(
    "init adds canon's entries to lefthook.yml (%s); lefthook install keeps them; the team's failing check still refuses; uninstall gives the file back",
    (_shape, config) => {
      const r = (repo = createGitRepo({
        files: {
          'package.json': '{\n  "name": "team-app",\n  "private": true\n}\n',
          '.gitignore': 'node_modules\n',
          'lefthook.yml': config,
          'src/index.js': 'x\n',
        },
      }));
      symlinkSync(path.join(tool, 'node_modules'), path.join(r.dir, 'node_modules'));
      const lefthook = (args: string[]) => spawnSync(path.join(r.dir, 'node_modules/.bin/lefthook'), args, { cwd: r.dir, env: r.env, encoding: 'utf8' });
      expect(lefthook(['install']).status).toBe(0);
      r.git(['add', '-A']);
      r.git(['commit', '-qm', 'team repo']);

      const init = runCli(['init', '--yes'], { cwd: r.dir, env: r.env });
      expect(init.stderr).not.toMatch(/internal error|warning: run `lefthook install`/);
      expect(init.code).toBe(0);
      for (const line of config.split('\n').filter((l) => l.trim() !== '')) expect(r.read('lefthook.yml')).toContain(line.trim());
      expect(r.exists('.husky')).toBe(false);
      // lefthook laid the hooks canon's entries need, post-commit and pre-push included.
      for (const hook of ['pre-commit', 'post-commit', 'pre-push']) expect(r.read(`.git/hooks/${hook}`)).toMatch(/lefthook/);
      r.git(['add', '-A']);
      expect(commit(r, 'Adopt canon').code).toBe(0);
      expect(runCli(['doctor'], { cwd: r.dir, env: r.env }).code).toBe(0);
      expectChecksHold(r);

      // The manager regenerates its hooks from the config: canon is still there.
      expect(lefthook(['install', '--force']).status).toBe(0);
      r.write('docs/sessions/RT-261201-02.md', sessionNote('RT-261201-02', { operator: 'nobody' }));
      r.git(['add', '-A']);
      expect(commit(r, 'invalid again').code).not.toBe(0);
      r.git(['reset', '-q', '--hard']);
      r.git(['clean', '-qfd']);

      // doctor reads what git runs: a config without canon's entry is named.
      const text = r.read('lefthook.yml');
      r.write('lefthook.yml', config);
      const doctor = runCli(['doctor'], { cwd: r.dir, env: r.env });
      expect(doctor.code).toBe(1);
      expect(doctor.stdout).toMatch(/lefthook\.yml has no canon block, so canon's pre-commit checks do not run/);
      r.write('lefthook.yml', text);

      expect(runCli(['uninstall', '--yes'], { cwd: r.dir, env: r.env }).code).toBe(0);
      expect(r.read('lefthook.yml')).toBe(config);
    },
    120_000,
  );
});

describe('simple-git-hooks', () => {
  let tool = '';
  beforeAll(() => {
    tool = npmTool('simple-git-hooks@2');
  }, 180_000);

  test("init adds canon's blocks to the simple-git-hooks config; its regeneration keeps them; the team's failing check still refuses; uninstall gives package.json and the hooks back", () => {
    const pkg = '{\n  "name": "team-app",\n  "private": true,\n  "simple-git-hooks": {\n    "pre-commit": "test ! -e team-fail"\n  }\n}\n';
    const r = (repo = createGitRepo({ files: { 'package.json': pkg, '.gitignore': 'node_modules\n', 'src/index.js': 'x\n' } }));
    symlinkSync(path.join(tool, 'node_modules'), path.join(r.dir, 'node_modules'));
    const regenerate = () => spawnSync(path.join(r.dir, 'node_modules/.bin/simple-git-hooks'), [], { cwd: r.dir, env: r.env, encoding: 'utf8' });
    expect(regenerate().status).toBe(0);
    r.git(['add', '-A']);
    r.git(['commit', '-qm', 'team repo']);

    const init = runCli(['init', '--yes'], { cwd: r.dir, env: r.env });
    expect(init.stderr).not.toMatch(/internal error|warning: run `simple-git-hooks`/);
    expect(init.code).toBe(0);
    const config = (JSON.parse(r.read('package.json')) as { 'simple-git-hooks': Record<string, string> })['simple-git-hooks'];
    expect(config['pre-commit']!.startsWith('test ! -e team-fail\n# >>> canon >>>')).toBe(true);
    for (const hook of ['pre-commit', 'post-commit', 'pre-push']) expect(r.read(`.git/hooks/${hook}`)).toContain('# >>> canon >>>');
    r.git(['add', '-A']);
    expect(commit(r, 'Adopt canon').code).toBe(0);
    expect(runCli(['doctor'], { cwd: r.dir, env: r.env }).code).toBe(0);
    expectChecksHold(r);

    // Its own regeneration (the team's postinstall) writes the hooks from the config: canon stays.
    expect(regenerate().status).toBe(0);
    for (const hook of ['pre-commit', 'post-commit', 'pre-push']) expect(r.read(`.git/hooks/${hook}`)).toContain('# >>> canon >>>');
    expect(runCli(['doctor'], { cwd: r.dir, env: r.env }).code).toBe(0);

    expect(runCli(['uninstall', '--yes'], { cwd: r.dir, env: r.env }).code).toBe(0);
    expect(r.read('package.json')).toBe(pkg);
    expect(r.read('.git/hooks/pre-commit')).not.toContain('canon');
    expect(r.exists('.git/hooks/post-commit')).toBe(false);
  }, 120_000);
});

describe("the pre-commit framework (Debian's pre-commit package)", () => {
  const available = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;
  if (!available) test.skip('pre-commit is not installed (apt-get install pre-commit): skipped', () => undefined);
  else
    test("init adds canon as a local repo in .pre-commit-config.yaml; pre-commit install keeps it; the team's failing hook still refuses; uninstall gives the file back", () => {
      const config =
        "# team hooks\nrepos:\n  - repo: local\n    hooks:\n      - id: team-check\n        name: team check\n        entry: sh -c 'test ! -e team-fail'\n        language: system\n        pass_filenames: false\n        always_run: true\n";
      const r = (repo = createGitRepo({
        files: { 'package.json': '{\n  "name": "team-app",\n  "private": true\n}\n', '.pre-commit-config.yaml': config, 'src/index.js': 'x\n' },
      }));
      const preCommit = (args: string[]) => spawnSync('pre-commit', args, { cwd: r.dir, env: r.env, encoding: 'utf8' });
      expect(preCommit(['install']).status).toBe(0);
      r.git(['add', '-A']);
      r.git(['commit', '-qm', 'team repo']);

      const init = runCli(['init', '--yes'], { cwd: r.dir, env: r.env });
      expect(init.stderr).not.toMatch(/internal error|warning: run `pre-commit install`/);
      expect(init.code).toBe(0);
      expect(r.read('.pre-commit-config.yaml').startsWith('# team hooks\n')).toBe(true);
      for (const hook of ['pre-commit', 'post-commit', 'pre-push']) expect(r.read(`.git/hooks/${hook}`)).toContain('File generated by pre-commit');
      r.git(['add', '-A']);
      expect(commit(r, 'Adopt canon').code).toBe(0);
      expect(runCli(['doctor'], { cwd: r.dir, env: r.env }).code).toBe(0);
      expectChecksHold(r);

      // The framework lays its hooks again from the config: canon is still there.
      expect(preCommit(['install', '--overwrite']).status).toBe(0);
      r.write('docs/sessions/RT-261201-02.md', sessionNote('RT-261201-02', { operator: 'nobody' }));
      r.git(['add', '-A']);
      expect(commit(r, 'invalid again').code).not.toBe(0);
      r.git(['reset', '-q', '--hard']);
      r.git(['clean', '-qfd']);

      expect(runCli(['uninstall', '--yes'], { cwd: r.dir, env: r.env }).code).toBe(0);
      expect(r.read('.pre-commit-config.yaml')).toBe(config);
    }, 180_000);
});
