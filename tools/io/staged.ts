import { spawn } from 'node:child_process';
import { splitNul, gitOutput } from './git.js';

export interface StagedChange {
  status: 'A' | 'M' | 'D';
  path: string;
}

/**
 * Staged changes, renames split into delete + add. Raw `git diff --cached --name-status -z`:
 *
 *     M\0docs/sessions/RT-260511-01.md\0D\0docs/plans/old.md\0
 */
export async function listStagedChanges(root: string): Promise<StagedChange[]> {
  const out = await gitOutput(['diff', '--cached', '--name-status', '--no-renames', '-z', '--diff-filter=ACMD'], { cwd: root });
  const parts = splitNul(out);
  const changes: StagedChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const code = parts[i]![0];
    changes.push({ status: code === 'D' ? 'D' : code === 'A' || code === 'C' ? 'A' : 'M', path: parts[i + 1]! });
  }
  return changes;
}

/**
 * Read blobs as staged (`:path`) or at any revision, in one `git cat-file --batch` process.
 * Output per object: `<oid> blob <size>\n<bytes>\n`, or `<name> missing\n`.
 */
export async function readBlobs(root: string, specs: readonly string[]): Promise<Map<string, Buffer | null>> {
  const result = new Map<string, Buffer | null>();
  if (specs.length === 0) return result;
  const child = spawn('git', ['cat-file', '--batch'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stdin.end(specs.map((s) => `${s}\n`).join(''));
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  const out = Buffer.concat(chunks);
  let pos = 0;
  for (const spec of specs) {
    const eol = out.indexOf(0x0a, pos);
    if (eol === -1) break;
    const header = out.subarray(pos, eol).toString('utf8');
    pos = eol + 1;
    if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
      result.set(spec, null);
      continue;
    }
    const size = Number(header.split(' ')[2]);
    result.set(spec, out.subarray(pos, pos + size));
    pos += size + 1;
  }
  return result;
}

export async function stageFiles(root: string, files: readonly string[]): Promise<void> {
  if (files.length === 0) return;
  await gitOutput(['add', '--', ...files], { cwd: root });
}


/** Record the removal of files canon deleted (a no-op for ones git never tracked). */
export async function unstageRemoved(root: string, files: readonly string[]): Promise<void> {
  if (files.length === 0) return;
  await gitOutput(['rm', '-q', '--cached', '--ignore-unmatch', '--', ...files], { cwd: root });
}
