import { Document, isMap, isScalar, isSeq, parseDocument, Scalar, type YAMLMap } from 'yaml';
import { CANON_HOOKS, renderHookCommand, type CanonHook } from './hook-blocks.js';

/**
 * canon's hooks in a team's `.pre-commit-config.yaml` (the pre-commit framework, pre-commit.com):
 * one `repo: local` entry whose hooks run canon's steps with `language: system`, so `pre-commit
 * install` (the team's usual setup) lays hooks that reach canon, and a failing team hook still
 * fails the commit (the framework fails when any hook fails). Sample:
 *
 *     default_install_hook_types: [pre-commit]
 *     repos:
 *       - repo: https://github.com/psf/black
 *         rev: 24.1.0
 *         hooks:
 *           - id: black
 */

export const PRE_COMMIT_CONFIG = '.pre-commit-config.yaml';

// The framework's stage names for canon's hooks (`commit` and `push` are read by every 3.x and 4.x).
// Its post-rewrite stage passes no list of rewritten commits: canon works them out from the reflog
// (io/rewritten-commits.ts).
const STAGE: Record<CanonHook, string> = {
  'pre-commit': 'commit',
  'post-commit': 'post-commit',
  'pre-push': 'push',
  'post-rewrite': 'post-rewrite',
  'post-merge': 'post-merge',
};
const ID: Record<CanonHook, string> = {
  'pre-commit': 'canon',
  'post-commit': 'canon-post-commit',
  'pre-push': 'canon-pre-push',
  'post-rewrite': 'canon-post-rewrite',
  'post-merge': 'canon-post-merge',
};
// pre-push: the framework gives the pushed ref in its environment, git's hook gives it on stdin.
const PUSH_STDIN = `printf '%s %s %s %s\\n' "$PRE_COMMIT_LOCAL_BRANCH" "$PRE_COMMIT_TO_REF" "$PRE_COMMIT_REMOTE_BRANCH" "$PRE_COMMIT_FROM_REF" | `;

function load(text: string): Document {
  const doc = parseDocument(text.trim() === '' ? '{}' : text);
  if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message);
  return doc;
}

/**
 * A repository with no package.json (ADR-0031): canon is a `language: node` hook the framework
 * installs from the registry into its own environment (`additional_dependencies`), and each hook runs
 * `canon git-hook <name>`, which also lays the clone's wiring. `canon-setup` is a manual stage for doing
 * that before the first commit: `pre-commit run canon-setup --hook-stage manual`.
 */
export interface NodeHooks {
  /** What the framework installs: `canon-notes@<version>` (or a tarball path). */
  dependency: string;
}

/** The hook entries as canon's `.pre-commit-hooks.yaml` and a node `repo: local` entry share them. */
function renderNodeHooks(dependency: string | null): Array<Record<string, unknown>> {
  const deps = dependency === null ? {} : { additional_dependencies: [dependency] };
  // The framework shows a passing hook's output only when verbose: after a rewrite or a merge canon
  // announces the follow-up commit it made, or says what to run.
  const shown = (hook: CanonHook) => (hook === 'post-rewrite' || hook === 'post-merge' ? { verbose: true } : {});
  const hooks = CANON_HOOKS.map((hook) => ({
    id: ID[hook],
    name: `canon ${hook}`,
    entry: `canon git-hook ${hook}`,
    language: 'node',
    ...deps,
    pass_filenames: false,
    always_run: true,
    ...shown(hook),
    stages: [STAGE[hook]],
  }));
  return [
    ...hooks,
    {
      id: SETUP_ID,
      name: 'canon setup',
      entry: 'canon git-hook setup',
      language: 'node',
      ...deps,
      pass_filenames: false,
      always_run: true,
      stages: ['manual'],
    },
  ];
}

const SETUP_ID = 'canon-setup';

/** canon's `.pre-commit-hooks.yaml` (the file a `repo: <canon's git URL>` entry reads). */
export function renderPreCommitHooksFile(): string {
  const doc = new Document(renderNodeHooks(null));
  return `# canon's hooks for the pre-commit framework (pre-commit.com); written from renderNodeHooks in tools/core/pre-commit-config.ts, a unit test keeps them equal.\n${String(doc)}`;
}

function hookNode(doc: Document, hook: CanonHook) {
  const script = hook === 'pre-push' ? renderHookCommand(hook, '"$PRE_COMMIT_REMOTE_NAME" "$PRE_COMMIT_REMOTE_URL"', PUSH_STDIN) : renderHookCommand(hook);
  const node = doc.createNode({
    id: ID[hook],
    name: `canon ${hook}`,
    entry: 'sh -c',
    args: [script],
    language: 'system',
    pass_filenames: false,
    always_run: true,
    stages: [STAGE[hook]],
  }) as YAMLMap;
  const args = node.get('args', true);
  const first = isSeq(args) ? args.items[0] : null;
  if (isScalar(first)) first.type = Scalar.BLOCK_LITERAL;
  return node;
}

const isCanonRepo = (item: unknown) =>
  isMap(item) &&
  item.get('repo') === 'local' &&
  isSeq(item.get('hooks')) &&
  (item.get('hooks') as { items: unknown[] }).items.some((h) => isMap(h) && h.get('id') === ID['pre-commit']);

/** Whether the config runs canon as the framework's node hook (the route with no package.json). */
export function hasNodeHooks(text: string): boolean {
  try {
    const repos = load(text).get('repos');
    return (
      isSeq(repos) &&
      repos.items.some(
        (item) =>
          isCanonRepo(item) &&
          ((item as YAMLMap).get('hooks') as { items: unknown[] }).items.some(
            (h) => isMap(h) && h.get('id') === ID['pre-commit'] && h.get('language') === 'node',
          ),
      )
    );
  } catch {
    return false;
  }
}

/** Whether the config runs canon's step for this hook. */
export function hasPreCommitHook(text: string, hook: CanonHook): boolean {
  const repos = load(text).get('repos');
  return (
    isSeq(repos) &&
    repos.items.some(
      (item) => isMap(item) && isSeq(item.get('hooks')) && (item.get('hooks') as { items: unknown[] }).items.some((h) => isMap(h) && h.get('id') === ID[hook]),
    )
  );
}

/** The config with canon's local repo entry (rewritten where it stands) and canon's hook types installed by default. */
export function mergePreCommitConfig(text: string, node: NodeHooks | null = null): string {
  const doc = load(text);
  let repos = doc.get('repos');
  if (!isSeq(repos)) {
    doc.set('repos', doc.createNode([]));
    repos = doc.get('repos');
  }
  const seq = repos as { items: unknown[]; add(v: unknown): void };
  const entry = doc.createNode({ repo: 'local', hooks: [] }) as YAMLMap;
  const hooks = entry.get('hooks') as { add(v: unknown): void };
  if (node === null) for (const hook of CANON_HOOKS) hooks.add(hookNode(doc, hook));
  else for (const hook of renderNodeHooks(node.dependency)) hooks.add(doc.createNode(hook));
  const at = seq.items.findIndex(isCanonRepo);
  if (at === -1) seq.add(entry);
  else seq.items[at] = entry;
  const types = doc.get('default_install_hook_types');
  if (isSeq(types)) {
    for (const hook of CANON_HOOKS) if (!types.items.some((t) => (isScalar(t) ? t.value : t) === hook)) types.add(hook);
  } else doc.set('default_install_hook_types', doc.createNode([...CANON_HOOKS], { flow: true }));
  const out = String(doc);
  return load(out).toString() === load(text).toString() ? text : out;
}

/** The config without canon's local repo entry. */
export function removePreCommitConfig(text: string): string {
  const doc = load(text);
  const repos = doc.get('repos');
  if (!isSeq(repos)) return text;
  const at = repos.items.findIndex(isCanonRepo);
  if (at === -1) return text;
  repos.items.splice(at, 1);
  return String(doc);
}
