import { mkdirSync } from 'node:fs';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/** Write a file atomically (temp file + fsync + rename): a reader sees the old or the new bytes, never half. */
export async function writeFileSafely(file: string, content: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, content, { encoding: 'utf8' });
}

export function writeFileSafelySync(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic.sync(file, content, { encoding: 'utf8' });
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
