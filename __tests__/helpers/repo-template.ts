import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { GitRepo } from './git-repo.js';

/**
 * A starting state built once per test file and copied, byte for byte, for every test that asks for it.
 *
 * `build` makes the state the real way (createGitRepo with canon's hooks, commits through the commit door…)
 * in the folder createGitRepo made; everything the state needs (a bare remote, say) must live in that
 * folder, the parent of `repo.dir`. The first `fresh()` builds it and keeps a copy beside it; every later
 * `fresh()` puts a copy back AT THE SAME PATH (`cp -a`), after the test before has removed it with
 * `repo.cleanup()`. Same path, so every absolute path canon's setup wrote (core.hooksPath, the INDEX merge
 * driver, `.git/canon/run`, a remote's URL) is right in the copy, exactly as if it had been built there:
 * no `canon setup` again. Tests of one file run one after another, so they never hold the folder at once;
 * a test run alone (`-t`) builds the state itself.
 *
 * One template may be built from another's `fresh()` copy plus more steps (a chain): both then put their
 * copies back at the same path, which is right as long as a test holds one of them at a time.
 */
let keptCount = 0;

export class RepoTemplate {
  private repo: GitRepo | undefined;
  private kept: string | undefined;

  constructor(private readonly build: () => GitRepo) {}

  fresh(): GitRepo {
    if (!this.repo || !this.kept) {
      const repo = this.build();
      const base = path.dirname(repo.dir);
      const kept = `${base}.template-${++keptCount}`;
      copy(base, kept);
      this.repo = repo;
      this.kept = kept;
      return repo;
    }
    const base = path.dirname(this.repo.dir);
    if (existsSync(base)) rmSync(base, { recursive: true, force: true });
    copy(this.kept, base);
    return this.repo;
  }

  /** Remove the kept copy (afterAll). */
  dispose(): void {
    if (this.kept) rmSync(this.kept, { recursive: true, force: true });
    this.repo = undefined;
    this.kept = undefined;
  }
}

/** `cp -a`: modes, symlinks (node_modules, dist) and times as they are. */
function copy(from: string, to: string): void {
  const r = spawnSync('cp', ['-a', from, to], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cp -a ${from} ${to} failed: ${r.stderr}`);
}
