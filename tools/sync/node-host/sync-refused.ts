import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileSafely } from '../../io/fs.js';

/**
 * Notes `canon sync --apply` refused for a reason that lasts until the note changes (a secret, no
 * external_id, a request Notion refuses), kept in `.claude/state/sync-refused.json` (git-ignored) by
 * the content hash they had: such a note is not scanned or sent again while its committed content is
 * that one. Only a hint: without it (a fresh clone, CI) the note is refused again, at the same cost
 * as before, and its write-back is the one already committed.
 *
 *     {"docs/sessions/RT-….md":{"hash":"sha256:…","reason":"not sent: …"}}
 */
export interface Refusal {
  hash: string;
  reason: string;
}

const FILE = '.claude/state/sync-refused.json';

export function readRefusals(root: string): Map<string, Refusal> {
  try {
    const value = JSON.parse(readFileSync(path.join(root, FILE), 'utf8')) as Record<string, Partial<Refusal>>;
    return new Map(Object.entries(value).filter((e): e is [string, Refusal] => typeof e[1]?.hash === 'string' && typeof e[1]?.reason === 'string'));
  } catch {
    return new Map();
  }
}

export async function writeRefusals(root: string, refusals: ReadonlyMap<string, Refusal>): Promise<void> {
  try {
    await writeFileSafely(path.join(root, FILE), `${JSON.stringify(Object.fromEntries([...refusals].sort(([a], [b]) => (a < b ? -1 : 1))))}\n`);
  } catch {
    // A record that cannot be written only costs the refusal being found again next run.
  }
}
