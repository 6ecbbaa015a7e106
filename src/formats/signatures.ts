// Formats known by a magic number and a short header (docs/formats-and-metadata.md): numpy `.npy`, CatBoost `CBM1`,
// TensorRT engines (`ptrt`/`ftrt`, optionally after a u32 length + JSON metadata blob), RKNN, MXNet
// `.params` (u64 0x112), NNEF tensor files (`4E EF`), and Git LFS pointer files.
import { ascii, readAt, startsWith, utf8, type ByteSource, type ReadBudget } from './source.js';
import { walkPickle } from './pickle.js';
import { applyPickleScan } from './pickle-file.js';
import { field, isObject, keys, parseJsonText, text } from './json.js';
import { newDetection, type Detection, type FormatLimits } from './types.js';

export const LFS_PREFIX = 'version https://git-lfs.github.com/spec/v1';

export function isLfsPointer(head: Uint8Array, size: number): boolean {
  return size < 1024 && startsWith(head, LFS_PREFIX);
}

export function readLfsPointer(head: Uint8Array): Detection {
  const d = newDetection('git-lfs-pointer', 'high', 'lfs-pointer');
  d.evidence.push('text starting "version https://git-lfs.github.com/spec/v1"');
  const t = utf8(head);
  const oid = /^oid sha256:([0-9a-f]{64})$/m.exec(t)?.[1];
  const size = /^size (\d+)$/m.exec(t)?.[1];
  if (oid) d.metadata['lfs.oid'] = `sha256:${oid}`;
  if (size) d.metadata['lfs.size'] = Number(size);
  d.incomplete.push('a Git LFS pointer: the model file itself was never fetched');
  return d;
}

export async function readNpy(source: ByteSource, limits: FormatLimits): Promise<Detection> {
  const d = newDetection('numpy', 'high');
  const budget: ReadBudget = { remaining: limits.maxHeaderBytes };
  const h = await readAt(source, 0, 12, budget);
  const major = h[6] ?? 0;
  const headerLen = major >= 2 ? new DataView(h.buffer, h.byteOffset, h.byteLength).getUint32(8, true) : (h[8] ?? 0) | ((h[9] ?? 0) << 8);
  const start = major >= 2 ? 12 : 10;
  d.evidence.push(`magic "\\x93NUMPY" v${major}.${h[7] ?? 0}`);
  if (headerLen > 1 << 20 || start + headerLen > source.size) {
    d.findings.push({ code: 'lying-length', severity: 'low', message: `npy header length ${headerLen} does not fit the file` });
    d.confidence = 'low';
    return d;
  }
  const header = ascii(await readAt(source, start, headerLen, budget));
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1] ?? /'descr':\s*(\[.*?\])/.exec(header)?.[1];
  const shape = /'shape':\s*(\([^)]*\))/.exec(header)?.[1];
  if (descr) d.metadata['numpy.dtype'] = descr;
  if (shape) d.metadata['numpy.shape'] = shape;
  if (shape) {
    const dims = shape.replace(/[()\s]/g, '').split(',').filter(Boolean).map(Number);
    if (dims.every((x) => Number.isSafeInteger(x))) d.card.parameters = dims.reduce((a, b) => a * b, 1);
  }
  if (descr?.includes('O')) {
    // Object arrays are pickled after the header: np.load(allow_pickle=True) runs that pickle.
    // The pickle is walked like any other: its globals decide; the note says why np.load needs allow_pickle.
    d.findings.push({ code: 'numpy-object-array', severity: 'info', message: 'object array: its data is a pickle (np.load needs allow_pickle=True); walked below' });
    applyPickleScan(d, await walkPickle(source, limits, { member: 'object array data' }, start + headerLen), 'object array data');
  }
  return d;
}

export function readCatboost(head: Uint8Array, size: number): Detection {
  const d = newDetection('catboost', 'high');
  d.evidence.push('magic "CBM1" at offset 0');
  if (head.length >= 8) {
    const core = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(4, true);
    d.metadata['catboost.core_size'] = core;
    if (core > size - 8) d.findings.push({ code: 'lying-length', severity: 'low', message: `model core size ${core} exceeds the file` });
  }
  return d;
}

export function readTensorRt(head: Uint8Array, size: number, limits: FormatLimits): Detection | undefined {
  if (startsWith(head, 'ptrt') || startsWith(head, 'ftrt')) {
    const d = newDetection('tensorrt', 'medium');
    d.evidence.push(`engine magic "${ascii(head, 0, 4)}" at offset 0`);
    d.incomplete.push('a serialized TensorRT engine has no cheap metadata');
    return d;
  }
  // Ultralytics-style: u32 LE length, JSON metadata, then the engine.
  if (head.length < 8) return undefined;
  const n = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0, true);
  if (head[4] !== 0x7b || n < 2 || 4 + n + 4 > Math.min(size, head.length)) return undefined;
  const magic = ascii(head, 4 + n, 8 + n);
  if (magic !== 'ptrt' && magic !== 'ftrt') return undefined;
  const d = newDetection('tensorrt', 'high');
  d.variant = 'json-prefix';
  d.evidence.push(`u32 length ${n} + JSON metadata, then engine magic "${magic}"`);
  const parsed = parseJsonText(utf8(head.subarray(4, 4 + n)), limits.maxDepth);
  if (parsed.ok && isObject(parsed.json.value)) {
    const v = parsed.json.value;
    for (const k of keys(v).slice(0, 32)) {
      const x = field(v, k);
      if (typeof x === 'string' || typeof x === 'number') d.metadata[`tensorrt.metadata.${k}`] = typeof x === 'string' ? x.slice(0, limits.maxStringBytes) : x;
    }
    const description = text(field(v, 'description'));
    if (description) d.card.description = description;
  }
  return d;
}

export function readRknn(head: Uint8Array): Detection | undefined {
  const d = newDetection('rknn', 'high');
  if (startsWith(head, 'RKNN')) d.evidence.push('magic "RKNN" at offset 0');
  else if (startsWith(head, 'RKNN', 4)) d.evidence.push('FlatBuffer with identifier "RKNN" at offset 4');
  else if (startsWith(head, 'RKNX')) d.evidence.push('magic "RKNX" at offset 0');
  else if (startsWith(head, 'CYPTRKNN')) {
    d.variant = 'encrypted';
    d.evidence.push('magic "CYPTRKNN" (encrypted)');
  } else return undefined;
  return d;
}

export function readMxnetParams(head: Uint8Array): Detection | undefined {
  if (!startsWith(head, [0x12, 0x01, 0, 0, 0, 0, 0, 0])) return undefined;
  const d = newDetection('mxnet', 'high');
  d.variant = 'params';
  d.evidence.push('NDArray list magic 0x112 (u64 LE) at offset 0');
  return d;
}

export function readNnefData(head: Uint8Array): Detection | undefined {
  if (!(head[0] === 0x4e && head[1] === 0xef)) return undefined;
  const d = newDetection('nnef', 'high');
  d.variant = 'tensor-data';
  d.evidence.push(`NNEF tensor magic 4E EF, version ${head[2]}.${head[3]}`);
  return d;
}
