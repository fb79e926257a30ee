import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGitRepo, openGitRepo, type CreateGitRepoOptions, type GitRepo } from './git-repo.js';

/**
 * A starting state built once per test file and copied for every test that needs it fresh: `build`
 * makes it the real way (createGitRepo with canon's hooks, commits through the commit door, a bare
 * remote pushed through the push gate, clones…), the first time a test asks, so a test run alone
 * (`-t`) builds it itself. Everything the state holds lives in the temp folder createGitRepo made
 * (the parent of `repo.dir`: `repo/`, `home/`, remotes and clones beside them).
 *
 * Each `copy()` is a `cp -a` of that folder into a new temp folder of the same length, in which every
 * mention of the template's folder outside git's object store is made the copy's own: what `canon
 * setup`, `git remote add` and `git clone` wrote there (core.hooksPath, the INDEX merge driver,
 * `.git/canon/run`, remote URLs, reflogs) is what they would have written for the copy, so no
 * `canon setup` runs again. Copies are independent: a test may hold several, and keep one.
 *
 * What a template costs instead: the setup commits and pushes through canon's hooks and `canon setup`
 * run once per file, not once per test (docs/guides/contributing.md, "what a test costs").
 */
export interface RepoTemplate {
  copy(): GitRepo;
  /** Remove the template (afterAll); copies are each test's to clean up. */
  cleanup(): void;
}

/** A template of whatever `build` returns: a new repository, or another template's copy with more steps. */
export function repoTemplate(build: () => GitRepo): RepoTemplate {
  let built: GitRepo | undefined;
  return {
    copy: () => {
      built ??= build();
      return copyOf(built);
    },
    cleanup: () => {
      built?.cleanup();
      built = undefined;
    },
  };
}

/**
 * repoTemplate for a state whose making awaits (a handoff started and killed at a named point): built
 * once, by the first test that asks (tests asking at once wait for the same build), then copied.
 */
export function asyncRepoTemplate(build: () => Promise<GitRepo>): { copy(): Promise<GitRepo>; cleanup(): void } {
  let built: Promise<GitRepo> | undefined;
  return {
    copy: async () => {
      built ??= build();
      return copyOf(await built);
    },
    cleanup: () => {
      void built?.then(
        (repo) => repo.cleanup(),
        () => undefined,
      );
      built = undefined;
    },
  };
}

/** The common case: createGitRepo(options), then `build` on it. */
export function storeTemplate(options: CreateGitRepoOptions, build: (repo: GitRepo) => void): RepoTemplate {
  return repoTemplate(() => {
    const repo = createGitRepo(options);
    build(repo);
    return repo;
  });
}

function copyOf(template: GitRepo): GitRepo {
  const from = path.dirname(template.dir);
  const base = mkdtempSync(path.join(os.tmpdir(), 'canon-test-'));
  // cp -a: modes, times and symlinks (node_modules and dist point into canon's checkout) as they are.
  const cp = spawnSync('cp', ['-a', `${from}/.`, base], { encoding: 'utf8' });
  if (cp.status !== 0) throw new Error(`cp -a ${from} ${base} failed: ${cp.stderr}`);
  for (const file of filesNaming(base, from)) writeFileSync(file, readFileSync(file, 'latin1').split(from).join(base), 'latin1');
  return openGitRepo(base, path.join(base, path.relative(from, template.dir)), path.join(base, 'home'));
}

/** Files under `root` (not git's object store, not symlinks) that name `needle`. */
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
