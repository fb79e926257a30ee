import { rmSync } from 'node:fs';
import path from 'node:path';
import { gitOutput, splitNul } from '../../io/git.js';
import { readBlobs } from '../../io/staged.js';

/** One file of a write-back commit. */
export interface MetadataWrite {
  file: string;
  /** The committed version of the file with canon's edit applied (HEAD's text + sync metadata). */
  committed: string;
  /**
   * The same edit applied to another version of the file (a version the user staged), or null when
   * it cannot be applied exactly (the staged text does not parse): the index entry is then left alone.
   */
  applyTo: (text: string) => string | null;
}

export type MetadataCommit = { ok: true; sha: string } | { ok: false; reason: string };

/**
 * Commit canon's write-backs on top of HEAD and nothing else. The commit is built with git's
 * plumbing in a private index (`read-tree HEAD`, `update-index --cacheinfo`, `write-tree`,
 * `commit-tree`, `update-ref` guarded by the old HEAD), so neither the user's working-tree edits nor
 * what they staged can slip in. Afterwards the user's index gets the same edit: an entry that equalled
 * HEAD now equals the new commit (no stale staged hash, no `MM`); an entry the user had staged gets
 * the metadata applied on top of their staged text, so their staged change stays staged and is all
 * that differs from the new HEAD.
 *
 * No hooks run for this commit: it changes only sync metadata (which never moves content_hash or an
 * INDEX row) and docs/sync/LAST_SYNC.md.
 */
export async function commitMetadata(root: string, writes: readonly MetadataWrite[], message: string): Promise<MetadataCommit> {
  const git = (args: string[], env?: NodeJS.ProcessEnv, input?: string) =>
    gitOutput(args, { cwd: root, ...(env ? { env } : {}), ...(input !== undefined ? { input } : {}) });
  const files = writes.map((w) => w.file);
  try {
    const head = (await git(['rev-parse', '--verify', 'HEAD'])).trim();
    const before = parseEntries(await git(['ls-tree', '-z', '--full-tree', head, '--', ...files]), 'tree');
    const oids = new Map<string, string>();
    for (const w of writes) oids.set(w.file, (await git(['hash-object', '-w', '--stdin'], undefined, w.committed)).trim());

    const indexFile = path.resolve(root, (await git(['rev-parse', '--git-path', `canon-sync-index-${process.pid}`])).trim());
    const env = { ...process.env, GIT_INDEX_FILE: indexFile };
    let commit: string;
    try {
      await git(['read-tree', head], env);
      const info = writes.map((w) => `${before.get(w.file)?.mode ?? '100644'} ${oids.get(w.file)}\t${w.file}`).join('\n') + '\n';
      await git(['update-index', '--add', '--index-info'], env, info);
      const tree = (await git(['write-tree'], env)).trim();
      commit = (await git(['commit-tree', tree, '-p', head, '-m', message])).trim();
    } finally {
      rmSync(indexFile, { force: true });
    }
    await git(['update-ref', '-m', `canon sync: ${message}`, 'HEAD', commit, head]);
    await alignIndex(root, writes, before, oids);
    return { ok: true, sha: commit };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/** Carry the commit's edit into the user's index, path by path, without touching anything else. */
async function alignIndex(root: string, writes: readonly MetadataWrite[], before: Map<string, Entry>, oids: Map<string, string>): Promise<void> {
  const git = (args: string[], input?: string) => gitOutput(args, { cwd: root, ...(input !== undefined ? { input } : {}) });
  const staged = parseEntries(await git(['ls-files', '-s', '-z', '--', ...writes.map((w) => w.file)]), 'index');
  const lines: string[] = [];
  const differing = writes.filter((w) => staged.has(w.file) && staged.get(w.file)!.oid !== before.get(w.file)?.oid);
  const blobs = await readBlobs(
    root,
    differing.map((w) => staged.get(w.file)!.oid),
  );
  for (const w of writes) {
    const entry = staged.get(w.file);
    const old = before.get(w.file);
    if (!entry) {
      // Not in the index: the user staged its removal (leave that), or it is new to git (LAST_SYNC.md).
      if (!old) lines.push(`100644 ${oids.get(w.file)}\t${w.file}`);
      continue;
    }
    if (entry.oid === old?.oid) {
      lines.push(`${entry.mode} ${oids.get(w.file)}\t${w.file}`);
      continue;
    }
    const text = blobs.get(entry.oid)?.toString('utf8');
    const next = text === undefined ? null : w.applyTo(text);
    if (next === null) continue;
    const oid = (await git(['hash-object', '-w', '--stdin'], next)).trim();
    lines.push(`${entry.mode} ${oid}\t${w.file}`);
  }
  if (lines.length > 0) await git(['update-index', '--add', '--index-info'], lines.join('\n') + '\n');
}

interface Entry {
  mode: string;
  oid: string;
}

/**
 * `ls-tree -z`: `100644 blob <oid>\t<path>\0`; `ls-files -s -z`: `100644 <oid> 0\t<path>\0`.
 * Conflicted index entries (stages 1–3) are skipped: the user is mid-merge on that file.
 */
function parseEntries(output: string, from: 'tree' | 'index'): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const record of splitNul(output)) {
    const tab = record.indexOf('\t');
    const fields = record.slice(0, tab).split(' ');
    const file = record.slice(tab + 1);
    if (from === 'tree') entries.set(file, { mode: fields[0]!, oid: fields[2]! });
    else if (fields[2] === '0') entries.set(file, { mode: fields[0]!, oid: fields[1]! });
  }
  return entries;
}
