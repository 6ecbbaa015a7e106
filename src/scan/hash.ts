// SHA-256 of a whole file, read sequentially into one buffer the caller owns and reuses (the
// throughput bench compares this with `sha256sum` on the same bytes).
import { createHash } from 'node:crypto';
import { readInto } from './file-source.js';

export const HASH_CHUNK = 4 * 1024 * 1024;

export async function sha256OfFd(fd: number, buf: Uint8Array, onBytes?: (n: number) => void): Promise<string> {
  const hash = createHash('sha256');
  for (let pos = 0; ; ) {
    const n = await readInto(fd, buf, buf.length, pos);
    if (n === 0) break;
    hash.update(n === buf.length ? buf : buf.subarray(0, n));
    pos += n;
    onBytes?.(n);
    if (n < buf.length) break;
  }
  return hash.digest('hex');
}
