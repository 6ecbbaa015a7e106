// LZMA "alone" streams (the .lzma format of the LZMA SDK, xz --format=lzma, Python's
// lzma.FORMAT_ALONE that joblib writes for compress='lzma'), decoded in chunks with a bounded window.
// Layout (LZMA SDK lzma-specification.txt §"LZMA compressed file format"): one properties byte
// (lc + lp·9 + pb·45), u32 LE dictionary size, u64 LE uncompressed size (all ones: unknown, an end
// marker closes the stream), then the range-coded data. Written from that specification: range
// decoder, adaptive bit models, bit trees, literal/match/rep decoding and the 12-state machine.
//
// Why our own: the decoder the project had (the `lzma` package) decodes a whole stream into memory
// with no output cap, so only inputs under 256 KiB could be inspected. This one yields output in
// chunks, keeps only min(dictionary, 8 MiB) of history (a match reaching further back ends the decode
// with an error, reported as incomplete), and never holds the whole output.
import { appendUnread, FormatError } from './source.js';

/** History kept at most; dictionaries are 4–8 MiB at the presets joblib and xz use by default. */
export const LZMA_MAX_WINDOW = 8 * 1024 * 1024;
const PROB_INIT = 1024;
const NUM_STATES = 12;
const POS_STATES_MAX = 16;
const LEN_LOW = 8;
const LEN_MID = 8;
const LEN_HIGH = 256;
const MATCH_MIN = 2;
const END_POS_MODEL_INDEX = 14;
const FULL_DISTANCES = 128;
const ALIGN_BITS = 4;

export interface LzmaHeader {
  lc: number;
  lp: number;
  pb: number;
  dictionarySize: number;
  /** Declared output size; undefined when unknown (an end marker ends the stream). */
  unpackedSize: number | undefined;
}

export function parseLzmaHeader(h: Uint8Array): LzmaHeader {
  if (h.length < 13) throw new FormatError('truncated', 'lzma header needs 13 bytes');
  let d = h[0]!;
  if (d >= 9 * 5 * 5) throw new FormatError('malformed', `lzma properties byte ${d} is out of range`);
  const lc = d % 9;
  d = Math.floor(d / 9);
  const lp = d % 5;
  const pb = Math.floor(d / 5);
  const view = new DataView(h.buffer, h.byteOffset, 13);
  const dictionarySize = view.getUint32(1, true);
  const size = view.getBigUint64(5, true);
  const unpackedSize = size === 0xffffffffffffffffn ? undefined : size > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(size);
  return { lc, lp, pb, dictionarySize, unpackedSize };
}

/** Bytes the decoder may read ahead: enough for any one decode step (a match costs < 64 bytes). */
const STEP_INPUT = 4096;

/**
 * The decoder's input: bytes pushed by the caller, read synchronously by the range decoder. The
 * caller keeps at least STEP_INPUT bytes ahead of the read position (or marks the end) before a step.
 */
class Input {
  private buf = new Uint8Array(0);
  private pos = 0;
  ended = false;

  get available(): number {
    return this.buf.length - this.pos;
  }

  push(chunk: Uint8Array): void {
    this.buf = appendUnread(this.buf, this.pos, chunk);
    this.pos = 0;
  }

  byte(): number {
    if (this.pos >= this.buf.length) throw new FormatError('truncated', 'lzma stream ends in the middle of the data');
    return this.buf[this.pos++]!;
  }
}

class RangeDecoder {
  range = 0xffffffff;
  code = 0;

  constructor(private readonly input: Input) {}

  init(): void {
    if (this.input.byte() !== 0) throw new FormatError('malformed', 'lzma range coder does not start with a zero byte');
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | this.input.byte()) >>> 0;
    if (this.code === this.range) throw new FormatError('malformed', 'lzma range coder starts corrupted');
  }

  get finishedOk(): boolean {
    return this.code === 0;
  }

  private normalize(): void {
    if (this.range < 0x1000000) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.input.byte()) >>> 0;
    }
  }

  direct(numBits: number): number {
    let res = 0;
    for (let i = 0; i < numBits; i++) {
      this.range >>>= 1;
      let bit = 0;
      if (this.code >= this.range) {
        this.code = (this.code - this.range) >>> 0;
        bit = 1;
      }
      res = ((res << 1) | bit) >>> 0;
      this.normalize();
    }
    return res;
  }

  bit(probs: Uint16Array, i: number): number {
    const p = probs[i]!;
    const bound = (this.range >>> 11) * p;
    let bit: number;
    if (this.code < bound) {
      probs[i] = p + ((2048 - p) >>> 5);
      this.range = bound >>> 0;
      bit = 0;
    } else {
      probs[i] = p - (p >>> 5);
      this.code = (this.code - bound) >>> 0;
      this.range = (this.range - bound) >>> 0;
      bit = 1;
    }
    this.normalize();
    return bit;
  }

  /** A bit tree of `numBits` levels at `probs[base..]` (LSB-last). */
  tree(probs: Uint16Array, base: number, numBits: number): number {
    let m = 1;
    for (let i = 0; i < numBits; i++) m = (m << 1) + this.bit(probs, base + m);
    return m - (1 << numBits);
  }

  /** The same tree read LSB-first (distance alignment bits). */
  reverseTree(probs: Uint16Array, base: number, numBits: number): number {
    let m = 1;
    let sym = 0;
    for (let i = 0; i < numBits; i++) {
      const bit = this.bit(probs, base + m);
      m = (m << 1) + bit;
      sym |= bit << i;
    }
    return sym;
  }
}

class LenDecoder {
  private readonly choice = new Uint16Array(2).fill(PROB_INIT);
  private readonly low = new Uint16Array(POS_STATES_MAX << 3).fill(PROB_INIT);
  private readonly mid = new Uint16Array(POS_STATES_MAX << 3).fill(PROB_INIT);
  private readonly high = new Uint16Array(LEN_HIGH).fill(PROB_INIT);

  decode(rc: RangeDecoder, posState: number): number {
    if (rc.bit(this.choice, 0) === 0) return rc.tree(this.low, posState << 3, 3);
    if (rc.bit(this.choice, 1) === 0) return LEN_LOW + rc.tree(this.mid, posState << 3, 3);
    return LEN_LOW + LEN_MID + rc.tree(this.high, 0, 8);
  }
}

/** The window: output history, linear until it reaches its largest size, circular after. */
class Window {
  buf: Uint8Array;
  pos = 0;
  /** Bytes ever written. */
  total = 0;
  private wrapped = false;

  constructor(private readonly max: number) {
    this.buf = new Uint8Array(Math.min(max, 64 * 1024));
  }

  put(b: number): void {
    if (this.pos === this.buf.length) {
      if (this.buf.length < this.max) {
        const bigger = new Uint8Array(Math.min(this.max, this.buf.length * 2));
        bigger.set(this.buf);
        this.buf = bigger;
      } else {
        this.pos = 0;
        this.wrapped = true;
      }
    }
    this.buf[this.pos++] = b;
    this.total++;
  }

  /** The byte `dist` + 1 back. */
  back(dist: number): number {
    const kept = this.wrapped ? this.buf.length : this.pos;
    if (dist >= kept) throw new FormatError(this.total > dist ? 'budget' : 'malformed', this.total > dist ? `lzma match reaches ${dist + 1} bytes back, past the ${kept}-byte window kept` : `lzma match reaches before the start of the stream`);
    const i = this.pos - dist - 1;
    return this.buf[i < 0 ? i + this.buf.length : i]!;
  }
}

/**
 * Decodes an LZMA stream pushed to it in pieces. `step(out, max)` writes up to about `max` bytes of
 * output into `out` (a match may run up to 273 bytes past) and returns how many; 0 with `done` at
 * the end.
 */
export class LzmaDecoder {
  readonly input = new Input();
  done = false;
  private readonly rc = new RangeDecoder(this.input);
  private readonly win: Window;
  private readonly literals: Uint16Array;
  private readonly posSlot = new Uint16Array(4 << 6).fill(PROB_INIT);
  private readonly posDecoders = new Uint16Array(1 + FULL_DISTANCES - END_POS_MODEL_INDEX).fill(PROB_INIT);
  private readonly align = new Uint16Array(1 << ALIGN_BITS).fill(PROB_INIT);
  private readonly isMatch = new Uint16Array(NUM_STATES << 4).fill(PROB_INIT);
  private readonly isRep = new Uint16Array(NUM_STATES).fill(PROB_INIT);
  private readonly isRepG0 = new Uint16Array(NUM_STATES).fill(PROB_INIT);
  private readonly isRepG1 = new Uint16Array(NUM_STATES).fill(PROB_INIT);
  private readonly isRepG2 = new Uint16Array(NUM_STATES).fill(PROB_INIT);
  private readonly isRep0Long = new Uint16Array(NUM_STATES << 4).fill(PROB_INIT);
  private readonly lenDecoder = new LenDecoder();
  private readonly repLenDecoder = new LenDecoder();
  private state = 0;
  private rep0 = 0;
  private rep1 = 0;
  private rep2 = 0;
  private rep3 = 0;
  private started = false;
  private readonly pbMask: number;
  private readonly lpMask: number;

  constructor(readonly header: LzmaHeader) {
    this.win = new Window(Math.max(4096, Math.min(header.dictionarySize, LZMA_MAX_WINDOW, header.unpackedSize ?? Infinity)));
    this.literals = new Uint16Array(0x300 << (header.lc + header.lp)).fill(PROB_INIT);
    this.pbMask = (1 << header.pb) - 1;
    this.lpMask = (1 << header.lp) - 1;
  }

  /** Input bytes the decoder wants buffered before the next step (0: it has enough). */
  get wants(): number {
    return this.input.ended ? 0 : Math.max(0, STEP_INPUT * 16 - this.input.available);
  }

  step(out: Uint8Array, max: number): number {
    if (this.done) return 0;
    if (!this.started) {
      this.rc.init();
      this.started = true;
    }
    const { header, win, rc } = this;
    let n = 0;
    const emit = (b: number): void => {
      win.put(b);
      out[n++] = b;
    };
    while (n < max) {
      if (header.unpackedSize !== undefined && win.total >= header.unpackedSize) {
        this.done = true;
        break;
      }
      if (!this.input.ended && this.input.available < STEP_INPUT) break;
      const posState = win.total & this.pbMask;
      const s = this.state;
      if (rc.bit(this.isMatch, (s << 4) + posState) === 0) {
        emit(this.literal());
        this.state = s < 4 ? 0 : s < 10 ? s - 3 : s - 6;
        continue;
      }
      let len: number;
      if (rc.bit(this.isRep, s) !== 0) {
        if (win.total === 0) throw new FormatError('malformed', 'lzma rep match before any output');
        if (rc.bit(this.isRepG0, s) === 0) {
          if (rc.bit(this.isRep0Long, (s << 4) + posState) === 0) {
            this.state = s < 7 ? 9 : 11;
            emit(win.back(this.rep0));
            continue;
          }
        } else {
          let dist: number;
          if (rc.bit(this.isRepG1, s) === 0) dist = this.rep1;
          else {
            if (rc.bit(this.isRepG2, s) === 0) dist = this.rep2;
            else {
              dist = this.rep3;
              this.rep3 = this.rep2;
            }
            this.rep2 = this.rep1;
          }
          this.rep1 = this.rep0;
          this.rep0 = dist;
        }
        len = this.repLenDecoder.decode(rc, posState);
        this.state = s < 7 ? 8 : 11;
      } else {
        this.rep3 = this.rep2;
        this.rep2 = this.rep1;
        this.rep1 = this.rep0;
        len = this.lenDecoder.decode(rc, posState);
        this.state = s < 7 ? 7 : 10;
        this.rep0 = this.distance(len);
        if (this.rep0 === 0xffffffff) {
          // End marker.
          this.done = true;
          break;
        }
        if (header.unpackedSize !== undefined && win.total >= header.unpackedSize) throw new FormatError('malformed', 'lzma match after the declared size');
      }
      len += MATCH_MIN;
      if (header.unpackedSize !== undefined) len = Math.min(len, header.unpackedSize - win.total);
      for (let i = 0; i < len; i++) emit(win.back(this.rep0));
    }
    return n;
  }

  private literal(): number {
    const { header, win, rc } = this;
    const prev = win.total > 0 ? win.back(0) : 0;
    const litState = ((win.total & this.lpMask) << header.lc) + (prev >>> (8 - header.lc));
    const base = 0x300 * litState;
    let symbol = 1;
    if (this.state >= 7) {
      let matchByte = win.back(this.rep0);
      do {
        const matchBit = (matchByte >>> 7) & 1;
        matchByte <<= 1;
        const bit = rc.bit(this.literals, base + ((1 + matchBit) << 8) + symbol);
        symbol = (symbol << 1) | bit;
        if (matchBit !== bit) break;
      } while (symbol < 0x100);
    }
    while (symbol < 0x100) symbol = (symbol << 1) | rc.bit(this.literals, base + symbol);
    return symbol - 0x100;
  }

  private distance(len: number): number {
    const lenState = Math.min(len, 3);
    const slot = this.rc.tree(this.posSlot, lenState << 6, 6);
    if (slot < 4) return slot;
    const numDirect = (slot >>> 1) - 1;
    let dist = ((2 | (slot & 1)) << numDirect) >>> 0;
    if (slot < END_POS_MODEL_INDEX) dist = (dist + this.rc.reverseTree(this.posDecoders, dist - slot, numDirect)) >>> 0;
    else {
      dist = (dist + ((this.rc.direct(numDirect - ALIGN_BITS) << ALIGN_BITS) >>> 0)) >>> 0;
      dist = (dist + this.rc.reverseTree(this.align, 0, ALIGN_BITS)) >>> 0;
    }
    return dist;
  }
}
