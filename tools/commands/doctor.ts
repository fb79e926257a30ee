import { accessSync, constants, existsSync, readdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { checkPluginSettings, LEGACY_HOOK_BUNDLES } from '../core/claude-plugin-settings.js';
import { CANON_HOOKS, hasHookBlock } from '../core/hook-blocks.js';
import { isCanonHookCommand } from '../core/install-plan.js';
import { errorMessage } from '../errors.js';
import { MERGE_DRIVER, mergeDriverCommand, readCloneLayout, runnerPath, setupClone, type CloneLayout } from '../io/clone-setup.js';
import { porcelain } from '../io/git.js';
import { readTextOrNull } from '../io/fs.js';
import { breakLock, isStale, readLockFile, type Seen } from '../io/lock.js';
import { readOperators } from '../io/operators.js';
import { findUnfinishedHandoffs } from '../io/unfinished-handoff.js';
import { resolveOperator } from '../io/whoami.js';
import { trimSlashes } from '../core/layout.js';
import { listDeadClaims, removeClaimStub, type ClaimStubFile } from '../io/claim-stubs.js';
import { openRepo } from '../io/repo.js';
import { STATE_DIR } from '../io/telemetry.js';
import { CLAIM_TEMP_PREFIX, listDeadTemps } from '../io/temp-sweep.js';
import { findUnpushedHandoffs, type UnpushedRecord } from '../io/unpushed-handoffs.js';
import { PROBE_PREFIX } from '../io/writable.js';
import { faultMessages as f } from '../messages/faults.js';
import { installMessages as m } from '../messages/install.js';
import { currentCliFile } from './setup.js';

export interface DoctorOptions {
  fix?: boolean;
  json?: boolean;
}

export interface DoctorProblem {
  check: string;
  message: string;
  fix: string;
  /** `canon setup` repairs it (what --fix runs). */
  fixable: boolean;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}


/** The hooks folder git uses in this worktree (core.hooksPath, relative to the worktree top, or .git/hooks). */
async function hooksDir(layout: CloneLayout): Promise<string> {
  const out = await (await porcelain(layout.top)).revparse(['--git-path', 'hooks']);
  return path.resolve(layout.top, out);
}

/** husky's generated hook (`. "$(dirname "$0")/h"`) runs the script of the same name one folder up. */
function scriptBehind(hookFile: string, text: string): { file: string; text: string | null } {
  if (/\/h"\s*$/.test(text.trim()) && text.includes('dirname')) {
    const script = path.join(path.dirname(path.dirname(hookFile)), path.basename(hookFile));
    return { file: script, text: readTextOrNull(script) };
  }
  return { file: hookFile, text };
}

async function checkHooks(layout: CloneLayout, problems: DoctorProblem[]): Promise<void> {
  const dir = await hooksDir(layout);
  if (!existsSync(dir)) {
    problems.push({ check: 'hooks', message: m.check.hooksPathMissing(dir), fix: m.fix.setup, fixable: true });
    return;
  }
  for (const hook of CANON_HOOKS) {
    const file = path.join(dir, hook);
    const text = readTextOrNull(file);
    if (text === null) {
      problems.push({ check: 'hooks', message: m.check.hookMissing(hook, file), fix: m.fix.setup, fixable: true });
      continue;
    }
    if (!isExecutable(file)) problems.push({ check: 'hooks', message: m.check.hookNotExecutable(file), fix: m.fix.chmod(file), fixable: false });
    const script = scriptBehind(file, text);
    if (script.text === null || !hasHookBlock(script.text)) problems.push({ check: 'hooks', message: m.check.blockMissing(hook, script.file), fix: m.fix.init, fixable: false });
    // The team's own lines: husky puts this worktree's node_modules/.bin on PATH, and a new worktree has none.
    if (script.text !== null && /\blint-staged\b/.test(script.text) && !existsSync(path.join(layout.top, 'node_modules/.bin/lint-staged'))) {
      problems.push({ check: 'lint-staged', message: m.check.lintStaged(hook), fix: m.fix.npmInstall, fixable: false });
    }
  }
  const runner = runnerPath(layout);
  const runnerText = readTextOrNull(runner);
  if (runnerText === null) {
    problems.push({ check: 'runner', message: m.check.runnerMissing(runner), fix: m.fix.setup, fixable: true });
    return;
  }
  // The runner's own search, done here without starting node: the CLI in this worktree, else the main one.
  const value = (name: string) => /^(\w+)='(.*)'$/m.exec(runnerText.split('\n').find((l) => l.startsWith(`${name}=`)) ?? '')?.[2] ?? '';
  const cli = value('cli');
  const candidates = cli.startsWith('/') ? [cli] : [path.join(layout.top, cli), ...(value('main') ? [path.join(value('main'), cli)] : [])];
  if (!cli || !candidates.some((f) => existsSync(f))) problems.push({ check: 'runner', message: m.check.runnerStale(runner), fix: m.fix.setup, fixable: true });
}

/**
 * Claude Code runs canon: settings.json declares canon's marketplace and enables its plugin
 * (ADR-0028), or — canon's own repository, or one not migrated yet — runs canon's hook bundles itself.
 */
function checkSettings(layout: CloneLayout, problems: DoctorProblem[]): void {
  const text = readTextOrNull(path.join(layout.top, '.claude/settings.json'));
  let missing: ReturnType<typeof checkPluginSettings>;
  let have: Record<string, Array<{ hooks?: Array<{ command?: string }> }>> = {};
  try {
    missing = checkPluginSettings(text);
    have = text ? ((JSON.parse(text) as { hooks?: typeof have }).hooks ?? {}) : {};
  } catch (error) {
    problems.push({ check: 'settings', message: m.check.settingsInvalid(errorMessage(error)), fix: m.fix.settings, fixable: false });
    return;
  }
  if (missing.length === 0) return;
  const legacy = ['PostToolUse', 'PostToolUseFailure', 'SessionStart', 'SessionEnd'].every((event) =>
    (have[event] ?? []).some((g) => g.hooks?.some((h) => isCanonHookCommand(h.command ?? '', LEGACY_HOOK_BUNDLES) && existsSync(path.join(layout.top, '.claude/hooks', LEGACY_HOOK_BUNDLES.find((b) => h.command?.includes(b)) ?? '')))),
  );
  if (legacy) return;
  for (const key of missing) problems.push({ check: 'settings', message: m.check.pluginMissing(key), fix: m.fix.init, fixable: false });
}

async function checkMergeDriver(layout: CloneLayout, problems: DoctorProblem[]): Promise<void> {
  const driver = (await (await porcelain(layout.top)).getConfig(`merge.${MERGE_DRIVER}.driver`)).value ?? '';
  if (!driver) problems.push({ check: 'merge-driver', message: m.check.driverMissing, fix: m.fix.setup, fixable: true });
  else if (driver !== mergeDriverCommand(layout)) problems.push({ check: 'merge-driver', message: m.check.driverStale(driver), fix: m.fix.setup, fixable: true });
  const attributes = readTextOrNull(path.join(layout.top, '.gitattributes')) ?? '';
  if (!/^\S*INDEX\.md\s+merge=canon-index\b/m.test(attributes)) problems.push({ check: 'merge-driver', message: m.check.attributesMissing, fix: m.fix.attributes, fixable: false });
}

async function checkOperator(layout: CloneLayout, env: NodeJS.ProcessEnv, problems: DoctorProblem[]): Promise<void> {
  try {
    readOperators(layout.top);
    await resolveOperator(layout.top, {}, env);
  } catch (error) {
    const reason = errorMessage(error).split('\n')[0] ?? '';
    problems.push({ check: 'operators', message: m.check.operators(reason), fix: m.fix.operators, fixable: false });
  }
}

function checkNode(problems: DoctorProblem[]): void {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 11)) problems.push({ check: 'node', message: m.check.node(process.versions.node), fix: m.fix.node, fixable: false });
}

async function checkUnfinished(layout: CloneLayout, env: NodeJS.ProcessEnv, problems: DoctorProblem[]): Promise<void> {
  for (const h of await findUnfinishedHandoffs({ root: layout.top }, { env })) {
    problems.push({ check: 'handoffs', message: m.check.unfinished(h.path), fix: m.fix.unfinished, fixable: false });
  }
}

/** Lock files whose owner is gone (or whose lease ran out): the next run breaks them; --fix does it now. */
function staleLocks(layout: CloneLayout): Array<{ file: string; seen: Seen }> {
  const state = path.join(layout.top, '.claude/state');
  const files = [path.join(layout.top, 'BACKFILL_LOCK'), ...(existsSync(state) ? readdirSync(state).filter((n) => n.endsWith('.lock')).map((n) => path.join(state, n)) : [])];
  const out: Array<{ file: string; seen: Seen }> = [];
  for (const file of files) {
    const seen = readLockFile(file);
    if (seen && isStale(seen, LOCK_LEASE_MS)) out.push({ file, seen });
  }
  return out;
}

/** No lock of canon's is meant to be held this long (sync's, the longest, has a 6 h lease). */
const LOCK_LEASE_MS = 6 * 60 * 60 * 1000;

function checkLocks(layout: CloneLayout, problems: DoctorProblem[]): void {
  for (const { file } of staleLocks(layout)) {
    problems.push({ check: 'locks', message: m.check.staleLock(path.relative(layout.top, file)), fix: m.fix.staleLock, fixable: true });
  }
}

/**
 * What killed handoffs leave (ADR-0025): claim stubs whose handoff is gone, temp files of dead
 * processes (both removed by --fix), handoff commits that never reached the remote (`git push`).
 */
async function listLeftovers(layout: CloneLayout, env: NodeJS.ProcessEnv): Promise<{ stubs: ClaimStubFile[]; temps: string[]; unpushed: UnpushedRecord[] }> {
  let config;
  try {
    config = openRepo(layout.top).config;
  } catch {
    return { stubs: [], temps: [], unpushed: [] };
  }
  const state = path.join(layout.top, STATE_DIR);
  const sessions = trimSlashes(config.folders.session);
  const temps = [
    ...listDeadTemps(path.join(layout.top, sessions), CLAIM_TEMP_PREFIX).map((n) => `${sessions}/${n}`),
    ...['handoff.lock.', PROBE_PREFIX].flatMap((prefix) => listDeadTemps(state, prefix).map((n) => `${STATE_DIR}/${n}`)),
  ];
  return { stubs: await listDeadClaims(layout.top, config, env), temps, unpushed: await findUnpushedHandoffs(layout.top, env) };
}

async function checkLeftovers(layout: CloneLayout, env: NodeJS.ProcessEnv, problems: DoctorProblem[]): Promise<void> {
  const { stubs, temps, unpushed } = await listLeftovers(layout, env);
  for (const stub of stubs) {
    problems.push({ check: 'leftovers', message: f.deadStub(stub.rel, `pid ${stub.owner?.pid} on ${stub.owner?.host}`), fix: f.deadStubFix, fixable: true });
  }
  for (const rel of temps) problems.push({ check: 'leftovers', message: f.tempLeft(rel), fix: f.tempLeftFix, fixable: true });
  for (const branch of new Set(unpushed.map((u) => u.branch))) {
    problems.push({ check: 'unpushed', message: f.unpushed(unpushed.filter((u) => u.branch === branch).map((u) => u.id), branch), fix: f.unpushedFix, fixable: false });
  }
}

async function fixLeftovers(layout: CloneLayout, env: NodeJS.ProcessEnv): Promise<void> {
  const { stubs, temps } = await listLeftovers(layout, env);
  for (const stub of stubs) removeClaimStub(layout.top, stub);
  for (const rel of temps) {
    try {
      unlinkSync(path.join(layout.top, rel));
    } catch {
      // already gone
    }
  }
}

/** Node, hooks, lint-staged, runner, merge driver, Claude Code settings, operators, unfinished handoffs, locks, leftovers of killed handoffs. */
const CHECKS = 10;

export async function diagnose(cwd: string, env: NodeJS.ProcessEnv): Promise<{ layout: CloneLayout; problems: DoctorProblem[] }> {
  const layout = await readCloneLayout(cwd);
  const problems: DoctorProblem[] = [];
  checkNode(problems);
  await checkHooks(layout, problems);
  await checkMergeDriver(layout, problems);
  checkSettings(layout, problems);
  await checkOperator(layout, env, problems);
  await checkUnfinished(layout, env, problems);
  checkLocks(layout, problems);
  await checkLeftovers(layout, env, problems);
  return { layout, problems };
}

/**
 * `canon doctor`: one line per problem with the command that fixes it; exit 1 when anything is
 * wrong. `--fix` runs `canon setup` when that repairs something, then checks again.
 */
export async function runDoctor(options: DoctorOptions, ctx: CommandContext): Promise<CommandOutcome<{ ok: boolean; fixed: number; problems: DoctorProblem[] }>> {
  let { layout, problems } = await diagnose(ctx.cwd, ctx.env);
  let fixed = 0;
  if (options.fix && problems.some((p) => p.fixable)) {
    for (const { file, seen } of staleLocks(layout)) breakLock(file, seen);
    if (problems.some((p) => p.check === 'leftovers')) await fixLeftovers(layout, ctx.env);
    if (problems.some((p) => p.fixable && p.check !== 'locks' && p.check !== 'leftovers')) await setupClone(layout, { cliFile: currentCliFile(), husky: true });
    const before = problems.length;
    ({ problems } = await diagnose(ctx.cwd, ctx.env));
    fixed = before - problems.length;
  }
  const result = { ok: problems.length === 0, fixed, problems };
  if (options.json) ctx.logger.out(JSON.stringify(result, null, 2));
  else {
    if (fixed > 0) ctx.logger.err(m.fixed(fixed));
    for (const p of problems) ctx.logger.out(`✗ ${p.message}\n    fix: ${p.fix}`);
    ctx.logger.err(problems.length === 0 ? m.ok(CHECKS) : m.problems(problems.length));
  }
  return { exitCode: problems.length === 0 ? 0 : 1, result };
}
