import type { CommandContext, CommandOutcome } from '../context.js';
import { usesPnp, writePnpPlugin } from '../io/package-link.js';
import { readCloneLayoutIfWorkTree, setupClone, type SetupResult } from '../io/clone-setup.js';
import { installMessages } from '../messages/install.js';

export interface SetupOptions {
  json?: boolean;
  /** The CLI file the runner should call (default: the one running now). */
  cliFile?: string;
}

/** The CLI file this process runs (`node dist/canon.js`, or npm's `node_modules/.bin/canon` link). */
export function currentCliFile(): string {
  return process.argv[1] ?? 'dist/canon.js';
}

/**
 * This process runs under yarn's Plug'n'Play runtime (`yarn canon …`, yarn's postinstall, or the
 * runner's PnP route): canon's files are in a zip, and the hooks need that runtime too.
 */
export function underPnp(): boolean {
  return process.versions.pnp !== undefined;
}

/**
 * `canon setup`: the per-clone wiring, run in every clone by the package manager's install (npm's prepare, yarn's postinstall); quiet on
 * success like husky, and a no-op outside a git repository (an installed tarball, say).
 */
export async function runSetup(options: SetupOptions, ctx: CommandContext): Promise<CommandOutcome<SetupResult | null>> {
  const layout = await readCloneLayoutIfWorkTree(ctx.cwd);
  if (layout === null) {
    ctx.logger.err(installMessages.notAGitRepo);
    return { exitCode: 0, result: null };
  }
  const result = await setupClone(layout, { cliFile: options.cliFile ?? currentCliFile(), husky: true, pnp: underPnp() });
  // Under Plug'n'Play the plugin Claude Code loads is a copy in .canon/ (ADR-0029), refreshed on every install.
  if (underPnp() && usesPnp(layout.top)) writePnpPlugin(layout.top);
  if (options.json) ctx.logger.out(JSON.stringify(result, null, 2));
  return { exitCode: 0, result };
}
