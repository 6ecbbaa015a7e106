// Whole-stream compressions that joblib (joblib/compressor.py) and gzip'd pickles use, identified by
// their magic: zlib `78`, gzip `1f 8b`, bz2 `BZh`, xz `fd 37 7a 58 5a 00`, lzma-alone `5d 00 00`,
// lz4 frame `04 22 4d 18`. Each is decompressed as a stream (stream-source.ts): the compressed input
// is read forwards in 64 KiB pieces and only a window of output is held, so memory does not grow
// with the file. Computation only; the decoders are loaded on first use.
import { constants, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { Readable, type Transform } from 'node:stream';
import { FormatError, type ByteSource } from './source.js';
import { LzmaDecoder, parseLzmaHeader } from './lzma.js';
import { Lz4FrameDecoder } from './lz4.js';
import { StreamSource, type Produced, type Producer } from './stream-source.js';

export type Compression = 'zlib' | 'gzip' | 'bz2' | 'xz' | 'lzma' | 'lz4';

export function compressionOf(head: Uint8Array): Compression | undefined {
  if (head.length < 4) return undefined;
  if (head[0] === 0x78 && [0x01, 0x5e, 0x9c, 0xda].includes(head[1]!) && ((head[0] << 8) | head[1]!) % 31 === 0) return 'zlib';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68 && head[3]! >= 0x31 && head[3]! <= 0x39) return 'bz2';
  if (head.length >= 6 && head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58 && head[4] === 0x5a && head[5] === 0x00) return 'xz';
  if (head[0] === 0x5d && head[1] === 0x00 && head[2] === 0x00) return 'lzma';
  if (head[0] === 0x04 && head[1] === 0x22 && head[2] === 0x4d && head[3] === 0x18) return 'lz4';
  return undefined;
}

const INPUT_CHUNK = 64 * 1024;
const OUTPUT_CHUNK = 64 * 1024;

/** The compressed input, read forwards. */
class InputReader {
  pos = 0;
  constructor(private readonly source: ByteSource) {}

  async next(n = INPUT_CHUNK): Promise<Uint8Array | undefined> {
    if (this.pos >= this.source.size) return undefined;
    const b = await this.source.read(this.pos, Math.min(n, this.source.size - this.pos));
    if (b.length === 0) return undefined;
    this.pos += b.length;
    return b;
  }
}

/**
 * The decompressed bytes of `input` as a forward-only source of at most `maxBytes` (reads past the
 * cap fail as `budget`; a corrupt or truncated stream ends early with `error` set). Close it when done.
 */
export function decompressedSource(kind: Compression | 'deflate-raw', input: ByteSource, maxBytes: number): StreamSource {
  const reader = new InputReader(input);
  const producer = kind === 'zlib' || kind === 'gzip' || kind === 'deflate-raw' ? zlibProducer(kind, reader) : kind === 'xz' ? xzProducer(reader) : kind === 'lzma' ? lzmaProducer(reader) : kind === 'lz4' ? lz4Producer(reader) : bz2Producer(reader);
  return new StreamSource(producer, maxBytes);
}

function zlibProducer(kind: 'zlib' | 'gzip' | 'deflate-raw', reader: InputReader): Producer {
  // Z_SYNC_FLUSH at the end: a truncated stream yields what it holds instead of failing.
  const options = { chunkSize: OUTPUT_CHUNK, finishFlush: constants.Z_SYNC_FLUSH };
  const z: Transform = kind === 'gzip' ? createGunzip(options) : kind === 'zlib' ? createInflate(options) : createInflateRaw(options);
  const input = Readable.from(
    (async function* () {
      for (let b = await reader.next(); b; b = await reader.next()) yield b;
    })(),
    { objectMode: false, highWaterMark: INPUT_CHUNK },
  );
  input.on('error', (err) => z.destroy(err));
  input.pipe(z);
  const out = z[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return {
    async next() {
      const r = await out.next();
      return r.done ? undefined : { bytes: r.value };
    },
    close() {
      input.destroy();
      z.destroy();
    },
  };
}

interface XzModule {
  XzReadableStream: new (input: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
}

function xzProducer(reader: InputReader): Producer {
  let stream: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let closed = false;
  return {
    async next() {
      if (!stream) {
        // The package is CommonJS marked __esModule: Node puts its exports on `default`, tsx on the namespace.
        const m = (await import('xz-decompress')) as unknown as { default?: XzModule } & Partial<XzModule>;
        const xz = m.default?.XzReadableStream ? m.default : (m as XzModule);
        const input = new ReadableStream<Uint8Array>({
          async pull(controller) {
            const b = await reader.next();
            if (b) controller.enqueue(b);
            else controller.close();
          },
        });
        stream = new xz.XzReadableStream(input).getReader();
      }
      const r = await stream.read();
      return r.done ? undefined : { bytes: r.value };
    },
    close() {
      if (closed) return;
      closed = true;
      void stream?.cancel().catch(() => undefined);
    },
  };
}

/** Feeds a synchronous decoder: at least `ahead` input bytes buffered before each step, or the end. */
async function feed(reader: InputReader, want: () => number, push: (b: Uint8Array) => void, end: () => void): Promise<void> {
  while (want() > 0) {
    const b = await reader.next(Math.max(INPUT_CHUNK, want()));
    if (!b) {
      end();
      return;
    }
    push(b);
  }
}

function lzmaProducer(reader: InputReader): Producer {
  let decoder: LzmaDecoder | undefined;
  const out = new Uint8Array(OUTPUT_CHUNK + 512);
  return {
    async next() {
      if (!decoder) {
        const h = await reader.next(13);
        if (!h || h.length < 13) throw new FormatError('truncated', 'lzma header needs 13 bytes');
        decoder = new LzmaDecoder(parseLzmaHeader(h));
      }
      const d = decoder;
      for (;;) {
        if (d.done) return undefined;
        await feed(reader, () => d.wants, (b) => d.input.push(b), () => (d.input.ended = true));
        const n = d.step(out, OUTPUT_CHUNK);
        if (n > 0) return { bytes: out.slice(0, n) };
        if (d.input.ended && !d.done) throw new FormatError('truncated', 'lzma stream ends before its end marker');
      }
    },
    close() {
      decoder = undefined;
    },
  };
}

function lz4Producer(reader: InputReader): Producer {
  const d = new Lz4FrameDecoder();
  return {
    async next() {
      for (;;) {
        await feed(reader, () => d.wants, (b) => d.push(b), () => d.end());
        const bytes = d.step();
        if (bytes) return { bytes };
        if (d.done) return undefined;
      }
    },
    close() {
      d.release();
    },
  };
}

/** bzip2 blocks hold at most 900 kB before the initial run-length step, so ~1 MB of input is always enough for one. */
const BZ2_BLOCK_INPUT = 1_100_000;
/** Output kept of one block (a block of runs can expand to ~45 MB); the rest is counted and dropped. */
const BZ2_BLOCK_KEEP = 8 * 1024 * 1024;

interface BunzipInternals {
  _init_block(): boolean;
  _read_bunzip(): number;
  _start_bunzip(input: unknown, output: unknown): void;
  reader: { read(bits: number): number };
  streamCRC: number;
}

/**
 * bzip2 through seek-bzip, one block at a time (its block-level steps: `_init_block` reads one
 * block, `_read_bunzip` writes its output byte by byte); the input for a whole block is buffered
 * before the block is decoded, and only the part of a block's output the reader still needs is kept.
 */
// eslint-disable-next-line max-lines-per-function -- bzip2's block decoder is one state machine over its bit reader and Huffman tables
function bz2Producer(reader: InputReader): Producer {
  let buf = new Uint8Array(0);
  let pos = 0;
  let ended = false;
  let bz: BunzipInternals | undefined;
  let finished = false;
  let produced = 0;
  let keepFrom = 0;
  let kept: Uint8Array = new Uint8Array(0);
  let keptLen = 0;
  let keptStart = 0;
  let dropped = 0;
  const input = {
    readByte(): number {
      if (pos >= buf.length) throw new FormatError('truncated', 'bzip2 stream ends in the middle of a block');
      return buf[pos++]!;
    },
    read(b: Uint8Array, off: number, len: number): number {
      for (let i = 0; i < len; i++) b[off + i] = input.readByte();
      return len;
    },
    eof(): boolean {
      return ended && pos >= buf.length;
    },
  };
  const output = {
    writeByte(b: number): void {
      const at = produced++;
      if (at < keepFrom) return;
      if (keptLen === 0) keptStart = at;
      if (keptLen >= BZ2_BLOCK_KEEP) {
        dropped++;
        return;
      }
      if (keptLen === kept.length) {
        const bigger = new Uint8Array(Math.min(BZ2_BLOCK_KEEP, Math.max(64 * 1024, kept.length * 2)));
        bigger.set(kept);
        kept = bigger;
      }
      kept[keptLen++] = b;
    },
  };
  const refill = async (): Promise<void> => {
    if (pos > 0) {
      buf = buf.slice(pos);
      pos = 0;
    }
    while (!ended && buf.length < BZ2_BLOCK_INPUT) {
      const b = await reader.next(BZ2_BLOCK_INPUT - buf.length);
      if (!b) ended = true;
      else {
        const next = new Uint8Array(buf.length + b.length);
        next.set(buf);
        next.set(b, buf.length);
        buf = next;
      }
    }
  };
  return {
    async next(wantFrom: number): Promise<Produced | undefined> {
      for (;;) {
        if (finished) return undefined;
        await refill();
        if (!bz) {
          const { default: Bunzip } = (await import('seek-bzip')) as unknown as { default: new (i: unknown, o: unknown) => BunzipInternals };
          bz = new Bunzip(input, output);
        }
        const before = produced;
        keepFrom = Math.max(wantFrom, before);
        keptLen = 0;
        dropped = 0;
        if (bz._init_block()) {
          bz._read_bunzip();
          if (produced === before) continue;
          const skipped = keptLen > 0 ? keptStart - before : produced - before;
          return { bytes: kept.slice(0, keptLen), skipped, dropped };
        }
        const crc = bz.reader.read(32) >>> 0;
        if (crc !== bz.streamCRC >>> 0) throw new FormatError('malformed', 'bzip2 stream CRC mismatch');
        // A further stream may follow (bzip2 output concatenated); anything else ends the input.
        if (!input.eof() && buf[pos] === 0x42 && buf[pos + 1] === 0x5a && buf[pos + 2] === 0x68) bz._start_bunzip(input, output);
        else finished = true;
      }
    },
    close() {
      finished = true;
      buf = new Uint8Array(0);
      kept = new Uint8Array(0);
    },
  };
}
