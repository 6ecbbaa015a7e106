// Protocol Buffers wire format (protobuf.dev/programming-guides/encoding): tags are varints
// `field << 3 | wire type`; wire types 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32 (groups,
// 3/4, are refused). Readers walk a message's fields forwards over a Cursor and skip what they do not
// need by length, so a GB-sized ONNX graph costs nothing to step over.
import { FormatError, type Cursor } from './source.js';

export const WIRE = { varint: 0, fixed64: 1, len: 2, fixed32: 5 } as const;

export interface Tag {
  field: number;
  wire: number;
  /** Offset of the tag. */
  at: number;
}

export async function varint(c: Cursor): Promise<number> {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    const b = await c.u8();
    result += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return result;
    scale *= 128;
  }
  throw new FormatError('malformed', `varint longer than 10 bytes at offset ${c.pos}`, c.pos);
}

export async function readTag(c: Cursor): Promise<Tag> {
  const at = c.pos;
  const key = await varint(c);
  const field = Math.floor(key / 8);
  const wire = key % 8;
  if (field === 0 || ![0, 1, 2, 5].includes(wire)) throw new FormatError('malformed', `invalid protobuf tag (field ${field}, wire type ${wire}) at offset ${at}`, at);
  return { field, wire, at };
}

/** Skips the value of a tag just read; returns the length for `len` fields. */
export async function skipValue(c: Cursor, tag: Tag): Promise<number> {
  switch (tag.wire) {
    case WIRE.varint:
      await varint(c);
      return 0;
    case WIRE.fixed64:
      await c.skip(8);
      return 8;
    case WIRE.fixed32:
      await c.skip(4);
      return 4;
    default: {
      const n = await varint(c);
      await c.skip(n);
      return n;
    }
  }
}

/**
 * Walks the fields of a message spanning [c.pos, end): `visit` returns true when it consumed the
 * value itself; otherwise the value is skipped. Stops at `end` exactly (a field running past it is
 * malformed).
 */
export async function walkMessage(c: Cursor, end: number, visit: (tag: Tag) => Promise<boolean>, maxFields = 1_000_000): Promise<void> {
  let n = 0;
  while (c.pos < end) {
    if (n++ >= maxFields) throw new FormatError('budget', `more than ${maxFields} fields in one message`, c.pos);
    const tag = await readTag(c);
    if (!(await visit(tag))) await skipValue(c, tag);
    if (c.pos > end) throw new FormatError('malformed', `field ${tag.field} at offset ${tag.at} runs past its message`, tag.at);
  }
}

/** The length of a `len` field whose tag was just read, checked against the message end. */
export async function lengthOf(c: Cursor, end: number): Promise<number> {
  const n = await varint(c);
  if (c.pos + n > end) throw new FormatError('malformed', `length ${n} at offset ${c.pos} runs past the end of its message`, c.pos);
  return n;
}

/** A string field (clipped to `keep` bytes). */
export async function stringField(c: Cursor, end: number, keep: number): Promise<string> {
  const n = await lengthOf(c, end);
  return (await c.string(n, keep)).text;
}

/** Sub-message walk helper: reads the length and walks it. */
export async function subMessage(c: Cursor, end: number, visit: (tag: Tag, subEnd: number) => Promise<boolean>): Promise<void> {
  const n = await lengthOf(c, end);
  const subEnd = c.pos + n;
  await walkMessage(c, subEnd, (t) => visit(t, subEnd));
}

/** Quick structural check of a prefix: the first `count` top-level tags parse with the allowed wire types. */
export function plausibleMessage(head: Uint8Array, allowed: Readonly<Record<number, number>>, minFields = 2): boolean {
  let pos = 0;
  let fields = 0;
  const readVarint = (): number | undefined => {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10 && pos < head.length; i++) {
      const b = head[pos++]!;
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    return undefined;
  };
  while (pos < head.length && fields < 8) {
    const key = readVarint();
    if (key === undefined) return fields >= minFields;
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (allowed[field] !== wire) return false;
    fields++;
    if (wire === 0) {
      if (readVarint() === undefined) return fields >= minFields;
    } else if (wire === 2) {
      const n = readVarint();
      if (n === undefined) return fields >= minFields;
      pos += n;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
  }
  return fields >= minFields;
}
