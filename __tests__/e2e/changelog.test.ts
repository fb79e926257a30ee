import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { runCli, type GitRepo } from '../helpers/git-repo.js';
import { workstreamNote } from '../helpers/notes.js';
import { storeTemplate } from '../helpers/repo-template.js';

/** The session changelog (ADR-0020): written by the handoff, merged entry by entry by canon's driver. */
let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

const today = () => new Date().toISOString().slice(0, 10);
const RESUME =
  'Pick up the changelog work: entries are written by the handoff and merged by the INDEX driver. Start with the merge test, ' +
  'then check a team file with its own release notes is left alone, and that the README says how to opt out. Keep the ' +
  'file format stable: one marked section per month, newest first, commits as sub-items, the team text untouched. ' +
  'Confidence: high';

/** A store with canon's hooks and one workstream committed through them: built once, copied per test. */
const template = storeTemplate({ hooks: true }, (r) => {
  r.write('workstreams/vault.md', workstreamNote('vault'));
  r.git(['add', '-A']);
  r.git(['commit', '-q', '-m', 'init']);
});
afterAll(() => template.cleanup());
const store = () => template.copy();
/** A commit that only sets the scene, past canon's hooks: no assertion reads what they would add. */
const sceneCommit = (r: GitRepo, args: string[]) => r.git(['-c', 'core.hooksPath=/dev/null', 'commit', '-q', ...args]);

function handoff(r: GitRepo, operator: string, title: string, workstream: string[] = ['--workstream', 'vault']) {
  const out = runCli(
    ['handoff', '--yes', '--no-push', '--json', '--title', title, '--summary', `${title}, in a sentence.`, ...workstream, '--resume-prompt', RESUME],
    {
      cwd: r.dir,
      env: { ...r.env, OPERATOR: operator },
    },
  );
  expect(out.stderr).not.toMatch(/internal error/);
  expect(out.code).toBe(0);
  return JSON.parse(out.stdout) as { id: string; path: string; warnings: string[] };
}

const listed = (text: string) => [...text.matchAll(/^- \[([^\]]+)\]/gm)].map((m) => m[1]);

describe('CHANGELOG.md', () => {
  test('two branches each hand off to one workstream; the merge takes both entries, both Session Log lines and both INDEX rows without a conflict', () => {
    repo = store();
    repo.git(['checkout', '-q', '-b', 'other']);
    const theirs = handoff(repo, 'sergei', 'Their session');
    repo.git(['checkout', '-q', 'main']);
    const ours = handoff(repo, 'roman', 'Our session');
    const merge = repo.git(['merge', '--no-edit', 'other'], { allowFail: true });
    expect({ code: merge.code, out: merge.stdout + merge.stderr }).toEqual({ code: 0, out: expect.stringMatching(/Merge made/) });
    const text = repo.read('CHANGELOG.md');
    expect(text).not.toMatch(/^(<<<<<<<|>>>>>>>|=======)/m);
    expect(listed(text).sort()).toEqual([ours.id, theirs.id].sort());
    expect(text.match(/<!-- canon:changelog \d{4}-\d{2} -->/g)).toHaveLength(1);
    expect(repo.git(['status', '--porcelain']).stdout).toBe('');
    expect(runCli(['index', '--check'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
    // The workstream holds both lines, newest first, with a content_hash that matches it.
    const log = repo
      .read('workstreams/vault.md')
      .split('\n')
      .filter((l) => l.startsWith('- ['));
    expect(log.map((l) => /^- \[([^\]]+)\]/.exec(l)![1]).sort()).toEqual([ours.id, theirs.id].sort());
    expect(runCli(['validate', '--all', '--strict'], { cwd: repo.dir, env: repo.env }).code).toBe(0);
  });

  test('a real conflict elsewhere in a workstream is left to the user, with git markers and both Session Log lines', () => {
    repo = store();
    repo.git(['checkout', '-q', '-b', 'other']);
    repo.write('workstreams/vault.md', repo.read('workstreams/vault.md').replace(/\n## /, '\nTheir sentence.\n\n## '));
    // The handoff below commits the workstream again through canon's checks (stamped then): these edits set the scene.
    sceneCommit(repo, ['-am', 'their edit']);
    const theirs = handoff(repo, 'sergei', 'Their session');
    repo.git(['checkout', '-q', 'main']);
    repo.write('workstreams/vault.md', repo.read('workstreams/vault.md').replace(/\n## /, '\nOur sentence.\n\n## '));
    sceneCommit(repo, ['-am', 'our edit']);
    const ours = handoff(repo, 'roman', 'Our session');
    const merge = repo.git(['merge', '--no-edit', 'other'], { allowFail: true });
    expect(merge.code).toBe(1);
    expect(merge.stdout).toMatch(/CONFLICT \(content\): Merge conflict in workstreams\/vault\.md/);
    const text = repo.read('workstreams/vault.md');
    expect(text).toMatch(/^<<<<<<< ours\nOur sentence\.\n=======\nTheir sentence\.\n>>>>>>> theirs$/m);
    expect(text).toContain(`[${ours.id}]`);
    expect(text).toContain(`[${theirs.id}]`);
    // The changelog and the INDEX still merged by themselves.
    expect(repo.git(['diff', '--name-only', '--diff-filter=U']).stdout.trim()).toBe('workstreams/vault.md');
  });

  test("a CHANGELOG.md of the team's own is left alone with a warning; with canon's anchor line the entry goes there", () => {
    repo = store();
    const team = '# Releases\n\n## 1.0.0\n\n- first release\n';
    repo.write('CHANGELOG.md', team);
    repo.git(['add', 'CHANGELOG.md']);
    sceneCommit(repo, ['-m', 'releases']);
    const first = handoff(repo, 'roman', 'Not in their file');
    expect(first.warnings.join('\n')).toMatch(/CHANGELOG\.md is not canon's changelog/);
    expect(repo.read('CHANGELOG.md')).toBe(team);
    expect(repo.git(['show', '--name-only', '--format=', 'HEAD']).stdout).not.toMatch(/CHANGELOG/);

    repo.write('CHANGELOG.md', `${team}\n## Sessions\n\n<!-- canon:changelog -->\n`);
    sceneCommit(repo, ['-am', 'sessions go here']);
    // An uncommitted edit of the file stays the user's: only the entry is committed.
    repo.write('CHANGELOG.md', repo.read('CHANGELOG.md').replace('- first release', '- first release (draft note)'));
    const second = handoff(repo, 'roman', 'In their file');
    const committed = repo.git(['show', 'HEAD:CHANGELOG.md']).stdout;
    expect(committed.startsWith(`${team}\n## Sessions\n\n<!-- canon:changelog -->\n\n<!-- canon:changelog ${today().slice(0, 7)} -->`)).toBe(true);
    expect(listed(committed)).toEqual([second.id]);
    expect(repo.read('CHANGELOG.md')).toContain('(draft note)');
    expect(repo.read('CHANGELOG.md')).toContain(`[${second.id}]`);
    expect(repo.git(['status', '--porcelain']).stdout).toBe(' M CHANGELOG.md\n');
  });

  test('"changelog": {"file": null} turns it off', () => {
    repo = store();
    repo.write('canon.config.json', '{ "changelog": { "file": null } }\n');
    repo.git(['add', '-A']);
    sceneCommit(repo, ['-m', 'no changelog']);
    handoff(repo, 'roman', 'Quiet session');
    expect(repo.exists('CHANGELOG.md')).toBe(false);
  });
});
