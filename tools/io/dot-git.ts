import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gitOutput } from './git.js';

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

export interface GitDirs {
  /** This work tree's git dir (`.git`, or a linked worktree's folder under the main one's). */
  gitDir: string;
  /** The clone's common git dir, shared by every worktree. */
  commonDir: string;
}

/**
 * What `git rev-parse --git-dir --git-common-dir` answers for the work tree at `root`, read as git
 * reads it (`.git` a folder, or a file `gitdir: <path>`; a `commondir` file in a linked worktree's
 * git dir), without starting git. null when git's own rules must decide (GIT_DIR and its kin set,
 * anything unexpected).
 */
export function readGitDirs(root: string, env: NodeJS.ProcessEnv = process.env): GitDirs | null {
  if (env.GIT_DIR || env.GIT_WORK_TREE || env.GIT_COMMON_DIR || process.env.GIT_DIR || process.env.GIT_WORK_TREE || process.env.GIT_COMMON_DIR) return null;
  const dotGit = path.join(root, '.git');
  try {
    let gitDir = dotGit;
    if (!statSync(dotGit).isDirectory()) {
      const match = /^gitdir: (.+)$/.exec(readFileSync(dotGit, 'utf8').split('\n')[0]!.replace(/\r$/, ''));
      if (match === null) return null;
      gitDir = path.resolve(root, match[1]!);
    }
    let commonDir = gitDir;
    try {
      commonDir = path.resolve(gitDir, readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return null;
    }
    return statSync(commonDir).isDirectory() ? { gitDir, commonDir } : null;
  } catch {
    return null;
  }
}

/** This work tree's git dir: read from `.git` where it can be, else as git answers it. */
export async function gitDir(root: string): Promise<string> {
  const dirs = readGitDirs(root);
  if (dirs !== null) return dirs.gitDir;
  return path.resolve(root, (await gitOutput(['rev-parse', '--git-dir'], { cwd: root })).trim());
}
