import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext } from '../context.js';
import type { CanonConfig } from '../core/config.js';
import { PRECOMMIT_CHECKED, RUNNER_REL } from '../core/hook-blocks.js';
import { readGitDirs } from '../io/dot-git.js';

/** Where canon's pre-commit block is written (husky's, lefthook's, git's own hooks folder). */
const PRECOMMIT_HOOK_FILES = ['.husky/pre-commit', 'lefthook.yml', '.lefthook.yml', 'lefthook.yaml', '.lefthook.yaml'];

/**
 * Whether canon's pre-commit block will run for a handoff's commit in this clone and honours
 * PRECOMMIT_CHECKED (its runner is set up, nothing turns the hooks off, a hook file holds the
 * current block), so that doing its work here first saves starting node there. Elsewhere (the
 * pre-commit framework, an older block) the hook does it all, as before (ADR-0037).
 */
export function prechecksCommit(root: string, env: NodeJS.ProcessEnv): boolean {
  if (env.CANON_HOOKS === '0' || env.HUSKY === '0' || env.GIT_INDEX_FILE !== undefined) return false;
  const dirs = readGitDirs(root, env);
  if (dirs === null || !existsSync(path.join(dirs.commonDir, RUNNER_REL))) return false;
  return [...PRECOMMIT_HOOK_FILES.map((rel) => path.join(root, rel)), path.join(dirs.commonDir, 'hooks/pre-commit')].some((file) => {
    try {
      return readFileSync(file, 'utf8').includes(PRECOMMIT_CHECKED);
    } catch {
      return false;
    }
  });
}

/** ADR-0037: the pre-commit hook's work, done in this process on what is staged; the commit's hook then skips it for exactly that content. */
export async function precheck(root: string, config: CanonConfig, ctx: CommandContext): Promise<NodeJS.ProcessEnv> {
  const { precheckCommit } = await import('../hooks/git/pre-commit.js');
  const checked = await precheckCommit({ root, config }, ctx.env, ctx.now);
  return checked === null ? {} : { [PRECOMMIT_CHECKED]: checked };
}

/** commitHandoff's beforeCommit for a handoff's commit: the precheck where the hook honours it, else none. */
export function precheckBeforeCommit(root: string, config: CanonConfig, ctx: CommandContext): (() => Promise<NodeJS.ProcessEnv>) | undefined {
  return prechecksCommit(root, ctx.env) ? () => precheck(root, config, ctx) : undefined;
}
