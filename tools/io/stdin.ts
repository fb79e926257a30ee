// Synchronous stdin for the hook: reading fd 0 directly costs nothing at start-up, where
// `process.stdin` would load the stream machinery (a few ms on every tool call).
import { fstatSync, readSync } from 'node:fs';
import { sleepSync } from './lock.js';

export interface StdinRead {
  text: string;
  /** The input was longer than the limit; `text` holds its first `limit` bytes only. */
  truncated: boolean;
}

/**
 * All of fd 0 as UTF-8, up to `limitBytes`. A terminal on stdin reads as empty, so a person running the
 * hook by hand does not hang it (tested as "a character device": node:tty would pull in net and streams;
 * the other character device one meets there, /dev/null, is empty anyway). EAGAIN happens when the parent left the pipe non-blocking: wait briefly.
 */
export function readStdinSync(limitBytes: number, deadlineMs = 2000): StdinRead {
  if (fstatSync(0).isCharacterDevice()) return { text: '', truncated: false };
  const chunks: Buffer[] = [];
  let total = 0;
  const started = Date.now();
  const buffer = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' && Date.now() - started < deadlineMs) {
        sleepSync(1);
        continue;
      }
      if (code === 'EOF' || code === 'EAGAIN') break;
      throw error;
    }
    if (n === 0) break;
    if (total + n > limitBytes) {
      chunks.push(Buffer.from(buffer.subarray(0, limitBytes - total)));
      return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(Buffer.from(buffer.subarray(0, n)));
    total += n;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}
