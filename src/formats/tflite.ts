// TFLite / LiteRT (tensorflow/lite/schema/schema.fbs; FlatBuffers internals, flatbuffers.dev): file
// identifier "TFL3" at bytes 4–7; root table Model { version:uint 0, operator_codes 1, subgraphs 2,
// description:string 3, buffers 4, metadata_buffer 5, metadata:[Metadata{name 0, buffer 1}] 6,
// signature_defs 7 }. Read from a bounded prefix; offsets outside it are reported, not followed.
import { readAt, type ByteSource, type ReadBudget } from './source.js';
import { newDetection, type Detection, type FormatLimits } from './types.js';

const PREFIX = 1 << 20;

class Fb {
  private view: DataView;
  constructor(readonly b: Uint8Array) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  ok(p: number, n: number): boolean {
    return p >= 0 && p + n <= this.b.length;
  }
  u32(p: number): number | undefined {
    return this.ok(p, 4) ? this.view.getUint32(p, true) : undefined;
  }
  i32(p: number): number | undefined {
    return this.ok(p, 4) ? this.view.getInt32(p, true) : undefined;
  }
  u16(p: number): number | undefined {
    return this.ok(p, 2) ? this.view.getUint16(p, true) : undefined;
  }
  /** Position of field `i` of the table at `t`, or undefined when absent. */
  field(t: number, i: number): number | undefined {
    const so = this.i32(t);
    if (so === undefined) return undefined;
    const vt = t - so;
    const vsize = this.u16(vt);
    if (vsize === undefined || 4 + 2 * i >= vsize) return undefined;
    const off = this.u16(vt + 4 + 2 * i);
    return off ? t + off : undefined;
  }
  deref(p: number | undefined): number | undefined {
    if (p === undefined) return undefined;
    const o = this.u32(p);
    return o === undefined ? undefined : p + o;
  }
  string(p: number | undefined, max: number): string | undefined {
    const s = this.deref(p);
    if (s === undefined) return undefined;
    const n = this.u32(s);
    if (n === undefined || !this.ok(s + 4, Math.min(n, max))) return undefined;
    return new TextDecoder().decode(this.b.subarray(s + 4, s + 4 + Math.min(n, max)));
  }
  vector(p: number | undefined): { start: number; length: number } | undefined {
    const v = this.deref(p);
    if (v === undefined) return undefined;
    const n = this.u32(v);
    return n === undefined ? undefined : { start: v + 4, length: n };
  }
}

export async function readTflite(source: ByteSource, limits: FormatLimits): Promise<Detection> {
  const d = newDetection('tflite', 'high');
  d.evidence.push('FlatBuffer file identifier "TFL3" at offset 4');
  const budget: ReadBudget = { remaining: limits.maxHeaderBytes };
  const bytes = await readAt(source, 0, Math.min(source.size, PREFIX), budget);
  const fb = new Fb(bytes);
  const root = fb.deref(0);
  if (root === undefined || !fb.ok(root, 4)) {
    d.findings.push({ code: 'malformed-header', severity: 'low', message: 'TFLite root table offset points outside the file' });
    d.confidence = 'medium';
    return d;
  }
  const versionAt = fb.field(root, 0);
  const version = versionAt !== undefined ? fb.u32(versionAt) : undefined;
  if (version !== undefined) d.metadata['tflite.version'] = version;
  const description = fb.string(fb.field(root, 3), limits.maxStringBytes);
  if (description) {
    d.metadata['tflite.description'] = description;
    d.card.description = description;
  }
  const subgraphs = fb.vector(fb.field(root, 2));
  if (subgraphs) d.metadata['tflite.subgraphs'] = subgraphs.length;
  const ops = fb.vector(fb.field(root, 1));
  if (ops) d.metadata['tflite.operator_codes'] = ops.length;
  const meta = fb.vector(fb.field(root, 6));
  if (meta) {
    const names: string[] = [];
    for (let i = 0; i < Math.min(meta.length, limits.maxArrayItems); i++) {
      const t = fb.deref(meta.start + 4 * i);
      if (t === undefined) break;
      const name = fb.string(fb.field(t, 0), 256);
      if (name) names.push(name);
    }
    if (names.length > 0) d.metadata['tflite.metadata'] = names;
  }
  if (version === undefined && !description) {
    d.confidence = 'medium';
    d.incomplete.push('TFLite Model table not readable within the first MiB');
  }
  return d;
}
