import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGitRepo, type GitRepo } from './git-repo.js';

/**
 * A starting repository built once per test file and copied for every test that needs it fresh
 * (SLIM.md rule 1): `build` runs the real road once (createGitRepo, canon's hooks, the first hooked
 * commit, a bare origin and its push, a second clone), each `copy()` is a `cp -a` of the whole folder
 * (repository, origin, clones) in which every absolute path of the template's folder that `canon setup`,
 * `git remote add` or `git clone` wrote (`.git/config`, `.git/canon/run`) is made the copy's own: what
 * `canon setup` would write there for the copy.
 */
export interface StoreTemplate {
  copy(): GitRepo;
  cleanup(): void;
}

/** Files under `root` (not git's object store, not symlinks: node_modules and dist point into canon) that name `needle`. */
function filesNaming(root: string, needle: string): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      const stat = lstatSync(file);
      if (stat.isSymbolicLink()) continue;
      if (stat.isDirectory()) {
        if (name !== 'objects') visit(file);
      } else if (stat.size < 1_000_000 && readFileSync(file, 'latin1').includes(needle)) found.push(file);
    }
  };
  visit(root);
  return found;
}

/** `build` gets a fresh repository made by createGitRepo(options) at `<base>/repo`; other folders it makes belong next to it in `<base>`. */
export function storeTemplate(options: Parameters<typeof createGitRepo>[0], build: (repo: GitRepo) => void): StoreTemplate {
  let template: GitRepo | undefined;
  return {
    copy: () => {
      if (!template) {
        template = createGitRepo(options);
        build(template);
      }
      const from = path.dirname(template.dir);
      const base = mkdtempSync(path.join(os.tmpdir(), 'canon-test-'));
      cpSync(from, base, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
      // What names the template's folder (core.hooksPath, the merge driver and the runner's main
      // worktree that `canon setup` wrote, a remote's url, a clone's reflog) names the copy's instead.
      for (const file of filesNaming(base, from)) writeFileSync(file, readFileSync(file, 'latin1').split(from).join(base), 'latin1');
      // An isolated HOME and git identity of its own, as createGitRepo gives every repository; cleanup takes the copied folder too.
      const repo = createGitRepo({ existing: path.join(base, 'repo'), operators: false });
      return {
        ...repo,
        cleanup: () => {
          repo.cleanup();
          rmSync(base, { recursive: true, force: true });
        },
      };
    },
    cleanup: () => {
      if (template) rmSync(path.dirname(template.dir), { recursive: true, force: true });
      template = undefined;
    },
  };
}
