// The git that `canon backfill --apply` runs, by name: one clean-tree question, one rename, one commit.
// Porcelain through simple-git; `git add` of an exact file list goes through execGit because only it
// takes the list on stdin (`--pathspec-from-file=-`). The rule is io/git.ts's.
import { execGit, gitOutput, porcelain, porcelainResult, splitNul } from './git.js';

/**
 * The note folders' working-tree status and the paths staged in the index, as git prints them with
 * `-z`. `git status --porcelain=v1 -z`:
 *
 *     " M docs/sessions/CONV-30.md\0?? workstreams/new.md\0R  docs/adr/0001-x.md\0docs/adr/001-x.md\0"
 */
export async function readNoteFolderStatus(root: string, env: NodeJS.ProcessEnv, folders: readonly string[]): Promise<{ status: string[]; staged: string[] }> {
  const status = splitNul(await (await porcelain(root, env)).raw(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...folders]));
  const staged = splitNul(await gitOutput(['diff', '--cached', '--name-only', '--no-renames', '-z'], { cwd: root, env }));
  return { status, staged };
}

/** `git mv from to`: null when done, else what git said. */
export async function moveTracked(root: string, env: NodeJS.ProcessEnv, from: string, to: string): Promise<string | null> {
  const moved = await porcelainResult(root, env, (git) => git.mv(from, to));
  return moved.code === 0 ? null : (moved.stderr || moved.stdout).trim();
}

/** Stage exactly these files and commit them through the repository's hooks: the new HEAD, or what git said. */
export async function commitExactFiles(root: string, env: NodeJS.ProcessEnv, files: readonly string[], message: string): Promise<string | { detail: string }> {
  const input = files.map((f) => `${f}\0`).join('');
  const add = await execGit(['add', '--pathspec-from-file=-', '--pathspec-file-nul'], { cwd: root, env, input });
  if (add.code !== 0) return { detail: (add.stderr || add.stdout).trim() };
  const commit = await porcelainResult(root, env, (git) => git.commit(message));
  if (commit.code !== 0) return { detail: `${commit.stdout}${commit.stderr}`.trim() || `git commit exited ${commit.code}` };
  return (await porcelain(root, env)).revparse(['HEAD']);
}
