// Synchronous output for the hooks and the warm resume: writing to fd 1 or 2 directly costs nothing
// at start-up, where `process.stdout` and `process.stderr` would load node's stream machinery (net,
// stream and some twenty modules that `node -e 0` never loads; ADR-0040). The counterpart of stdin.ts.
import { writeSync } from 'node:fs';

/**
 * All of `text` to fd 1 or 2. false when the reader has gone (EPIPE: `canon resume | head`), and the
 * rest is dropped; the caller decides what that means. EAGAIN (a parent left the pipe non-blocking and
 * it is full): the rest goes through the stream, which waits for the reader.
 */
export function writeFdSync(fd: 1 | 2, text: string): boolean {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length;) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return false;
      if (code !== 'EAGAIN') throw error;
      const stream = fd === 1 ? process.stdout : process.stderr;
      stream.on('error', () => undefined); // a reader gone by then is not an error either
      stream.write(bytes.subarray(offset));
      return true;
    }
  }
  return true;
}
