// Scanning image layers as they stream (image-spec layer.md): each layer is a tar (gzip, zstd or
// plain), applied in order with whiteouts honoured (`.wh.<name>` deletes, `.wh..wh..opq` empties a
// directory), so the result is the image's final filesystem. Only candidate files (by name or a
// strong signature in their first bytes, src/formats/detect.ts isCandidate) are inspected: small ones
// in memory, larger ones spooled to a capped temp file while being hashed; the rest is skipped unread.
import { createHash } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import * as fzstd from 'fzstd';
import tar from 'tar-stream';
import { detectFile, HEAD_BYTES, isCandidate, bufferSource, type FormatLimits } from '../formats/index.js';
import type { ScannedFile } from '../mlbom/index.js';
import { openFileSource } from './file-source.js';

export interface LayerScanOptions {
  limits: FormatLimits;
  hash: boolean;
  /** Decompressed bytes read from all layers before the scan stops (reported as incomplete). */
  maxBytes: number;
  platform?: string;
  /** Largest file spooled to disk for inspection (default 8 GiB). */
  spoolMax?: number;
  onProgress?: (event: { file: string; done: number; bytes: number }) => void;
}

export interface LayerRef {
  mediaType: string;
  digest: string;
  size: number;
  open(): Promise<Readable>;
}

export interface LayerScan {
  files: ScannedFile[];
  seen: number;
  bytes: number;
  inspected: number;
  incomplete: string[];
}

const GZIP = /\+gzip$|\.tar\.gzip$|diff\.tar\.gzip|layer\.v1\.tar$/;

function zstdStream(): Transform {
  const pending: Buffer[] = [];
  const d = new fzstd.Decompress((chunk) => {
    pending.push(Buffer.from(chunk));
  });
  const drain = (t: Transform): void => {
    for (const c of pending.splice(0)) t.push(c);
  };
  const out: Transform = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        d.push(chunk);
        drain(out);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
    flush(cb) {
      try {
        d.push(new Uint8Array(0), true);
        drain(out);
        cb();
      } catch (err) {
        cb(err as Error);
      }
    },
  });
  return out;
}

function normalize(name: string): string {
  return name.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
}

export async function scanLayers(layers: readonly LayerRef[], options: LayerScanOptions): Promise<LayerScan> {
  const view = new Map<string, ScannedFile>();
  const out: LayerScan = { files: [], seen: 0, bytes: 0, inspected: 0, incomplete: [] };
  const spoolDir = await mkdtemp(path.join(tmpdir(), 'aibom-scan-'));
  const spoolMax = options.spoolMax ?? 8 * 1024 ** 3;
  try {
    for (const [i, layer] of layers.entries()) {
      if (out.bytes > options.maxBytes) {
        out.incomplete.push(`layers ${i + 1}–${layers.length} not read: the ${options.maxBytes}-byte scan budget was spent`);
        break;
      }
      const raw = await layer.open();
      const layerHash = createHash('sha256');
      let layerBytes = 0;
      const tee = new Transform({
        transform(chunk: Buffer, _e, cb) {
          layerHash.update(chunk);
          layerBytes += chunk.length;
          cb(null, chunk);
        },
      });
      const media = layer.mediaType;
      const decompressed = media.endsWith('+zstd') ? raw.pipe(tee).pipe(zstdStream()) : /gzip/.test(media) || GZIP.test(media) && !media.endsWith('.tar') ? raw.pipe(tee).pipe(createGunzip()) : raw.pipe(tee);
      const extract = tar.extract();
      decompressed.on('error', (err) => extract.destroy(err));
      raw.on('error', (err) => extract.destroy(err));
      decompressed.pipe(extract);
      const thisLayer = new Set<string>();
      for await (const entry of extract) {
        const header = entry.header;
        const name = normalize(header.name);
        const base = name.slice(name.lastIndexOf('/') + 1);
        const dir = name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '';
        if (base === '.wh..wh..opq') {
          for (const k of [...view.keys()]) if ((dir === '' || k.startsWith(`${dir}/`)) && !thisLayer.has(k)) view.delete(k);
          entry.resume();
          continue;
        }
        if (base.startsWith('.wh.')) {
          const target = (dir ? `${dir}/` : '') + base.slice(4);
          for (const k of [...view.keys()]) if (k === target || k.startsWith(`${target}/`)) view.delete(k);
          entry.resume();
          continue;
        }
        if (header.type !== 'file' && header.type !== 'contiguous-file') {
          if (view.has(name)) view.delete(name);
          entry.resume();
          continue;
        }
        out.seen++;
        out.bytes += header.size ?? 0;
        thisLayer.add(name);
        view.delete(name);
        const f = await inspectEntry(entry as unknown as Readable, name, header.size ?? 0, options, spoolDir, spoolMax);
        if (f) {
          out.inspected++;
          view.set(name, f);
        }
        if (out.bytes > options.maxBytes) {
          out.incomplete.push(`layer ${layer.digest} read only to the ${options.maxBytes}-byte scan budget`);
          extract.destroy();
          raw.destroy();
          break;
        }
      }
      const actual = `sha256:${layerHash.digest('hex')}`;
      if (out.bytes <= options.maxBytes && layer.digest.startsWith('sha256:') && actual !== layer.digest) throw new Error(`layer ${layer.digest} hashes to ${actual} (${layerBytes} bytes)`);
    }
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }
  out.files = [...view.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  return out;
}

async function inspectEntry(entry: Readable, name: string, size: number, options: LayerScanOptions, spoolDir: string, spoolMax: number): Promise<ScannedFile | undefined> {
  const hash = createHash('sha256');
  const headChunks: Buffer[] = [];
  let headLen = 0;
  let decided: 'skip' | 'memory' | 'spool' | undefined;
  let spool: Awaited<ReturnType<typeof open>> | undefined;
  const spoolPath = path.join(spoolDir, `entry-${process.hrtime.bigint()}`);
  let spooled = 0;
  let done = 0;
  const decide = async (): Promise<void> => {
    const head = Buffer.concat(headChunks);
    if (!isCandidate(name, head)) decided = 'skip';
    else if (size <= HEAD_BYTES) decided = 'memory';
    else {
      decided = 'spool';
      spool = await open(spoolPath, 'w');
      await spool.write(head);
      spooled = head.length;
    }
  };
  for await (const chunk of entry as AsyncIterable<Buffer>) {
    if (decided === undefined) {
      headChunks.push(chunk);
      headLen += chunk.length;
      hash.update(chunk);
      done += chunk.length;
      if (headLen >= Math.min(HEAD_BYTES, size)) await decide();
      continue;
    }
    if (decided === 'skip') continue;
    hash.update(chunk);
    done += chunk.length;
    options.onProgress?.({ file: name, done, bytes: size });
    if (spool && spooled < spoolMax) {
      const take = Math.min(chunk.length, spoolMax - spooled);
      await spool.write(take === chunk.length ? chunk : chunk.subarray(0, take));
      spooled += take;
    }
  }
  if (decided === undefined) await decide();
  if (decided === 'skip') return undefined;
  const sha256 = hash.digest('hex');
  try {
    if (decided === 'memory') {
      const bytes = Buffer.concat(headChunks);
      const detection = await detectFile({ path: name, size: bytes.length, head: bytes, source: bufferSource(bytes) }, options.limits);
      return detection ? { path: name, size, detection, ...(options.hash ? { sha256 } : {}) } : undefined;
    }
    await spool!.close();
    spool = undefined;
    const f = await openFileSource(spoolPath, spooled);
    try {
      const head = await f.source.read(0, HEAD_BYTES);
      const detection = await detectFile({ path: name, size: spooled, head, source: f.source }, options.limits);
      if (detection && spooled < size) detection.incomplete.push(`only the first ${spooled} of ${size} bytes were spooled for inspection`);
      return detection ? { path: name, size, detection, ...(options.hash ? { sha256 } : {}) } : undefined;
    } finally {
      await f.close();
    }
  } finally {
    if (spool) await spool.close();
    await rm(spoolPath, { force: true });
  }
}
