import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { errorMessage, UsageError } from '../errors.js';
import { readCloneLayout, setupClone } from '../io/clone-setup.js';
import { applyInit, applyUninstall, planInit, planUninstall, readHooksPath, runHookManager, type InstallPlan } from '../io/installer.js';
import { usesPnp, writePackageLink, writePnpPlugin } from '../io/package-link.js';
import { openRepo } from '../io/repo.js';
import { installMessages as m } from '../messages/install.js';
import { formatCommands } from '../core/package-manager.js';
import { readPackageManager } from '../io/package-manager.js';
import { generateCommandWrappers } from './commands-generate.js';
import { changedIndexes, renderAllIndexes, writeIndexes } from '../steps/note-indexes.js';
import { currentCliFile, underPnp } from './setup.js';

export interface InitOptions {
  yes?: boolean;
  dryRun?: boolean;
  json?: boolean;
  notionWorkflow?: boolean;
  obsidian?: boolean;
  /** Also add the GitHub Actions workflow that runs `canon verify` (.github/workflows/canon.yml). */
  ci?: boolean;
  /** With no package.json: what the pre-commit framework installs (default canon-notes@<this version>). */
  package?: string;
  /** For tests: answer the confirmation prompt. */
  confirm?: (question: string) => Promise<boolean>;
}

/** canon is a dependency of the repository (so every clone's `npm install` brings it and runs `canon setup`). */
function pkgHasCanon(root: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    return Boolean(pkg.devDependencies?.['canon-notes'] ?? pkg.dependencies?.['canon-notes']);
  } catch {
    return false;
  }
}

/** The context with every command canon prints spelled as this repository's package manager runs it. */
function spelledFor(ctx: CommandContext, root: string): CommandContext {
  const pm = readPackageManager(root);
  if (pm === 'npm') return ctx;
  const { logger } = ctx;
  return {
    ...ctx,
    logger: {
      color: logger.color,
      interactive: logger.interactive,
      out: (t) => logger.out(formatCommands(t, pm)),
      err: (t) => logger.err(formatCommands(t, pm)),
      step: (t) => logger.step(formatCommands(t, pm)),
    },
  };
}

async function confirmOnTty(question: string): Promise<boolean> {
  const { confirm } = await import('@inquirer/prompts');
  return confirm({ message: question, default: true });
}

function describe(plan: InstallPlan): string[] {
  const lines = [m.init.heading(plan.root)];
  for (const f of plan.files) lines.push(`  ${f.before === null ? 'create' : 'change'} ${f.path}  — ${f.why}`);
  for (const r of plan.removals) lines.push(`  remove ${r.path}  — ${r.why}`);
  for (const c of plan.gitConfig) lines.push(`  git    ${c}`);
  lines.push(`  then   ${m.init.after}`);
  return lines;
}

/**
 * `canon init`: wire canon into an existing repository, merging with what is there. Prints the
 * plan, asks on a TTY (or takes --yes), writes, lays the clone's wiring, and ends with a dry run of
 * `canon backfill` for the notes already there. A second run changes nothing.
 */
export async function runInit(options: InitOptions, given: CommandContext): Promise<CommandOutcome<Record<string, unknown>>> {
  const plan = await planInit(given.cwd, {
    notionWorkflow: options.notionWorkflow === true,
    obsidian: options.obsidian === true,
    ci: options.ci === true,
    ...(options.package ? { dependency: options.package } : {}),
  });
  // Everything init prints, in the words of the repository's package manager (`yarn canon …`).
  const ctx = spelledFor(given, plan.root);
  const summary = {
    dry_run: options.dryRun === true,
    hook_system: plan.hookSystem,
    files: [
      ...plan.files.map((f) => ({ path: f.path, action: f.before === null ? 'create' : 'change', why: f.why })),
      ...plan.removals.map((r) => ({ path: r.path, action: 'remove', why: r.why })),
    ],
    git_config: plan.gitConfig,
    warnings: plan.warnings,
    applied: false,
    backfill: null as unknown,
  };
  if (!options.json) {
    for (const line of describe(plan)) ctx.logger.out(line);
    if (options.obsidian !== true && !existsSync(path.join(plan.root, '.obsidian'))) ctx.logger.out(m.init.offerObsidian);
    for (const w of plan.warnings) ctx.logger.err(`canon init: warning: ${w}`);
  }
  if (options.dryRun) {
    if (options.json) ctx.logger.out(JSON.stringify(summary, null, 2));
    else ctx.logger.err(m.init.dryRun);
    return { exitCode: 0, result: summary };
  }
  if (!options.yes) {
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) || options.confirm !== undefined;
    if (!interactive) throw new UsageError(m.init.needYes);
    if (!(await (options.confirm ?? confirmOnTty)(m.init.question))) {
      ctx.logger.err(m.init.declined);
      return { exitCode: 1, result: summary };
    }
  }

  const hooksPathBefore = await readHooksPath(plan.root);
  await applyInit(plan, hooksPathBefore);
  const layout = await readCloneLayout(plan.root);
  await setupClone(layout, { cliFile: currentCliFile(), husky: plan.hookSystem === 'husky' || plan.hookSystem === 'new-husky', pnp: underPnp() });
  if (plan.nonJs) writePackageLink(layout.top);
  else if (underPnp() && usesPnp(layout.top)) writePnpPlugin(layout.top);
  const managerLeft = await runHookManager(plan.root, plan.hookSystem);
  if (managerLeft !== null) ctx.logger.err(`canon init: warning: ${m.init.runManager(managerLeft)}`);
  try {
    await generateCommandWrappers(plan.root, false);
  } catch (error) {
    ctx.logger.err(`canon init: warning: ${errorMessage(error)}`);
  }
  try {
    const repo = openRepo(plan.root);
    await writeIndexes(repo, changedIndexes(repo, renderAllIndexes(repo)));
  } catch (error) {
    ctx.logger.err(`canon init: warning: ${errorMessage(error)}`);
  }
  summary.applied = true;

  // Notes already in the repository: what backfill would do, never done here.
  const { runBackfill } = await import('./backfill.js');
  const quiet = { ...ctx, logger: { ...ctx.logger, out: () => undefined, err: () => undefined } };
  const backfill = await runBackfill({ json: true }, quiet).catch(() => null);
  summary.backfill = backfill?.result ?? null;
  const report = backfill?.result;
  const changed = report?.changed ?? 0;
  const needHand = report?.files.filter((f) => f.problems.some((p) => p.severity === 'error')).length ?? 0;
  const route = plan.nonJs ? m.init.nonJs(options.package ?? 'canon-notes') : m.init.notADependency;
  const lonely = plan.nonJs || !pkgHasCanon(plan.root);
  if (lonely) plan.warnings.push(route);
  if (options.json) ctx.logger.out(JSON.stringify(summary, null, 2));
  else {
    ctx.logger.out(m.init.done(plan.files.length));
    ctx.logger.out(changed + needHand > 0 ? m.init.backfill(changed, report?.renamed ?? 0, needHand) : m.init.noBackfill);
    if (lonely) ctx.logger.err(`canon init: ${plan.nonJs ? '' : 'warning: '}${route}`);
    ctx.logger.out(m.init.commit);
  }
  return { exitCode: 0, result: summary };
}

export interface UninstallOptions {
  yes?: boolean;
  dryRun?: boolean;
  json?: boolean;
  confirm?: (question: string) => Promise<boolean>;
}

/** `canon uninstall`: take out exactly what init put in; the team's files come back as they were; notes stay. */
export async function runUninstall(options: UninstallOptions, given: CommandContext): Promise<CommandOutcome<Record<string, unknown>>> {
  const layout = await readCloneLayout(given.cwd);
  const ctx = spelledFor(given, layout.top);
  const plan = planUninstall(layout.top);
  const summary = { dry_run: options.dryRun === true, files: plan.steps.map((s) => ({ path: s.path, action: s.action })), applied: false };
  if (!plan.record) {
    ctx.logger.err(m.uninstall.nothing);
    if (options.json) ctx.logger.out(JSON.stringify(summary, null, 2));
    return { exitCode: 0, result: summary };
  }
  if (!options.json) {
    ctx.logger.out(m.uninstall.heading(layout.top));
    for (const s of plan.steps) ctx.logger.out(`  ${s.action.padEnd(7)} ${s.path}`);
    ctx.logger.out(`  git     ${m.uninstall.git(path.join(layout.commonDir, 'canon'))}`);
  }
  if (options.dryRun) {
    if (options.json) ctx.logger.out(JSON.stringify(summary, null, 2));
    return { exitCode: 0, result: summary };
  }
  if (!options.yes) {
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) || options.confirm !== undefined;
    if (!interactive) throw new UsageError(m.uninstall.needYes);
    if (!(await (options.confirm ?? confirmOnTty)(m.uninstall.question))) return { exitCode: 1, result: summary };
  }
  await applyUninstall(layout.top, layout, plan);
  summary.applied = true;
  if (options.json) ctx.logger.out(JSON.stringify(summary, null, 2));
  else ctx.logger.out(m.uninstall.done);
  return { exitCode: 0, result: summary };
}
