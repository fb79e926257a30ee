import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sessionNote } from './notes.js';
import { createShapedRepo, KEEP_A_CHANGELOG, pnpmBin, REGISTRY_ENV, teamRepoLifecycle, type TeamRepo, type TeamShape } from './team-repo.js';

/**
 * What adopting canon promises (docs/guides/adopting.md), once per hook manager canon wires, each a team repository built from
 * real packages with canon installed from `npm pack` (installs cached under the test cache): an
 * invalid note is refused in the main worktree, in a fresh clone after the team's own setup command
 * and in a `git worktree add` checkout; the team's failing check still refuses the commit; the
 * team's Keep-a-Changelog CHANGELOG.md merges with git's markers and both entries; `canon doctor`
 * passes when wired and, after the damage a real user causes, prints a fix that — run as printed —
 * repairs it; the manager laying its hooks again from the config keeps canon; uninstall gives back
 * every team file byte for byte and core.hooksPath exactly, and no hook git runs mentions canon.
 * (The former hook-managers.test.ts is in here too: lefthook's `jobs` form, the hooks each manager
 * lays, its regeneration, simple-git-hooks' config.)
 *
 * One test per setup (SETUPS), each built from scratch; the e2e files manager-adoption-*.test.ts
 * share them out (describeAdoption), every setup in exactly one file, so that jest, which runs the
 * tests of one file one after another, runs the setups in parallel.
 */
const CHANGELOG = KEEP_A_CHANGELOG;
const GITIGNORE = 'node_modules\n';
/** The team's check: it fails while a `team-fail` file stands at the top of the worktree. */
const TEAM_CHECK = 'test ! -e team-fail';
const note = (id: string, extra: Record<string, string> = {}) => sessionNote(id, { operator: 'alice', date: '2026-12-01', ...extra });
/** A developer's machine: lefthook's postinstall installs nothing when CI is set. */
const DEVELOPER = { CI: undefined };

export interface Damage {
  name: string;
  damage(t: TeamRepo): void;
  problem: RegExp;
  /**
   * false: no invalid commit refused after the fix — the damage never touched what git runs for
   * pre-commit (a deleted pre-push), or doctor's passing check already ran it as git does (it
   * starts the runner's probe). Otherwise a commit through the repaired hooks must be refused.
   */
  refusal?: false;
}

export interface Setup {
  name: string;
  shape: TeamShape;
  files: Record<string, string>;
  executable?: string[];
  /** The team's own wiring in the repository it creates (husky, lefthook install, core.hooksPath …). */
  wire(t: TeamRepo): void;
  /** The team's setup command(s) in a fresh clone. */
  cloneSetup: Array<[string, string[]]>;
  /** Damage a real user causes to this manager's wiring, and what doctor says about it. */
  damages: Damage[];
  /** What init left in the team's config and the hooks the manager laid, checked right after init. */
  afterInit?(t: TeamRepo): void;
  /** The manager laying its hooks again from the committed config (its install, its postinstall). */
  regenerate?(t: TeamRepo): void;
  /**
   * Only the main worktree, the team's check, regeneration, this manager's own damages and uninstall:
   * for a second config form of a manager whose clone, worktree and changelog another setup covers.
   */
  short?: boolean;
  /**
   * The setup that already proves the deleted runner under this one's road: the same package
   * manager and no husky folder, so `canon setup` lays the same runner and doctor prints the same fix.
   */
  runnerProvedBy?: string;
  /**
   * The setup that already proves the non-executable hook under this one's road: the same hook file
   * (husky's .husky/_/pre-commit, or a manager's .git/hooks/pre-commit), so doctor's check and its
   * printed fix (`chmod +x` of that path) are the same; the package manager has no part in either.
   */
  chmodProvedBy?: string;
  /**
   * The setup that already proves the changelog's merge under this one's road: the same kind of hook
   * on the merge commit (a shell script running the team's check, then canon's block and its runner),
   * the same .gitattributes from init; neither the package manager nor who laid the script has a part in a merge.
   */
  changelogProvedBy?: string;
}

const bin = (t: TeamRepo, name: string) => path.join(t.dir, 'node_modules/.bin', name);
const must = (r: { code: number; stdout: string; stderr: string }) => {
  if (r.code !== 0) throw new Error(`failed (${r.code}): ${r.stdout}${r.stderr}`);
  return r;
};

/** The committed config again without canon's entries, then the manager's own regeneration from it. */
function regenerateWithout(file: string, original: string, command: (t: TeamRepo) => [string, string[]]) {
  return (t: TeamRepo) => {
    t.write(file, original);
    const [cmd, args] = command(t);
    must(t.run(cmd, args));
  };
}

const huskyShape = (pm: 'npm' | 'pnpm'): Setup => ({
  name: `husky with ${pm}`,
  shape: {
    name: `husky-${pm}`,
    pm,
    packageJson: { name: 'team-app', version: '1.0.0', private: true, scripts: { prepare: 'husky' } },
    devDependencies: ['husky@9'],
  },
  files: { '.husky/pre-commit': `${TEAM_CHECK}\n`, 'CHANGELOG.md': CHANGELOG, '.gitignore': GITIGNORE, 'src/index.js': 'x\n' },
  wire: (t) => must(t.run(bin(t, 'husky'), [])),
  cloneSetup: [pm === 'pnpm' ? ['pnpm', ['install', '--prefer-offline']] : ['npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']]],
  // Under pnpm the hooks are husky's own as under npm, and doctor's fix (`canon setup` in pnpm's words)
  // is the one its deleted runner prints and runs: the damage is proven once, with npm.
  damages:
    pm === 'npm'
      ? [
          {
            name: 'core.hooksPath pointing elsewhere',
            damage: (t) => must(t.git(['config', 'core.hooksPath', '.git/hooks'])),
            problem: /pre-commit does not exist/,
          },
        ]
      : [],
  ...(pm === 'pnpm' ? { chmodProvedBy: 'husky with npm', changelogProvedBy: 'husky with npm' } : {}),
});

const LEFTHOOK = `pre-commit:\n  commands:\n    # the team's own check\n    team-check:\n      run: ${TEAM_CHECK}\n`;
const LEFTHOOK_JOBS = `pre-commit:\n  jobs:\n    - name: team-check\n      run: ${TEAM_CHECK}\n`;
/** The hooks canon needs (pre-commit, post-commit, pre-push) as the manager laid them. */
const laidHooks = (t: TeamRepo, mark: RegExp) => {
  for (const hook of ['pre-commit', 'post-commit', 'pre-push'])
    expect({ hook, text: readFileSync(hookFile(t, hook), 'utf8') }).toEqual({ hook, text: expect.stringMatching(mark) });
};
const lefthookSetup = (form: 'commands' | 'jobs', config: string): Setup => ({
  name: form === 'commands' ? 'lefthook' : 'lefthook, jobs form',
  shape: { name: 'lefthook', pm: 'npm', packageJson: { name: 'team-app', version: '1.0.0', private: true }, devDependencies: ['lefthook@2'] },
  files: { 'lefthook.yml': config, 'CHANGELOG.md': CHANGELOG, '.gitignore': GITIGNORE, 'src/index.js': 'x\n' },
  wire: (t) => must(t.run(bin(t, 'lefthook'), ['install'])),
  cloneSetup: [['npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']]],
  afterInit: (t) => {
    for (const line of config.split('\n').filter((l) => l.trim() !== '')) expect(t.read('lefthook.yml')).toContain(line.trim());
    expect(existsSync(path.join(t.dir, '.husky'))).toBe(false);
    laidHooks(t, /lefthook/);
  },
  // lefthook lays the same scripts (`lefthook run <hook>`) from either form and leaves lefthook.yml as it
  // is, so laying them again proves the same under both: once, with the commands form (the jobs form's
  // canon entries are proven by its main worktree's refusal, and its own regeneration damage below).
  ...(form === 'commands' ? { regenerate: (t: TeamRepo) => must(t.run(bin(t, 'lefthook'), ['install', '--force'])) } : {}),
  short: form === 'jobs',
  damages: [
    {
      name: '`lefthook install` from a config without canon',
      damage: regenerateWithout('lefthook.yml', config, (t) => [bin(t, 'lefthook'), ['install']]),
      problem: /lefthook\.yml has no canon block, so canon's pre-commit checks do not run/,
    },
    ...(form === 'jobs'
      ? []
      : [
          {
            name: 'core.hooksPath pointing elsewhere',
            damage: (t: TeamRepo) => must(t.git(['config', 'core.hooksPath', '.husky/_'])),
            problem: /core\.hooksPath is \.husky\/_, but this repository's hooks \(lefthook\) are in \.git\/hooks/,
          },
          {
            name: 'a deleted hook',
            damage: (t: TeamRepo) => rmSync(path.join(t.dir, '.git/hooks/pre-push')),
            problem: /pre-push does not exist/,
            refusal: false as const,
          },
        ]),
  ],
});
const SGH_PACKAGE = {
  name: 'team-app',
  version: '1.0.0',
  private: true,
  scripts: { postinstall: 'simple-git-hooks' },
  'simple-git-hooks': { 'pre-commit': TEAM_CHECK },
};
const PRE_COMMIT = `# team hooks\nrepos:\n  - repo: local\n    hooks:\n      - id: team-check\n        name: team check\n        entry: sh -c '${TEAM_CHECK}'\n        language: system\n        pass_filenames: false\n        always_run: true\n`;
const preCommitAvailable = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;

export const HUSKY_NPM = huskyShape('npm');
export const HUSKY_PNPM = huskyShape('pnpm');
export const LEFTHOOK_COMMANDS = lefthookSetup('commands', LEFTHOOK);
export const LEFTHOOK_JOBS_FORM = lefthookSetup('jobs', LEFTHOOK_JOBS);
export const SIMPLE_GIT_HOOKS: Setup = {
  name: 'simple-git-hooks',
  shape: { name: 'simple-git-hooks', pm: 'npm', packageJson: SGH_PACKAGE, devDependencies: ['simple-git-hooks@2'] },
  files: { 'CHANGELOG.md': CHANGELOG, '.gitignore': GITIGNORE, 'src/index.js': 'x\n' },
  wire: (t) => must(t.run(bin(t, 'simple-git-hooks'), [])),
  runnerProvedBy: 'lefthook',
  chmodProvedBy: 'lefthook',
  changelogProvedBy: 'husky with npm',
  cloneSetup: [['npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']]],
  afterInit: (t) => {
    const config = (JSON.parse(t.read('package.json')) as { 'simple-git-hooks': Record<string, string> })['simple-git-hooks'];
    expect(config['pre-commit']!.startsWith(`${TEAM_CHECK}\n# >>> canon >>>`)).toBe(true);
    laidHooks(t, /# >>> canon >>>/);
  },
  regenerate: (t) => {
    must(t.run(bin(t, 'simple-git-hooks'), []));
    laidHooks(t, /# >>> canon >>>/);
  },
  damages: [
    {
      name: 'simple-git-hooks regenerating from a config without canon',
      damage: (t) => {
        const pkg = JSON.parse(t.read('package.json')) as Record<string, unknown>;
        pkg['simple-git-hooks'] = { 'pre-commit': TEAM_CHECK };
        t.write('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
        must(t.run(bin(t, 'simple-git-hooks'), []));
      },
      problem: /pre-commit has no canon block/,
    },
    { name: 'a deleted hook', damage: (t) => rmSync(path.join(t.dir, '.git/hooks/pre-push')), problem: /pre-push does not exist/, refusal: false },
    {
      name: 'core.hooksPath pointing elsewhere',
      damage: (t) => must(t.git(['config', 'core.hooksPath', '.husky/_'])),
      problem: /core\.hooksPath is \.husky\/_, but this repository's hooks \(simple-git-hooks\) are in \.git\/hooks/,
      // The fix (`git config --unset core.hooksPath`) gives git back .git/hooks, whose bytes the damage
      // did not touch and a refused commit went through (after the regeneration); doctor has checked
      // them: the commit refused after this very fix is lefthook's.
      refusal: false,
    },
  ],
};
export const HOOKS_PATH: Setup = {
  name: 'hand-written core.hooksPath scripts',
  shape: {
    name: 'hooks-path',
    pm: 'npm',
    packageJson: { name: 'team-app', version: '1.0.0', private: true, scripts: { prepare: 'git config core.hooksPath .githooks' } },
    devDependencies: [],
  },
  files: {
    '.githooks/pre-commit': `#!/bin/sh\necho "team check ran" >&2\n[ ! -e team-fail ]\n`,
    'CHANGELOG.md': CHANGELOG,
    '.gitignore': GITIGNORE,
    'src/index.js': 'x\n',
  },
  executable: ['.githooks/pre-commit'],
  wire: (t) => must(t.git(['config', 'core.hooksPath', '.githooks'])),
  runnerProvedBy: 'lefthook',
  changelogProvedBy: 'husky with npm',
  cloneSetup: [['npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']]],
  damages: [{ name: 'core.hooksPath unset', damage: (t) => must(t.git(['config', '--unset', 'core.hooksPath'])), problem: /core\.hooksPath/ }],
};
export const PRE_COMMIT_FRAMEWORK: Setup = {
  name: 'the pre-commit framework, with a package.json',
  shape: { name: 'pre-commit', pm: 'npm', packageJson: { name: 'team-app', version: '1.0.0', private: true }, devDependencies: [] },
  files: { '.pre-commit-config.yaml': PRE_COMMIT, 'CHANGELOG.md': CHANGELOG, '.gitignore': GITIGNORE, 'src/index.js': 'x\n' },
  wire: (t) => must(t.run('pre-commit', ['install'])),
  runnerProvedBy: 'lefthook',
  chmodProvedBy: 'lefthook',
  afterInit: (t) => {
    expect(t.read('.pre-commit-config.yaml').startsWith('# team hooks\n')).toBe(true);
    laidHooks(t, /File generated by pre-commit/);
  },
  regenerate: (t) => must(t.run('pre-commit', ['install', '--overwrite'])),
  cloneSetup: [
    ['npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']],
    ['pre-commit', ['install']],
  ],
  damages: [
    {
      name: 'the config without canon, hooks laid again',
      damage: regenerateWithout('.pre-commit-config.yaml', PRE_COMMIT, () => ['pre-commit', ['install']]),
      problem: /\.pre-commit-config\.yaml has no canon block/,
    },
    // core.hooksPath pointing elsewhere: the same check and fix (`git config --unset core.hooksPath`,
    // hooks in .git/hooks) as lefthook's and simple-git-hooks', whose tests name the manager too.
  ],
};

/** Every setup; each of them is the subject of exactly one e2e file (describeAdoption). */
export const SETUPS: Setup[] = [HUSKY_NPM, HUSKY_PNPM, LEFTHOOK_COMMANDS, LEFTHOOK_JOBS_FORM, SIMPLE_GIT_HOOKS, HOOKS_PATH, PRE_COMMIT_FRAMEWORK];

/**
 * Damage to what canon itself lays, the same under every manager. After the runner's fix, doctor's
 * passing check has started the runner as git does; after the chmod, doctor has checked the very
 * file git runs, whose bytes a refused commit went through before the damage: the commit refused
 * through the repaired hook is kept once, in the suite's first setup ('husky with npm'). Each is
 * proven once per road (runnerProvedBy, chmodProvedBy name the setup that proves it for another).
 */
function genericDamages(setup: Setup): Damage[] {
  const first = setup === HUSKY_NPM;
  return [
    ...(setup.runnerProvedBy
      ? []
      : [
          {
            name: 'a deleted runner',
            damage: (r: TeamRepo) => rmSync(path.join(r.dir, '.git/canon/run')),
            problem: /no canon hook runner/,
            refusal: false as const,
          },
        ]),
    ...(setup.chmodProvedBy
      ? []
      : [
          {
            name: 'a hook script left non-executable',
            damage: (r: TeamRepo) => chmodSync(hookFile(r, 'pre-commit'), 0o644),
            problem: /is not executable, so git skips it/,
            ...(first ? {} : { refusal: false as const }),
          },
        ]),
  ];
}

/** An invalid note is refused, with canon's message; the worktree is left as it was. */
function expectRefused(t: TeamRepo, id: string, cwd = t.dir) {
  const head = t.git(['rev-parse', 'HEAD'], cwd).stdout;
  t.write(`docs/sessions/${id}.md`, note(id, { operator: 'nobody' }), cwd);
  t.git(['add', '-A'], cwd);
  const refused = t.git(['commit', '-qm', `invalid ${id}`], cwd);
  expect(`${refused.stdout}${refused.stderr}`).toMatch(new RegExp(`${id}\\.md:\\d+:\\d+: error /operator`));
  expect(refused.code).not.toBe(0);
  expect(t.git(['rev-parse', 'HEAD'], cwd).stdout).toBe(head);
  t.git(['reset', '-q', '--hard'], cwd);
  t.git(['clean', '-qfd'], cwd);
}

/** doctor's problems and fixes (the command before its parenthesised alternative). */
function doctor(t: TeamRepo, cwd = t.dir) {
  const r = t.canon(['doctor'], cwd);
  const fixes = [...r.stdout.matchAll(/^\s+fix: (.*)$/gm)].map((m) => m[1]!.split(/\s{3,}\(/)[0]!.trim());
  return { ...r, fixes: [...new Set(fixes)] };
}

/** Run a printed fix as a user would; `canon-notes init` asks first, and the user says yes. */
function runFix(t: TeamRepo, fix: string) {
  const command = /\bcanon-notes init$/.test(fix) ? `${fix} --yes` : fix;
  return t.run('sh', ['-c', command]);
}

/** The hook file git runs for `hook` in this worktree. */
function hookFile(t: TeamRepo, hook: string): string {
  return path.resolve(t.dir, t.git(['rev-parse', '--git-path', `hooks/${hook}`]).stdout.trim());
}

/**
 * The adoption test of each of `setups`, one after another (jest runs the files in parallel): canon
 * packed once per run (packCanon's cache), each team repository removed after its test.
 */
export function describeAdoption(setups: Setup[]): void {
  const life = teamRepoLifecycle<TeamRepo>();

  describe.each(setups)('$name', (setup) => {
    const skip = setup.name.startsWith('the pre-commit framework') && !preCommitAvailable;
    (skip ? test.skip : test)(
      "main worktree, fresh clone after the team's setup, git worktree; team check; changelog; doctor and its fixes; uninstall byte for byte",
      () => {
        const t = (life.team = createShapedRepo(setup.shape, life.tarball, setup.files, setup.wire, setup.executable));
        const teamCommit = t.git(['rev-parse', 'HEAD']).stdout.trim();
        const teamFiles = t.git(['ls-tree', '-r', '--name-only', teamCommit]).stdout.trim().split('\n');
        const hooksPathBefore = t.git(['config', '--local', 'core.hooksPath']);

        // Wired: the adoption commit goes through the hooks, doctor passes.
        const init = t.canon(['init', '--yes']);
        expect(init.stderr).not.toMatch(/internal error|warning: run `/);
        // A failing init shows what it said.
        expect(init.code === 0 ? 0 : `exit ${init.code}\n${init.stderr}${init.stdout}`).toBe(0);
        setup.afterInit?.(t);
        t.git(['add', '-A']);
        must(t.git(['commit', '-qm', 'Adopt canon']));
        expect(t.git(['status', '--porcelain']).stdout).toBe('');
        const wired = doctor(t);
        expect(wired.stdout).toBe('');
        expect(wired.code).toBe(0);

        // 1. The main worktree refuses an invalid note and takes a valid one.
        expectRefused(t, 'AS-261201-01');
        t.write('docs/sessions/AS-261201-02.md', note('AS-261201-02'));
        t.git(['add', '-A']);
        must(t.git(['commit', '-qm', 'valid note']));
        expect(t.git(['show', 'HEAD:docs/sessions/index/2026-12.md']).stdout).toContain('AS-261201-02');

        // 4. The team's failing check still refuses the commit.
        const head = t.git(['rev-parse', 'HEAD']).stdout;
        t.write('team-fail', '');
        t.write('src/index.js', 'y\n');
        t.git(['add', 'src/index.js']);
        expect(t.git(['commit', '-qm', 'team check fails']).code).not.toBe(0);
        expect(t.git(['rev-parse', 'HEAD']).stdout).toBe(head);
        rmSync(path.join(t.dir, 'team-fail'));
        t.git(['reset', '-q', '--hard']);

        // The manager lays its hooks again from the config, as its install does: canon still checks.
        if (setup.regenerate) {
          setup.regenerate(t);
          expect(t.git(['status', '--porcelain']).stdout).toBe('');
          expectRefused(t, 'AS-261201-03');
        }

        if (!setup.short && !setup.changelogProvedBy) {
          // 5. The team's changelog keeps git's merge: a real conflict has markers and both entries.
          expect(t.git(['check-attr', 'merge', 'CHANGELOG.md']).stdout).toMatch(/merge: unspecified/);
          const addEntry = (side: string) => t.write('CHANGELOG.md', CHANGELOG.replace('### Added\n\n', `### Added\n\n- Feature ${side}.\n`));
          // The two entries are the merge's starting state (no note, nothing asserted of the hooks): committed
          // past the hooks; the merge commit below goes through them.
          const unhooked = ['-c', 'core.hooksPath=/dev/null', 'commit', '-qam'];
          must(t.git(['checkout', '-qb', 'entry-a']));
          addEntry('A');
          must(t.git([...unhooked, 'entry A']));
          must(t.git(['checkout', '-q', 'main']));
          addEntry('B');
          must(t.git([...unhooked, 'entry B']));
          const merge = t.git(['merge', '--no-edit', 'entry-a']);
          expect(merge.code).not.toBe(0);
          expect(merge.stdout).toMatch(/CONFLICT \(content\): Merge conflict in CHANGELOG\.md/);
          const merged = t.read('CHANGELOG.md');
          expect(merged).toMatch(/^<<<<<<< /m);
          expect(merged).toMatch(/^>>>>>>> /m);
          expect(merged).toContain('- Feature A.');
          expect(merged).toContain('- Feature B.');
          // The developer keeps both, as the markers invite.
          t.write('CHANGELOG.md', merged.replace(/^(<<<<<<<|=======|>>>>>>>).*\n/gm, ''));
          t.git(['add', 'CHANGELOG.md']);
          must(t.git(['commit', '-qm', 'merge entry-a', '--no-edit']));
          expect(t.read('CHANGELOG.md')).toMatch(/- Feature B\.\n- Feature A\.\n/);
        }

        if (!setup.short) {
          // 2. A fresh clone after the team's own setup command refuses an invalid note.
          const base = mkdtempSync(path.join(os.tmpdir(), 'canon-managers-'));
          life.extra.push(base);
          const clone = path.join(base, 'clone');
          must(t.git(['clone', '-q', t.dir, clone], base));
          must(t.git(['config', 'user.email', 'alice@team.example'], clone));
          must(t.git(['config', 'user.name', 'Alice Smith'], clone));
          for (const [cmd, args] of setup.cloneSetup)
            must(t.run(cmd === 'pnpm' ? pnpmBin() : cmd, args, { cwd: clone, env: { ...DEVELOPER, ...REGISTRY_ENV } }));
          expectRefused(t, 'AS-261202-01', clone);
          const cloneDoctor = doctor(t, clone);
          expect(cloneDoctor.stdout).toBe('');

          // 3. A `git worktree add` checkout (no install of its own) refuses an invalid note.
          const wt = path.join(base, 'wt');
          must(t.git(['worktree', 'add', '-q', '-b', 'wt', wt]));
          expect(existsSync(path.join(wt, 'node_modules'))).toBe(false);
          expectRefused(t, 'AS-261202-02', wt);
          t.write('docs/sessions/AS-261202-03.md', note('AS-261202-03', { date: '2026-12-02' }), wt);
          t.git(['add', '-A'], wt);
          must(t.git(['commit', '-qm', 'valid in worktree'], wt));
          expect(doctor(t, wt).stdout).toBe('');
          must(t.git(['worktree', 'remove', '--force', wt]));
        }

        // 6. doctor tells the truth after each damage, and its printed fix, run as printed, repairs it.
        const damages = [...setup.damages, ...(setup.short ? [] : genericDamages(setup))];
        for (const [i, d] of damages.entries()) {
          d.damage(t);
          const broken = doctor(t);
          expect({ damage: d.name, code: broken.code, stdout: broken.stdout }).toEqual({ damage: d.name, code: 1, stdout: expect.stringMatching(d.problem) });
          expect(broken.fixes.length).toBeGreaterThan(0);
          for (const fix of broken.fixes) expect({ damage: d.name, fix, ...runFix(t, fix) }).toMatchObject({ damage: d.name, fix, code: 0 });
          const fixed = doctor(t);
          expect({ damage: d.name, stdout: fixed.stdout, code: fixed.code }).toEqual({ damage: d.name, stdout: '', code: 0 });
          expect(t.git(['status', '--porcelain']).stdout).toBe('');
          if (d.refusal !== false) expectRefused(t, `AS-261203-0${i + 1}`);
        }

        // 7. uninstall: every team file byte for byte (and mode), core.hooksPath exactly, no untracked folder.
        const uninstall = t.canon(['uninstall', '--yes']);
        expect(uninstall.stderr).toBe('');
        expect(uninstall.code).toBe(0);
        const changedTeamFiles = t.git(['diff', '--name-only', teamCommit, '--', ...teamFiles.filter((f) => f !== 'CHANGELOG.md')]).stdout;
        expect(changedTeamFiles).toBe('');
        for (const rel of teamFiles.filter((f) => f !== 'CHANGELOG.md'))
          expect(readFileSync(path.join(t.dir, rel), 'utf8')).toBe(t.git(['show', `${teamCommit}:${rel}`]).stdout);
        const hooksPathAfter = t.git(['config', '--local', 'core.hooksPath']);
        expect({ code: hooksPathAfter.code, value: hooksPathAfter.stdout }).toEqual({ code: hooksPathBefore.code, value: hooksPathBefore.stdout });
        expect(t.git(['status', '--porcelain', '--untracked-files=all']).stdout).not.toMatch(/^\?\?/m);
        // (What canon writes: its marked block, its runner, its package; the repository's temp path may say canon too.)
        for (const hook of ['pre-commit', 'post-commit', 'pre-push']) {
          const file = hookFile(t, hook);
          expect({ hook, text: existsSync(file) ? readFileSync(file, 'utf8') : '' }).toEqual({
            hook,
            text: expect.not.stringMatching(/>>> canon|canon\/run|canon-notes/),
          });
        }
        // canon is gone from what git runs: the team's hooks run, nothing calls canon.
        t.write('src/index.js', 'after uninstall\n');
        t.git(['add', '-A']);
        const after = t.git(['commit', '-qm', 'after uninstall']);
        expect(after.stderr).not.toMatch(/canon/);
        expect(after.code).toBe(0);
      },
      600_000,
    );
  });
}
