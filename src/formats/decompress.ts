// Whole-stream compressions that joblib (joblib/compressor.py) and gzip'd pickles use, identified by
// their magic and decompressed in memory with an output cap: zlib `78`, gzip `1f 8b`, bz2 `BZh`,
// xz `fd 37 7a 58 5a 00`, lzma-alone `5d 00 00`, lz4 frame `04 22 4d 18`. Computation only.
import { gunzipSync, inflateSync, constants } from 'node:zlib';
import Bunzip from 'seek-bzip';
import lz4 from 'lz4js';
import lzma from 'lzma';
import xz from 'xz-decompress';
import { startsWith } from './source.js';

export type Compression = 'zlib' | 'gzip' | 'bz2' | 'xz' | 'lzma' | 'lz4';

export function compressionOf(head: Uint8Array): Compression | undefined {
  if (head.length < 4) return undefined;
  if (head[0] === 0x78 && [0x01, 0x5e, 0x9c, 0xda].includes(head[1]!) && ((head[0] << 8) | head[1]!) % 31 === 0) return 'zlib';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (startsWith(head, 'BZh') && head[3]! >= 0x31 && head[3]! <= 0x39) return 'bz2';
  if (startsWith(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return 'xz';
  if (head[0] === 0x5d && head[1] === 0x00 && head[2] === 0x00) return 'lzma';
  if (startsWith(head, [0x04, 0x22, 0x4d, 0x18])) return 'lz4';
  return undefined;
}

export interface Inflated {
  bytes: Uint8Array;
  /** Output reached the cap: only a prefix of the stream is in `bytes`. */
  capped: boolean;
  error?: string;
}

/** lzma-alone has no output cap in the decoder we use: only inputs this small are decompressed. */
export const LZMA_ALONE_MAX_INPUT = 256 * 1024;

class Capped extends Error {}

export async function decompress(kind: Compression, input: Uint8Array, maxBytes: number): Promise<Inflated> {
  try {
    switch (kind) {
      case 'zlib':
      case 'gzip': {
        const fn = kind === 'zlib' ? inflateSync : gunzipSync;
        try {
          return { bytes: fn(input, { maxOutputLength: maxBytes, finishFlush: constants.Z_SYNC_FLUSH }), capped: false };
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw err;
          // Over the cap: decompress a prefix of the input instead (flushing what it yields).
          let take = Math.max(1024, Math.floor(maxBytes / 16));
          for (;;) {
            try {
              return { bytes: fn(input.subarray(0, take), { maxOutputLength: maxBytes, finishFlush: constants.Z_SYNC_FLUSH }), capped: true };
            } catch (inner) {
              if ((inner as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE' || take <= 1024) throw inner;
              take = Math.floor(take / 4);
            }
          }
        }
      }
      case 'bz2': {
        const out = new Uint8Array(Math.min(maxBytes, Math.max(64 * 1024, input.length * 8)));
        let buf = out;
        let n = 0;
        try {
          Bunzip.decode(input, {
            writeByte(b: number): void {
              if (n >= maxBytes) throw new Capped();
              if (n >= buf.length) {
                const bigger = new Uint8Array(Math.min(maxBytes, buf.length * 2));
                bigger.set(buf);
                buf = bigger;
              }
              buf[n++] = b;
            },
          });
        } catch (err) {
          if (!(err instanceof Capped)) throw err;
          return { bytes: buf.subarray(0, n), capped: true };
        }
        return { bytes: buf.subarray(0, n), capped: false };
      }
      case 'lz4': {
        const bytes = lz4.decompress(input, maxBytes);
        return { bytes, capped: bytes.length >= maxBytes };
      }
      case 'xz': {
        const stream = new xz.XzReadableStream(new Blob([input]).stream());
        const chunks: Uint8Array[] = [];
        let n = 0;
        const reader = stream.getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          chunks.push(value);
          n += value.length;
          if (n >= maxBytes) {
            await reader.cancel();
            return { bytes: Buffer.concat(chunks).subarray(0, maxBytes), capped: true };
          }
        }
        return { bytes: Buffer.concat(chunks), capped: false };
      }
      case 'lzma': {
        if (input.length > LZMA_ALONE_MAX_INPUT) return { bytes: new Uint8Array(0), capped: true, error: `lzma-alone streams over ${LZMA_ALONE_MAX_INPUT} bytes are not decompressed (no output cap in the decoder)` };
        const out = lzma.decompress(input);
        const bytes = typeof out === 'string' ? new TextEncoder().encode(out) : Uint8Array.from(out, (b) => b & 0xff);
        return bytes.length > maxBytes ? { bytes: bytes.subarray(0, maxBytes), capped: true } : { bytes, capped: false };
      }
    }
  } catch (err) {
    return { bytes: new Uint8Array(0), capped: false, error: (err as Error).message || String(err) };
  }
}
