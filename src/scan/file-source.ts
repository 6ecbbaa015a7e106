// Byte sources over files on disk (the edge side of src/formats/source.ts): positional reads on one
// open file descriptor, never more than asked for. Opened with O_NOFOLLOW: a symlink swapped in
// between listing a directory and opening the file is refused, never followed.
import { close, constants, fstat, open, read } from 'node:fs';
import { promisify } from 'node:util';
import type { ByteSource } from '../formats/index.js';

const openFd = promisify(open);
const closeFd = promisify(close);
const fstatFd = promisify(fstat);
const readFd = (fd: number, buf: Uint8Array, offset: number, length: number, position: number): Promise<number> =>
  new Promise((resolve, reject) => read(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n))));

export interface OpenFile {
  fd: number;
  source: ByteSource;
  close(): Promise<void>;
}

/** Reads up to `length` bytes at `position` into `buf` from its start; returns how many (fewer only at the end). */
export async function readInto(fd: number, buf: Uint8Array, length: number, position: number): Promise<number> {
  let got = 0;
  while (got < length) {
    const n = await readFd(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

export async function openFileSource(path: string, size?: number): Promise<OpenFile> {
  const fd = await openFd(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  let total: number;
  try {
    total = size ?? (await fstatFd(fd)).size;
  } catch (err) {
    await closeFd(fd);
    throw err;
  }
  return { fd, source: fdSource(fd, total), close: () => closeFd(fd) };
}

export function fdSource(fd: number, size: number): ByteSource {
  return {
    size,
    randomAccess: true,
    async read(offset, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      if (n === 0) return new Uint8Array(0);
      const buf = Buffer.allocUnsafe(n);
      return buf.subarray(0, await readInto(fd, buf, n, offset));
    },
  };
}

export { openFd, closeFd, fstatFd };
