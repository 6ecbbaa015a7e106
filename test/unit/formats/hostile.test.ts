// Hostile model files: random bytes, truncated and bit-flipped real fixtures, lying lengths, deep
// nesting and `__proto__` keys give findings, never an exception, and never a read past the caps.
import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { detectFile, HEAD_BYTES } from '../../../src/formats/detect.js';
import { walkPickle } from '../../../src/formats/pickle.js';
import type { ByteSource } from '../../../src/formats/source.js';
import { DEFAULT_FORMAT_LIMITS, type FormatLimits } from '../../../src/formats/types.js';
import { modelFixtures } from '../../support/model-fixtures.js';

const LIMITS: FormatLimits = { ...DEFAULT_FORMAT_LIMITS, maxHeaderBytes: 4 * 1024 * 1024, maxInflateBytes: 4 * 1024 * 1024 };

/** A source that counts what it hands out; `declared` may lie about the size. */
function counting(bytes: Uint8Array, declared = bytes.length): ByteSource & { served: number } {
  const s = {
    size: declared,
    randomAccess: true,
    served: 0,
    read: async (offset: number, length: number) => {
      const out = bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length));
      s.served += out.length;
      return out;
    },
  };
  return s;
}

async function detectBytes(name: string, bytes: Uint8Array, declared?: number): Promise<{ served: number }> {
  const src = counting(bytes, declared);
  const head = bytes.subarray(0, HEAD_BYTES);
  await detectFile({ path: name, size: src.size, head, source: src }, LIMITS);
  return src;
}

const NAMES = ['model.gguf', 'model.safetensors', 'model.onnx', 'model.pt', 'model.pkl', 'model.joblib', 'model.h5', 'model.keras', 'model.tflite', 'model.mlmodel', 'saved_model.pb', 'model.pb', 'model.ubj', 'model.json', 'config.json', 'README.md', 'MLmodel', 'model.xml', 'model.caffemodel', 'model.bin', 'x.npy'];

describe('hostile model files', function () {
  this.timeout(120_000);

  it('random bytes under every model name: no exception, reads within the caps', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...NAMES), fc.uint8Array({ minLength: 0, maxLength: 4096 }), async (name, bytes) => {
        const { served } = await detectBytes(name, bytes);
        expect(served).to.be.at.most(LIMITS.maxHeaderBytes + LIMITS.maxInflateBytes);
      }),
      { numRuns: 400 },
    );
  });

  it('random bytes behind each real signature (the detector goes deep, then meets garbage)', async () => {
    const magics: [string, number[]][] = [
      ['m.gguf', [0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0]], ['m.pkl', [0x80, 0x04, 0x95]], ['m.pt', [0x50, 0x4b, 3, 4]], ['m.h5', [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]],
      ['m.tflite', [0x1c, 0, 0, 0, 0x54, 0x46, 0x4c, 0x33]], ['m.onnx', [0x08, 0x07, 0x12]], ['m.joblib', [0x78, 0x9c]], ['m.ubj', [0x7b, 0x4c]], ['m.npy', [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]],
      ['m.safetensors', [16, 0, 0, 0, 0, 0, 0, 0, 0x7b]], ['m.mlmodel', [0x08, 0x07, 0x12]], ['m.engine', [8, 0, 0, 0, 0x7b]],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...magics), fc.uint8Array({ minLength: 0, maxLength: 2048 }), async ([name, magic], tail) => {
        await detectBytes(name, Uint8Array.from([...magic, ...tail]));
      }),
      { numRuns: 600 },
    );
  });

  it('every real fixture truncated at random points and bit-flipped: findings, no exception', async () => {
    const { dir, manifest } = modelFixtures();
    const files = manifest.filter((m) => m.size < 2 * 1024 * 1024).map((m) => ({ name: m.path, bytes: readFileSync(path.join(dir, m.path)) }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...files), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(), async (f, cut, flip) => {
        const truncated = f.bytes.subarray(0, Math.floor(f.bytes.length * cut));
        await detectBytes(f.name, truncated);
        const flipped = Buffer.from(f.bytes);
        if (flipped.length > 0) flipped[flip % flipped.length] = flipped[flip % flipped.length]! ^ 0xff;
        await detectBytes(f.name, flipped);
      }),
      { numRuns: 300 },
    );
  });

  it('a GGUF that declares 2^60 keys, or a 2^50-byte string, is refused at once', async () => {
    const huge = Buffer.alloc(64);
    huge.write('GGUF', 0);
    huge.writeUInt32LE(3, 4);
    huge.writeBigUInt64LE(1n, 8);
    huge.writeBigUInt64LE(1n << 60n, 16);
    const { served } = await detectBytes('x.gguf', huge);
    expect(served).to.be.at.most(64);
    const lyingString = Buffer.alloc(64);
    lyingString.write('GGUF', 0);
    lyingString.writeUInt32LE(3, 4);
    lyingString.writeBigUInt64LE(0n, 8);
    lyingString.writeBigUInt64LE(1n, 16);
    lyingString.writeBigUInt64LE(1n << 50n, 24);
    await detectBytes('x.gguf', lyingString);
  });

  it('a file whose declared size is 4 GiB but holds 1 KiB (a lying tar header) is read only as far as it goes', async () => {
    const bytes = Buffer.alloc(1024);
    bytes.writeBigUInt64LE(3_000_000_000n, 0);
    bytes[8] = 0x7b;
    const { served } = await detectBytes('model.safetensors', bytes, 4 * 1024 ** 3);
    expect(served).to.be.at.most(1024);
  });

  it('safetensors headers with __proto__ keys and deep nesting give findings, and do not pollute prototypes', async () => {
    const raw = '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    const buf = Buffer.concat([Buffer.alloc(8), Buffer.from(raw), Buffer.alloc(4)]);
    buf.writeBigUInt64LE(BigInt(raw.length), 0);
    const src = counting(buf);
    const d = await detectFile({ path: 'm.safetensors', size: buf.length, head: buf, source: src }, LIMITS);
    expect(d!.findings.some((f) => f.code === 'forbidden-key')).to.equal(true);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const deepBuf = Buffer.concat([Buffer.alloc(8), Buffer.from(deep)]);
    deepBuf.writeBigUInt64LE(BigInt(deep.length), 0);
    const dd = await detectFile({ path: 'm.safetensors', size: deepBuf.length, head: deepBuf.subarray(0, HEAD_BYTES), source: counting(deepBuf) }, LIMITS);
    expect(dd!.findings.map((f) => f.code)).to.include('malformed-header');
  });

  it('a pickle that nests 100,000 MARKs or loops GET/PUT stays within the opcode cap', async () => {
    const marks = Buffer.concat([Buffer.from([0x80, 0x04]), Buffer.alloc(100_000, 0x28), Buffer.from('.')]);
    const scan = await walkPickle(counting(marks), LIMITS);
    expect(scan.findings.some((f) => f.code === 'malformed-pickle')).to.equal(true);
    const loop = Buffer.concat([Buffer.from([0x80, 0x02, 0x4e, 0x71, 0x00]), Buffer.alloc(2_000_000, 0).map((_, i) => (i % 2 === 0 ? 0x68 : 0x00)), Buffer.from('.')]);
    const small = await walkPickle(counting(loop), { ...LIMITS, maxPickleOps: 10_000 });
    expect(small.findings.some((f) => f.code === 'pickle-too-large')).to.equal(true);
  });

  it('a zip bomb member and a lying central directory stay within the inflate cap', async () => {
    const { dir } = modelFixtures();
    const pt = readFileSync(path.join(dir, 'formats/pytorch/model.pt'));
    const lying = Buffer.from(pt);
    const eocd = lying.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    lying.writeUInt32LE(0xfffffff0, eocd + 16);
    await detectBytes('model.pt', lying);
  });
});
