import { describe, expect, test } from '@jest/globals';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseNote } from '../../tools/core/frontmatter.js';
import { sessionNote } from './notes.js';
import { createTeamRepo, REGISTRY_ENV, TEAM_FILES, teamRepoLifecycle, type Flavour, type TeamRepo } from './team-repo.js';

/**
 * The adoption road of adoption.test.ts (CommonJS) and adoption-esm.test.ts (ESM): one long test per
 * flavour, in a file of its own so jest runs the two at once. canon in a team's own repository,
 * installed from `npm pack` next to the team's real husky, lint-staged and prettier: init, commits,
 * prettier, merges, a fresh clone and a worktree, a second init, doctor breaking and fixing,
 * uninstall giving every file back.
 */
const TOKEN = `ghp_${'a1B2c3D4e5'.repeat(3)}abcdef`;
const note = (id: string, extra: Record<string, string> = {}, body?: string) => sessionNote(id, { operator: 'alice', date: '2026-12-01', ...extra }, body);

function expectClean(t: TeamRepo, cwd?: string) {
  expect(t.git(['status', '--porcelain'], cwd).stdout).toBe('');
}

export function adoptionRoad(flavour: Flavour): void {
  describe(`a ${flavour} team repository`, () => {
    const life = teamRepoLifecycle<TeamRepo>();

    const esmOnly = flavour === 'esm' ? 'branches merge, a fresh clone and a new worktree check commits, doctor fixes, ' : '';
    test(`init wires canon, merging with the team's files; commits are checked and prettier runs first; a second init changes nothing; then ${esmOnly}uninstall gives the team its files back`, () => {
      // The team's own commit is setup: it skips the team's lint-staged (the commits below go through it).
      const t = (life.team = createTeamRepo(flavour, life.tarball, { teamHooks: false }));
      const dry = t.canon(['init', '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/change \.husky\/pre-commit/);
      // A repository with no .obsidian/ is offered the vault ('canon init --obsidian' below starts from this same state).
      expect(dry.stdout).toMatch(/npx canon-notes init --obsidian/);
      expectClean(t);

      const init = t.canon(['init', '--yes']);
      // A failing init shows what it said.
      expect(init.code === 0 ? 0 : `exit ${init.code}\n${init.stderr}${init.stdout}`).toBe(0);
      const hook = t.read('.husky/pre-commit');
      expect(hook.startsWith(TEAM_FILES.husky)).toBe(true);
      expect(hook).toContain('# >>> canon >>>');
      const settings = JSON.parse(t.read('.claude/settings.json')) as {
        hooks: Record<string, Array<{ hooks: Array<{ command: string }> }>>;
        enabledPlugins: Record<string, boolean>;
      };
      const commands = Object.values(settings.hooks)
        .flat()
        .flatMap((g) => g.hooks.map((h) => h.command));
      expect(commands).toContain('echo team-hook');
      // Claude Code gets canon as a plugin, from the package npm installed (ADR-0028).
      expect(settings.enabledPlugins['canon@canon-notes']).toBe(true);
      expect(commands.some((c) => c.includes('.claude/hooks/'))).toBe(false);
      for (const rel of [
        '.claude-plugin/marketplace.json',
        'plugin/.claude-plugin/plugin.json',
        'plugin/hooks/hooks.json',
        'plugin/hooks/post-tool-use.mjs',
        'plugin/hooks/hook-shared.mjs',
        'plugin/skills/handoff/SKILL.md',
      ]) {
        expect(existsSync(path.join(t.dir, 'node_modules/canon-notes', rel))).toBe(true);
      }
      expect(t.read('.gitattributes').startsWith(TEAM_FILES.gitattributes)).toBe(true);
      expect(t.read('.gitattributes')).toMatch(/INDEX\.md merge=canon-index/);
      expect(t.read('.claude/operators.yaml')).toMatch(/slug: alice\n\s+initials: AS/);
      expect(JSON.parse(t.read('package.json')).scripts.prepare).toBe('husky && canon setup');
      expect(t.git(['config', 'merge.canon-index.driver']).stdout).toContain('/canon/run');

      expect(init.stdout).toMatch(/backfill would bring 1 up to canon's frontmatter \(1 renamed/);
      t.git(['add', '-A']);
      expect(t.git(['commit', '-qm', 'Adopt canon']).code).toBe(0);
      expectClean(t);
      expect(t.canon(['doctor']).code).toBe(0);

      // The team's ADR in the adr-tools format: backfill takes its status and date from the body.
      expect(t.canon(['backfill', '--apply']).code).toBe(0);
      const adr = parseNote(t.read('docs/adr/0001-use-postgres.md'));
      expect(adr.data).toMatchObject({ kind: 'adr', external_id: 'ADR-0001', status: 'accepted', date: '2024-03-01' });
      expect(t.canon(['validate', '--all', '--strict']).code).toBe(0);
      expectClean(t);

      // Invalid and secret-bearing notes are refused, whatever lint-staged's config holds. One refused
      // commit through the team's hooks holds both notes: canon reports every file's issues, so each note's
      // own error line is asserted (the invalid one's /operator, the valid one's secret), and the token is
      // never echoed.
      const head = t.git(['rev-parse', 'HEAD']).stdout;
      t.write('docs/sessions/AS-261201-01.md', note('AS-261201-01', { operator: 'nobody' }));
      t.write('docs/sessions/AS-261201-09.md', note('AS-261201-09', {}, `## Summary\n\n${TOKEN}\n`));
      t.git(['add', '-A']);
      const refused = t.git(['commit', '-qm', 'bad and secret']);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/AS-261201-01\.md:\d+:\d+: error \/operator/);
      expect(refused.stderr).toMatch(/AS-261201-09\.md:\d+:\d+: error .*holds a secret/);
      expect(refused.stderr + refused.stdout).not.toContain(TOKEN);
      expect(t.git(['rev-parse', 'HEAD']).stdout).toBe(head);
      t.git(['rm', '-q', '--cached', 'docs/sessions/AS-261201-09.md']);
      rmSync(path.join(t.dir, 'docs/sessions/AS-261201-09.md'));

      // A valid note in prettier's bad books: prettier formats it, canon hashes what prettier wrote.
      t.write('docs/sessions/AS-261201-01.md', note('AS-261201-01', {}, '## Summary\n\n*   messy   bullet\n*   another\n'));
      t.git(['add', '-A']);
      expect(t.git(['commit', '-qm', 'session']).code).toBe(0);
      const committed = t.git(['show', 'HEAD:docs/sessions/AS-261201-01.md']).stdout;
      expect(committed).toContain('- messy bullet');
      expect(parseNote(committed).data.content_hash).toMatch(/^sha256:/);
      expectClean(t);
      expect(t.canon(['validate', 'docs/sessions/AS-261201-01.md', '--strict']).code).toBe(0);
      expect(t.canon(['index', '--check']).code).toBe(0);
      // (The team's prettier, run by its bin: the check's subject is canon's files, not npx.)
      const prettier = path.join(t.dir, 'node_modules/.bin/prettier');
      expect(t.run(prettier, ['--check', 'docs/sessions', 'workstreams', '.claude']).code).toBe(0);

      // Running prettier over everything afterwards leaves canon's files alone.
      expect(t.run(prettier, ['--write', '.']).code).toBe(0);
      expect(t.canon(['index', '--check']).code).toBe(0);
      expect(t.canon(['validate', 'docs/sessions/AS-261201-01.md', '--strict']).code).toBe(0);
      t.git(['checkout', '--', '.']);

      const again = t.canon(['init', '--yes']);
      expect(again.code).toBe(0);
      expectClean(t);

      // The same adopted repository, in the ESM team's repository only. What follows is the same road in both flavours:
      // the INDEX merge driver (.gitattributes, git config), npm install's prepare in a fresh clone (husky, then canon
      // setup), doctor's merge-driver and plugin checks (doctor reads neither package.json's type nor where lint-staged
      // keeps its config); where the flavours differ, lint-staged's config, the first part proves in both. A CommonJS
      // package's fresh clone and worktree: manager-adoption-husky.test.ts's 'husky with npm'.
      if (flavour === 'esm') {
        // Two branches that both add notes merge without an INDEX conflict.
        // The two branch commits set the scene for the merge: stamped notes and their INDEX rows, as the
        // commit door writes them (canon normalize, canon index), committed past the hooks (the door itself
        // is proven above: refusals, prettier first, the stamp).
        const sceneCommit = (rel: string, text: string, message: string) => {
          t.write(rel, text);
          expect(t.canon(['normalize', rel]).code).toBe(0);
          expect(t.canon(['index']).code).toBe(0);
          t.git(['add', '-A']);
          expect(t.git(['-c', 'core.hooksPath=/dev/null', 'commit', '-qm', message]).code).toBe(0);
          expect(parseNote(t.git(['show', `HEAD:${rel}`]).stdout).data.content_hash).toMatch(/^sha256:/);
        };
        t.git(['checkout', '-qb', 'a']);
        sceneCommit('docs/sessions/AS-261201-02.md', note('AS-261201-02'), 'a');
        t.git(['checkout', '-q', 'main']);
        sceneCommit('docs/sessions/AS-261202-01.md', note('AS-261202-01', { date: '2026-12-02' }), 'b');
        expect(t.read('docs/sessions/index/2026-12.md')).toContain('AS-261202-01');
        const merge = t.git(['merge', '--no-edit', 'a']);
        expect(merge.code).toBe(0);
        expect(t.canon(['index', '--check']).code).toBe(0);
        expect(t.read('docs/sessions/index/2026-12.md')).toContain('AS-261201-02');
        expect(t.read('docs/sessions/index/2026-12.md')).toContain('AS-261202-01');

        // A fresh clone, after npm install, runs the hooks; so does a worktree of it.
        const base = mkdtempSync(path.join(os.tmpdir(), 'canon-team-clone-'));
        life.extra.push(base);
        const clone = path.join(base, 'clone');
        expect(t.git(['clone', '-q', t.dir, clone], base).code).toBe(0);
        t.git(['config', 'user.email', 'alice@team.example'], clone);
        t.git(['config', 'user.name', 'Alice Smith'], clone);
        const install = t.run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: clone, env: REGISTRY_ENV });
        expect(install.code).toBe(0);
        t.write('docs/sessions/AS-261203-01.md', note('AS-261203-01', { operator: 'nobody', date: '2026-12-03' }), clone);
        t.git(['add', '-A'], clone);
        const cloneRefused = t.git(['commit', '-qm', 'bad'], clone);
        expect(cloneRefused.code).not.toBe(0);
        expect(cloneRefused.stderr).toMatch(/AS-261203-01\.md:\d+:\d+: error \/operator/);
        t.git(['reset', '-q', '--hard'], clone);
        t.git(['clean', '-qfd'], clone);
        const wt = path.join(base, 'wt');
        expect(t.git(['worktree', 'add', '-q', '-b', 'wt', wt], clone).code).toBe(0);
        expect(existsSync(path.join(wt, 'node_modules'))).toBe(false);
        // The team's own `npx lint-staged` line needs this worktree's node_modules, and husky's hooks folder
        // (.husky/_, ignored by git) must be laid here (canon's block needs neither: it runs canon from the
        // main worktree's install, see integrity.test.ts). Setup, not the subject: what `npm install` would
        // lay, the clone's node_modules copied and husky's bin run as prepare runs it (no canon setup here).
        cpSync(path.join(clone, 'node_modules'), path.join(wt, 'node_modules'), { recursive: true, verbatimSymlinks: true });
        expect(t.run(path.join(wt, 'node_modules/.bin/husky'), [], { cwd: wt }).code).toBe(0);
        t.write('docs/sessions/AS-261203-02.md', note('AS-261203-02', { operator: 'nobody', date: '2026-12-03' }), wt);
        t.git(['add', '-A'], wt);
        const refused = t.git(['commit', '-qm', 'bad'], wt);
        expect(refused.code).not.toBe(0);
        expect(refused.stderr).toMatch(/AS-261203-02\.md:\d+:\d+: error \/operator/);
        t.write('docs/sessions/AS-261203-02.md', note('AS-261203-02', { date: '2026-12-03' }), wt);
        t.git(['add', '-A'], wt);
        expect(t.git(['commit', '-qm', 'good'], wt).code).toBe(0);
        expect(t.git(['show', 'HEAD:docs/sessions/index/2026-12.md'], wt).stdout).toContain('AS-261203-02');

        // doctor names what is broken, --fix repairs it.
        t.git(['config', '--unset', 'merge.canon-index.driver']);
        const broken = t.canon(['doctor']);
        expect(broken.code).toBe(1);
        expect(broken.stdout).toMatch(/merge driver/);
        expect(t.canon(['doctor', '--fix']).code).toBe(0);
        const enabled = t.read('.claude/settings.json');
        const withoutPlugin = JSON.parse(enabled) as Record<string, unknown>;
        delete withoutPlugin.enabledPlugins;
        t.write('.claude/settings.json', `${JSON.stringify(withoutPlugin, null, /^([ \t]+)"/m.exec(enabled)![1])}\n`);
        const noPlugin = t.canon(['doctor']);
        expect(noPlugin.code).toBe(1);
        expect(noPlugin.stdout).toMatch(/does not enable canon's plugin[\s\S]*fix: npx canon-notes init/);
        expect(t.canon(['init', '--yes']).code).toBe(0);
        expect(t.canon(['doctor']).code).toBe(0);
      }
      expectClean(t);

      // uninstall: the team's files come back byte for byte; notes stay.
      const uninstall = t.canon(['uninstall', '--yes']);
      expect(uninstall.code).toBe(0);
      expect(t.read('.husky/pre-commit')).toBe(TEAM_FILES.husky);
      expect(t.read('.claude/settings.json')).toBe(TEAM_FILES.settings);
      expect(t.read('.gitattributes')).toBe(TEAM_FILES.gitattributes);
      expect(t.read('.gitignore')).toBe(TEAM_FILES.gitignore);
      expect(JSON.parse(t.read('package.json')).scripts).toEqual({ prepare: 'husky', test: 'echo ok' });
      expect(existsSync(path.join(t.dir, '.husky/post-commit'))).toBe(false);
      expect(existsSync(path.join(t.dir, '.claude/hooks/post-tool-use.mjs'))).toBe(false);
      expect(existsSync(path.join(t.dir, 'docs/sessions/AS-261201-01.md'))).toBe(true);
      if (flavour === 'esm') expect(existsSync(path.join(t.dir, 'docs/sessions/AS-261201-02.md'))).toBe(true);
      expect(t.git(['config', '--get-regexp', '^merge\\.canon']).stdout).toBe('');
      expect(t.git(['config', 'core.hooksPath']).stdout.trim()).toBe('.husky/_');
    }, 420_000);
  });
}
