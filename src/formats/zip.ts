// ZIP (PKWARE APPNOTE 6.3.x §4.3): the end-of-central-directory record (and its ZIP64 form) at the end
// names the central directory; each entry gives name, method, sizes and the local header offset.
// Only the directory and the few members a detector asks for are read; members are inflated with a cap.
// Needs a random-access source (src/scan spools streamed zip entries to a capped temp file).
import { inflateRawSync } from 'node:zlib';
import { FormatError, readAt, subSource, type ByteSource, type ReadBudget } from './source.js';
import { decompressedSource } from './decompress.js';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  encrypted: boolean;
}

export interface ZipDirectory {
  entries: ZipEntry[];
  /** Entries beyond the cap were not listed. */
  truncated: boolean;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export function isZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

export async function readZipDirectory(source: ByteSource, budget: ReadBudget, maxEntries: number): Promise<ZipDirectory> {
  if (!source.randomAccess) throw new FormatError('backwards', 'a zip directory sits at the end of the file: needs random access');
  const tailLen = Math.min(source.size, 22 + 65535);
  const tail = await readAt(source, source.size - tailLen, tailLen, budget);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new FormatError('malformed', 'no end-of-central-directory record');
  let count = view.getUint16(eocd + 10, true);
  let cdSize = view.getUint32(eocd + 12, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locAt = eocd - 20;
    if (locAt >= 0 && view.getUint32(locAt, true) === EOCD64_LOCATOR) {
      const rec64At = Number(view.getBigUint64(locAt + 8, true));
      const rec = await readAt(source, rec64At, 56, budget);
      const rv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
      if (rec.length < 56 || rv.getUint32(0, true) !== EOCD64) throw new FormatError('malformed', 'bad ZIP64 end-of-central-directory record', rec64At);
      count = Number(rv.getBigUint64(32, true));
      cdSize = Number(rv.getBigUint64(40, true));
      cdOffset = Number(rv.getBigUint64(48, true));
    }
  }
  if (cdOffset + cdSize > source.size) throw new FormatError('too-large', `central directory [${cdOffset}, +${cdSize}) lies outside the ${source.size}-byte file`, cdOffset);
  if (cdSize > budget.remaining) throw new FormatError('budget', `central directory of ${cdSize} bytes is over the read cap`, cdOffset);
  const cd = await readAt(source, cdOffset, cdSize, budget);
  const cv = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const entries: ZipEntry[] = [];
  let pos = 0;
  const decoder = new TextDecoder();
  for (let i = 0; i < count && pos + 46 <= cd.length; i++) {
    if (entries.length >= maxEntries) return { entries, truncated: true };
    if (cv.getUint32(pos, true) !== CENTRAL) throw new FormatError('malformed', `bad central directory entry at ${cdOffset + pos}`, cdOffset + pos);
    const flags = cv.getUint16(pos + 8, true);
    const method = cv.getUint16(pos + 10, true);
    let compressedSize = cv.getUint32(pos + 20, true);
    let size = cv.getUint32(pos + 24, true);
    const nameLen = cv.getUint16(pos + 28, true);
    const extraLen = cv.getUint16(pos + 30, true);
    const commentLen = cv.getUint16(pos + 32, true);
    let localHeaderOffset = cv.getUint32(pos + 42, true);
    if (pos + 46 + nameLen + extraLen > cd.length) throw new FormatError('truncated', 'central directory entry runs past the directory', cdOffset + pos);
    const name = decoder.decode(cd.subarray(pos + 46, pos + 46 + nameLen));
    // ZIP64 extended information extra field (id 0x0001): the 0xffffffff fields, in order.
    let e = pos + 46 + nameLen;
    const eEnd = e + extraLen;
    while (e + 4 <= eEnd) {
      const id = cv.getUint16(e, true);
      const len = cv.getUint16(e + 2, true);
      if (id === 1) {
        let f = e + 4;
        const take = (): number => {
          const v = f + 8 <= e + 4 + len ? Number(cv.getBigUint64(f, true)) : 0;
          f += 8;
          return v;
        };
        if (size === 0xffffffff) size = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take();
      }
      e += 4 + len;
    }
    entries.push({ name, method, compressedSize, size, localHeaderOffset, encrypted: (flags & 1) === 1 });
    pos += 46 + nameLen + extraLen + commentLen;
  }
  return { entries, truncated: false };
}

/** Where a member's data starts (after its local header). */
async function dataStart(source: ByteSource, entry: ZipEntry, budget: ReadBudget): Promise<number> {
  const h = await readAt(source, entry.localHeaderOffset, 30, budget);
  const hv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  if (h.length < 30 || hv.getUint32(0, true) !== LOCAL) throw new FormatError('malformed', `no local header for ${entry.name} at ${entry.localHeaderOffset}`, entry.localHeaderOffset);
  const start = entry.localHeaderOffset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
  if (start + entry.compressedSize > source.size) throw new FormatError('too-large', `${entry.name} claims ${entry.compressedSize} bytes past the end of the file`, start);
  return start;
}

/** A stored member as a window of the source (no copy); undefined when compressed. */
export async function storedMember(source: ByteSource, entry: ZipEntry, budget: ReadBudget): Promise<ByteSource | undefined> {
  if (entry.method !== 0 || entry.encrypted) return undefined;
  return subSource(source, await dataStart(source, entry, budget), entry.compressedSize);
}

/**
 * A member as a source read in place: a window of the file when stored, a forward-only inflating
 * stream (at most `maxBytes` of output) when deflated. Close it when done.
 */
export async function memberSource(source: ByteSource, entry: ZipEntry, budget: ReadBudget, maxBytes: number): Promise<{ source: ByteSource; close(): void }> {
  if (entry.encrypted) throw new FormatError('malformed', `${entry.name} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8) throw new FormatError('malformed', `${entry.name} uses compression method ${entry.method}`);
  const raw = subSource(source, await dataStart(source, entry, budget), entry.compressedSize);
  if (entry.method === 0) return { source: raw, close: () => undefined };
  const inflated = decompressedSource('deflate-raw', raw, maxBytes);
  return { source: inflated, close: () => inflated.close() };
}

/** A member's bytes (stored or deflated), at most `maxBytes` of output. */
export async function readMember(source: ByteSource, entry: ZipEntry, budget: ReadBudget, maxBytes: number): Promise<Uint8Array> {
  if (entry.encrypted) throw new FormatError('malformed', `${entry.name} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8) throw new FormatError('malformed', `${entry.name} uses compression method ${entry.method}`);
  if (entry.size > maxBytes) throw new FormatError('budget', `${entry.name} is ${entry.size} bytes, over the ${maxBytes}-byte cap`);
  const start = await dataStart(source, entry, budget);
  const raw = await readAt(source, start, entry.compressedSize, budget);
  if (entry.method === 0) return raw;
  try {
    return inflateRawSync(raw, { maxOutputLength: maxBytes });
  } catch (err) {
    throw new FormatError('malformed', `${entry.name}: ${(err as Error).message}`);
  }
}
