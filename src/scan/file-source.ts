// Byte sources over files on disk (the edge side of src/formats/source.ts): positional reads on one
// open handle, never more than asked for.
import { open, type FileHandle } from 'node:fs/promises';
import type { ByteSource } from '../formats/index.js';

export interface OpenFile {
  source: ByteSource;
  handle: FileHandle;
  close(): Promise<void>;
}

export async function openFileSource(path: string, size?: number): Promise<OpenFile> {
  const handle = await open(path, 'r');
  const total = size ?? (await handle.stat()).size;
  const source: ByteSource = {
    size: total,
    randomAccess: true,
    async read(offset, length) {
      const n = Math.max(0, Math.min(length, total - offset));
      if (n === 0) return new Uint8Array(0);
      const buf = Buffer.allocUnsafe(n);
      const { bytesRead } = await handle.read(buf, 0, n, offset);
      return buf.subarray(0, bytesRead);
    },
  };
  return { source, handle, close: () => handle.close() };
}
