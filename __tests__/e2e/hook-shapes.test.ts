import { afterEach, describe, expect, test } from '@jest/globals';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createGitRepo, runCli, type GitRepo } from '../helpers/git-repo.js';
import { sessionNote } from '../helpers/notes.js';

/**
 * canon's block joins the team's own hook scripts, whatever their shell flags: a team check that
 * fails still refuses the commit after `canon init --yes`, and canon's own check still runs. The
 * team's check fails while a `team-fail` file stands at the top of the worktree.
 */
let repo: GitRepo | undefined;
afterEach(() => repo?.cleanup());

const PACKAGE = '{\n  "name": "team-app",\n  "version": "1.0.0",\n  "private": true\n}\n';

interface Shape {
  name: string;
  /** Where the team's pre-commit lives, and the core.hooksPath git runs it from (null: husky). */
  file: string;
  hooksPath: string | null;
  script: string;
  /** A team pre-push beside it (the same core.hooksPath): after canon init, git runs it and it still fails. */
  prePush?: string;
}

const SHAPES: Shape[] = [
  {
    name: 'plain sh, no set -e; beside it a pre-push whose team step fails',
    file: '.githooks/pre-commit',
    hooksPath: '.githooks',
    script: '#!/bin/sh\necho "team check ran" >&2\n[ ! -e team-fail ]\n',
    prePush: '#!/bin/sh\nfalse\n',
  },
  {
    name: 'sh ending with false',
    file: '.githooks/pre-commit',
    hooksPath: '.githooks',
    script: '#!/bin/sh\nif [ -e team-fail ]; then\n  echo "index.js: TO-DO marker not allowed" >&2\n  false\nfi\n',
  },
  { name: 'bash without set -e', file: '.githooks/pre-commit', hooksPath: '.githooks', script: '#!/usr/bin/env bash\n[[ ! -e team-fail ]]\n' },
  {
    name: "lefthook's generated script",
    file: '.githooks/pre-commit',
    hooksPath: '.githooks',
    script:
      '#!/bin/sh\n\nif [ "$LEFTHOOK_VERBOSE" = "1" ]; then\n  set -x\nfi\n\ncall_lefthook()\n{\n  [ ! -e team-fail ]\n}\n\ncall_lefthook run "pre-commit" "$@"\n',
  },
  { name: 'a script ending in exec', file: '.githooks/pre-commit', hooksPath: '.githooks', script: "#!/bin/sh\nexec sh -c '[ ! -e team-fail ]'\n" },
  { name: 'husky (sh -e)', file: '.husky/pre-commit', hooksPath: null, script: '[ ! -e team-fail ]\n' },
];

function commit(r: GitRepo, message: string) {
  return r.git(['commit', '-m', message], { allowFail: true });
}

describe.each(SHAPES)("a team's pre-commit: $name", (shape) => {
  test("after canon init a failing team check still refuses the commit, and canon's check still runs; uninstall gives the script back", () => {
    const prePush = shape.prePush === undefined ? {} : { [`${shape.hooksPath}/pre-push`]: shape.prePush };
    const r = (repo = createGitRepo({ files: { 'package.json': PACKAGE, [shape.file]: shape.script, 'src/index.js': 'x\n', ...prePush } }));
    for (const file of [shape.file, ...Object.keys(prePush)]) chmodSync(path.join(r.dir, file), 0o755);
    r.git(['add', '-A']);
    r.git(['commit', '-qm', 'team repo']);
    if (shape.hooksPath) r.git(['config', 'core.hooksPath', shape.hooksPath]);
    const fail = path.join(r.dir, 'team-fail');

    const init = runCli(['init', '--yes'], { cwd: r.dir, env: r.env });
    expect(init.stderr).not.toMatch(/internal error/);
    expect(init.code).toBe(0);
    expect(r.read(shape.file).startsWith(shape.script.split('\nexec')[0]!)).toBe(true);
    if (shape.prePush !== undefined) {
      // pre-push: a failing team step before canon's block still fails the hook. git runs the script as
      // it is: its last team command failed, so the hook fails. (One repository serves both hooks: the
      // pre-commit promises below do not touch the pre-push, and init laid canon's block in both at once.)
      const run = r.git(['hook', 'run', 'pre-push', '--', 'origin', 'file:///nowhere'], { allowFail: true, input: '' });
      expect(run.code).toBe(1);
    }
    // Setting the scene: the adoption commit skips the hooks (its tree is the same through them); the
    // road it would take, both checks passing and the commit going in, is the 'good' commit below.
    r.git(['add', '-A']);
    r.git(['-c', 'core.hooksPath=/dev/null', 'commit', '-qm', 'Adopt canon']);
    const head = r.head();

    // The team's check fails: the commit is refused.
    writeFileSync(fail, '');
    r.write('src/index.js', 'y\n');
    r.git(['add', '-A']);
    expect(commit(r, 'team check fails').code).not.toBe(0);
    expect(r.head()).toBe(head);

    // The team's check fails and a note is invalid: refused, and canon says why (its check ran) —
    // except under husky, whose `sh -e` stops the script at the team's failing line, by design.
    r.write('docs/sessions/RT-261201-01.md', sessionNote('RT-261201-01', { operator: 'nobody' }));
    r.git(['add', '-A']);
    const both = commit(r, 'both fail');
    expect(both.code).not.toBe(0);
    if (shape.hooksPath) expect(both.stderr).toMatch(/RT-261201-01\.md:\d+:\d+: error \/operator/);
    expect(r.head()).toBe(head);

    // The team's check passes: canon alone refuses the invalid note, and lets a valid one in.
    rmSync(fail);
    const alone = commit(r, 'canon fails');
    expect(alone.code).not.toBe(0);
    expect(alone.stderr).toMatch(/RT-261201-01\.md:\d+:\d+: error \/operator/);
    expect(r.head()).toBe(head);
    r.write('docs/sessions/RT-261201-01.md', sessionNote('RT-261201-01'));
    r.git(['add', '-A']);
    expect(commit(r, 'good').code).toBe(0);
    expect(r.head()).not.toBe(head);

    expect(runCli(['uninstall', '--yes'], { cwd: r.dir, env: r.env }).code).toBe(0);
    expect(r.read(shape.file)).toBe(shape.script);
  });
});
