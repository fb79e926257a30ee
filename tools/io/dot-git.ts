import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The nearest folder holding `.git` (a directory, or a linked worktree's `.git` file): what `git
 * rev-parse --show-toplevel` answers in the ordinary case, without starting git on every command's
 * start-up. null when git's own rules must decide (GIT_DIR or GIT_WORK_TREE set, no `.git` found).
 */
export function findDotGit(cwd: string): string | null {
  if (process.env.GIT_DIR || process.env.GIT_WORK_TREE) return null;
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}
