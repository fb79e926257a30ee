import { describe, expect, test } from '@jest/globals';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sessionNote } from './notes.js';
import { REGISTRY_ENV, teamRepoLifecycle } from './team-repo.js';
import { bumpTarball, createYarnTeamRepo, obtainYarn, type Linker, type YarnTeamRepo } from './yarn-repo.js';

/**
 * canon in a yarn 4 team's repository (ADR-0029), under Plug'n'Play — yarn's default, where canon's
 * CLI is a file inside a zip that plain node cannot open — and under `nodeLinker: node-modules`:
 * init wires postinstall (yarn never runs prepare), git's hooks reach canon in the main worktree,
 * in a fresh clone after `yarn install` and in a `git worktree add`; doctor tells the truth and its
 * fix works; uninstall gives the team's files back byte for byte. Every canon command goes through
 * `yarn canon …`, the way a yarn team runs it. One linker per test file (yarn.test.ts: Plug'n'Play,
 * yarn-node-modules.test.ts: node-modules), so jest runs the two at once.
 */
const yarn = obtainYarn();
if (typeof yarn === 'string') process.stderr.write(`yarn e2e: skipped, yarn 4 could not be obtained (${yarn})\n`);
const withYarn = typeof yarn === 'string' ? describe.skip : describe;

const good = (id: string) => sessionNote(id, { operator: 'alice', date: '2026-12-01' });
const BAD = '---\ntitle: Half a note\nkind: session\n---\nNo id, no operator, no summary.\n';

/** An invalid note is refused by `git commit` in this worktree; nothing is committed. */
function expectRefused(t: YarnTeamRepo, cwd: string, rel: string): void {
  const head = t.git(['rev-parse', 'HEAD'], cwd).stdout;
  t.write(rel, BAD, cwd);
  t.git(['add', rel], cwd);
  const commit = t.git(['commit', '-qm', 'invalid note'], cwd);
  expect(commit.code).not.toBe(0);
  expect(commit.stderr).toMatch(/external_id is required/);
  expect(t.git(['rev-parse', 'HEAD'], cwd).stdout).toBe(head);
  t.git(['rm', '-qf', '--cached', rel], cwd);
  rmSync(path.join(cwd, rel), { force: true });
}

/**
 * Where canon's CLI file is installed in `cwd`, as node itself resolves it there: through yarn's
 * Plug'n'Play runtime (what `yarn node` adds to node: `--require .pnp.cjs`) or from node_modules.
 * Plain node, not `yarn node`: this only finds a file, and yarn's own start-up costs about 1 s CPU.
 */
function installedCli(t: YarnTeamRepo, linker: Linker, cwd: string): string {
  const pnp = linker === 'pnp' ? ['--require', path.join(cwd, '.pnp.cjs')] : [];
  return t.run('node', [...pnp, '-p', 'require.resolve("canon-notes/dist/canon.js")'], { cwd }).stdout.trim();
}

function commitNote(t: YarnTeamRepo, cwd: string, id: string): { code: number; stderr: string } {
  t.write(`docs/sessions/${id}.md`, good(id), cwd);
  t.git(['add', '-A'], cwd);
  return t.git(['commit', '-qm', `note ${id}`], cwd);
}

/** The first `fix:` line doctor printed for the runner, as a command. */
function runnerFix(stdout: string): string {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => /canon\/run does not start canon's CLI/.test(l));
  expect(at).toBeGreaterThanOrEqual(0);
  return /fix: (.*?)(\s{2,}\(|$)/.exec(lines[at + 1] ?? '')?.[1] ?? '';
}

export function yarnRoad(linker: Linker): void {
  const life = teamRepoLifecycle<YarnTeamRepo>();

  withYarn(`a yarn 4 team repository (${linker})`, () => {
    test('init wires postinstall; commits are checked in the main worktree, a fresh clone after yarn install and a new worktree; doctor is truthful and its fix works; uninstall restores every file', () => {
      const t = (life.team = createYarnTeamRepo(linker, life.tarball, yarn as Exclude<typeof yarn, string>));
      const teamFiles = t.git(['ls-files']).stdout.trim().split('\n');
      const hooksPathBefore = t.git(['config', 'core.hooksPath']).stdout;
      expect(existsSync(path.join(t.dir, '.pnp.cjs'))).toBe(linker === 'pnp');

      // init, through yarn: postinstall gains canon setup, prepare (never run by yarn) is left alone.
      const init = t.canon(['init', '--yes']);
      expect([init.code, init.code === 0 ? '' : init.stdout + init.stderr]).toEqual([0, '']);
      const printed = init.stdout + init.stderr;
      expect(printed).toMatch(/yarn canon init --obsidian/);
      expect(printed).not.toMatch(/npx canon|npm install/);
      const scripts = (JSON.parse(t.read('package.json')) as { scripts: Record<string, string> }).scripts;
      expect(scripts.postinstall).toBe(linker === 'pnp' ? 'husky && canon setup' : 'canon setup');
      expect(scripts.prepare).toBeUndefined();
      if (linker === 'pnp') expect(t.read('.husky/pre-commit').startsWith('echo team-check\n')).toBe(true);
      // Claude Code: under PnP there is no node_modules/canon-notes to load the plugin from, nor a bin
      // for `npm run handoff`: the plugin is laid in .canon/claude-plugin, its skills run `yarn canon`.
      const settings = JSON.parse(t.read('.claude/settings.json')) as { extraKnownMarketplaces: Record<string, { source: { path: string } }> };
      expect(settings.extraKnownMarketplaces['canon-notes']!.source.path).toBe(linker === 'pnp' ? './.canon/claude-plugin' : './node_modules/canon-notes');
      if (linker === 'pnp') {
        const skill = t.read('.canon/claude-plugin/plugin/skills/resume/SKILL.md');
        expect(skill).toContain('!`yarn canon resume --json`');
        expect(skill).not.toMatch(/npm run/);
        expect(t.read('.canon/claude-plugin/plugin/skills/handoff/SKILL.md')).toContain('yarn canon handoff --from .canon/handoff-');
        const resume = t.run('yarn', ['canon', 'resume', '--json']);
        expect([resume.code, resume.stderr]).toEqual([0, '']);
        expect(JSON.parse(resume.stdout)).toHaveProperty('operator');
      }
      const runner = path.join(t.dir, '.git/canon/run');

      // The main worktree: an invalid note is refused, the wiring and a valid note commit — in one commit,
      // through the hooks (a valid note committing on its own here is proven again after the runner's repair).
      expectRefused(t, t.dir, 'docs/sessions/AS-261201-09.md');
      t.write('docs/sessions/AS-261201-01.md', good('AS-261201-01'));
      t.git(['add', '-A']);
      const adopt = t.git(['commit', '-qm', 'Adopt canon']);
      expect(adopt.stderr).toMatch(linker === 'pnp' ? /team-check/ : /^/);
      expect(adopt.code).toBe(0);
      expect(t.git(['cat-file', '-e', 'HEAD:docs/sessions/AS-261201-01.md']).code).toBe(0);

      // doctor passes when wired.
      const doctor = t.canon(['doctor']);
      expect(doctor.stderr).toMatch(/checks passed/);
      expect(doctor.code).toBe(0);

      // A runner whose CLI is there but cannot start: under PnP the one earlier canon versions wrote
      // (the zip path, plain node: "9 checks passed" while every commit was refused); under
      // node-modules a canon.js without its package beside it.
      const resolved = installedCli(t, linker, t.dir);
      expect(resolved).toMatch(linker === 'pnp' ? /\.zip\/node_modules\/canon-notes\/dist\/canon\.js$/ : /node_modules\/canon-notes\/dist\/canon\.js$/);
      let cli = resolved;
      if (linker === 'node-modules') {
        cli = path.join(t.base, 'stray/canon.js');
        mkdirSync(path.dirname(cli));
        copyFileSync(resolved, cli);
      }
      writeFileSync(
        runner,
        `#!/bin/sh\ncli='${cli}'\nfor f in "$cli"; do\n  [ -f "$f" ] && exec node "$f" "$@"\ndone\necho "canon: canon's CLI ($cli) is installed nowhere: run npm install." >&2\nexit 1\n`,
        { mode: 0o755 },
      );
      t.write('docs/sessions/AS-261201-02.md', good('AS-261201-02'));
      t.git(['add', '-A']);
      expect(t.git(['commit', '-qm', 'blocked by the broken runner']).code).not.toBe(0);
      const broken = t.canon(['doctor']);
      expect(broken.code).toBe(1);
      const fix = runnerFix(broken.stdout);
      expect(fix).toBe('yarn canon setup');
      expect(broken.stdout + broken.stderr).not.toMatch(/npx canon|npm install/);
      // The fix, run as printed, repairs it: doctor passes and commits are checked again.
      expect(t.run('sh', ['-c', fix]).code).toBe(0);
      const repaired = t.canon(['doctor']);
      expect([repaired.code, repaired.stdout]).toEqual([0, '']);
      expect(t.git(['commit', '-qm', 'note AS-261201-02']).code).toBe(0);
      expectRefused(t, t.dir, 'docs/sessions/AS-261201-09.md');

      // A fresh clone after the team's own `yarn install` (postinstall: canon setup).
      const clone = path.join(t.base, 'clone');
      expect(t.git(['clone', '-q', t.dir, clone], t.base).code).toBe(0);
      // Alice again, on another machine (doctor checks that the committer is in operators.yaml).
      t.git(['config', 'user.name', 'Alice Smith'], clone);
      t.git(['config', 'user.email', 'alice@team.example'], clone);
      const install = t.run('yarn', ['install'], { cwd: clone, env: REGISTRY_ENV });
      expect(install.code).toBe(0);
      expect(existsSync(path.join(clone, '.git/canon/run'))).toBe(true);
      expectRefused(t, clone, 'docs/sessions/AS-261201-07.md');
      const cloneDoctor = t.canon(['doctor'], clone);
      expect([cloneDoctor.code, cloneDoctor.stdout]).toEqual([0, '']);
      if (linker === 'pnp') {
        // An upgrade whose postinstall does not run (skip-build): canon is now in another zip, and the
        // runner, which asks Plug'n'Play on every run, still reaches it.
        const before = installedCli(t, linker, clone);
        const upgrade = t.run('yarn', ['add', '-D', '--mode=skip-build', `canon-notes@file:${bumpTarball(life.tarball, '99.0.0')}`], {
          cwd: clone,
          env: { YARN_ENABLE_IMMUTABLE_INSTALLS: 'false', ...REGISTRY_ENV },
        });
        expect(upgrade.code).toBe(0);
        expect(installedCli(t, linker, clone)).not.toBe(before);
        expect(t.run(path.join(clone, '.git/canon/run'), ['--version'], { cwd: clone }).stdout.trim()).toBe('99.0.0');
        expectRefused(t, clone, 'docs/sessions/AS-261201-07.md');
      }

      // A new worktree, with no install of its own: the runner reaches the main worktree's canon.
      const worktree = path.join(t.base, 'feature');
      expect(t.git(['worktree', 'add', '-q', worktree, '-b', 'feature']).code).toBe(0);
      expect(existsSync(path.join(worktree, linker === 'pnp' ? '.pnp.cjs' : 'node_modules'))).toBe(false);
      expectRefused(t, worktree, 'docs/sessions/AS-261201-08.md');
      expect(commitNote(t, worktree, 'AS-261201-03').code).toBe(0);
      t.git(['worktree', 'remove', '--force', worktree]);

      // uninstall: every file of the team's commit is back byte for byte; notes stay; git config as before.
      const uninstall = t.canon(['uninstall', '--yes']);
      expect(uninstall.code).toBe(0);
      expect(uninstall.stdout + uninstall.stderr).toMatch(/yarn remove canon-notes/);
      for (const rel of teamFiles) expect([rel, t.read(rel)]).toEqual([rel, t.git(['show', `${t.teamCommit}:${rel}`]).stdout]);
      const left = t.git(['status', '--porcelain', '--untracked-files=all']).stdout.split('\n').filter(Boolean);
      expect(left.filter((l) => !l.startsWith(' D ') && !l.startsWith(' M '))).toEqual([]);
      expect(existsSync(path.join(t.dir, 'docs/sessions/AS-261201-01.md'))).toBe(true);
      expect(existsSync(path.join(t.dir, '.git/canon'))).toBe(false);
      expect(t.git(['config', 'core.hooksPath']).stdout).toBe(hooksPathBefore);
      expect(t.git(['config', '--get-regexp', '^merge\\.canon']).stdout).toBe('');
    }, 600_000);
  });
}
