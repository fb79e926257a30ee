import type { NoteOrigin } from '../core/backfill-plan.js';
import { gitOutput } from './git.js';

/**
 * Who first added each file under `folders`, following renames: one `git log` for the whole store
 * instead of one `git log --diff-filter=A --follow -- <file>` per file (the same answer, but the
 * per-file form costs a process per note). Raw output of
 * `git log --reverse -M --diff-filter=AR --name-status -z --format=%x01%ae%x09%as`:
 *
 *     \x01roman@example.com\t2026-05-11\0\nA\0docs/plans/a.md\0R100\0docs/plans/a.md\0docs/plans/b.md\0
 *
 * Oldest commit first, so the first add of a path wins and a rename hands its origin on.
 */
export async function readNoteOrigins(root: string, folders: readonly string[], env?: NodeJS.ProcessEnv): Promise<Map<string, NoteOrigin>> {
  const origins = new Map<string, NoteOrigin>();
  const head = await gitOutput(['rev-parse', '--verify', '-q', 'HEAD'], { cwd: root, env }).catch(() => '');
  if (head.trim() === '') return origins;
  const out = await gitOutput(['log', '--reverse', '-M', '--diff-filter=AR', '--name-status', '-z', '--format=%x01%ae%x09%as', '--', ...folders], {
    cwd: root,
    env,
  });
  for (const record of out.split('\x01')) {
    if (record === '') continue;
    const end = record.indexOf('\0');
    const [email = '', date = ''] = record.slice(0, end).split('\t');
    const commit: NoteOrigin = { email, date };
    const fields = record
      .slice(end + 1)
      .replace(/^\n/, '')
      .split('\0');
    for (let i = 0; i < fields.length;) {
      const status = fields[i] ?? '';
      if (status.startsWith('R')) {
        const from = fields[i + 1]!;
        const to = fields[i + 2]!;
        origins.set(to, origins.get(from) ?? origins.get(to) ?? commit);
        i += 3;
      } else if (status === 'A') {
        const file = fields[i + 1]!;
        if (!origins.has(file)) origins.set(file, commit);
        i += 2;
      } else i += 1;
    }
  }
  return origins;
}
