import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isolatedEnv } from '../helpers/git-repo.js';
import { sessionNote } from '../helpers/notes.js';
import { bunRuntime, withRuntimeOnPath } from '../helpers/runtimes.js';
import { NPM_ENV, packCanon, REGISTRY_ENV } from '../helpers/team-repo.js';
import { CACHE, cachedDir } from '../helpers/test-cache.js';

/**
 * A team that uses bun as its package manager (bun.lock, `bun install`), with husky and its own
 * failing-capable check, canon installed from `npm pack` with `bun add -d`: init, the main worktree,
 * a fresh clone after `bun install` (hoisted and isolated node_modules), a `git worktree`, doctor
 * and the commands it prints, uninstall giving every file back. bun comes from the npm registry's
 * `bun` package; where it cannot be installed the suite skips with one line.
 */
const bun = bunRuntime();
if (!bun.ok) console.log(`bun: skipped, bun could not be installed from the npm registry: ${bun.reason}`);
const suite = bun.ok ? describe : describe.skip;
const BUN = bun.ok ? bun.bin : 'bun';
const BUN_ENV = { ...NPM_ENV, BUN_INSTALL_CACHE_DIR: path.join(CACHE, 'bun-install'), DO_NOT_TRACK: '1' };

const TEAM = {
  pkg: `${JSON.stringify({ name: 'team-app-bun', version: '1.0.0', private: true, scripts: { prepare: 'husky', test: 'echo ok' } }, null, 2)}\n`,
  // The team's own check: fails while a file named team-fail exists.
  husky: "# the team's check\ntest ! -e team-fail\n",
  gitignore: 'node_modules\n',
  index: 'export const x = 1;\n',
};

/** The team's package.json, bun.lock and node_modules, installed once per canon tarball. */
function template(tarball: string): string {
  return cachedDir(
    `team-bun-${path.basename(tarball, '.tgz')}`,
    (dir) => existsSync(path.join(dir, 'node_modules/.bin/canon')),
    (tmp) => {
      writeFileSync(path.join(tmp, 'package.json'), TEAM.pkg);
      const r = spawnSync(BUN, ['add', '-d', '--ignore-scripts', 'husky@9', tarball], {
        cwd: tmp,
        env: { ...process.env, ...BUN_ENV, ...REGISTRY_ENV },
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`bun add failed: ${r.stderr}`);
    },
  );
}

interface Team {
  dir: string;
  env: NodeJS.ProcessEnv;
  run(cmd: string, args: string[], cwd?: string): { code: number; out: string };
  git(args: string[], cwd?: string): { code: number; out: string };
  write(rel: string, text: string, cwd?: string): void;
  read(rel: string, cwd?: string): string;
}

let base = '';
let tarball = '';
beforeAll(() => {
  if (!bun.ok) return;
  tarball = packCanon();
  base = mkdtempSync(path.join(os.tmpdir(), 'canon-team-bun-'));
}, 180_000);
afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

function team(): Team {
  const home = path.join(base, 'home');
  mkdirSync(home, { recursive: true });
  const dir = path.join(base, 'repo');
  const env = withRuntimeOnPath(isolatedEnv(home, BUN_ENV), BUN);
  const run: Team['run'] = (cmd, args, cwd) => {
    // bun install reaches the registry; the team's other processes do not (REGISTRY_ENV).
    const installs = cmd === BUN && args[0] === 'install';
    const r = spawnSync(cmd, args, { cwd: cwd ?? dir, env: installs ? { ...env, ...REGISTRY_ENV } : env, encoding: 'utf8', input: '' });
    return { code: r.status ?? 1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  };
  const write: Team['write'] = (rel, text, cwd) => {
    const file = path.join(cwd ?? dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  cpSync(template(tarball), dir, { recursive: true, verbatimSymlinks: true });
  return { dir, env, run, git: (args, cwd) => run('git', args, cwd), write, read: (rel, cwd) => readFileSync(path.join(cwd ?? dir, rel), 'utf8') };
}

const note = (id: string, extra: Record<string, string> = {}) => sessionNote(id, { operator: 'alice', date: '2026-12-01', ...extra });

/** In `cwd`: the team's failing check refuses, an invalid note is refused naming file:line:key, a valid note commits with its INDEX row. */
function expectChecksHold(t: Team, cwd: string, id: string): void {
  const head = t.git(['rev-parse', 'HEAD'], cwd).out;
  writeFileSync(path.join(cwd, 'team-fail'), '');
  t.write('src/index.js', `export const x = ${Date.now()};\n`, cwd);
  t.git(['add', 'src/index.js'], cwd);
  expect(t.git(['commit', '-qm', 'team check fails'], cwd).code).not.toBe(0);
  rmSync(path.join(cwd, 'team-fail'));
  t.git(['reset', '-q', '--hard'], cwd);
  t.write(`docs/sessions/${id}.md`, note(id, { operator: 'nobody' }), cwd);
  t.git(['add', '-A'], cwd);
  const refused = t.git(['commit', '-qm', 'invalid note'], cwd);
  expect(refused.code).not.toBe(0);
  expect(refused.out).toMatch(new RegExp(`${id}\\.md:\\d+:\\d+: error /operator`));
  expect(t.git(['rev-parse', 'HEAD'], cwd).out).toBe(head);
  t.write(`docs/sessions/${id}.md`, note(id), cwd);
  t.git(['add', '-A'], cwd);
  const committed = t.git(['commit', '-qm', 'session note'], cwd);
  expect(committed.out).toBe('');
  expect(committed.code).toBe(0);
  expect(t.git(['show', 'HEAD:docs/sessions/index/2026-12.md'], cwd).out).toContain(id);
  expect(t.git(['status', '--porcelain'], cwd).out).toBe('');
}

suite('a team that uses bun (bun.lock, `bun install`)', () => {
  test('bun install runs prepare; init wires canon and speaks bun; the main worktree, fresh clones after `bun install` and a git worktree check every commit; doctor is truthful; uninstall gives every file back', () => {
    const t = team();
    for (const [rel, text] of [
      ['.husky/pre-commit', TEAM.husky],
      ['.gitignore', TEAM.gitignore],
      ['src/index.js', TEAM.index],
    ] as const)
      t.write(rel, text);
    expect(t.git(['init', '-q', '-b', 'main']).code).toBe(0);
    t.git(['config', 'user.name', 'Alice Smith']);
    t.git(['config', 'user.email', 'alice@team.example']);
    t.git(['config', 'commit.gpgsign', 'false']);
    // The team's own setup: `bun install` runs the root package's prepare (husky).
    expect(t.run(BUN, ['install']).code).toBe(0);
    expect(t.git(['config', 'core.hooksPath']).out.trim()).toBe('.husky/_');
    expect(t.git(['add', '-A']).code).toBe(0);
    expect(t.git(['commit', '-qm', 'team repo']).code).toBe(0);
    const teamCommit = t.git(['rev-parse', 'HEAD']).out.trim();
    const before = Object.fromEntries(['package.json', 'bun.lock', '.husky/pre-commit', '.gitignore', 'src/index.js'].map((rel) => [rel, t.read(rel)]));

    // init through bun, and every command it prints is bun's: no npx, no npm install.
    const init = t.run(BUN, ['run', 'canon', 'init', '--yes']);
    expect(init.code).toBe(0);
    expect(init.out).toContain('`bun run canon init --obsidian`');
    expect(init.out).not.toMatch(/npx canon|npm install/);
    expect(JSON.parse(t.read('package.json')).scripts).toMatchObject({ prepare: 'husky && canon setup', canon: 'canon', handoff: 'canon handoff' });
    expect(t.read('.husky/pre-commit').startsWith(TEAM.husky)).toBe(true);
    expect(t.read('.husky/pre-commit')).toContain("run your package manager's install (bun install), or bun run canon setup");
    expect(t.read('bun.lock')).toBe(before['bun.lock']);
    expect(t.git(['add', '-A']).code).toBe(0);
    expect(t.git(['commit', '-qm', 'Adopt canon']).code).toBe(0);
    const doctor = t.run(BUN, ['run', 'canon', 'doctor']);
    expect(doctor.out).toMatch(/canon doctor: \d+ checks passed/);
    expect(doctor.code).toBe(0);
    expectChecksHold(t, t.dir, 'AS-261201-01');

    // doctor names the problem and bun's fix; the fix it prints works as printed.
    const runner = path.join(t.dir, '.git/canon/run');
    rmSync(runner);
    const broken = t.run(BUN, ['run', 'canon', 'doctor']);
    expect(broken.code).not.toBe(0);
    expect(broken.out).toContain(`no canon hook runner (${runner})`);
    expect(broken.out).toContain('fix: bun run canon setup   (or bun install)');
    expect(broken.out).toContain('(`bun run canon doctor --fix` runs the safe ones)');
    expect(broken.out).not.toMatch(/npx canon|npm install/);
    expect(t.run(BUN, ['run', 'canon', 'doctor', '--fix']).code).toBe(0);
    expect(existsSync(runner)).toBe(true);
    rmSync(runner);
    expect(t.run(BUN, ['install']).code).toBe(0);
    expect(t.run(BUN, ['run', 'canon', 'doctor']).code).toBe(0);

    // Fresh clones: `bun install` (prepare) lays canon's hooks, with bun's hoisted and isolated node_modules alike.
    for (const [name, install] of [
      ['clone', ['install']],
      ['clone-isolated', ['install', '--linker', 'isolated']],
    ] as const) {
      const clone = path.join(base, name);
      expect(t.git(['clone', '-q', t.dir, clone], base).code).toBe(0);
      t.git(['config', 'user.name', 'Alice Smith'], clone);
      t.git(['config', 'user.email', 'alice@team.example'], clone);
      expect(t.run(BUN, [...install], clone).code).toBe(0);
      expect(t.git(['status', '--porcelain'], clone).out).toBe('');
      expect(existsSync(path.join(clone, '.git/canon/run'))).toBe(true);
      expect(t.run(BUN, ['run', 'canon', 'doctor'], clone).code).toBe(0);
      expectChecksHold(t, clone, name === 'clone' ? 'AS-261201-02' : 'AS-261201-03');
    }

    // A git worktree, with no install of its own: the hooks run canon from the main worktree.
    const wt = path.join(base, 'wt');
    expect(t.git(['worktree', 'add', '-q', '-b', 'wt', wt]).code).toBe(0);
    expect(existsSync(path.join(wt, 'node_modules'))).toBe(false);
    expect(t.run('node', [path.join(t.dir, 'node_modules/.bin/canon'), 'doctor'], wt).code).toBe(0);
    expectChecksHold(t, wt, 'AS-261201-04');
    // After `bun install` there, the printed command works in the worktree too.
    expect(t.run(BUN, ['install'], wt).code).toBe(0);
    expect(t.run(BUN, ['run', 'canon', 'doctor'], wt).code).toBe(0);
    expect(t.git(['worktree', 'remove', '--force', wt]).code).toBe(0);

    // uninstall: the team's files byte for byte, canon's own files gone, core.hooksPath as husky had it; notes stay.
    const uninstall = t.run(BUN, ['run', 'canon', 'uninstall', '--yes']);
    expect(uninstall.code).toBe(0);
    expect(uninstall.out).toContain('`bun remove canon-notes` removes the package');
    for (const [rel, text] of Object.entries(before)) expect([rel, t.read(rel)]).toEqual([rel, text]);
    expect(t.git(['config', 'core.hooksPath']).out.trim()).toBe('.husky/_');
    expect(t.git(['config', '--get-regexp', '^merge\\.canon']).out).toBe('');
    expect(existsSync(path.join(t.dir, '.git/canon'))).toBe(false);
    t.git(['add', '-A']);
    // Only the notes and the store's INDEX files remain of canon's commits: everything else is the team's repository as it was.
    const left = t.git(['diff', '--name-only', '--cached', teamCommit]).out.trim().split('\n').filter(Boolean);
    expect(left.filter((rel) => !/^docs\/sessions\/(AS-\d{6}-\d{2}\.md|index\/)|(^|\/)INDEX\.md$/.test(rel))).toEqual([]);
    expect(left).toContain('docs/sessions/AS-261201-01.md');
    // The team had no .claude/: uninstall leaves none, not even an untracked state folder.
    expect([existsSync(path.join(t.dir, '.claude')), existsSync(path.join(t.dir, '.canon'))]).toEqual([false, false]);
  }, 300_000);
});
