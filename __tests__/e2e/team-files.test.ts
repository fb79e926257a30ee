import { afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CANON_BIN, createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';
import { KEEP_A_CHANGELOG, npmTool } from '../helpers/team-repo.js';

/**
 * The team's files stay the team's: its own changelog keeps git's merge (markers, both entries),
 * canon's merge driver never drops a side, prettier leaves canon's files alone, node_modules is
 * ignored, and uninstall leaves neither canon's local state nor a changed core.hooksPath behind.
 */
let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

const PACKAGE = '{\n  "name": "team-app",\n  "version": "1.0.0",\n  "private": true\n}\n';

function teamRepo(files: Record<string, string>): GitRepo {
  const r = (repo = createGitRepo({ files: { 'package.json': PACKAGE, ...files } }));
  r.git(['add', '-A']);
  r.git(['commit', '-qm', 'team repo']);
  return r;
}

/**
 * A setup commit with no hooks: what these tests examine is a merge, a status or canon's files on disk,
 * never what canon's pre-commit does to a commit. These commits hold no session note: an adoption
 * commit made through the hooks commits the very tree that was staged (the hook adds nothing to it),
 * and the branch commits change only CHANGELOG.md, which canon's pre-commit never reads.
 */
function setupCommit(r: GitRepo, args: string[]) {
  return r.git(['-c', 'core.hooksPath=/dev/null', 'commit', ...args]);
}

function canon(r: GitRepo, args: string[]) {
  return runCli(args, { cwd: r.dir, env: r.env });
}

/** Two branches that each change `rel` from the same commit; main merges `a`. */
function mergeBranches(r: GitRepo, rel: string, edit: (text: string, side: 'a' | 'b') => string, a = 'a') {
  const base = r.read(rel);
  r.git(['checkout', '-qb', a]);
  r.write(rel, edit(base, 'a'));
  setupCommit(r, ['-qam', 'a']);
  r.git(['checkout', '-q', 'main']);
  r.write(rel, edit(base, 'b'));
  setupCommit(r, ['-qam', 'b']);
  // The merge itself runs with the hooks and the merge drivers init laid.
  return r.git(['merge', '--no-edit', a], { allowFail: true });
}

const addEntry = (text: string, side: 'a' | 'b') => text.replace('### Added\n\n', `### Added\n\n- Feature ${side.toUpperCase()}.\n`);

describe("a team's own CHANGELOG.md", () => {
  // One repository for both promises (init's routing, then the same repository routed by hand): the
  // second part starts from the same commit as the first, the conflicting side dropped again.
  test("init does not route it to canon's merge driver; two branches adding an entry conflict with markers and both entries; routed to canon's driver by hand all the same, it still gets git's merge: markers and both entries", () => {
    const r = teamRepo({ 'CHANGELOG.md': KEEP_A_CHANGELOG });
    const init = canon(r, ['init', '--yes']);
    expect(init.code).toBe(0);
    expect(init.stderr).toMatch(/CHANGELOG\.md is the team's own/);
    expect(r.read('.gitattributes')).toMatch(/INDEX\.md merge=canon-index/);
    expect(r.read('.gitattributes')).not.toMatch(/CHANGELOG/);
    r.git(['add', '-A']);
    // Setup: what is examined is the merge of CHANGELOG.md, which canon's pre-commit never touches.
    setupCommit(r, ['-qm', 'Adopt canon']);

    const merge = mergeBranches(r, 'CHANGELOG.md', addEntry);
    expect(merge.code).not.toBe(0);
    expect(merge.stdout).toMatch(/CONFLICT \(content\): Merge conflict in CHANGELOG\.md/);
    const text = r.read('CHANGELOG.md');
    expect(text).toMatch(/^<<<<<<< /m);
    expect(text).toContain('- Feature A.');
    expect(text).toContain('- Feature B.');

    // Routed to canon's driver by hand all the same: back to the adoption commit, the route committed.
    r.git(['merge', '--abort']);
    r.git(['reset', '-q', '--hard', 'HEAD~1']);
    expect(r.read('CHANGELOG.md')).toBe(KEEP_A_CHANGELOG);
    r.write('.gitattributes', `/CHANGELOG.md merge=canon-index\n${r.read('.gitattributes')}`);
    r.git(['add', '-A']);
    setupCommit(r, ['-qm', 'Route the changelog to canon']);
    expect(r.git(['check-attr', 'merge', 'CHANGELOG.md']).stdout).toContain('canon-index');

    const routed = mergeBranches(r, 'CHANGELOG.md', addEntry, 'a1');
    expect(routed.code).not.toBe(0);
    const routedText = r.read('CHANGELOG.md');
    expect(routedText).toMatch(/^<<<<<<< /m);
    expect(routedText).toMatch(/^>>>>>>> /m);
    expect(routedText).toContain('- Feature A.');
    expect(routedText).toContain('- Feature B.');

    // Edits that do not touch each other merge cleanly, as git's own merge would.
    r.git(['merge', '--abort']);
    r.git(['reset', '-q', '--hard', 'HEAD~1']);
    const clean = mergeBranches(
      r,
      'CHANGELOG.md',
      (text, side) => (side === 'a' ? text.replace('- First release.', '- First release, A.') : text.replace('- Initial import.', '- Initial import, B.')),
      'a2',
    );
    expect(clean.code).toBe(0);
    expect(r.read('CHANGELOG.md')).toContain('- First release, A.');
    expect(r.read('CHANGELOG.md')).toContain('- Initial import, B.');
  });

  test("canon's changelog with a real conflict in the team's text: markers, and both new entries kept", () => {
    const entry = (id: string, date: string) => `- [${id}](docs/sessions/${id}.md) · ${date} · Work ${id}`;
    const section = (...entries: string[]) =>
      `<!-- canon:changelog 2026-12 -->\n## December 2026\n\n${entries.join('\n')}\n<!-- /canon:changelog 2026-12 -->\n`;
    const changelog = (title: string, ...entries: string[]) => `# ${title}\n\nWhat each session did.\n\n<!-- canon:changelog -->\n\n${section(...entries)}`;
    const r = teamRepo({ 'CHANGELOG.md': changelog('Changelog', entry('RT-261201-01', '2026-12-01')) });
    expect(canon(r, ['init', '--yes']).code).toBe(0);
    expect(r.read('.gitattributes')).toContain('/CHANGELOG.md merge=canon-index');
    r.git(['add', '-A']);
    setupCommit(r, ['-qm', 'Adopt canon']);

    const merge = mergeBranches(r, 'CHANGELOG.md', (_text, side) =>
      side === 'a'
        ? changelog('Changelog of A', entry('RT-261202-01', '2026-12-02'), entry('RT-261201-01', '2026-12-01'))
        : changelog('Changelog of B', entry('RT-261203-01', '2026-12-03'), entry('RT-261201-01', '2026-12-01')),
    );
    expect(merge.code).not.toBe(0);
    const text = r.read('CHANGELOG.md');
    expect(text).toMatch(/^<<<<<<< /m);
    for (const s of ['Changelog of A', 'Changelog of B', 'RT-261202-01', 'RT-261203-01', 'RT-261201-01']) expect(text).toContain(s);
  });
});

describe('node_modules, local state and core.hooksPath', () => {
  test('init ignores a node_modules that nothing ignores; uninstall leaves no untracked folder and core.hooksPath unset as it was', () => {
    const r = teamRepo({ '.husky/pre-commit': 'true\n' });
    mkdirSync(path.join(r.dir, 'node_modules/left-pad'), { recursive: true });
    r.write('node_modules/left-pad/index.js', 'module.exports = 1;\n');
    expect(r.git(['config', 'core.hooksPath'], { allowFail: true }).code).toBe(1);

    expect(canon(r, ['init', '--yes']).code).toBe(0);
    expect(r.git(['check-ignore', '-q', 'node_modules/left-pad/index.js'], { allowFail: true }).code).toBe(0);
    expect(r.git(['config', 'core.hooksPath']).stdout.trim()).toMatch(/\.husky\/_$/);
    r.git(['add', '-A']);
    setupCommit(r, ['-qm', 'Adopt canon']);
    expect(r.git(['ls-files', 'node_modules']).stdout).toBe('');

    r.write('.claude/state/operator.cache', '{}\n');
    r.write('.canon/handoff-x.json', '{}\n');
    expect(canon(r, ['uninstall', '--yes']).code).toBe(0);
    expect(r.git(['config', 'core.hooksPath'], { allowFail: true }).code).toBe(1);
    const untracked = r.git(['status', '--porcelain', '--untracked-files=all']).stdout;
    expect(untracked).not.toMatch(/\.claude\/state|\.canon\//);
    expect(existsSync(path.join(r.dir, 'node_modules/left-pad/index.js'))).toBe(true);
  });

  // 'a team that ignores node_modules already gets no extra line': in the last test of this file (same start).
});

describe("the team's prettier", () => {
  let tool = '';
  beforeAll(() => {
    tool = npmTool('prettier@3');
  }, 180_000);

  test("formatting the whole repository leaves canon's files as canon wrote them: a second init and uninstall still know them", () => {
    const r = teamRepo({
      '.gitignore': 'node_modules\n',
      '.prettierrc': '{ "proseWrap": "always", "printWidth": 40, "singleQuote": true }\n',
      'package.json': '{\n  "name": "team-app",\n  "private": true,\n  "devDependencies": { "prettier": "^3" }\n}\n',
    });
    symlinkSync(path.join(tool, 'node_modules'), path.join(r.dir, 'node_modules'));
    expect(canon(r, ['init', '--yes']).code).toBe(0);
    const ignore = r.read('.prettierignore');
    for (const f of ['/docs/sessions/TEMPLATE.md', '.claude/skills/handoff-*/', '.claude/skills/resume-*/', '/.claude/operators.yaml'])
      expect(ignore).toContain(f);

    const run = spawnSync(path.join(r.dir, 'node_modules/.bin/prettier'), ['--write', '.'], { cwd: r.dir, env: r.env, encoding: 'utf8' });
    expect(run.status).toBe(0);
    r.git(['add', '-A']);
    r.git(['commit', '-qm', 'Adopt canon, formatted']);

    const again = canon(r, ['init', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/not canon's/);
    expect(canon(r, ['uninstall', '--yes']).code).toBe(0);
    expect(existsSync(path.join(r.dir, 'docs/sessions/TEMPLATE.md'))).toBe(false);
    const skills = path.join(r.dir, '.claude/skills');
    expect(existsSync(skills) ? readdirSync(skills).filter((n) => /^(handoff|resume)-/.test(n)) : []).toEqual([]);
  });
});

describe('a repository with no commits and no remote', () => {
  test('init finishes with stdin left open (git shortlog must not wait on it), seeds operators from git config, and the first commit goes through the hooks', async () => {
    const r = (repo = createGitRepo({ operators: false, files: { 'package.json': PACKAGE } }));
    const child = spawn(process.execPath, [CANON_BIN, 'init', '--yes'], { cwd: r.dir, env: r.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // stdin stays open, as in a terminal or a CI step without input; a hang is killed and fails the test.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    child.stdin.destroy();
    expect(stderr).not.toMatch(/internal error/);
    expect(code).toBe(0);
    expect(r.read('.claude/operators.yaml')).toMatch(/slug: roman\n\s+initials: RT/);
    r.git(['add', '-A']);
    expect(r.git(['commit', '-qm', 'first'], { allowFail: true }).code).toBe(0);
    expect(r.git(['remote']).stdout).toBe('');
  }, 90_000);
});

describe('doctor runs what git runs', () => {
  // Two promises on one start (a team repository, `canon init`): init's .gitignore, then doctor.
  test('a team that ignores node_modules already gets no extra line; a runner whose CLI exists but cannot start (a zip path, a missing dependency) is named, not passed', () => {
    const r = teamRepo({ '.gitignore': 'node_modules\n' });
    expect(canon(r, ['init', '--yes']).code).toBe(0);
    expect(r.read('.gitignore')).not.toMatch(/^node_modules\/$/m);
    expect(canon(r, ['doctor']).code).toBe(0);
    const runner = path.join(r.dir, '.git/canon/run');
    r.write('broken/canon.js', 'throw new Error("Cannot find module \'ajv/dist/2020.js\'");\n');
    const text = r.read('.git/canon/run').replace(/^cli=.*$/m, `cli='${path.join(r.dir, 'broken/canon.js')}'`);
    writeFileSync(runner, text);
    const doctor = canon(r, ['doctor']);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/canon\/run does not start canon's CLI, so every canon hook fails: .*Cannot find module 'ajv\/dist\/2020\.js'/);
  });
});
