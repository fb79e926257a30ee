import { existsSync, lstatSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { invariantServers, type CanonConfig } from '../core/config.js';
import { classifyPath, trimSlashes } from '../core/layout.js';
import type { NoteRef, ValidationContext } from '../core/validate-note.js';
import { UsageError } from '../errors.js';
import { toPosix } from '../io/fs.js';
import { execGitSync } from '../io/git.js';
import { faultMessages } from '../messages/faults.js';
import { messages } from '../messages/index.js';
import { readOperators } from '../io/operators.js';
import { getValidators } from '../io/schemas.js';

/**
 * Command-line paths as typed, checked before anything is read: a path that does not exist is a
 * usage error (exit 2) naming it. A Windows-style `docs\sessions\X.md` is read as
 * `docs/sessions/X.md` when only that exists (a backslash is a legal file-name character on POSIX).
 */
export function resolvePathArgs(cwd: string, args: readonly string[], root?: string): string[] {
  return args.map((arg) => {
    const found = findPathArg(cwd, arg);
    // A file outside the repository is no note of this store: checking "0 files" would say all is well.
    if (root !== undefined && isOutside(root, path.resolve(cwd, found)))
      throw new UsageError(faultMessages.outsideRepo(arg, root), faultMessages.outsideRepoHint);
    return found;
  });
}

function findPathArg(cwd: string, arg: string): string {
  if (pathExists(path.resolve(cwd, arg))) return arg;
  const posix = arg.replace(/\\/g, '/');
  if (posix !== arg && pathExists(path.resolve(cwd, posix))) return posix;
  throw new UsageError(messages.paths.missing(arg), posix !== arg ? messages.paths.windowsHint : undefined);
}

function isOutside(root: string, file: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync.native(p);
    } catch {
      return p;
    }
  };
  const rel = path.relative(real(root), path.join(real(path.dirname(file)), path.basename(file)));
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
}

function pathExists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Turn command-line paths (relative to cwd, or absolute as lint-staged passes them) into store notes. */
export function resolveNoteArgs(root: string, cwd: string, args: readonly string[], config: CanonConfig): { refs: NoteRef[]; skipped: string[] } {
  const refs: NoteRef[] = [];
  const skipped: string[] = [];
  for (const arg of args) {
    const rel = toPosix(path.relative(root, path.resolve(cwd, arg)));
    const info = classifyPath(rel, config);
    if (info?.role === 'note') refs.push({ rel, kind: info.kind, stem: info.stem });
    else skipped.push(rel);
  }
  return { refs, skipped };
}

/** The context the note rules need; operators.yaml is optional here (a store without it skips that rule). */
export function createValidationContext(root: string, config: CanonConfig, strict: boolean): ValidationContext {
  const folder = path.join(root, trimSlashes(config.folders.workstream));
  let workstreams: Set<string> | undefined;
  const indexed = new Map<string, boolean>();
  const validators = getValidators();
  return {
    validators,
    operators: readOperators(root, { optional: true }),
    workstreamExists: (slug) => {
      workstreams ??= existsSync(folder)
        ? new Set(
            readdirSync(folder)
              .filter((n) => n.endsWith('.md'))
              .map((n) => n.slice(0, -3)),
          )
        : new Set();
      if (workstreams.has(slug)) return true;
      // A sparse checkout may leave the workstream out of the working tree: the index still has it.
      const rel = `${trimSlashes(config.folders.workstream)}/${slug}.md`;
      if (!indexed.has(slug)) indexed.set(slug, execGitSync(['ls-files', '--error-unmatch', '--', `:(literal)${rel}`], { cwd: root }).code === 0);
      return indexed.get(slug)!;
    },
    forbiddenMcp: invariantServers(config.invariant),
    strict,
  };
}
