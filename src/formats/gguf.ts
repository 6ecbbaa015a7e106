// GGUF (ggml-org/ggml docs/gguf.md; docs/formats-and-metadata.md): magic "GGUF", u32 version, u64 tensor_count,
// u64 metadata_kv_count, the KV pairs, then tensor infos. Every KV is read (values of huge arrays such
// as tokenizer vocabularies are walked by length and not kept beyond `maxArrayItems`); tensor infos
// give the parameter count. Tensor data is never read.
import { Cursor, FormatError, type ByteSource, type ReadBudget } from './source.js';
import { newDetection, type Detection, type FormatLimits, type MetaValue } from './types.js';
import { spdxLicense } from './license.js';

const TYPE_NAMES = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'bool', 'string', 'array', 'uint64', 'int64', 'float64'];
const FIXED_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/** `general.file_type` (llama_ftype) → quantization name. */
const FILE_TYPES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 7: 'Q8_0', 8: 'Q5_0', 9: 'Q5_1', 10: 'Q2_K', 11: 'Q3_K_S', 12: 'Q3_K_M', 13: 'Q3_K_L',
  14: 'Q4_K_S', 15: 'Q4_K_M', 16: 'Q5_K_S', 17: 'Q5_K_M', 18: 'Q6_K', 19: 'IQ2_XXS', 20: 'IQ2_XS', 21: 'Q2_K_S', 22: 'IQ3_XS',
  23: 'IQ3_XXS', 24: 'IQ1_S', 25: 'IQ4_NL', 26: 'IQ3_S', 27: 'IQ3_M', 28: 'IQ2_S', 29: 'IQ2_M', 30: 'IQ4_XS', 31: 'IQ1_M', 32: 'BF16',
  36: 'TQ1_0', 37: 'TQ2_0',
};

/** ggml tensor types (GGMLQuantizationType) → name, for the dominant tensor type. */
const TENSOR_TYPES: Record<number, string> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 6: 'Q5_0', 7: 'Q5_1', 8: 'Q8_0', 9: 'Q8_1', 10: 'Q2_K', 11: 'Q3_K', 12: 'Q4_K', 13: 'Q5_K',
  14: 'Q6_K', 15: 'Q8_K', 16: 'IQ2_XXS', 17: 'IQ2_XS', 18: 'IQ3_XXS', 19: 'IQ1_S', 20: 'IQ4_NL', 21: 'IQ3_S', 22: 'IQ2_S', 23: 'IQ4_XS',
  24: 'I8', 25: 'I16', 26: 'I32', 27: 'I64', 28: 'F64', 29: 'IQ1_M', 30: 'BF16', 34: 'TQ1_0', 35: 'TQ2_0',
};

export const GGUF_MAGIC = [0x47, 0x47, 0x55, 0x46];

export async function readGguf(source: ByteSource, limits: FormatLimits): Promise<Detection> {
  const d = newDetection('gguf', 'high');
  d.evidence.push('magic "GGUF" at offset 0');
  const budget: ReadBudget = { remaining: limits.maxHeaderBytes };
  const c = new Cursor(source, 4, budget);
  try {
    const version = await c.u32();
    d.metadata['gguf.version'] = version;
    if (version < 1 || version > 3) {
      d.confidence = 'medium';
      d.findings.push({ code: 'unknown-version', severity: 'low', message: `GGUF version ${version} (this reader knows 1–3)`, offset: 4 });
    }
    const tensorCount = version === 1 ? await c.u32() : await c.u64();
    const kvCount = version === 1 ? await c.u32() : await c.u64();
    d.metadata['gguf.tensor_count'] = tensorCount;
    d.metadata['gguf.kv_count'] = kvCount;
    d.evidence.push(`GGUF v${version}, ${tensorCount} tensor(s), ${kvCount} metadata key(s)`);
    // Each KV is at least 8 (key length) + 4 (type) + 1 bytes; each tensor info at least 8+4+4+8.
    if (kvCount * 13 > c.remaining || tensorCount * 24 > c.remaining) throw new FormatError('too-large', `declared ${kvCount} keys / ${tensorCount} tensors cannot fit in ${source.size} bytes`, 8);
    const kv = new Map<string, MetaValue>();
    for (let i = 0; i < kvCount; i++) {
      const key = await ggufString(c, limits.maxStringBytes, version);
      const type = await c.u32();
      const value = await ggufValue(c, type, limits, version, 0);
      if (kv.size < limits.maxKeys) kv.set(key.text, value);
    }
    for (const [k, v] of kv) d.metadata[`gguf.${k}`] = v;
    let parameters = 0;
    const typeCounts = new Map<number, number>();
    for (let i = 0; i < tensorCount; i++) {
      await ggufString(c, 256, version);
      const nDims = await c.u32();
      if (nDims > 8) throw new FormatError('malformed', `tensor ${i} declares ${nDims} dimensions`, c.pos - 4);
      let elements = 1;
      for (let j = 0; j < nDims; j++) elements *= version === 1 ? await c.u32() : await c.u64();
      const type = await c.u32();
      await c.u64();
      parameters += elements;
      typeCounts.set(type, (typeCounts.get(type) ?? 0) + elements);
    }
    if (Number.isFinite(parameters) && tensorCount > 0) d.card.parameters = parameters;
    const dominant = [...typeCounts.entries()].sort((a, b) => b[1] - a[1])[0];
    if (dominant) d.metadata['gguf.dominant_tensor_type'] = TENSOR_TYPES[dominant[0]] ?? `type-${dominant[0]}`;
    cardFromKv(kv, d);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    d.findings.push({ code: err.code === 'truncated' ? 'truncated' : err.code === 'budget' ? 'header-too-large' : 'malformed-header', severity: 'low', message: `GGUF: ${err.message}`, ...(err.offset !== undefined ? { offset: err.offset } : {}) });
    d.incomplete.push(`GGUF header not read to the end: ${err.message}`);
    d.confidence = d.metadata['gguf.kv_count'] !== undefined ? 'medium' : 'low';
  }
  return d;
}

async function ggufString(c: Cursor, keep: number, version: number): Promise<{ text: string; clipped: boolean }> {
  const n = version === 1 ? await c.u32() : await c.u64();
  return c.string(n, keep);
}

async function ggufValue(c: Cursor, type: number, limits: FormatLimits, version: number, depth: number): Promise<MetaValue> {
  switch (type) {
    case 0: return c.u8();
    case 1: return ((await c.u8()) << 24) >> 24;
    case 2: return c.u16();
    case 3: return ((await c.u16()) << 16) >> 16;
    case 4: return c.u32();
    case 5: return c.i32();
    case 6: return c.f32();
    case 7: return (await c.u8()) !== 0;
    case 8: return (await ggufString(c, limits.maxStringBytes, version)).text;
    case 10: {
      const v = await c.u64().catch(async (e: unknown) => {
        if (e instanceof FormatError && e.code === 'too-large') return Number.MAX_SAFE_INTEGER;
        throw e;
      });
      return v;
    }
    case 11: return Number(await c.i64());
    case 12: return c.f64();
    case 9: {
      if (depth >= 2) throw new FormatError('malformed', 'GGUF arrays nested deeper than 2', c.pos);
      const itemType = await c.u32();
      const n = version === 1 ? await c.u32() : await c.u64();
      const fixed = FIXED_SIZE[itemType];
      if (fixed !== undefined) {
        if (n * fixed > c.remaining) throw new FormatError('too-large', `array of ${n} ${TYPE_NAMES[itemType]} runs past the end`, c.pos);
        const kept: string[] = [];
        const keep = Math.min(n, limits.maxArrayItems);
        for (let i = 0; i < keep; i++) kept.push(String(await ggufValue(c, itemType, limits, version, depth + 1)));
        await c.skip((n - keep) * fixed);
        return kept;
      }
      if (itemType !== 8 && itemType !== 9) throw new FormatError('malformed', `array of unknown type ${itemType}`, c.pos);
      if (n * 8 > c.remaining) throw new FormatError('too-large', `array of ${n} items runs past the end`, c.pos);
      const kept: string[] = [];
      for (let i = 0; i < n; i++) {
        if (itemType === 8) {
          // Walk by length: tokenizer vocabularies hold 100k+ strings; only the first few are kept.
          const len = version === 1 ? await c.u32() : await c.u64();
          if (i < limits.maxArrayItems) kept.push((await c.string(len, limits.maxStringBytes)).text);
          else await c.skip(len);
        } else {
          const v = await ggufValue(c, 9, limits, version, depth + 1);
          if (i < limits.maxArrayItems) kept.push(Array.isArray(v) ? `[${(v as string[]).length}]` : String(v));
        }
      }
      return kept;
    }
    default:
      throw new FormatError('malformed', `unknown GGUF value type ${type}`, c.pos - 4);
  }
}

function cardFromKv(kv: Map<string, MetaValue>, d: Detection): void {
  const s = (k: string): string | undefined => {
    const v = kv.get(k);
    return typeof v === 'string' && v.trim() ? v.trim() : undefined;
  };
  const n = (k: string): number | undefined => {
    const v = kv.get(k);
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const arch = s('general.architecture');
  if (arch) {
    d.card.architecture = arch;
    d.evidence.push(`general.architecture = ${arch}`);
  } else {
    d.findings.push({ code: 'missing-required-key', severity: 'info', message: 'GGUF has no general.architecture (required by the spec)' });
  }
  const name = s('general.name') ?? s('general.basename');
  if (name) d.card.name = name;
  const version = s('general.version');
  if (version) d.card.version = version;
  const license = s('general.license');
  if (license) d.card.license = spdxLicense(license) ?? license;
  const fileType = n('general.file_type');
  const quant = fileType !== undefined ? FILE_TYPES[fileType] : undefined;
  d.card.quantization = quant ?? (typeof d.metadata['gguf.dominant_tensor_type'] === 'string' ? (d.metadata['gguf.dominant_tensor_type'] as string) : undefined);
  if (d.card.quantization === undefined) delete d.card.quantization;
  if (arch) {
    const ctx = n(`${arch}.context_length`);
    if (ctx !== undefined) d.card.contextLength = ctx;
  }
  const author = s('general.author') ?? s('general.organization');
  if (author) d.card.author = author;
  const description = s('general.description');
  if (description) d.card.description = description;
  const datasets = kv.get('general.datasets');
  if (Array.isArray(datasets)) d.card.datasets = [...(datasets as string[])];
  const tags = kv.get('general.tags');
  if (Array.isArray(tags)) d.card.tags = [...(tags as string[])];
  const bases: string[] = [];
  const baseCount = n('general.base_model.count') ?? 0;
  for (let i = 0; i < Math.min(baseCount, 16); i++) {
    const b = s(`general.base_model.${i}.repo_url`) ?? s(`general.base_model.${i}.name`);
    if (b) bases.push(b);
  }
  if (bases.length > 0) d.card.baseModels = bases;
  for (let i = 0; i < 16; i++) {
    const ds = s(`general.dataset.${i}.name`);
    if (!ds) break;
    (d.card.datasets ??= []).push(ds);
  }
  const sizeLabel = s('general.size_label');
  if (sizeLabel) d.metadata['gguf.size_label'] = sizeLabel;
}
