import type { CommandContext, CommandOutcome } from '../../context.js';
import { OPERATORS_FILE, stagedForCanon } from '../../core/layout.js';
import { ROOT_INDEX } from '../../core/index-render.js';
import type { Issue } from '../../core/validate-note.js';
import { CONFIG_FILE, findRepoRoot, readConfig, readFoldersUnchecked, type Repo } from '../../io/repo.js';
import { listStagedEntries } from '../../io/staged.js';

export interface PreCommitOptions {
  paths?: string[];
}

/**
 * `canon pre-commit` (no paths) is canon's whole pre-commit hook (./pre-commit-checks.ts runHook).
 * It runs on every commit of the repository, most of which stage no note: one look at the staged
 * paths decides, and only a commit that touches the store, the config or the operators file loads
 * the checks (validators, secret scan, YAML, links, INDEX rendering). A commit that touches none of
 * them gets exactly what the whole hook would give it: nothing to check, nothing to rewrite.
 * `canon pre-commit <paths…>` checks and normalises those files on disk (checkPaths).
 */
export async function runPreCommit(options: PreCommitOptions, ctx: CommandContext): Promise<CommandOutcome<{ issues: Issue[] }>> {
  if (ctx.env.CANON_HOOKS === '0') return { exitCode: 0, result: { issues: [] } };
  const paths = options.paths ?? [];
  if (paths.length > 0) return (await import('./pre-commit-checks.js')).checkPaths(paths, ctx);
  const root = findRepoRoot(ctx.cwd);
  const staged = await listStagedEntries(root);
  const touched = staged.map((entry) => entry.path);
  if (!stagedForCanon(touched, readFoldersUnchecked(root), [CONFIG_FILE, OPERATORS_FILE, ROOT_INDEX])) return { exitCode: 0, result: { issues: [] } };
  const { runHook } = await import('./pre-commit-checks.js');
  return runHook({ root, config: readConfig(root) }, ctx, staged);
}

/**
 * The hook's work done ahead of `git commit` by a command that commits notes it wrote (handoff,
 * ADR-0037): see ./pre-commit-checks.ts precheckCommit.
 */
export async function precheckCommit(repo: Repo, env: NodeJS.ProcessEnv, now: () => Date): Promise<string | null> {
  return (await import('./pre-commit-checks.js')).precheckCommit(repo, env, now);
}
