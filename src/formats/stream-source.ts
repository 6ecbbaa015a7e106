// A forward-only byte source over bytes made on the fly (a decompressed stream, a deflated zip
// member): reads never go backwards, only the chunks a read still needs are kept, skipped bytes are
// produced and dropped, and the size is the cap until the producer ends. This is what keeps memory
// flat however large a compressed pickle is: the pickle walker (pickle.ts) reads through it with its
// 64 KiB window and skips array data by length.
import { FormatError, type ByteSource } from './source.js';

export interface Produced {
  bytes: Uint8Array;
  /** Output made and dropped just before `bytes` (a producer may drop what lies below `wantFrom`). */
  skipped?: number;
  /** Output made and dropped just after `bytes` (more than a producer keeps of one big chunk). */
  dropped?: number;
}

export interface Producer {
  /**
   * The next chunk of output, or undefined at the end. `wantFrom` is the offset the consumer reads
   * next: a producer that makes big chunks (a bzip2 block) may drop the part below it.
   */
  next(wantFrom: number): Promise<Produced | undefined>;
  /** Stops early (the consumer is done); frees what the producer holds. */
  close(): void;
}

/** Output kept: a chunk and the offset of its first byte. */
interface Chunk {
  start: number;
  bytes: Uint8Array;
}

export class StreamSource implements ByteSource {
  readonly randomAccess = false;
  /** Bytes produced so far (kept or dropped). */
  produced = 0;
  /** The producer failed: its message (the output before the failure was served). */
  error: string | undefined;
  /** Output reached `maxBytes`: reads past it fail with a `budget` error. */
  capped = false;
  private chunks: Chunk[] = [];
  private ended = false;
  private lowest = 0;

  constructor(private readonly producer: Producer, private readonly maxBytes: number) {}

  /** The cap until the producer has ended, then the exact output size. */
  get size(): number {
    return this.ended && !this.capped ? this.produced : this.maxBytes;
  }

  get done(): boolean {
    return this.ended;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < this.lowest) throw new FormatError('backwards', `stream read at offset ${offset} after one at ${this.lowest}: only forward reads are possible`, offset);
    this.lowest = offset;
    const end = offset + Math.max(0, length);
    while (this.chunks.length > 0 && this.chunks[0]!.start + this.chunks[0]!.bytes.length <= offset) this.chunks.shift();
    while (!this.ended && this.produced < end) await this.pull(offset);
    if (this.capped && end > this.maxBytes) throw new FormatError('budget', `decompressed stream over the ${this.maxBytes}-byte cap`, offset);
    const have = Math.min(end, this.produced);
    const out = new Uint8Array(Math.max(0, have - offset));
    let covered = offset;
    for (const c of this.chunks) {
      const from = Math.max(offset, c.start);
      const to = Math.min(have, c.start + c.bytes.length);
      if (from >= to) continue;
      if (from > covered) break;
      out.set(c.bytes.subarray(from - c.start, to - c.start), from - offset);
      covered = to;
    }
    if (covered < have) throw new FormatError('budget', `stream bytes at offset ${covered} were produced but not kept (one decompressed block is larger than the decoder keeps)`, covered);
    return out;
  }

  /** Stops the producer (call when done reading; safe to call twice). */
  close(): void {
    if (!this.ended) this.ended = true;
    this.chunks = [];
    this.producer.close();
  }

  private async pull(wantFrom: number): Promise<void> {
    let chunk: Produced | undefined;
    try {
      chunk = await this.producer.next(wantFrom);
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      this.ended = true;
      this.producer.close();
      return;
    }
    if (chunk === undefined) {
      this.ended = true;
      return;
    }
    const start = this.produced + (chunk.skipped ?? 0);
    const end = start + chunk.bytes.length + (chunk.dropped ?? 0);
    const bytes = chunk.bytes.subarray(0, Math.max(0, Math.min(chunk.bytes.length, this.maxBytes - start)));
    this.produced = Math.min(this.maxBytes, end);
    if (end > this.maxBytes) {
      this.capped = true;
      this.ended = true;
      this.producer.close();
    }
    if (start + bytes.length > wantFrom) this.chunks.push(start >= wantFrom ? { start, bytes } : { start: wantFrom, bytes: bytes.subarray(wantFrom - start) });
  }
}
