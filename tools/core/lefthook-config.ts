import { isMap, isScalar, isSeq, parseDocument, Scalar, type Document } from 'yaml';
import { CANON_HOOKS, renderHookCommand, type CanonHook } from './hook-blocks.js';

/**
 * canon's entries in a team's lefthook config, so `lefthook install` (which the lefthook package
 * runs on every `npm install`) lays hooks that reach canon, and a failing team command still fails
 * the hook (lefthook fails the hook when any command fails). A hook the team writes as a `jobs:`
 * list gets a job named `canon`; otherwise a `commands:` entry named `canon`. Sample:
 *
 *     pre-commit:
 *       commands:
 *         lint:
 *           run: npx eslint {staged_files}
 */

export const LEFTHOOK_CONFIGS = ['lefthook.yml', '.lefthook.yml', 'lefthook.yaml', '.lefthook.yaml', '.config/lefthook.yml', '.config/lefthook.yaml'];
const NAME = 'canon';

function entry(hook: CanonHook): Record<string, unknown> {
  // pre-push and post-rewrite read what git writes on stdin; lefthook hands stdin to the one command that asks.
  return { run: renderHookCommand(hook, '{1} {2}'), ...(hook === 'pre-push' || hook === 'post-rewrite' ? { use_stdin: true } : {}) };
}

/** The entry as a YAML node, its shell lines as a literal block (`|-`), read as they run. */
function entryNode(doc: Document, hook: CanonHook, named: boolean) {
  const node = doc.createNode(named ? { name: NAME, ...entry(hook) } : entry(hook));
  const run = isMap(node) ? node.get('run', true) : null;
  if (isScalar(run)) run.type = Scalar.BLOCK_LITERAL;
  return node;
}

function load(text: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(doc.errors[0]!.message);
  return doc;
}

/** Whether the config runs canon's entry for this hook. */
export function hasLefthookEntry(text: string, hook: CanonHook): boolean {
  const doc = load(text);
  if (doc.hasIn([hook, 'commands', NAME])) return true;
  const jobs = doc.getIn([hook, 'jobs']);
  return isSeq(jobs) && jobs.items.some((j) => isMap(j) && j.get('name') === NAME);
}

/** The config with canon's entry in every hook canon runs (a second merge changes nothing). */
export function mergeLefthookConfig(text: string): string {
  const doc = load(text.trim() === '' ? '{}' : text);
  let changed = false;
  for (const hook of CANON_HOOKS) {
    if (hasLefthookEntry(String(doc), hook)) {
      if (doc.hasIn([hook, 'commands', NAME])) {
        const want = entry(hook);
        for (const [key, value] of Object.entries(want)) {
          if (doc.getIn([hook, 'commands', NAME, key]) !== value) changed = true;
        }
        if (changed) doc.setIn([hook, 'commands', NAME], entryNode(doc, hook, false));
      }
      continue;
    }
    const jobs = doc.getIn([hook, 'jobs']);
    if (isSeq(jobs)) jobs.add(entryNode(doc, hook, true));
    else doc.setIn([hook, 'commands', NAME], entryNode(doc, hook, false));
    changed = true;
  }
  return changed ? String(doc) : text;
}

/** The config without canon's entries (hooks and maps left empty by that are dropped). */
export function removeLefthookConfig(text: string): string {
  const doc = load(text);
  let changed = false;
  for (const hook of CANON_HOOKS) {
    if (doc.hasIn([hook, 'commands', NAME])) {
      doc.deleteIn([hook, 'commands', NAME]);
      changed = true;
      const commands = doc.getIn([hook, 'commands']);
      if (isMap(commands) && commands.items.length === 0) doc.deleteIn([hook, 'commands']);
    }
    const jobs = doc.getIn([hook, 'jobs']);
    if (isSeq(jobs)) {
      const at = jobs.items.findIndex((j) => isMap(j) && j.get('name') === NAME);
      if (at !== -1) {
        jobs.delete(at);
        changed = true;
        if (jobs.items.length === 0) doc.deleteIn([hook, 'jobs']);
      }
    }
    const left = doc.getIn([hook]);
    if (isMap(left) && left.items.length === 0) doc.deleteIn([hook]);
  }
  return changed ? String(doc) : text;
}
