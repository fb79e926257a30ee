import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG, NOTE_KINDS, resolveConfig, type CanonConfig } from '../core/config.js';
import { UsageError } from '../errors.js';
import { messages } from '../messages/index.js';
import { findDotGit } from './dot-git.js';
import { execGitSync } from './git.js';
import { getValidators } from './schemas.js';
import { formatSchemaErrors } from '../core/schema-errors.js';

export interface Repo {
  root: string;
  config: CanonConfig;
}

/** The store is the git work tree that contains `cwd` (docs/contract.md §13: `--cwd` overrides). */
export function findRepoRoot(cwd: string): string {
  const found = findDotGit(cwd);
  if (found !== null) return found;
  let result;
  try {
    result = execGitSync(['rev-parse', '--show-toplevel'], { cwd });
  } catch {
    throw new UsageError(messages.repo.noGit);
  }
  if (result.code !== 0) throw new UsageError(messages.repo.notARepo(cwd), messages.repo.notARepoHint);
  return result.stdout.trim();
}

export const CONFIG_FILE = 'canon.config.json';

/** canon.config.json parsed (undefined when there is none); bad JSON throws naming its line and column. */
function readConfigJson(root: string): unknown {
  const file = path.join(root, CONFIG_FILE);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const offset = Number(/position (\d+)/.exec(String(error))?.[1] ?? 0);
    const before = text.slice(0, offset).split('\n');
    throw new UsageError(
      `${CONFIG_FILE}:${before.length}:${(before.at(-1)?.length ?? 0) + 1}: ${messages.config.invalidJson(String((error as Error).message))}`,
    );
  }
}

export function readConfig(root: string): CanonConfig {
  const parsed = readConfigJson(root);
  if (parsed === undefined) return resolveConfig(null);
  const validate = getValidators().config;
  if (!validate(parsed)) {
    const first = formatSchemaErrors(validate.errors ?? [])[0];
    throw new UsageError(`${CONFIG_FILE}: ${first?.pointer || '/'} ${first?.message ?? 'is invalid'}`, messages.config.hint);
  }
  return resolveConfig(parsed as Parameters<typeof resolveConfig>[0]);
}

/**
 * The store folders from canon.config.json over the defaults, without the schema check (which loads
 * the validators): for the pre-commit hook's first look at what is staged. null when the file cannot
 * be read or parsed, or a folder is not a non-empty string: the caller then takes readConfig's road,
 * which says what is wrong.
 */
export function readFoldersUnchecked(root: string): string[] | null {
  let parsed: unknown;
  try {
    parsed = readConfigJson(root) ?? {};
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const folders = (parsed as { folders?: unknown }).folders ?? {};
  if (typeof folders !== 'object' || folders === null || Array.isArray(folders)) return null;
  const given = folders as Record<string, unknown>;
  const out: string[] = [];
  for (const kind of NOTE_KINDS) {
    const value = given[kind] ?? DEFAULT_CONFIG.folders[kind];
    if (typeof value !== 'string' || value === '') return null;
    out.push(value);
  }
  return out;
}

export function openRepo(cwd: string): Repo {
  const root = findRepoRoot(cwd);
  return { root, config: readConfig(root) };
}
