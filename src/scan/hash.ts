// SHA-256 of a whole file, read sequentially with one reused buffer (the throughput bench compares
// this with `sha256sum` on the same bytes).
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

const CHUNK = 4 * 1024 * 1024;

export async function sha256OfHandle(handle: FileHandle, size: number, onBytes?: (n: number) => void): Promise<string> {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, size)));
  let pos = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    hash.update(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
    pos += bytesRead;
    onBytes?.(bytesRead);
  }
  return hash.digest('hex');
}
