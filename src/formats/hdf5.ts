// A minimal HDF5 reader (HDF Group "HDF5 File Format Specification" v3: §II.A superblock, §IV.A object
// headers, §IV.A.2.m attribute message, §IV.A.2.d datatype, §IV.A.2.b dataspace, §III.E global heap):
// enough to read the root group's attributes, which is where Keras keeps `keras_version`, `backend`,
// `model_config` and `training_config`. Attributes stored densely (fractal heap, > 64 KiB) are
// reported as not read. Random access is needed (addresses point anywhere in the file).
import { FormatError, readAt, type ByteSource, type ReadBudget } from './source.js';

export const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Where the superblock sits: offset 0, 512, 1024, 2048, … (a user block may precede it). */
export function hdf5SignatureOffset(head: Uint8Array): number | undefined {
  for (let at = 0; at + 8 <= head.length; at = at === 0 ? 512 : at * 2) {
    let ok = true;
    for (let i = 0; i < 8; i++) if (head[at + i] !== HDF5_SIGNATURE[i]) ok = false;
    if (ok) return at;
  }
  return undefined;
}

export interface Hdf5Attributes {
  superblockVersion: number;
  attributes: Map<string, string | number | string[]>;
  /** Why some attributes were not read. */
  notes: string[];
}

class Reader {
  private view: DataView;
  constructor(readonly bytes: Uint8Array, readonly base: number, readonly offsetSize: number, readonly lengthSize: number) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8(p: number): number {
    this.check(p, 1);
    return this.bytes[p]!;
  }
  u16(p: number): number {
    this.check(p, 2);
    return this.view.getUint16(p, true);
  }
  u32(p: number): number {
    this.check(p, 4);
    return this.view.getUint32(p, true);
  }
  uN(p: number, n: number): number {
    this.check(p, n);
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + this.bytes[p + i]!;
    return v;
  }
  check(p: number, n: number): void {
    if (p < 0 || p + n > this.bytes.length) throw new FormatError('truncated', `HDF5 structure at ${this.base + p} runs past the bytes read`, this.base + p);
  }
}

const UNDEFINED_ADDRESS = 2 ** 53;

async function block(source: ByteSource, address: number, length: number, budget: ReadBudget): Promise<Uint8Array> {
  if (address + length > source.size) throw new FormatError('too-large', `HDF5 address ${address}+${length} is past the end of the file`, address);
  return readAt(source, address, length, budget);
}

export async function readHdf5RootAttributes(source: ByteSource, sigOffset: number, budget: ReadBudget, maxStringBytes: number): Promise<Hdf5Attributes> {
  if (!source.randomAccess) throw new FormatError('backwards', 'HDF5 needs random access');
  const sb = await block(source, sigOffset, Math.min(256, source.size - sigOffset), budget);
  const version = sb[8]!;
  const out: Hdf5Attributes = { superblockVersion: version, attributes: new Map(), notes: [] };
  let offsetSize: number;
  let lengthSize: number;
  let rootHeader: number;
  let base: number;
  if (version === 0 || version === 1) {
    offsetSize = sb[13]!;
    lengthSize = sb[14]!;
    const r = new Reader(sb, sigOffset, offsetSize, lengthSize);
    let p = 24 + (version === 1 ? 4 : 0);
    base = r.uN(p, offsetSize);
    p += offsetSize * 4; // base, free-space, EOF, driver info
    // root group symbol table entry: link name offset, then object header address
    rootHeader = r.uN(p + offsetSize, offsetSize);
  } else if (version === 2 || version === 3) {
    offsetSize = sb[9]!;
    lengthSize = sb[10]!;
    const r = new Reader(sb, sigOffset, offsetSize, lengthSize);
    base = r.uN(12, offsetSize);
    rootHeader = r.uN(12 + offsetSize * 3, offsetSize);
  } else throw new FormatError('malformed', `HDF5 superblock version ${version}`, sigOffset + 8);
  if (![2, 4, 8].includes(offsetSize) || ![2, 4, 8].includes(lengthSize)) throw new FormatError('malformed', `HDF5 offset/length sizes ${offsetSize}/${lengthSize}`, sigOffset);
  const start = base + rootHeader;
  const messages = await objectHeaderMessages(source, start, offsetSize, lengthSize, budget);
  for (const m of messages) {
    if (m.type === 0x0c) {
      try {
        const attr = await readAttribute(source, m.data, offsetSize, lengthSize, budget, maxStringBytes);
        if (attr && out.attributes.size < 256) out.attributes.set(attr.name, attr.value);
      } catch (err) {
        if (!(err instanceof FormatError)) throw err;
        out.notes.push(`attribute: ${err.message}`);
      }
    } else if (m.type === 0x15) out.notes.push('some attributes are stored densely (fractal heap) and were not read');
  }
  return out;
}

interface Message {
  type: number;
  data: Uint8Array;
}

async function objectHeaderMessages(source: ByteSource, address: number, offsetSize: number, lengthSize: number, budget: ReadBudget): Promise<Message[]> {
  const head = await block(source, address, Math.min(4096, source.size - address), budget);
  const messages: Message[] = [];
  const blocks: [number, number][] = [];
  if (head[0] === 1) {
    // Version 1: version, reserved, message count (2), refcount (4), header size (4), pad to 16.
    const r = new Reader(head, address, offsetSize, lengthSize);
    const size = r.u32(8);
    blocks.push([address + 16, size]);
    let guard = 0;
    while (blocks.length > 0 && guard++ < 64) {
      const [at, len] = blocks.shift()!;
      const b = await block(source, at, len, budget);
      const br = new Reader(b, at, offsetSize, lengthSize);
      let p = 0;
      while (p + 8 <= b.length) {
        const type = br.u16(p);
        const msize = br.u16(p + 2);
        const data = b.subarray(p + 8, p + 8 + msize);
        if (type === 0x10) blocks.push([new Reader(data, at + p + 8, offsetSize, lengthSize).uN(0, offsetSize), new Reader(data, at + p + 8, offsetSize, lengthSize).uN(offsetSize, lengthSize)]);
        else messages.push({ type, data });
        p += 8 + msize;
      }
    }
    return messages;
  }
  // Version 2: "OHDR", version, flags, [times], [attr phase], chunk0 size (1/2/4/8 bytes), messages, checksum.
  if (!(head[0] === 0x4f && head[1] === 0x48 && head[2] === 0x44 && head[3] === 0x52)) throw new FormatError('malformed', `no object header at ${address}`, address);
  const flags = head[5]!;
  let p = 6;
  if (flags & 0x20) p += 16;
  if (flags & 0x10) p += 4;
  const sizeBytes = 1 << (flags & 3);
  const r = new Reader(head, address, offsetSize, lengthSize);
  const chunk0 = r.uN(p, sizeBytes);
  p += sizeBytes;
  const tracked = (flags & 0x04) !== 0;
  const readChunk = async (at: number, len: number, skipSig: boolean): Promise<void> => {
    const b = await block(source, at, len, budget);
    const br = new Reader(b, at, offsetSize, lengthSize);
    let q = skipSig ? 4 : 0;
    const end = b.length - (skipSig ? 4 : 0);
    while (q + 4 <= end) {
      const type = br.u8(q);
      const msize = br.u16(q + 1);
      const hdr = 4 + (tracked ? 2 : 0);
      const data = b.subarray(q + hdr, q + hdr + msize);
      if (type === 0x10) continuation.push([new Reader(data, at, offsetSize, lengthSize).uN(0, offsetSize), new Reader(data, at, offsetSize, lengthSize).uN(offsetSize, lengthSize)]);
      else if (type !== 0) messages.push({ type, data });
      q += hdr + msize;
    }
  };
  const continuation: [number, number][] = [];
  await readChunk(address + p, chunk0, false);
  let guard = 0;
  while (continuation.length > 0 && guard++ < 64) {
    const [at, len] = continuation.shift()!;
    await readChunk(at, len - 4, true);
  }
  return messages;
}

async function readAttribute(source: ByteSource, d: Uint8Array, offsetSize: number, lengthSize: number, budget: ReadBudget, maxStringBytes: number): Promise<{ name: string; value: string | number | string[] } | undefined> {
  const r = new Reader(d, 0, offsetSize, lengthSize);
  const version = r.u8(0);
  const nameSize = r.u16(2);
  const typeSize = r.u16(4);
  const spaceSize = r.u16(6);
  let p = version === 3 ? 9 : 8;
  const pad = (n: number): number => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  r.check(p, nameSize);
  const name = new TextDecoder().decode(d.subarray(p, p + nameSize)).replace(/\0+$/, '');
  p += pad(nameSize);
  const typeAt = p;
  p += pad(typeSize);
  const spaceAt = p;
  p += pad(spaceSize);
  const dataAt = p;
  const cls = r.u8(typeAt) & 0x0f;
  const elemSize = r.u32(typeAt + 4);
  const dims = r.u8(spaceAt + 1);
  const spaceVersion = r.u8(spaceAt);
  let count = 1;
  const dimsAt = spaceAt + (spaceVersion === 1 ? 8 : 4);
  for (let i = 0; i < dims; i++) count *= r.uN(dimsAt + i * lengthSize, lengthSize);
  count = Math.min(count, 64);
  const decoder = new TextDecoder();
  if (cls === 3) {
    // Fixed-length string
    const values: string[] = [];
    for (let i = 0; i < count; i++) {
      r.check(dataAt + i * elemSize, elemSize);
      values.push(decoder.decode(d.subarray(dataAt + i * elemSize, dataAt + i * elemSize + Math.min(elemSize, maxStringBytes))).replace(/\0+$/, ''));
    }
    return { name, value: dims === 0 ? values[0] ?? '' : values };
  }
  if (cls === 9) {
    // Variable-length (string): each element is length (4), global heap collection address, object index (4).
    const values: string[] = [];
    const step = 4 + offsetSize + 4;
    for (let i = 0; i < count; i++) {
      const at = dataAt + i * step;
      const len = r.u32(at);
      const collection = r.uN(at + 4, offsetSize);
      const index = r.u32(at + 4 + offsetSize);
      values.push(await globalHeapObject(source, collection, index, len, offsetSize, lengthSize, budget, maxStringBytes));
    }
    return { name, value: dims === 0 ? values[0] ?? '' : values };
  }
  if (cls === 0 && elemSize <= 8) return { name, value: r.uN(dataAt, elemSize) };
  return undefined;
}

async function globalHeapObject(source: ByteSource, address: number, index: number, length: number, offsetSize: number, lengthSize: number, budget: ReadBudget, maxStringBytes: number): Promise<string> {
  if (address >= UNDEFINED_ADDRESS || address + 16 > source.size) throw new FormatError('too-large', `global heap address ${address} is past the end`, address);
  const hdr = await block(source, address, 16, budget);
  if (!(hdr[0] === 0x47 && hdr[1] === 0x43 && hdr[2] === 0x4f && hdr[3] === 0x4c)) throw new FormatError('malformed', `no global heap collection at ${address}`, address);
  const size = new Reader(hdr, address, offsetSize, lengthSize).uN(8, lengthSize);
  if (size > budget.remaining || size > 256 * 1024 * 1024) throw new FormatError('budget', `global heap collection of ${size} bytes`, address);
  const heap = await block(source, address, Math.min(size, source.size - address), budget);
  const r = new Reader(heap, address, offsetSize, lengthSize);
  let p = 8 + lengthSize;
  while (p + 8 + lengthSize <= heap.length) {
    const idx = r.u16(p);
    const osize = r.uN(p + 8, lengthSize);
    if (idx === 0) break;
    const dataAt = p + 8 + lengthSize;
    if (idx === index) {
      r.check(dataAt, Math.min(length, osize));
      return new TextDecoder().decode(heap.subarray(dataAt, dataAt + Math.min(length, osize, maxStringBytes * 64)));
    }
    p = dataAt + Math.ceil(osize / 8) * 8;
  }
  throw new FormatError('malformed', `global heap object ${index} not found at ${address}`, address);
}
