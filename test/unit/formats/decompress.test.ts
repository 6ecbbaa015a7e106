// The stream decoders (src/formats/decompress.ts, lzma.ts, lz4.ts) on one payload compressed by the
// real libraries (Python's zlib, gzip, bz2, lzma and lz4.frame: scripts/python/make_fixtures.py):
// byte for byte, read forwards in windows or skipped to the end, truncated, corrupted and capped.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decompressedSource, type Compression } from '../../../src/formats/decompress.js';
import { bufferSource, FormatError } from '../../../src/formats/source.js';
import { LZMA_MAX_WINDOW } from '../../../src/formats/lzma.js';
import { modelFixtures } from '../../support/model-fixtures.js';

interface Streams {
  sha256: string;
  size: number;
  tail16: string;
  files: Record<string, string>;
  zeros: { file: string; size: number };
  farRepeat: { file: string; size: number };
}

const KINDS: Record<string, Compression> = { zlib: 'zlib', gzip: 'gzip', bz2: 'bz2', xz: 'xz', lzma: 'lzma', lz4: 'lz4', 'lz4-independent': 'lz4' };

async function readAll(kind: Compression, bytes: Uint8Array, cap = 1 << 30): Promise<{ hash: string; size: number; error: string | undefined }> {
  const s = decompressedSource(kind, bufferSource(bytes), cap);
  const h = createHash('sha256');
  let pos = 0;
  try {
    for (;;) {
      const b = await s.read(pos, 64 * 1024);
      h.update(b);
      pos += b.length;
      if (b.length < 64 * 1024) break;
    }
  } finally {
    s.close();
  }
  return { hash: h.digest('hex'), size: pos, error: s.error };
}

describe('stream decoders on data compressed by the real libraries', function () {
  this.timeout(300_000);
  let dir: string;
  let meta: Streams;
  const file = (name: string): Buffer => readFileSync(path.join(dir, name));
  before(() => {
    dir = path.join(modelFixtures().dir, 'streams');
    meta = JSON.parse(readFileSync(path.join(dir, 'streams.json'), 'utf8')) as Streams;
  });

  for (const [name, kind] of Object.entries(KINDS)) {
    it(`${name}: gives the payload back byte for byte, and skips straight to its last bytes`, async () => {
      const bytes = file(`payload.${name}`);
      const all = await readAll(kind, bytes);
      expect(all.error).to.equal(undefined);
      expect(all.size).to.equal(meta.size);
      expect(all.hash).to.equal(meta.sha256);
      const s = decompressedSource(kind, bufferSource(bytes), 1 << 30);
      const tail = await s.read(meta.size - 16, 64);
      s.close();
      expect(Buffer.from(tail).toString('hex')).to.equal(meta.tail16);
    });

    it(`${name}: a truncated or corrupted stream ends early with an error, never a throw or a hang`, async () => {
      const bytes = file(`payload.${name}`);
      const cut = await readAll(kind, bytes.subarray(0, Math.floor(bytes.length / 2)));
      expect(cut.size).to.be.lessThan(meta.size);
      const flipped = Buffer.from(bytes);
      for (let i = 64; i < flipped.length; i += 4099) flipped[i]! ^= 0x5a;
      const bad = await readAll(kind, flipped);
      expect(bad.hash).to.not.equal(meta.sha256);
    });
  }

  it('caps the output: reading past maxBytes fails as budget', async () => {
    const s = decompressedSource('zlib', bufferSource(file('payload.zlib')), 1024 * 1024);
    expect((await s.read(0, 64 * 1024)).length).to.equal(64 * 1024);
    let err: unknown;
    try {
      await s.read(1024 * 1024 - 8, 64);
    } catch (e) {
      err = e;
    }
    s.close();
    expect(err).to.be.instanceOf(FormatError);
    expect((err as FormatError).code).to.equal('budget');
    expect(s.capped).to.equal(true);
  });

  it('refuses to read backwards (the source is forward-only)', async () => {
    const s = decompressedSource('gzip', bufferSource(file('payload.gzip')), 1 << 30);
    await s.read(200_000, 10);
    let err: unknown;
    try {
      await s.read(100, 10);
    } catch (e) {
      err = e;
    }
    s.close();
    expect((err as FormatError).code).to.equal('backwards');
  });

  it(`lzma with a 64 MiB dictionary: decodes until a match reaches past the ${LZMA_MAX_WINDOW / 1048576} MiB window, then stops with a clear error`, async () => {
    const r = await readAll('lzma', file(meta.farRepeat.file));
    expect(r.size).to.be.greaterThan(LZMA_MAX_WINDOW);
    expect(r.size).to.be.lessThan(meta.farRepeat.size);
    expect(r.error).to.match(/past the \d+-byte window kept/);
  });

  it('bzip2: one block of 40 MiB output is counted, skipped to its end, and only 8 MiB of it kept', async () => {
    const bytes = file(meta.zeros.file);
    const s = decompressedSource('bz2', bufferSource(bytes), 1 << 30);
    const end = await s.read(meta.zeros.size - 4, 64);
    s.close();
    expect(Array.from(end)).to.deep.equal([0, 0, 0, 0]);
    const seq = decompressedSource('bz2', bufferSource(bytes), 1 << 30);
    let pos = 0;
    let err: unknown;
    try {
      for (; pos < meta.zeros.size; pos += 64 * 1024) await seq.read(pos, 64 * 1024);
    } catch (e) {
      err = e;
    }
    seq.close();
    expect((err as FormatError).code).to.equal('budget');
    expect(pos).to.equal(8 * 1024 * 1024);
  });
});
