import type { CanonConfig } from '../core/config.js';
import { NOTE_KINDS } from '../core/config.js';
import { SESSION_SHARD_DIR } from '../core/index-render.js';
import { classifyPath, trimSlashes } from '../core/layout.js';
import { execGit, splitNul } from './git.js';

/** One note blob a commit of a range adds or changes. */
export interface RangeBlob {
  commit: string;
  subject: string;
  path: string;
  mode: string;
  oid: string;
  /** The path's blob in the commit's (first) parent; null when the commit adds the note. */
  before: string | null;
}

const NULL_OID = /^0+$/;

/**
 * Every note blob the commits of `revs` (`<tip> --not <ref>…`, or `<ref>..HEAD`) add or change,
 * oldest commit first, from one `git log --raw`. A merge lists only what its resolution made
 * (the combined diff: paths that differ from every parent). Deletions are left out. Raw output
 * with `-z` (a merge's line starts with one colon per parent):
 *
 *     \x01<sha>\0<subject>\0\n:100644 100644 <old> <new> M\0docs/sessions/RT-260511-01.md\0
 *     \x01<sha>\0Merge x\0\0::100644 100644 100644 <p1> <p2> <new> MM\0docs/adr/INDEX.md\0
 */
export async function listRangeNoteBlobs(
  root: string,
  config: CanonConfig,
  revs: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ commits: number; blobs: RangeBlob[]; indexes: RangeBlob[] }> {
  const folders = [...new Set(NOTE_KINDS.map((k) => trimSlashes(config.folders[k])))];
  const r = await execGit(
    [
      'log',
      '--reverse',
      '--format=%x01%H%x00%s',
      '--raw',
      '-z',
      '--no-renames',
      '--no-abbrev',
      '--diff-merges=combined',
      ...revs,
      '--',
      ...folders.map((f) => `${f}/`),
    ],
    { cwd: root, env },
  );
  if (r.code !== 0) throw new Error(`git log ${revs.join(' ')} failed: ${r.stderr.trim()}`);
  // Not splitNul: an empty subject is a token too.
  const tokens = r.stdout.split('\0');
  const blobs: RangeBlob[] = [];
  const indexes: RangeBlob[] = [];
  const shards = `${trimSlashes(config.folders.session)}/${SESSION_SHARD_DIR}/`;
  let commits = 0;
  let commit = '';
  let subject = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!.replace(/^\n/, '');
    if (token.startsWith('\x01')) {
      commit = token.slice(1);
      subject = tokens[++i] ?? '';
      commits++;
      continue;
    }
    if (!token.startsWith(':')) continue;
    const rel = tokens[++i] ?? '';
    const colons = /^:+/.exec(token)![0].length;
    const fields = token.slice(colons).split(' ');
    // n parents: n+1 modes, n+1 blob ids, then the status letters.
    const mode = fields[colons] ?? '';
    const oid = fields[2 * colons + 1] ?? '';
    const parentOid = fields[colons + 1] ?? '';
    if (NULL_OID.test(oid)) continue;
    const role = classifyPath(rel, config)?.role;
    const blob = { commit, subject, path: rel, mode, oid, before: NULL_OID.test(parentOid) ? null : parentOid };
    if (role === 'note') blobs.push(blob);
    else if (role === 'index' || (rel.startsWith(shards) && /^\d{4}-\d{2}\.md$|^undated\.md$/.test(rel.slice(shards.length)))) indexes.push(blob);
  }
  return { commits, blobs, indexes };
}

/** Which of these paths exist in `tree` (files, or folders with files in them), from one `git ls-tree`. */
export async function listTreePaths(root: string, tree: string, rels: readonly string[]): Promise<Set<string>> {
  if (rels.length === 0) return new Set();
  const wanted = new Set(rels);
  const r = await execGit(['ls-tree', '-r', '-z', '--name-only', '--full-tree', tree, '--', ...wanted], { cwd: root });
  const found = new Set<string>();
  for (const file of r.code === 0 ? splitNul(r.stdout) : []) {
    for (let at = file; at !== '.' && at !== ''; at = at.includes('/') ? at.slice(0, at.lastIndexOf('/')) : '') if (wanted.has(at)) found.add(at);
  }
  return found;
}

/** The note-folder paths of `tree` (file names only: nothing is read). */
export async function listTreeNotePaths(root: string, config: CanonConfig, tree: string): Promise<string[]> {
  const folders = [...new Set(NOTE_KINDS.map((k) => trimSlashes(config.folders[k])))];
  const r = await execGit(['ls-tree', '-r', '-z', '--name-only', '--full-tree', tree, '--', ...folders], { cwd: root });
  return r.code === 0 ? splitNul(r.stdout) : [];
}
