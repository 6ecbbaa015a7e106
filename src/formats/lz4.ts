// LZ4 frames (lz4 doc/lz4_Frame_format.md; what Python's lz4.frame and joblib compress='lz4' write),
// decoded block by block with the block format of doc/lz4_Block_format.md: each sequence is a token
// (literal length, match length − 4), literals, a u16 LE back-offset and the match. Linked blocks may
// reach 64 KiB into the previous block's output, so that much history is kept. Bounds are checked on
// every copy: a malformed block is an error, never a read outside the buffers.
import { appendUnread, FormatError } from './source.js';

const FRAME_MAGIC = 0x184d2204;
const HISTORY = 64 * 1024;
const BLOCK_MAX: Record<number, number> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 };

export class Lz4FrameDecoder {
  done = false;
  private buf = new Uint8Array(0);
  private pos = 0;
  private ended = false;
  /** In a frame: its block size cap and flags; undefined between frames. */
  private frame: { blockMax: number; blockChecksum: boolean; contentChecksum: boolean; linked: boolean } | undefined;
  private history = new Uint8Array(0);
  private historyLen = 0;
  /** Bytes of a skippable frame still to step over. */
  private skipping = 0;

  private get available(): number {
    return this.buf.length - this.pos;
  }

  /** Input bytes to buffer before the next step (0: enough, or the input has ended). */
  get wants(): number {
    if (this.ended || this.done) return 0;
    if (this.skipping > 0) return this.available > 0 ? 0 : 64 * 1024;
    const need = this.frame ? 4 + this.frame.blockMax + 4 + 8 : 4 + 2 + 8 + 4 + 1 + 8;
    return Math.max(0, need - this.available);
  }

  push(chunk: Uint8Array): void {
    this.buf = appendUnread(this.buf, this.pos, chunk);
    this.pos = 0;
  }

  end(): void {
    this.ended = true;
  }

  release(): void {
    this.buf = new Uint8Array(0);
    this.history = new Uint8Array(0);
    this.done = true;
  }

  private u32(at: number): number {
    return (this.buf[at]! | (this.buf[at + 1]! << 8) | (this.buf[at + 2]! << 16) | (this.buf[at + 3]! << 24)) >>> 0;
  }

  private need(n: number): void {
    if (this.available < n) throw new FormatError('truncated', 'lz4 frame ends in the middle');
  }

  /** One block's output, or undefined when the input is exhausted (then `done`). */
  step(): Uint8Array | undefined {
    for (;;) {
      if (this.done || this.wants > 0) return undefined;
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, this.available);
        this.pos += n;
        this.skipping -= n;
        if (this.skipping > 0 && this.ended) throw new FormatError('truncated', 'lz4 skippable frame runs past the end');
        continue;
      }
      if (!this.frame) {
        if (this.available === 0 && this.ended) {
          this.done = true;
          return undefined;
        }
        this.need(4);
        const magic = this.u32(this.pos);
        if (magic >>> 4 === 0x184d2a5) {
          // Skippable frame: magic, u32 size, data.
          this.need(8);
          this.skipping = this.u32(this.pos + 4);
          this.pos += 8;
          continue;
        }
        if (magic !== FRAME_MAGIC) {
          // Bytes after the last frame that are not a frame end the stream.
          this.done = true;
          return undefined;
        }
        this.need(7);
        const flg = this.buf[this.pos + 4]!;
        const bd = this.buf[this.pos + 5]!;
        if (flg >>> 6 !== 1) throw new FormatError('malformed', `lz4 frame version ${flg >>> 6} is not 1`);
        const blockMax = BLOCK_MAX[(bd >>> 4) & 7];
        if (blockMax === undefined) throw new FormatError('malformed', `lz4 block size code ${(bd >>> 4) & 7} is invalid`);
        const headerLen = 4 + 2 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0) + 1;
        this.need(headerLen);
        if ((flg & 0x01) !== 0) throw new FormatError('malformed', 'lz4 frame needs a dictionary (DictID set): not decodable without it');
        this.pos += headerLen;
        this.frame = { blockMax, blockChecksum: (flg & 0x10) !== 0, contentChecksum: (flg & 0x04) !== 0, linked: (flg & 0x20) === 0 };
        this.history = new Uint8Array(HISTORY + blockMax);
        this.historyLen = 0;
        continue;
      }
      const f = this.frame;
      this.need(4);
      const word = this.u32(this.pos);
      if (word === 0) {
        this.pos += 4 + (f.contentChecksum ? 4 : 0);
        if (this.pos > this.buf.length) throw new FormatError('truncated', 'lz4 frame ends before its content checksum');
        this.frame = undefined;
        continue;
      }
      const stored = (word & 0x80000000) !== 0;
      const size = word & 0x7fffffff;
      if (size > f.blockMax) throw new FormatError('malformed', `lz4 block of ${size} bytes is over the frame's ${f.blockMax}-byte maximum`);
      this.need(4 + size + (f.blockChecksum ? 4 : 0));
      const src = this.buf.subarray(this.pos + 4, this.pos + 4 + size);
      this.pos += 4 + size + (f.blockChecksum ? 4 : 0);
      // History then this block's output, in one buffer so that matches can reach back.
      const keep = f.linked ? Math.min(this.historyLen, HISTORY) : 0;
      if (keep > 0 && this.historyLen > keep) this.history.copyWithin(0, this.historyLen - keep, this.historyLen);
      const start = keep;
      const end = stored ? copyStored(src, this.history, start) : decodeBlock(src, this.history, start, f.blockMax);
      this.historyLen = end;
      return this.history.slice(start, end);
    }
  }
}

function copyStored(src: Uint8Array, dst: Uint8Array, at: number): number {
  dst.set(src, at);
  return at + src.length;
}

/** lz4_Block_format.md: decodes `src` into `dst` from `at` (history before `at`); returns the end. */
function decodeBlock(src: Uint8Array, dst: Uint8Array, at: number, max: number): number {
  let s = 0;
  let d = at;
  const limit = at + max;
  const bad = (what: string): never => {
    throw new FormatError('malformed', `lz4 block: ${what}`);
  };
  while (s < src.length) {
    const token = src[s++]!;
    let lit = token >>> 4;
    if (lit === 15) {
      for (;;) {
        if (s >= src.length) bad('literal length runs past the block');
        const b = src[s++]!;
        lit += b;
        if (b !== 255) break;
      }
    }
    if (s + lit > src.length) bad('literals run past the block');
    if (d + lit > limit) bad('output over the block maximum');
    dst.set(src.subarray(s, s + lit), d);
    s += lit;
    d += lit;
    if (s >= src.length) break; // the last sequence has literals only
    if (s + 2 > src.length) bad('offset runs past the block');
    const offset = src[s]! | (src[s + 1]! << 8);
    s += 2;
    if (offset === 0 || offset > d) bad(`match offset ${offset} reaches before the history`);
    let len = token & 15;
    if (len === 15) {
      for (;;) {
        if (s >= src.length) bad('match length runs past the block');
        const b = src[s++]!;
        len += b;
        if (b !== 255) break;
      }
    }
    len += 4;
    if (d + len > limit) bad('output over the block maximum');
    if (offset >= len) {
      dst.copyWithin(d, d - offset, d - offset + len);
      d += len;
    } else for (let i = 0; i < len; i++, d++) dst[d] = dst[d - offset]!;
  }
  return d;
}
