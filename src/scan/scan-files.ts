// Scanning a file or a directory tree on disk: every regular file's first bytes go to the detectors
// (src/formats), detected model files are hashed whole, and symlinks are never followed (a model
// tree must not make the scan read /etc). Pure grouping and BOM writing happen in src/mlbom.
import { lstat, opendir } from 'node:fs/promises';
import path from 'node:path';
import { detectFile, HEAD_BYTES, type FormatLimits } from '../formats/index.js';
import type { ScannedFile } from '../mlbom/index.js';
import { openFileSource } from './file-source.js';
import { sha256OfHandle } from './hash.js';

export interface ScanOptions {
  limits: FormatLimits;
  /** Hash detected model files (false: header-only mode). */
  hash: boolean;
  /** Stop inspecting after this many bytes hashed (the rest is listed as incomplete). */
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

export async function scanPath(target: string, options: ScanOptions): Promise<FileScan> {
  const st = await lstat(target);
  const out: FileScan = { files: [], seen: 0, bytes: 0, inspected: 0, incomplete: [] };
  if (st.isFile()) {
    await scanOne(target, path.basename(target), st.size, options, out);
    return out;
  }
  if (!st.isDirectory()) throw new Error(`${target} is neither a file nor a directory`);
  const stack: string[] = [''];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const dir = await opendir(path.join(target, rel));
    const entries: { name: string; dir: boolean; file: boolean }[] = [];
    for await (const e of dir) entries.push({ name: e.name, dir: e.isDirectory(), file: e.isFile() });
    entries.sort((a, b) => (a.name < b.name ? 1 : -1));
    for (const e of entries) {
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.dir) stack.push(relPath);
      else if (e.file) {
        if (out.seen >= MAX_FILES) {
          out.incomplete.push(`more than ${MAX_FILES} files: the rest were not inspected`);
          return out;
        }
        const size = (await lstat(path.join(target, relPath))).size;
        await scanOne(path.join(target, relPath), relPath, size, options, out);
      }
    }
  }
  out.files.sort((a, b) => (a.path < b.path ? -1 : 1));
  return out;
}

async function scanOne(abs: string, rel: string, size: number, options: ScanOptions, out: FileScan): Promise<void> {
  out.seen++;
  out.bytes += size;
  const f = await openFileSource(abs, size);
  try {
    const head = await f.source.read(0, HEAD_BYTES);
    const detection = await detectFile({ path: rel, size, head, source: f.source }, options.limits);
    if (!detection) return;
    out.inspected++;
    const file: ScannedFile = { path: rel, size, detection };
    if (options.hash && detection.format !== 'git-lfs-pointer') {
      if (out.bytes > options.maxBytes) {
        detection.incomplete.push('not hashed: the scan byte budget was spent');
      } else {
        let done = 0;
        file.sha256 = await sha256OfHandle(f.handle, size, options.onProgress ? (n) => options.onProgress!({ file: rel, done: (done += n), bytes: size }) : undefined);
      }
    }
    out.files.push(file);
  } finally {
    await f.close();
  }
}
