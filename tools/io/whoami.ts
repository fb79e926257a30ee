import path from 'node:path';
import type { Operator, OperatorRegistry } from '../core/operators.js';
import { formatOperatorEntry } from '../core/operator-entry.js';
import { UsageError } from '../errors.js';
import { sessionMessages } from '../messages/session.js';
import { writeFileSafelySync } from './fs.js';
import { execGit } from './git.js';
import {
  CACHE_VERSION,
  cachedOperator,
  inputKey,
  OPERATOR_CACHE,
  operatorsFingerprint,
  readOperatorCache as readCache,
  type CacheEntry,
  type CacheFile,
  type OperatorSource,
} from './operator-cache.js';

export type { OperatorSource };
export { OPERATOR_CACHE };

export interface ResolvedOperator {
  slug: string;
  initials: string;
  name: string | null;
  email: string | null;
  source: OperatorSource;
}

export interface OperatorInput {
  /** Slug or initials (`--operator`). */
  operator?: string;
  /** `--email`. */
  email?: string;
}

// Not imported from ./operators.js: that module pulls in YAML and ajv, which a cache hit must not load.
const OPERATORS_FILE = '.claude/operators.yaml';
/** A few answers are kept so that alternating `OPERATOR=a` / `OPERATOR=b` runs do not thrash the cache. */
const CACHE_ENTRIES = 16;

/**
 * Who is writing: `--operator` (slug or initials) / `--email` → `$OPERATOR` (slug or initials) →
 * `$CLAUDE_USER_EMAIL` → `git config user.email`; none of them known → UsageError (exit 2) whose hint
 * is a ready-to-paste operators.yaml entry. A given input that names nobody halts the chain instead of
 * falling through: silently attributing a note to someone else is worse than asking.
 *
 * Answers are cached in `.claude/state/operator.cache`, keyed by every input of the chain and by the
 * identity (mtime, size, inode) of operators.yaml, so a hit costs two stats and no YAML or schema
 * loading. A cached git-config answer is confirmed with one `git config` call, since git config files
 * (includes, global, XDG, env overrides) are too many to stat reliably.
 */
export async function resolveOperator(root: string, input: OperatorInput, env: NodeJS.ProcessEnv): Promise<ResolvedOperator> {
  const hit = await cachedOperator(root, input, env);
  if (hit !== null) return { ...hit, source: 'cache' };
  const fingerprint = operatorsFingerprint(root);
  const key = inputKey(input, env);
  const cache = fingerprint === null ? null : readCache(root, fingerprint);

  // The slow path loads YAML and the schema validators; import them only when needed.
  const { readOperators } = await import('./operators.js');
  const registry = readOperators(root)!;
  const resolved = await resolveFromRegistry(root, registry, input, env);
  if (fingerprint !== null) {
    const { source, ...operator } = resolved;
    writeCache(root, fingerprint, key, { operator, via: source as CacheEntry['via'] }, cache);
  }
  return resolved;
}

async function resolveFromRegistry(root: string, registry: OperatorRegistry, input: OperatorInput, env: NodeJS.ProcessEnv): Promise<ResolvedOperator> {
  if (present(input.operator)) return byName(registry, input.operator, 'flag', '--operator');
  if (present(input.email)) return byEmail(root, registry, input.email, 'flag', '--email', env);
  if (present(env.OPERATOR)) return byName(registry, env.OPERATOR, 'env-operator', '$OPERATOR');
  if (present(env.CLAUDE_USER_EMAIL)) return byEmail(root, registry, env.CLAUDE_USER_EMAIL, 'env-claude', '$CLAUDE_USER_EMAIL', env);
  const gitEmail = await readGitEmail(root, env);
  if (gitEmail !== null) return byEmail(root, registry, gitEmail, 'git-config', 'git config user.email', env);
  throw new UsageError(sessionMessages.whoami.nobody, sessionMessages.whoami.nobodyHint);
}

/** Look an operator up by slug, or by initials in any case (`rt` → `RT`). */
export function findOperator(registry: OperatorRegistry, name: string): Operator | undefined {
  const trimmed = name.trim();
  return registry.bySlug.get(trimmed) ?? registry.byInitials.get(trimmed.toUpperCase());
}

function byName(registry: OperatorRegistry, name: string, source: OperatorSource, origin: string): ResolvedOperator {
  const op = findOperator(registry, name);
  if (!op) {
    throw new UsageError(
      sessionMessages.whoami.unknownOperator(name.trim(), origin, OPERATORS_FILE),
      sessionMessages.whoami.knownOperators(registry.operators.map((o) => `${o.slug} (${o.initials})`)),
    );
  }
  return { slug: op.slug, initials: op.initials, name: op.name, email: op.emails[0] ?? null, source };
}

async function byEmail(
  root: string,
  registry: OperatorRegistry,
  raw: string,
  source: OperatorSource,
  origin: string,
  env: NodeJS.ProcessEnv,
): Promise<ResolvedOperator> {
  const email = raw.trim().toLowerCase();
  const op = registry.byEmail.get(email);
  if (op) return { slug: op.slug, initials: op.initials, name: op.name, email, source };
  // git's user.name belongs to git's user.email; it says nothing about an email given another way.
  const name = source === 'git-config' ? await readGitName(root, env) : null;
  throw new UsageError(
    sessionMessages.whoami.unknownEmail(raw.trim(), origin, OPERATORS_FILE),
    sessionMessages.whoami.pasteEntry(OPERATORS_FILE, formatOperatorEntry(raw.trim(), name, registry)),
  );
}

function present(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

function writeCache(root: string, fingerprint: string, key: string, entry: CacheEntry, previous: CacheFile | null): void {
  const kept = Object.entries(previous?.entries ?? {})
    .filter(([k]) => k !== key)
    .slice(-(CACHE_ENTRIES - 1));
  const data: CacheFile = { version: CACHE_VERSION, operators: fingerprint, entries: Object.fromEntries([...kept, [key, entry]]) };
  try {
    writeFileSafelySync(path.join(root, OPERATOR_CACHE), `${JSON.stringify(data)}\n`);
  } catch {
    // The cache only saves time; an unwritable state folder must not stop anyone from working.
  }
}

/**
 * One git config value. Plumbing, not simple-git (ADR-0014): the operator cache checks the email on
 * every warm `resume`, where loading simple-git would cost more than the rest of the command.
 */
async function readGitConfig(root: string, key: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const result = await execGit(['config', '--get', key], { cwd: root, env });
  const value = result.code === 0 ? result.stdout.trim() : '';
  return value !== '' ? value : null;
}

function readGitEmail(root: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  return readGitConfig(root, 'user.email', env);
}

function readGitName(root: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  return readGitConfig(root, 'user.name', env);
}
