// Scanning a file or a directory tree on disk: every regular file's first bytes go to the detectors
// (src/formats), detected model files are hashed whole, and symlinks are never followed (a model
// tree must not make the scan read /etc). Pure grouping and BOM writing happen in src/mlbom.
//
// Files are handled CONCURRENCY at a time (a directory of small files is bound by per-file system
// calls, not by bytes), each worker with its own reused head buffer. What could need real memory
// goes through narrow lanes: detecting a file that is larger than its head or compressed (at most
// HEAVY_LANES at once), and hashing a large file (one at a time, through one reused 4 MiB buffer).
// Small files are hashed from the head already read. Memory therefore does not grow with file sizes
// or counts (docs/model-scan.md "Throughput").
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';
import path from 'node:path';
import { bufferSource, detectFile, HEAD_BYTES, mayExpand, type FormatLimits } from '../formats/index.js';
import type { ScannedFile } from '../mlbom/index.js';
import { closeFd, fdSource, fstatFd, openFd, readInto } from './file-source.js';
import { HASH_CHUNK, sha256OfFd } from './hash.js';

export interface ScanOptions {
  limits: FormatLimits;
  /** Hash detected model files (false: header-only mode). */
  hash: boolean;
  /** Stop hashing after about this many bytes (the rest is listed as incomplete). */
  maxBytes: number;
  onProgress?: (event: { file: string; done: number; bytes: number }) => void;
}

export interface FileScan {
  files: ScannedFile[];
  seen: number;
  bytes: number;
  inspected: number;
  incomplete: string[];
}

const MAX_FILES = 1_000_000;
const CONCURRENCY = 16;
const HEAVY_LANES = 2;

/** At most `width` tasks at once; the rest wait in order. */
class Lane {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly width: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.width) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

interface Shared {
  options: ScanOptions;
  out: FileScan;
  heavy: Lane;
  hashing: Lane;
  hashBuffer?: Uint8Array;
}

export async function scanPath(target: string, options: ScanOptions): Promise<FileScan> {
  const st = await lstat(target);
  const out: FileScan = { files: [], seen: 0, bytes: 0, inspected: 0, incomplete: [] };
  const shared: Shared = { options, out, heavy: new Lane(HEAVY_LANES), hashing: new Lane(1) };
  if (st.isFile()) {
    await scanOne(target, path.basename(target), new Uint8Array(HEAD_BYTES), shared);
    return out;
  }
  if (!st.isDirectory()) throw new Error(`${target} is neither a file nor a directory`);
  const files = walk(target, out);
  const worker = async (): Promise<void> => {
    const head = new Uint8Array(HEAD_BYTES);
    for (let next = await files.next(); !next.done; next = await files.next()) await scanOne(path.join(target, next.value), next.value, head, shared);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  out.files.sort((a, b) => (a.path < b.path ? -1 : 1));
  return out;
}

/** Regular files under `root` (relative, `/`-separated), depth first in name order; never follows symlinks. */
async function* walk(root: string, out: FileScan): AsyncGenerator<string> {
  const stack: string[] = [''];
  let count = 0;
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const dirs: string[] = [];
    const files: string[] = [];
    for await (const e of await opendir(path.join(root, rel), { bufferSize: 256 })) {
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) dirs.push(relPath);
      else if (e.isFile()) files.push(relPath);
    }
    files.sort();
    for (const f of files) {
      if (count++ >= MAX_FILES) {
        out.incomplete.push(`more than ${MAX_FILES} files: the rest were not inspected`);
        return;
      }
      yield f;
    }
    dirs.sort((a, b) => (a < b ? 1 : -1));
    stack.push(...dirs);
  }
}

async function scanOne(abs: string, rel: string, head: Uint8Array, shared: Shared): Promise<void> {
  const { options, out } = shared;
  let fd: number;
  try {
    fd = await openFd(abs, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    // Gone since it was listed, or swapped for a symlink (ELOOP): not a file to inspect.
    if (['ENOENT', 'ELOOP', 'EACCES', 'EPERM'].includes((err as NodeJS.ErrnoException).code ?? '')) {
      out.incomplete.push(`${rel}: not read (${(err as NodeJS.ErrnoException).code})`);
      return;
    }
    throw err;
  }
  let open = true;
  const closeOnce = async (): Promise<void> => {
    if (open) {
      open = false;
      await closeFd(fd);
    }
  };
  try {
    const got = await readInto(fd, head, HEAD_BYTES, 0);
    // A short first read is the whole file; otherwise ask for the size.
    const size = got < HEAD_BYTES ? got : (await fstatFd(fd)).size;
    out.seen++;
    out.bytes += size;
    const whole = size <= got;
    const first = head.subarray(0, got);
    if (whole) await closeOnce();
    const detect = () => detectFile({ path: rel, size, head: first, source: whole ? bufferSource(first) : fdSource(fd, size) }, options.limits);
    const detection = whole && !mayExpand(first) ? await detect() : await shared.heavy.run(detect);
    if (!detection) return;
    out.inspected++;
    const file: ScannedFile = { path: rel, size, detection };
    if (options.hash && detection.format !== 'git-lfs-pointer') {
      if (whole) file.sha256 = createHash('sha256').update(first).digest('hex');
      else if (out.bytes > options.maxBytes) detection.incomplete.push('not hashed: the scan byte budget was spent');
      else {
        file.sha256 = await shared.hashing.run(async () => {
          shared.hashBuffer ??= new Uint8Array(HASH_CHUNK);
          let done = 0;
          return sha256OfFd(fd, shared.hashBuffer, options.onProgress ? (n) => options.onProgress!({ file: rel, done: (done += n), bytes: size }) : undefined);
        });
      }
    }
    out.files.push(file);
  } finally {
    await closeOnce();
  }
}
