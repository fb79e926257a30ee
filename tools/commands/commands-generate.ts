import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { CommandContext, CommandOutcome } from '../context.js';
import { isGeneratedWrapper, renderCommandWrappers } from '../core/command-wrappers.js';
import { OperatorsError, parseOperators } from '../core/operators.js';
import { UsageError } from '../errors.js';
import { writeFileSafely } from '../io/fs.js';
import { OPERATORS_FILE, readOperators } from '../io/operators.js';
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

export const COMMANDS_DIR = '.claude/commands';

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

/** Write the wrappers for every operator (from the staged operators.yaml when `staged`, and stage them). */
export async function generateCommandWrappers(root: string, staged: boolean): Promise<CommandsGenerateResult> {
  const options = { staged };
  const registry = options.staged ? await readStagedOperators(root) : readOperators(root)!;
  const wanted = renderCommandWrappers(registry.operators);
  const dir = path.join(root, COMMANDS_DIR);

  const written: string[] = [];
  const kept: string[] = [];
  for (const [name, text] of wanted) {
    const current = readText(path.join(dir, name));
    if (current === text) continue;
    // A file of this name that canon did not generate is the user's: never overwrite it.
    if (current !== null && !isGeneratedWrapper(current)) {
      kept.push(`${COMMANDS_DIR}/${name}`);
      continue;
    }
    await writeFileSafely(path.join(dir, name), text);
    written.push(`${COMMANDS_DIR}/${name}`);
  }
  // Wrappers of operators who left operators.yaml go too, but only files canon generated.
  const removed: string[] = [];
  for (const name of listDir(dir)) {
    if (!/^(handoff|resume)-[a-z]{2,4}\.md$/.test(name) || wanted.has(name)) continue;
    if (!isGeneratedWrapper(readText(path.join(dir, name)) ?? '')) continue;
    unlinkSync(path.join(dir, name));
    removed.push(`${COMMANDS_DIR}/${name}`);
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
