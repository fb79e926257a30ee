import { readdirSync, readFileSync, rmdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { isGeneratedWrapper, LEGACY_COMMANDS_DIR, renderCommandWrappers, SKILLS_DIR, WRAPPER_NAME } from '../core/command-wrappers.js';
import { OperatorsError, parseOperators } from '../core/operators.js';
import { UsageError } from '../errors.js';
import { writeFileSafely } from '../io/fs.js';
import { OPERATORS_FILE, readOperators } from '../io/operators.js';
import { skillCli } from '../io/package-route.js';
import { findRepoRoot } from '../io/repo.js';
import { getValidators } from '../io/schemas.js';
import { readBlobs, stageFiles } from '../io/staged.js';
import { sessionMessages } from '../messages/session.js';

export interface CommandsGenerateOptions {
  /** Pre-commit: generate from the staged operators.yaml and stage the result. */
  staged?: boolean;
  json?: boolean;
}

export interface CommandsGenerateResult {
  written: string[];
  removed: string[];
  /** Hand-written files (no generated marker) where a wrapper would go: left as they are. */
  kept: string[];
}

export async function runCommandsGenerate(options: CommandsGenerateOptions, ctx: CommandContext): Promise<CommandOutcome<CommandsGenerateResult>> {
  const result = await generateCommandWrappers(findRepoRoot(ctx.cwd), options.staged === true);
  const { written, removed, kept } = result;
  for (const rel of kept) ctx.logger.err(sessionMessages.commands.kept(rel));
  if (options.json) ctx.logger.out(JSON.stringify(result, null, 2));
  else if (!options.staged) {
    for (const rel of written) ctx.logger.out(sessionMessages.commands.written(rel));
    for (const rel of removed) ctx.logger.out(sessionMessages.commands.removed(rel));
    if (written.length + removed.length === 0) ctx.logger.out(sessionMessages.commands.upToDate);
  }
  return { exitCode: 0, result };
}

/**
 * Write the wrappers for every operator as project skills (from the staged operators.yaml when
 * `staged`, and stage them); remove the wrappers of operators who left, and the `.claude/commands/`
 * wrappers of earlier versions — only files that carry canon's marker.
 */
export async function generateCommandWrappers(root: string, staged: boolean): Promise<CommandsGenerateResult> {
  const options = { staged };
  const registry = options.staged ? await readStagedOperators(root) : readOperators(root)!;
  // No package.json, no `npm run`: the wrappers start canon through the worktree's link (ADR-0031).
  const wanted = renderCommandWrappers(registry.operators, skillCli(root));

  const written: string[] = [];
  const kept: string[] = [];
  for (const [rel, text] of wanted) {
    const current = readText(path.join(root, rel));
    if (current === text) continue;
    // A file of this name that canon did not generate is the user's: never overwrite it.
    if (current !== null && !isGeneratedWrapper(current)) {
      kept.push(rel);
      continue;
    }
    await writeFileSafely(path.join(root, rel), text);
    written.push(rel);
  }
  const removed: string[] = [];
  const removeGenerated = (rel: string) => {
    if (!isGeneratedWrapper(readText(path.join(root, rel)) ?? '')) return;
    unlinkSync(path.join(root, rel));
    removed.push(rel);
    const dir = path.dirname(path.join(root, rel));
    if (listDir(dir).length === 0) rmdirSync(dir);
  };
  for (const name of listDir(path.join(root, SKILLS_DIR))) {
    const rel = `${SKILLS_DIR}/${name}/SKILL.md`;
    if (WRAPPER_NAME.test(name) && !wanted.has(rel)) removeGenerated(rel);
  }
  for (const name of listDir(path.join(root, LEGACY_COMMANDS_DIR))) {
    if (WRAPPER_NAME.test(name.replace(/\.md$/, '')) && name.endsWith('.md')) removeGenerated(`${LEGACY_COMMANDS_DIR}/${name}`);
  }
  if (options.staged) await stageFiles(root, [...written, ...removed]);
  return { written, removed, kept };
}

/** The operators.yaml that is about to be committed, which may differ from the working tree's. */
async function readStagedOperators(root: string) {
  const blob = (await readBlobs(root, [`:${OPERATORS_FILE}`])).get(`:${OPERATORS_FILE}`);
  if (!blob) return readOperators(root)!;
  try {
    return parseOperators(blob.toString('utf8'), OPERATORS_FILE, getValidators().operators);
  } catch (error) {
    if (error instanceof OperatorsError) throw new UsageError(error.message);
    throw error;
  }
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
