import type { Issue } from '../core/validate-note.js';
import type { RangeBlob } from '../io/range-notes.js';
import { scanSecrets } from '../core/secret-scan.js';
import { readBlobs, type BlobRead } from '../io/staged.js';

/** An issue found in a commit's version of a note: the commit that put it there, and its subject. */
export interface CommitIssue extends Issue {
  commit?: string;
  subject?: string;
  /** The commit is the tip of a pushed ref (it can be amended in place). */
  tip?: boolean;
}

/**
 * The secret scan of every note blob a range adds or changes, not just the last version: a secret
 * committed and deleted again in a later commit is still in the pushed history. Each blob is read
 * once (one `git cat-file --batch`, or the caller's `read`) and scanned once, whatever the number of paths or commits that
 * hold it; a finding names the oldest commit that has it. `seen` holds blob ids already scanned.
 */
export async function scanRangeSecrets(
  root: string,
  blobs: readonly RangeBlob[],
  seen: Set<string> = new Set(),
  read: BlobRead = (specs) => readBlobs(root, specs),
): Promise<CommitIssue[]> {
  const first = new Map<string, RangeBlob>();
  for (const blob of blobs) if (!seen.has(blob.oid) && !first.has(blob.oid) && blob.mode !== '120000') first.set(blob.oid, blob);
  const bytes = await read([...first.keys()]);
  const issues: CommitIssue[] = [];
  for (const [oid, blob] of first) {
    seen.add(oid);
    const data = bytes.get(oid);
    if (!data) continue;
    for (const finding of await scanSecrets(data.toString('utf8'), blob.path)) issues.push({ ...finding, commit: blob.commit, subject: blob.subject });
  }
  return issues;
}
