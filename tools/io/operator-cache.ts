// The operator cache `.claude/state/operator.cache` (docs/contract.md §4), read side, Node built-ins only: shared
// by whoami (io/whoami.ts) and the SessionStart hook bundle, which must resolve the operator without
// loading YAML or the schema validators.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { execGit } from './git.js';

export const OPERATOR_CACHE = '.claude/state/operator.cache';
// 2: keys are the inputs themselves, not their sha256 (loading node:crypto cost the hooks ~3 ms).
export const CACHE_VERSION = 2;
const OPERATORS_FILE = '.claude/operators.yaml';

export type OperatorSource = 'flag' | 'env-operator' | 'env-claude' | 'git-config' | 'cache';

export interface CacheEntry {
  operator: { slug: string; initials: string; name: string | null; email: string | null };
  /** The source the answer first came from; a `git-config` answer is re-checked against git on every hit. */
  via: Exclude<OperatorSource, 'cache'>;
}

export interface CacheFile {
  version: number;
  /** operators.yaml identity: the cache dies with any edit of it. */
  operators: string;
  entries: Record<string, CacheEntry>;
}

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** Every input that can change the answer is in the key; the git email is checked separately. */
export function inputKey(input: { operator?: string; email?: string }, env: NodeJS.ProcessEnv): string {
  const parts = [input.operator, input.email, env.OPERATOR, env.CLAUDE_USER_EMAIL].map((v) => (present(v) ? v.trim() : ''));
  return JSON.stringify(parts);
}

/** The identity of operators.yaml (mtime, ctime, size, inode): any edit of it invalidates the cache. */
export function operatorsFingerprint(root: string): string | null {
  try {
    const s = statSync(path.join(root, OPERATORS_FILE), { bigint: true });
    return `${s.mtimeNs}:${s.ctimeNs}:${s.size}:${s.ino}`;
  } catch {
    return null; // missing: the slow path reports it
  }
}

export function readOperatorCache(root: string, fingerprint: string): CacheFile | null {
  try {
    const data = JSON.parse(readFileSync(path.join(root, OPERATOR_CACHE), 'utf8')) as CacheFile;
    if (data.version !== CACHE_VERSION || data.operators !== fingerprint || typeof data.entries !== 'object' || data.entries === null) return null;
    return data;
  } catch {
    return null; // missing or corrupt: recompute
  }
}

/**
 * The operator from the cache alone, or null when it cannot answer (no entry for these inputs,
 * operators.yaml edited, or a `git-config` answer whose email git no longer gives). Shared by whoami,
 * the warm `resume` and the SessionStart hook, so all three trust the cache alike.
 */
export async function cachedOperator(
  root: string,
  input: { operator?: string; email?: string },
  env: NodeJS.ProcessEnv,
): Promise<CacheEntry['operator'] | null> {
  const fingerprint = operatorsFingerprint(root);
  if (fingerprint === null) return null;
  const hit = readOperatorCache(root, fingerprint)?.entries[inputKey(input, env)];
  if (hit === undefined) return null;
  if (hit.via !== 'git-config') return hit.operator;
  const git = await execGit(['config', '--get', 'user.email'], { cwd: root, env });
  const email = git.code === 0 ? git.stdout.trim() : null;
  return email !== null && email.toLowerCase() === hit.operator.email ? hit.operator : null;
}
