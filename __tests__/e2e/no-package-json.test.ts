import { afterAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGitRepo, isolatedEnv, runCli } from '../helpers/git-repo.js';
import { sessionNote } from '../helpers/notes.js';
import { NPM_ENV, packCanon, REGISTRY_ENV } from '../helpers/team-repo.js';
import { CACHE } from '../helpers/test-cache.js';

/**
 * A Python team's repository (pyproject.toml, the pre-commit framework, no package.json) adopts canon
 * by the route of ADR-0031: `npx canon-notes init` writes canon into .pre-commit-config.yaml as a node
 * hook the framework installs (here from the `npm pack` tarball), and `pre-commit install` — the
 * team's usual setup — gives every clone canon's hooks. The framework's environments are cached under
 * the test cache (PRE_COMMIT_HOME), keyed by the tarball, so only a suite's first run builds them.
 */
const available = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;

const TEAM_CONFIG = `# the team's hooks
repos:
  - repo: local
    hooks:
      - id: no-marker
        name: no FORBIDDEN marker in src
        entry: sh -c '! grep -rq FORBIDDEN src'
        language: system
        pass_filenames: false
`;
const TEAM_FILES: Record<string, string> = {
  'pyproject.toml': '[project]\nname = "team-app"\nversion = "1.0.0"\n',
  'src/app.py': 'def main():\n    return 1\n',
  '.pre-commit-config.yaml': TEAM_CONFIG,
  'README.md': '# team-app\n',
};

const base = mkdtempSync(path.join(os.tmpdir(), 'canon-nonjs-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function shell(env: NodeJS.ProcessEnv) {
  return (cmd: string, args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}) => {
    const r = spawnSync(cmd, args, { cwd, env: { ...env, ...extra }, encoding: 'utf8', input: '' });
    return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  };
}

/**
 * The `canon` bin that `npx --package=<tarball>` installed into npm's cache (npx runs exactly this file,
 * with that folder's node_modules/.bin on PATH): the same canon a global install puts on PATH.
 */
function npxInstalledBin(tarball: string): string {
  const root = path.join(NPM_ENV.npm_config_cache, '_npx');
  for (const name of existsSync(root) ? readdirSync(root) : []) {
    const pkg = path.join(root, name, 'package.json');
    if (!existsSync(pkg)) continue;
    const packages = (JSON.parse(readFileSync(pkg, 'utf8')) as { _npx?: { packages?: string[] } })._npx?.packages ?? [];
    const bin = path.join(root, name, 'node_modules/.bin');
    if (packages.includes(tarball) && existsSync(path.join(bin, 'canon'))) return bin;
  }
  throw new Error(`npx installed no canon bin for ${tarball} under ${root}`);
}

const badNote = (id: string) => `---\ntitle: Missing nearly everything\nkind: session\nexternal_id: ${id}\n---\n\n## Summary\n\nNo.\n`;

describe('a repository with no package.json: canon as a node hook of the pre-commit framework', () => {
  if (!available) {
    test.skip('pre-commit is not installed (apt-get install pre-commit): skipped', () => undefined);
    return;
  }

  test('init, the main worktree, a fresh clone after `pre-commit install`, a git worktree, post-rewrite, the CI gate and uninstall', () => {
    const tarball = packCanon();
    const home = path.join(base, 'home');
    mkdirSync(home);
    // npx and the pre-commit framework install from the registry throughout.
    const env = isolatedEnv(home, { ...NPM_ENV, ...REGISTRY_ENV, PRE_COMMIT_HOME: path.join(CACHE, 'pre-commit'), PRE_COMMIT_COLOR: 'never' });
    const run = shell(env);
    const dir = path.join(base, 'repo');
    mkdirSync(dir);
    const git = (args: string[], cwd = dir, extra: NodeJS.ProcessEnv = {}) => run('git', args, cwd, extra);
    const ok = (args: string[], cwd = dir, extra: NodeJS.ProcessEnv = {}) => {
      const r = git(args, cwd, extra);
      if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}):\n${r.out}`);
      return r;
    };
    const write = (rel: string, text: string, cwd = dir) => {
      mkdirSync(path.dirname(path.join(cwd, rel)), { recursive: true });
      writeFileSync(path.join(cwd, rel), text);
    };
    const read = (rel: string, cwd = dir) => readFileSync(path.join(cwd, rel), 'utf8');
    // canon from the tarball, the way the README says: npx, nothing installed into the repository.
    const canon = (args: string[], cwd = dir) => run('npx', ['--yes', `--package=${tarball}`, 'canon', ...args], cwd);
    // The README's other road, `npm install -g canon-notes` then `canon …`: the bin npx installed, on PATH
    // (the same files npx runs, without npm's start-up of about 1.5 s CPU per call).
    let bin = '';
    const installed = (args: string[], cwd = dir) => run('canon', args, cwd, { PATH: `${bin}${path.delimiter}${env.PATH ?? ''}` });
    const noNodeProject = (cwd: string) => {
      expect(existsSync(path.join(cwd, 'package.json'))).toBe(false);
      expect(existsSync(path.join(cwd, 'node_modules'))).toBe(false);
      expect(existsSync(path.join(cwd, 'package-lock.json'))).toBe(false);
    };

    // The team: a Python project whose hooks come from `pre-commit install`.
    ok(['init', '-q', '-b', 'main']);
    ok(['config', 'user.name', 'Alice Smith']);
    ok(['config', 'user.email', 'alice@team.example']);
    ok(['config', 'commit.gpgsign', 'false']);
    for (const [rel, text] of Object.entries(TEAM_FILES)) write(rel, text);
    // The team's commit is setup: made before `pre-commit install` (the team's hook has nothing to check in it).
    ok(['add', '-A']);
    ok(['commit', '-qm', 'team app']);
    expect(run('pre-commit', ['install'], dir).code).toBe(0);

    // init: canon's node hooks pinned to the package, every hook type installed, no Node project made.
    const init = canon(['init', '--yes', '--package', tarball]);
    expect(init.out).not.toMatch(/internal error|there is no package.json/);
    expect({ code: init.code, out: init.out }).toMatchObject({ code: 0 });
    expect(init.out).toContain('canon is a node hook of the pre-commit framework');
    bin = npxInstalledBin(tarball);
    const config = read('.pre-commit-config.yaml');
    expect(config.startsWith(TEAM_CONFIG)).toBe(true);
    expect(config).toContain('entry: canon git-hook pre-commit');
    expect(config).toContain(`- ${tarball}`);
    for (const hook of ['pre-commit', 'post-commit', 'pre-push', 'post-rewrite', 'post-merge'])
      expect(read(`.git/hooks/${hook}`)).toContain('File generated by pre-commit');
    expect(read('.gitignore')).not.toContain('node_modules');
    noNodeProject(dir);
    // Claude Code: the plugin from the link to the installed canon, the skills run the CLI through it.
    expect(JSON.parse(read('.claude/settings.json')).extraKnownMarketplaces['canon-notes'].source.path).toBe('./.canon/claude-plugin');
    const resumeSkill = read('.claude/skills/resume-as/SKILL.md');
    const handoffSkill = read('.claude/skills/handoff-as/SKILL.md');
    expect(resumeSkill + handoffSkill).not.toContain('npm run');
    ok(['add', '-A']);
    const adopted = ok(['commit', '-qm', 'adopt canon']);
    expect(adopted.out).toMatch(/canon pre-commit\.+Passed/);
    // The first hook pointed the clone's wiring at the canon the framework installed.
    const link = readlinkSync(path.join(dir, '.canon/canon-notes'));
    expect(link).toContain(path.join(CACHE, 'pre-commit'));
    expect(existsSync(path.join(dir, '.canon/claude-plugin/.claude-plugin/marketplace.json'))).toBe(true);
    for (const name of ['session.mjs', 'post-tool-use.mjs', 'hook-shared.mjs'])
      expect(existsSync(path.join(dir, '.canon/claude-plugin/plugin/hooks', name))).toBe(true);
    const pluginResume = read('.canon/claude-plugin/plugin/skills/resume/SKILL.md');
    expect(pluginResume + read('.canon/claude-plugin/plugin/skills/handoff/SKILL.md')).not.toContain('npm run');
    expect(read('.git/canon/run')).toContain(path.join(CACHE, 'pre-commit'));
    expect(git(['config', 'merge.canon-index.driver']).out).toContain('.git/canon/run');

    // Main worktree: an invalid note is refused, the team's failing check still refuses. One refused
    // commit holds both (the framework runs every hook, whichever fails): each hook's own verdict is
    // asserted, canon's error line for the note and the team's check Failed.
    write('docs/sessions/AS-261205-09.md', badNote('AS-261205-09'));
    write('src/app.py', 'def main():\n    return 1  # FORBIDDEN\n');
    ok(['add', '-A']);
    const refused = git(['commit', '-qm', 'bad note and marker']);
    expect(refused.code).not.toBe(0);
    expect(refused.out).toMatch(/docs\/sessions\/AS-261205-09\.md:\d+:\d+: error \/operator is required/);
    expect(refused.out).toMatch(/canon pre-commit\.+Failed/);
    expect(refused.out).toMatch(/no FORBIDDEN marker in src\.+Failed/);
    ok(['rm', '-q', '--cached', 'docs/sessions/AS-261205-09.md']);
    rmSync(path.join(dir, 'docs/sessions/AS-261205-09.md'));
    write('src/app.py', TEAM_FILES['src/app.py']!);
    ok(['add', '-A']);

    // A valid note commits, stamped, and its INDEX row lands in the same commit.
    const rel = 'docs/sessions/AS-261205-01.md';
    write(rel, sessionNote('AS-261205-01', { operator: 'alice', date: '2026-12-05' }));
    ok(['add', rel]);
    ok(['commit', '-qm', 'first note']);
    expect(git(['show', `HEAD:${rel}`]).out).toMatch(/content_hash: /);
    expect(git(['show', 'HEAD:docs/sessions/index/2026-12.md']).out).toContain('AS-261205-01');
    expect(git(['status', '--porcelain']).out).toBe('');

    // post-rewrite with no list from the framework: an amend that skipped the door is restamped.
    write(rel, read(rel).replace(/^summary: .*$/m, 'summary: Amended summary.'));
    ok(['add', rel]);
    const amended = ok(['commit', '-q', '--amend', '--no-verify', '--no-edit']);
    expect(amended.out).toContain(`canon: restamped content_hash and INDEX rows for ${rel}`);
    expect(git(['log', '-1', '--format=%s']).out.trim()).toBe('canon: restamp content_hash and INDEX rows after amend');
    expect(git(['show', 'HEAD:docs/sessions/index/2026-12.md']).out).toContain('Amended summary.');
    // …and a rebase whose picked commit holds a note that never went through the door.
    ok(['checkout', '-qb', 'feature']);
    write(rel, read(rel).replace(/^summary: .*$/m, 'summary: Feature summary.'));
    // Setup commits (no hooks at all: the note skips the door, main's commit holds no note; no resume
    // cache exists yet for a post-commit to refresh); the rebase below is what runs the framework's hooks.
    ok(['-c', 'core.hooksPath=/dev/null', 'commit', '-qam', 'feature edits the note']);
    ok(['checkout', '-q', 'main']);
    write('README.md', '# team-app\n\nMore.\n');
    ok(['-c', 'core.hooksPath=/dev/null', 'commit', '-qam', 'main moves on']);
    ok(['checkout', '-q', 'feature']);
    const rebased = ok(['rebase', 'main']);
    expect(rebased.out).toContain(`canon: restamped content_hash and INDEX rows for ${rel}`);
    expect(git(['log', '-1', '--format=%s']).out.trim()).toBe('canon: restamp content_hash and INDEX rows after rebase');
    expect(git(['show', 'HEAD:docs/sessions/index/2026-12.md']).out).toContain('Feature summary.');
    expect(git(['status', '--porcelain']).out).toBe('');
    ok(['checkout', '-q', 'main']);
    // Setup for the skills below: git ignores post-merge's exit status and nothing here examines what it
    // did, so this fast-forward runs no hooks.
    ok(['-c', 'core.hooksPath=/dev/null', 'merge', '-q', '--ff-only', 'feature']);

    // The /resume and /handoff skills' own commands run without npm.
    const resumeCommand = /^!`(.*)`$/m.exec(resumeSkill)![1]!;
    const resumed = run('sh', ['-c', `${resumeCommand} --json`], dir);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.out.slice(resumed.out.indexOf('{'))).operator.slug).toBe('alice');
    const pluginCommand = /^!`(.*)`$/m.exec(pluginResume)![1]!;
    const pluginResumed = run('sh', ['-c', pluginCommand], dir, { OPERATOR: 'alice' });
    expect(pluginResumed.code).toBe(0);
    expect(JSON.parse(pluginResumed.out.slice(pluginResumed.out.indexOf('{'))).operator.slug).toBe('alice');
    const session = '0f0e0d0c-0b0a-4099-8877-665544332211';
    write(
      `.canon/handoff-${session}.json`,
      JSON.stringify({
        title: 'Adopted canon',
        summary: 'canon runs from the pre-commit framework.',
        workstream: null,
        tags: ['canon'],
        shipped: ['the wiring'],
        decisions: [],
        open_questions: [],
        next_steps: [],
        resume_prompt: 'Carry on.',
        confidence: 'high',
        quick: false,
      }),
    );
    const handoffCommand = /^(OPERATOR=alice .* handoff --from .*)$/m
      .exec(handoffSkill)![1]!
      .replace(/\$\{CLAUDE_SESSION_ID\}/g, session)
      .replace('$ARGUMENTS', '--no-push');
    const handed = run('sh', ['-c', handoffCommand], dir);
    expect(handed.code).toBe(0);
    const handedOff = JSON.parse(
      handed.out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .at(-1)!,
    ) as { id: string; committed: boolean };
    expect(handedOff.committed).toBe(true);
    expect(git(['show', 'HEAD:docs/sessions/index/2026-12.md']).out).toContain(handedOff.id);

    // A fresh clone after the team's setup command: canon's hooks refuse the invalid note.
    const clone = path.join(base, 'clone');
    ok(['clone', '-q', dir, clone], base);
    ok(['config', 'user.email', 'alice@team.example'], clone);
    const unwired = installed(['doctor'], clone);
    expect(unwired.code).toBe(1);
    expect(unwired.out).toContain('fix: pre-commit install');
    expect(unwired.out).toContain('fix: pre-commit run canon-setup --hook-stage manual');
    expect(run('pre-commit', ['install'], clone).code).toBe(0);
    // The clone's wiring at once (else at its first hook), and doctor agrees.
    expect(run('pre-commit', ['run', 'canon-setup', '--hook-stage', 'manual'], clone).code).toBe(0);
    const wired = run('node', ['.canon/canon-notes/dist/canon.js', 'doctor'], clone);
    expect(wired.out).toContain('checks passed');
    expect(wired.code).toBe(0);
    write('docs/sessions/AS-261206-01.md', badNote('AS-261206-01'), clone);
    ok(['add', '-A'], clone);
    const cloneRefused = git(['commit', '-qm', 'bad note'], clone);
    expect(cloneRefused.code).not.toBe(0);
    expect(cloneRefused.out).toMatch(/AS-261206-01\.md:\d+:\d+: error/);
    expect(git(['config', 'merge.canon-index.driver'], clone).out).toContain('.git/canon/run');
    // The push gate (the framework hands pre-push its refs in its environment).
    // The door skipped, and no post-commit either (the clone is wired already, it keeps no resume cache).
    ok(['-c', 'core.hooksPath=/dev/null', 'commit', '-qm', 'bad note, door skipped'], clone);
    const pushed = git(['push', '-q', 'origin', 'HEAD:refs/heads/from-clone'], clone);
    expect(pushed.code).not.toBe(0);
    expect(pushed.out).toMatch(/AS-261206-01\.md/);
    noNodeProject(clone);

    // A clone whose hooks were never installed commits it silently — and the CI gate catches it.
    const bare = path.join(base, 'no-hooks');
    ok(['clone', '-q', dir, bare], base);
    ok(['config', 'user.email', 'bob@team.example'], bare);
    ok(['config', 'user.name', 'Bob'], bare);
    write('docs/sessions/AS-261206-02.md', badNote('AS-261206-02'), bare);
    ok(['add', '-A'], bare);
    ok(['commit', '-qm', 'unchecked'], bare);
    // (The installed bin: the files npx runs, as init above proved; the subject here is verify, not npx.)
    const verify = installed(['verify', '--since', 'origin/main'], bare);
    expect(verify.code).toBe(1);
    expect(verify.out).toMatch(/AS-261206-02\.md/);

    // A git worktree of the main clone: refused there too (its first hook links canon for it).
    const worktree = path.join(base, 'worktree');
    ok(['worktree', 'add', '-q', '-b', 'side', worktree]);
    write('docs/sessions/AS-261206-03.md', badNote('AS-261206-03'), worktree);
    ok(['add', '-A'], worktree);
    const wtRefused = git(['commit', '-qm', 'bad note'], worktree);
    expect(wtRefused.code).not.toBe(0);
    expect(wtRefused.out).toMatch(/AS-261206-03\.md:\d+:\d+: error/);
    expect(lstatSync(path.join(worktree, '.canon/canon-notes')).isSymbolicLink()).toBe(true);
    noNodeProject(worktree);
    ok(['worktree', 'remove', '--force', worktree]);
    noNodeProject(dir);

    // uninstall: the team's files byte for byte, canon's created files and clone wiring gone.
    const out = installed(['uninstall', '--yes']);
    expect(out.code).toBe(0);
    for (const [rel2, text] of Object.entries(TEAM_FILES)) {
      if (rel2 === 'README.md') continue;
      expect(read(rel2)).toBe(text);
    }
    for (const created of [
      '.gitignore',
      '.gitattributes',
      '.claude/settings.json',
      '.claude/canon-install.json',
      '.claude/skills/resume-as/SKILL.md',
      '.canon',
      '.git/canon',
    ])
      expect(existsSync(path.join(dir, created))).toBe(false);
    expect(git(['config', '--get-regexp', '^merge\\.canon']).out).toBe('');
    expect(git(['config', 'core.hooksPath']).code).not.toBe(0);
    noNodeProject(dir);
    // The team's hook still runs and still refuses.
    write('src/app.py', 'FORBIDDEN\n');
    ok(['add', 'src/app.py']);
    expect(git(['commit', '-qm', 'marker']).code).not.toBe(0);
  }, 900_000);
});

describe('a repository with no package.json whose hooks come from elsewhere', () => {
  test.each([
    ['lefthook.yml', { 'lefthook.yml': 'pre-commit:\n  commands:\n    lint:\n      run: ruff check\n' }],
    ['core.hooksPath (.githooks)', { '.githooks/pre-commit': '#!/bin/sh\nruff check\n' }],
  ])('%s: init says why and what to do, and changes nothing', (named, files) => {
    const r = createGitRepo({ operators: false, files: { 'pyproject.toml': TEAM_FILES['pyproject.toml']!, ...files } });
    try {
      if ('.githooks/pre-commit' in files) r.git(['config', 'core.hooksPath', '.githooks']);
      const before = r.git(['status', '--porcelain', '--untracked-files=all']).stdout;
      const init = runCli(['init', '--yes'], { cwd: r.dir, env: r.env });
      expect(init.code).toBe(2);
      expect(init.stderr).toContain(`there is no package.json here and the hooks run from ${named}`);
      expect(init.stderr).toContain('No files were changed.');
      expect(r.git(['status', '--porcelain', '--untracked-files=all']).stdout).toBe(before);
    } finally {
      r.cleanup();
    }
  });
});
