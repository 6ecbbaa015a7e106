// Which format a file is, by signature and structure first and by name only where a format has no
// signature (docs/formats-and-metadata.md), and what its header says. `detectFile` is the one entry point: src/scan
// hands it the path, the first bytes and a source; it returns a Detection or undefined (not a model).
import { ascii, startsWith, utf8, type ByteSource } from './source.js';
import { GGUF_MAGIC, readGguf } from './gguf.js';
import { looksLikeSafetensors, readSafetensors, readSafetensorsIndex } from './safetensors.js';
import { looksLikeOnnx, readOnnx } from './onnx.js';
import { isZip } from './zip.js';
import { readZipModel } from './zip-models.js';
import { looksLikeOldPickle, looksLikePickle, readPickleFile, TORCH_LEGACY_MAGIC } from './pickle-file.js';
import { compressionOf } from './decompress.js';
import { hdf5SignatureOffset, readHdf5RootAttributes } from './hdf5.js';
import { readKerasConfig } from './keras.js';
import { readTflite } from './tflite.js';
import { looksLikeCoreMl, looksLikeGraphDef, readCoreMl, readGraphDef, readSavedModel } from './protobuf-models.js';
import { isLfsPointer, readCatboost, readLfsPointer, readMxnetParams, readNnefData, readNpy, readRknn, readTensorRt } from './signatures.js';
import { looksLikeUbjson, readXgboostBinary, readXgboostUbj } from './xgboost.js';
import { readCaffePrototxt, readLightGbm, readMlflow, readModelJson, readNnefGraph, readOpenVino, readPmml, readTritonConfig } from './text-formats.js';
import { readHfConfig, readModelCard } from './huggingface.js';
import { field, isObject, parseJsonText, text } from './json.js';
import { recordFormatError } from './read-guard.js';
import { FormatError } from './source.js';
import { newDetection, type Detection, type FormatLimits } from './types.js';

/** How many leading bytes src/scan passes as `head` (the whole file when smaller). */
export const HEAD_BYTES = 64 * 1024;

export interface DetectInput {
  /** Path relative to the scan root, `/`-separated. */
  path: string;
  size: number;
  head: Uint8Array;
  source: ByteSource;
}

const PICKLE_NAME = /\.(pkl|pickle|joblib|sav|dill|pkl\.gz|pickle\.gz|gz)$/i;
const TORCH_NAME = /\.(pt|pth|bin|ckpt|ptl|mar)$/i;
const TEXT_MAX = 1 << 20;

/**
 * Whether a file is worth inspecting at all (used while streaming layers, where everything else is
 * skipped unread). By name, or by a strong signature in its first bytes.
 */
export function isCandidate(path: string, head: Uint8Array): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (/\.(gguf|ggml|safetensors|onnx|onnx_data|pt|pth|bin|ckpt|ptl|pkl|pickle|joblib|sav|dill|h5|hdf5|keras|tflite|lite|mlmodel|pb|pbtxt|graphdef|ubj|cbm|pmml|engine|plan|trt|rknn|caffemodel|prototxt|params|nnef|dat|msgpack|npy|npz|model|bst|llamafile)$/i.test(base)) return true;
  if (/^(config\.json|README\.md|MLmodel|config\.pbtxt|Manifest\.json|saved_model\.pb|saved_model\.pbtxt|orbax\.checkpoint|_CHECKPOINT_METADATA|_METADATA|graph\.nnef|model\.xml|configuration\.json)$/.test(base)) return true;
  if (/(-symbol\.json|\.index\.json|\.mlpackage\/.*|model\.json|model\.txt)$/.test(path)) return true;
  return strongMagic(head);
}

function strongMagic(head: Uint8Array): boolean {
  return startsWith(head, GGUF_MAGIC) || startsWith(head, 'TFL3', 4) || startsWith(head, 'CBM1') || startsWith(head, 'RKNN') || hdf5SignatureOffset(head.subarray(0, 8)) !== undefined || startsWith(head, TORCH_LEGACY_MAGIC) || startsWith(head, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
}

/**
 * Whether reading this file may take far more memory or time than its size: a compressed stream or a
 * zip holds more than it weighs (src/scan runs such detections in a narrow lane).
 */
export function mayExpand(head: Uint8Array): boolean {
  return compressionOf(head) !== undefined || isZip(head);
}

/** Whether the detector for this file needs random access (src/scan spools such streamed entries). */
export function needsRandomAccess(path: string, head: Uint8Array): boolean {
  return isZip(head) || hdf5SignatureOffset(head) !== undefined || startsWith(head, 'TFL3', 4);
}

export async function detectFile(input: DetectInput, limits: FormatLimits): Promise<Detection | undefined> {
  try {
    return await detect(input, limits);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    const d = newDetection('unknown', 'low');
    recordFormatError(d, input.path, err);
    return d;
  }
}

async function detect(input: DetectInput, limits: FormatLimits): Promise<Detection | undefined> {
  const { path, head, source, size } = input;
  const base = path.slice(path.lastIndexOf('/') + 1);
  const lower = base.toLowerCase();
  if (isLfsPointer(head, size)) return readLfsPointer(head);
  const smallText = (): string => utf8(head.subarray(0, Math.min(head.length, TEXT_MAX)));

  // Names that are formats by themselves.
  if (base === 'config.json') return readHfConfig(smallText(), limits) ?? readModelJson(smallText(), base, limits);
  if (/^readme\.md$/i.test(base)) return readModelCard(smallText(), limits);
  if (base === 'MLmodel') return readMlflow(smallText(), limits);
  if (base === 'config.pbtxt') return readTritonConfig(smallText());
  if (base === 'saved_model.pb') return readSavedModel(source, limits);
  if (base === 'saved_model.pbtxt') return savedModelText(smallText());
  if (lower.endsWith('.index.json')) return readSafetensorsIndex(smallText(), limits);
  if (base === 'Manifest.json' && /\.mlpackage\//.test(path)) return mlpackageManifest(smallText(), limits);
  if (base === 'orbax.checkpoint' || base === '_CHECKPOINT_METADATA') return orbax(base);
  if (base === 'configuration.json' || base === 'model.weights.h5') return undefined;

  // Signatures.
  if (startsWith(head, GGUF_MAGIC)) return readGguf(source, limits);
  const h5 = hdf5SignatureOffset(head);
  if (h5 !== undefined) return readHdf5(source, h5, limits, base);
  if (startsWith(head, 'TFL3', 4)) return readTflite(source, limits);
  if (startsWith(head, 'CBM1')) return readCatboost(head, size);
  const rknn = readRknn(head);
  if (rknn) return rknn;
  const trt = readTensorRt(head, size, limits);
  if (trt) return trt;
  if (startsWith(head, [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) return readNpy(source, limits);
  if (isZip(head)) return readZipModel(source, limits, base);
  if (startsWith(head, TORCH_LEGACY_MAGIC)) return readPickleFile(source, head, limits, 'pickle');
  if (looksLikeSafetensors(head, size)) return readSafetensors(source, limits);
  const mx = readMxnetParams(head);
  if (mx) return mx;
  if (looksLikePickle(head) && (PICKLE_NAME.test(lower) || TORCH_NAME.test(lower) || size > 64)) return readPickleFile(source, head, limits, /\.joblib$/i.test(lower) ? 'joblib' : 'pickle');
  if (compressionOf(head) && PICKLE_NAME.test(lower)) return readPickleFile(source, head, limits, /\.joblib/i.test(lower) ? 'joblib' : 'pickle');
  if (/\.dat$/i.test(lower)) return readNnefData(head);
  if (looksLikeUbjson(head) && /\.(ubj|json|model)$/i.test(lower)) return readXgboostUbj(source, limits);
  const xgbBin = readXgboostBinary(head, lower);
  if (xgbBin) return xgbBin;

  // Structure plus name.
  if (/\.onnx$/i.test(lower) || (looksLikeOnnx(head) && !/\.(pb|mlmodel|caffemodel)$/i.test(lower))) {
    if (/\.onnx$/i.test(lower) || looksLikeOnnx(head)) return readOnnx(source, limits);
  }
  if (/\.mlmodel$/i.test(lower) && looksLikeCoreMl(head)) return readCoreMl(source, limits);
  if (/\.(pb|graphdef)$/i.test(lower) && looksLikeGraphDef(head)) return readGraphDef(source, limits, 'tensorflow');
  if (/\.caffemodel$/i.test(lower)) return readGraphDef(source, limits, 'caffe');
  if (/\.(pkl|pickle)$/i.test(lower) && looksLikeOldPickle(head)) return readPickleFile(source, head, limits, 'pickle');
  if (/\.msgpack$/i.test(lower) && (head[0]! & 0xf0) === 0x80) return flaxMsgpack();
  if (/\.nnef$/i.test(lower) || base === 'graph.nnef') return readNnefGraph(smallText());
  const first = ascii(head, 0, 16);
  if (first.startsWith('tree\n') || first.startsWith('tree\r\n')) return readLightGbm(smallText(), limits);
  if (/\.(pmml|xml)$/i.test(lower)) return readPmml(smallText()) ?? readOpenVino(smallText());
  if (/\.prototxt$/i.test(lower)) return readCaffePrototxt(smallText());
  if (/\.json$/i.test(lower) && head[0] === 0x7b) return readModelJson(smallText(), base, limits);
  return undefined;
}

async function readHdf5(source: ByteSource, sigOffset: number, limits: FormatLimits, base: string): Promise<Detection> {
  const d = newDetection('hdf5', 'medium');
  d.evidence.push(`HDF5 signature at offset ${sigOffset}`);
  try {
    const attrs = await readHdf5RootAttributes(source, sigOffset, { remaining: limits.maxHeaderBytes }, limits.maxStringBytes);
    d.metadata['hdf5.superblock_version'] = attrs.superblockVersion;
    for (const n of attrs.notes) d.incomplete.push(n);
    const kv = attrs.attributes.get('keras_version');
    const config = attrs.attributes.get('model_config');
    if (typeof kv === 'string' || typeof config === 'string' || /\.weights\.h5$/i.test(base) || attrs.attributes.has('layer_names')) {
      d.format = 'keras';
      d.variant = 'hdf5';
      d.confidence = 'high';
      if (typeof kv === 'string') {
        d.metadata['keras.keras_version'] = kv;
        d.evidence.push(`root attribute keras_version = ${kv}`);
      }
      const backend = attrs.attributes.get('backend');
      if (typeof backend === 'string') d.metadata['keras.backend'] = backend;
      if (typeof config === 'string') readKerasConfig(config, d, limits, 'model_config');
      else if (/\.weights\.h5$/i.test(base) || attrs.attributes.has('layer_names')) d.role = 'weights';
    } else {
      d.metadata['hdf5.root_attributes'] = [...attrs.attributes.keys()].slice(0, limits.maxArrayItems);
    }
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    recordFormatError(d, 'HDF5', err);
    if (/\.(h5|hdf5|keras)$/i.test(base)) d.format = 'keras';
  }
  return d;
}

function savedModelText(t: string): Detection | undefined {
  if (!/\bmeta_graphs\s*\{/.test(t)) return undefined;
  const d = newDetection('savedmodel', 'high');
  d.variant = 'pbtxt';
  d.evidence.push('saved_model.pbtxt with meta_graphs');
  const tags = [...t.matchAll(/\btags\s*:\s*"([^"]{1,64})"/g)].map((m) => m[1]!);
  if (tags.length) d.metadata['savedmodel.tags'] = [...new Set(tags)];
  return d;
}

function mlpackageManifest(t: string, limits: FormatLimits): Detection | undefined {
  const parsed = parseJsonText(t, limits.maxDepth);
  if (!parsed.ok || !isObject(parsed.json.value)) return undefined;
  const m = parsed.json.value;
  if (field(m, 'itemInfoEntries') === undefined || field(m, 'rootModelIdentifier') === undefined) return undefined;
  const d = newDetection('coreml', 'high', 'config');
  d.variant = 'mlpackage';
  d.evidence.push('.mlpackage Manifest.json with itemInfoEntries and rootModelIdentifier');
  const v = text(field(m, 'fileFormatVersion'));
  if (v) d.metadata['coreml.file_format_version'] = v;
  return d;
}

function orbax(base: string): Detection {
  const d = newDetection('flax', 'medium', 'config');
  d.variant = 'orbax';
  d.evidence.push(base === 'orbax.checkpoint' ? 'Orbax V1 marker file orbax.checkpoint' : 'Orbax _CHECKPOINT_METADATA');
  return d;
}

function flaxMsgpack(): Detection {
  const d = newDetection('flax', 'low');
  d.variant = 'msgpack';
  d.evidence.push('.msgpack file starting with a msgpack map (flax.serialization.to_bytes)');
  return d;
}
