// What a format detector reports about one file (or one directory layout): the format, how sure it
// is and why, the header metadata it read cheaply, the model-card facts that metadata supports, and
// findings (unsafe code, truncation, lying sizes). Pure data; src/scan turns it into a BOM.

export type Confidence = 'high' | 'medium' | 'low';

/** `critical`/`high`: runs code or reaches the OS when loaded; `medium`: needs review; `low`/`info`: notes. */
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export const SEVERITY_ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export function atLeast(severity: Severity, floor: Severity): boolean {
  return SEVERITY_ORDER.indexOf(severity) >= SEVERITY_ORDER.indexOf(floor);
}

export interface FormatFinding {
  /** e.g. `unsafe-pickle-global`, `truncated`, `lying-length`, `keras-lambda`. */
  code: string;
  severity: Severity;
  message: string;
  /** Byte offset in the file (or in the named inner stream) where it was seen. */
  offset?: number;
  /** Inner stream, e.g. `archive/data.pkl` inside a zip. */
  member?: string;
  /** For unsafe globals: `module.name`. */
  global?: string;
}

export type MetaValue = string | number | boolean | readonly string[];

/** Facts a CycloneDX modelCard / SPDX AI package can carry (docs/model-scan.md "Properties written"). */
export interface CardFacts {
  name?: string;
  version?: string;
  architecture?: string;
  architectureFamily?: string;
  license?: string;
  datasets?: string[];
  parameters?: number;
  quantization?: string;
  task?: string;
  contextLength?: number;
  producer?: string;
  baseModels?: string[];
  tags?: string[];
  description?: string;
  author?: string;
}

/** What a file is for within a model (weights vs configuration vs card). */
export type FileRole = 'weights' | 'config' | 'card' | 'index' | 'tokenizer' | 'lfs-pointer' | 'code' | 'sidecar';

export interface Detection {
  /** Taxonomy name (docs/model-scan.md "Properties written"): gguf, safetensors, onnx, pytorch, torchscript, pickle, joblib, keras, … */
  format: string;
  /** A sub-kind: `legacy`, `ubjson`, `lite`, `sharded-index`, `gzip`, … */
  variant?: string;
  confidence: Confidence;
  /** Why: signatures and structure seen, e.g. `magic "GGUF" at 0`, `tensor count 291`. */
  evidence: string[];
  /** Header metadata read, flat keys (`gguf.general.architecture`, `onnx.ir_version`, …). */
  metadata: Record<string, MetaValue>;
  card: CardFacts;
  findings: FormatFinding[];
  /** Why the reading stopped short (caps, truncation); empty when complete. */
  incomplete: string[];
  role: FileRole;
}

export function newDetection(format: string, confidence: Confidence, role: FileRole = 'weights'): Detection {
  return { format, confidence, evidence: [], metadata: Object.create(null) as Record<string, MetaValue>, card: {}, findings: [], incomplete: [], role };
}

/** Caps on everything a detector reads: no file makes it read or keep more than these. */
export interface FormatLimits {
  /** Bytes read from one file's header/metadata in all (skipped tensor data does not count). */
  maxHeaderBytes: number;
  /** Longest single string kept (longer ones are clipped, with a note). */
  maxStringBytes: number;
  /** Array elements kept per metadata array (the rest are skipped by length, not stored). */
  maxArrayItems: number;
  /** Metadata keys kept per file. */
  maxKeys: number;
  /** Pickle opcodes walked per stream. */
  maxPickleOps: number;
  /** Bytes decompressed from one inner stream (zip member, joblib stream). */
  maxInflateBytes: number;
  /** Nesting depth (JSON, pickle, zip-in-pickle). */
  maxDepth: number;
  /** Zip entries read from one central directory. */
  maxZipEntries: number;
}

export const DEFAULT_FORMAT_LIMITS: FormatLimits = {
  maxHeaderBytes: 64 * 1024 * 1024,
  maxStringBytes: 4096,
  maxArrayItems: 64,
  maxKeys: 2048,
  maxPickleOps: 5_000_000,
  maxInflateBytes: 256 * 1024 * 1024,
  maxDepth: 64,
  maxZipEntries: 100_000,
};
