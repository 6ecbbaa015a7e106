// safetensors (huggingface/safetensors README §Format, safetensors/src/tensor.rs): u64 LE header
// length N (the reference reader refuses N > 100,000,000), then N bytes of JSON starting with `{`
// (right-padded with spaces), then the data. Every key but `__metadata__` maps to
// `{dtype, shape, data_offsets:[begin,end]}`; the offsets must stay inside the data section.
import { readAt, type ByteSource, type ReadBudget, utf8 } from './source.js';
import { newDetection, type Detection, type FormatLimits } from './types.js';
import { field, isObject, keys, num, parseJsonText, text, type Json } from './json.js';

export const SAFETENSORS_MAX_HEADER = 100_000_000;

const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, F8_E8M0: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8, F4: 0.5, F6_E2M3: 0.75, F6_E3M2: 0.75,
};

/** The first 9 bytes look like a safetensors header (plausible length, then `{`). */
export function looksLikeSafetensors(head: Uint8Array, size: number): boolean {
  if (head.length < 9 || head[8] !== 0x7b) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const n = view.getBigUint64(0, true);
  return n >= 2n && n <= BigInt(Math.min(SAFETENSORS_MAX_HEADER, Math.max(0, size - 8)));
}

// eslint-disable-next-line max-lines-per-function -- one pass over the header, checking every tensor entry against the file; the checks read in order
export async function readSafetensors(source: ByteSource, limits: FormatLimits): Promise<Detection> {
  const d = newDetection('safetensors', 'medium');
  const budget: ReadBudget = { remaining: limits.maxHeaderBytes };
  const first = await readAt(source, 0, 8, budget);
  if (first.length < 8) return truncated(d, 'shorter than the 8-byte header length');
  const n = Number(new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true));
  d.metadata['safetensors.header_bytes'] = n;
  if (n > SAFETENSORS_MAX_HEADER || !Number.isSafeInteger(n)) {
    d.findings.push({ code: 'lying-length', severity: 'low', message: `header length ${n} exceeds the reference limit of ${SAFETENSORS_MAX_HEADER}`, offset: 0 });
    d.incomplete.push('header length over the reference limit');
    d.confidence = 'low';
    return d;
  }
  if (8 + n > source.size) return truncated(d, `header declares ${n} bytes but the file has ${source.size}`);
  if (n > budget.remaining) {
    d.incomplete.push(`header of ${n} bytes is over the ${limits.maxHeaderBytes}-byte read cap`);
    d.findings.push({ code: 'header-too-large', severity: 'low', message: `header of ${n} bytes not read (cap ${limits.maxHeaderBytes})` });
    return d;
  }
  const headerText = utf8(await readAt(source, 8, n, budget));
  const parsed = parseJsonText(headerText.replace(/ +$/, ''), limits.maxDepth);
  if (!parsed.ok) {
    d.findings.push({ code: 'malformed-header', severity: 'low', message: `header JSON: ${parsed.error}`, offset: 8 });
    d.confidence = 'low';
    return d;
  }
  for (const k of parsed.json.forbiddenKeys) d.findings.push({ code: 'forbidden-key', severity: 'low', message: `header has a ${JSON.stringify(k)} key (ignored)` });
  const header = parsed.json.value;
  if (!isObject(header)) {
    d.findings.push({ code: 'malformed-header', severity: 'low', message: 'header JSON is not an object', offset: 8 });
    d.confidence = 'low';
    return d;
  }
  d.evidence.push(`u64 header length ${n}, JSON header at offset 8`);
  const dataSize = source.size - 8 - n;
  const dtypes = new Map<string, number>();
  let tensors = 0;
  let parameters = 0;
  let bad = 0;
  let maxEnd = 0;
  const names: string[] = [];
  for (const key of keys(header)) {
    if (key === '__metadata__') continue;
    const t = field(header, key);
    if (!isObject(t)) {
      bad++;
      continue;
    }
    const dtype = text(field(t, 'dtype'));
    const shape = field(t, 'shape');
    const offsets = field(t, 'data_offsets');
    if (!dtype || !Array.isArray(shape) || !Array.isArray(offsets) || offsets.length !== 2) {
      bad++;
      continue;
    }
    let elements = 1;
    for (const s of shape) elements *= typeof s === 'number' && s >= 0 ? s : NaN;
    const [begin, end] = offsets.map((o: Json) => (typeof o === 'number' ? o : NaN)) as [number, number];
    if (!(begin <= end) || end > dataSize) {
      bad++;
      if (d.findings.filter((f) => f.code === 'lying-offsets').length < 5) d.findings.push({ code: 'lying-offsets', severity: 'low', message: `tensor ${JSON.stringify(key.slice(0, 100))} data_offsets [${begin}, ${end}] fall outside the ${dataSize}-byte data section` });
    } else if (DTYPE_BYTES[dtype] !== undefined && Number.isFinite(elements) && Math.abs(elements * DTYPE_BYTES[dtype]! - (end - begin)) > 1) {
      bad++;
      if (d.findings.filter((f) => f.code === 'lying-shape').length < 5) d.findings.push({ code: 'lying-shape', severity: 'low', message: `tensor ${JSON.stringify(key.slice(0, 100))} shape needs ${elements * DTYPE_BYTES[dtype]!} bytes of ${dtype}, data_offsets give ${end - begin}` });
    }
    if (end > maxEnd) maxEnd = end;
    tensors++;
    if (Number.isFinite(elements)) parameters += elements;
    dtypes.set(dtype, (dtypes.get(dtype) ?? 0) + (Number.isFinite(elements) ? elements : 0));
    if (names.length < limits.maxArrayItems) names.push(key);
  }
  d.metadata['safetensors.tensor_count'] = tensors;
  d.metadata['safetensors.dtypes'] = [...dtypes.keys()].sort();
  if (names.length > 0) d.metadata['safetensors.tensor_names'] = names;
  if (tensors > 0) d.card.parameters = parameters;
  const dominant = [...dtypes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (dominant) d.card.quantization = dominant;
  const meta = field(header, '__metadata__');
  if (isObject(meta)) {
    let count = 0;
    for (const k of keys(meta)) {
      if (count++ >= limits.maxKeys) break;
      const v = field(meta, k);
      if (typeof v === 'string') d.metadata[`safetensors.metadata.${k}`] = v.slice(0, limits.maxStringBytes);
      else d.findings.push({ code: 'non-string-metadata', severity: 'info', message: `__metadata__.${k.slice(0, 100)} is not a string (the format allows only strings)` });
    }
    const fmt = text(field(meta, 'format'));
    if (fmt) d.evidence.push(`__metadata__.format = ${fmt}`);
  }
  if (tensors > 0 && bad === 0) {
    d.confidence = 'high';
    d.evidence.push(`${tensors} tensor(s), offsets within the data section`);
    if (maxEnd < dataSize) d.findings.push({ code: 'trailing-bytes', severity: 'info', message: `${dataSize - maxEnd} byte(s) after the last tensor` });
  } else if (tensors === 0 && keys(header).every((k) => k === '__metadata__')) {
    d.evidence.push('no tensors');
  } else if (bad > 0) d.confidence = tensors > bad ? 'medium' : 'low';
  architectureHint(names, d);
  void num;
  return d;
}

function truncated(d: Detection, why: string): Detection {
  d.findings.push({ code: 'truncated', severity: 'low', message: `safetensors: ${why}` });
  d.incomplete.push(why);
  d.confidence = 'low';
  return d;
}

/** Tensor-name conventions that name an architecture family. */
export function architectureHint(names: readonly string[], d: Detection): void {
  const joined = names.slice(0, 64).join('\n');
  if (/(^|\.)layers\.\d+\.self_attn\.|\.attention\.|\.attn\./m.test(joined)) d.card.architectureFamily = 'transformer';
  else if (/(^|\.)conv\d*\.|\.downsample\.|\.bn\d*\./m.test(joined)) d.card.architectureFamily = 'CNN';
}

/** `model.safetensors.index.json`: `{metadata:{total_size}, weight_map:{tensor: shard}}`. */
export function readSafetensorsIndex(textValue: string, limits: FormatLimits): Detection | undefined {
  const parsed = parseJsonText(textValue, limits.maxDepth);
  if (!parsed.ok || !isObject(parsed.json.value)) return undefined;
  const weightMap = field(parsed.json.value, 'weight_map');
  if (!isObject(weightMap)) return undefined;
  const d = newDetection('safetensors', 'high', 'index');
  d.variant = 'sharded-index';
  const shards = new Set<string>();
  let tensors = 0;
  for (const k of keys(weightMap)) {
    const v = field(weightMap, k);
    if (typeof v === 'string') {
      shards.add(v);
      tensors++;
    }
  }
  d.evidence.push(`weight_map of ${tensors} tensor(s) over ${shards.size} shard(s)`);
  d.metadata['safetensors.index.shards'] = [...shards].sort().slice(0, limits.maxArrayItems);
  d.metadata['safetensors.index.tensor_count'] = tensors;
  const meta = field(parsed.json.value, 'metadata');
  if (isObject(meta)) {
    const total = num(field(meta, 'total_size'));
    if (total !== undefined) d.metadata['safetensors.index.total_size'] = total;
  }
  return d;
}
