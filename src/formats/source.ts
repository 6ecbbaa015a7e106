// Byte sources the detectors read from, and a cursor over one that counts every byte against a budget.
// The core never opens files: src/scan hands it a source over a file handle, a spooled temp file or a
// forward-only window over a streamed tar entry (`randomAccess: false`: offsets never go backwards).

export interface ByteSource {
  /** Total size in bytes (as declared by the file system or the tar header). */
  readonly size: number;
  /** Whether reads may go backwards (files, spooled entries) or only forwards (streamed entries). */
  readonly randomAccess: boolean;
  /** Up to `length` bytes at `offset`; fewer only at the end of the source. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export type FormatErrorCode = 'truncated' | 'malformed' | 'too-large' | 'budget' | 'backwards';

/** A structural problem in a file; detectors turn it into a finding, never a crash. */
export class FormatError extends Error {
  override name = 'FormatError';
  constructor(readonly code: FormatErrorCode, message: string, readonly offset?: number) {
    super(message);
  }
}

/** A source over bytes already in memory. */
export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    randomAccess: true,
    read: (offset, length) => Promise.resolve(bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length))),
  };
}

/** A window of `source` starting at `start` of `size` bytes (a zip member stored uncompressed, say). */
export function subSource(source: ByteSource, start: number, size: number): ByteSource {
  const end = Math.min(source.size, start + size);
  return {
    size: Math.max(0, end - start),
    randomAccess: source.randomAccess,
    read: (offset, length) => source.read(start + offset, Math.max(0, Math.min(length, end - start - offset))),
  };
}

/** Shared by the cursors of one file: the bytes any of them may still read. */
export interface ReadBudget {
  remaining: number;
}

const WINDOW = 64 * 1024;
const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Sequential little-endian reader over a source with a read-ahead window. Every byte pulled from
 * the source counts against `budget`; `skip` past the window costs nothing (the bytes are not read).
 */
export class Cursor {
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  private view = new DataView(this.buf.buffer);
  pos: number;

  constructor(readonly source: ByteSource, start: number, readonly budget: ReadBudget) {
    this.pos = start;
  }

  get remaining(): number {
    return this.source.size - this.pos;
  }

  private async fill(n: number): Promise<void> {
    const inBuf = this.pos - this.bufStart;
    if (inBuf >= 0 && inBuf + n <= this.buf.length) return;
    if (this.pos + n > this.source.size) throw new FormatError('truncated', `needs ${n} byte(s) at offset ${this.pos}, the file has ${this.source.size}`, this.pos);
    if (n > this.budget.remaining) throw new FormatError('budget', `header read budget exhausted at offset ${this.pos}`, this.pos);
    const len = Math.min(Math.max(n, WINDOW), this.source.size - this.pos, this.budget.remaining);
    const chunk = await this.source.read(this.pos, len);
    if (chunk.length < n) throw new FormatError('truncated', `needs ${n} byte(s) at offset ${this.pos}, got ${chunk.length}`, this.pos);
    this.budget.remaining -= chunk.length;
    this.buf = chunk;
    this.bufStart = this.pos;
    this.view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }

  private at(): number {
    return this.pos - this.bufStart;
  }

  async u8(): Promise<number> {
    await this.fill(1);
    const v = this.buf[this.at()]!;
    this.pos += 1;
    return v;
  }

  async u16(): Promise<number> {
    await this.fill(2);
    const v = this.view.getUint16(this.at(), true);
    this.pos += 2;
    return v;
  }

  async u32(): Promise<number> {
    await this.fill(4);
    const v = this.view.getUint32(this.at(), true);
    this.pos += 4;
    return v;
  }

  async i32(): Promise<number> {
    await this.fill(4);
    const v = this.view.getInt32(this.at(), true);
    this.pos += 4;
    return v;
  }

  /** A u64 as a number; values past 2^53 are lies for any real length and fail as `too-large`. */
  async u64(): Promise<number> {
    await this.fill(8);
    const v = this.view.getBigUint64(this.at(), true);
    this.pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new FormatError('too-large', `64-bit value ${v} at offset ${this.pos - 8} is not a plausible length`, this.pos - 8);
    return Number(v);
  }

  async i64(): Promise<bigint> {
    await this.fill(8);
    const v = this.view.getBigInt64(this.at(), true);
    this.pos += 8;
    return v;
  }

  async f32(): Promise<number> {
    await this.fill(4);
    const v = this.view.getFloat32(this.at(), true);
    this.pos += 4;
    return v;
  }

  async f64(): Promise<number> {
    await this.fill(8);
    const v = this.view.getFloat64(this.at(), true);
    this.pos += 8;
    return v;
  }

  /** `n` bytes (a copy-free view valid until the next read). `n` must fit the window rules. */
  async bytes(n: number): Promise<Uint8Array> {
    if (n < 0) throw new FormatError('malformed', `negative length at offset ${this.pos}`, this.pos);
    await this.fill(n);
    const v = this.buf.subarray(this.at(), this.at() + n);
    this.pos += n;
    return v;
  }

  /** A string of `n` bytes, keeping at most `keep` of them (the rest are skipped, not read). */
  async string(n: number, keep: number): Promise<{ text: string; clipped: boolean }> {
    if (n > this.remaining) throw new FormatError('truncated', `string of ${n} bytes at offset ${this.pos} runs past the end`, this.pos);
    const take = Math.min(n, keep);
    const text = decoder.decode(await this.bytes(take));
    if (n > take) await this.skip(n - take);
    return { text, clipped: n > take };
  }

  /** Moves forward `n` bytes; bytes outside the window are not read. */
  async skip(n: number): Promise<void> {
    if (n < 0) throw new FormatError('malformed', `negative skip at offset ${this.pos}`, this.pos);
    if (this.pos + n > this.source.size) throw new FormatError('truncated', `skip of ${n} bytes at offset ${this.pos} runs past the end`, this.pos);
    this.pos += n;
  }
}

/** Reads `length` bytes at `offset` of `source` (fewer at the end), charged to `budget`. */
export async function readAt(source: ByteSource, offset: number, length: number, budget: ReadBudget): Promise<Uint8Array> {
  const n = Math.max(0, Math.min(length, source.size - offset));
  if (n > budget.remaining) throw new FormatError('budget', `header read budget exhausted reading ${n} bytes at offset ${offset}`, offset);
  const bytes = await source.read(offset, n);
  budget.remaining -= bytes.length;
  return bytes;
}

export function ascii(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = '';
  for (let i = start; i < end && i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

export function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export function startsWith(bytes: Uint8Array, prefix: readonly number[] | string, at = 0): boolean {
  const p = typeof prefix === 'string' ? [...prefix].map((c) => c.charCodeAt(0)) : prefix;
  if (bytes.length < at + p.length) return false;
  for (let i = 0; i < p.length; i++) if (bytes[at + i] !== p[i]) return false;
  return true;
}

/** The bytes of `buf` from `pos` on, followed by `chunk`: the input of a stream decoder after a push. */
export function appendUnread(buf: Uint8Array, pos: number, chunk: Uint8Array): Uint8Array<ArrayBuffer> {
  const rest = buf.subarray(pos);
  const next = new Uint8Array(rest.length + chunk.length);
  next.set(rest);
  next.set(chunk, rest.length);
  return next;
}
