// Pickle-based model files: plain pickles (.pkl/.pickle), joblib dumps (plain or compressed as a
// whole), legacy torch.save files (the MAGIC_NUMBER pickle, then more pickles and raw storages), and
// pickles inside other containers (torch zips, numpy object arrays). The opcode walk (pickle.ts)
// gives the globals; they decide the framework (sklearn, xgboost, …) and the unsafe findings.
import { FormatError, startsWith, type ByteSource } from './source.js';
import { compressionOf, decompressedSource } from './decompress.js';
import { recordFormatError } from './read-guard.js';
import { walkPickle, type PickleScan } from './pickle.js';
import { newDetection, type Detection, type FormatLimits } from './types.js';

/** pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2): the first bytes of a legacy torch.save file. */
export const TORCH_LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];

export function looksLikePickle(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x80 && head[1]! >= 2 && head[1]! <= 5;
}

/** Protocol 0/1 pickles have no PROTO opcode; trust them only with a pickle extension. */
export function looksLikeOldPickle(head: Uint8Array): boolean {
  return head.length >= 2 && [0x28, 0x63, 0x5d, 0x7d, 0x29, 0x4e, 0x49, 0x53, 0x56, 0x58, 0x55, 0x4b].includes(head[0]!) && head[1] !== undefined;
}

const FRAMEWORKS: ReadonlyArray<[RegExp, string]> = [
  [/^sklearn\./, 'sklearn'],
  [/^(xgboost|lightgbm)\.sklearn$/, 'sklearn'],
  [/^catboost\.core$/, 'sklearn'],
  [/^xgboost\./, 'xgboost'],
  [/^lightgbm\./, 'lightgbm'],
  [/^torch\./, 'pytorch'],
];

/** Applies the walk to a detection: unsafe / review findings, the framework, the root class. */
export function applyPickleScan(d: Detection, scan: PickleScan, member?: string): void {
  d.metadata[`pickle.protocol${member ? `.${member}` : ''}`] = scan.protocol;
  for (const g of scan.globals) {
    if (g.verdict.verdict === 'safe') continue;
    const full = `${g.module}.${g.name}`;
    d.findings.push({
      code: g.verdict.verdict === 'unsafe' ? 'unsafe-pickle-global' : 'review-pickle-global',
      severity: g.verdict.severity,
      message: `${g.opcode} ${full} at offset ${g.offset}${g.called ? ' (called)' : ''}: ${g.verdict.why}`,
      offset: g.offset,
      global: full,
      ...(member ? { member } : {}),
    });
  }
  for (const f of scan.findings) d.findings.push(member && !f.member ? { ...f, member } : f);
  if (!scan.complete) d.incomplete.push(`pickle${member ? ` ${member}` : ''} not walked to its STOP opcode`);
  const modules = scan.globals.map((g) => g.module);
  const root = scan.globals.find((g) => g.called && FRAMEWORKS.some(([re]) => re.test(g.module)) && /^[A-Z]/.test(g.name));
  if (root) d.metadata['pickle.class'] = `${root.module}.${root.name}`;
  if (d.format === 'pickle' || d.format === 'joblib') {
    for (const [re, fw] of FRAMEWORKS) {
      if (modules.some((m) => re.test(m))) {
        if (fw === 'sklearn') d.format = 'sklearn';
        d.metadata['pickle.framework'] = fw;
        break;
      }
    }
  }
  if (scan.tensorElements > 0) d.card.parameters = (d.card.parameters ?? 0) + scan.tensorElements;
  d.metadata['pickle.globals'] = scan.globals.slice(0, 32).map((g) => `${g.module}.${g.name}`);
}

export async function readPickleFile(source: ByteSource, head: Uint8Array, limits: FormatLimits, hint: 'pickle' | 'joblib'): Promise<Detection> {
  const compression = compressionOf(head);
  if (compression) {
    const d = newDetection(hint === 'joblib' ? 'joblib' : 'pickle', 'medium');
    d.variant = compression;
    d.evidence.push(`${compression} stream magic at offset 0`);
    const inner = decompressedSource(compression, source, limits.maxInflateBytes);
    try {
      const first = await inner.read(0, 2);
      if (!looksLikePickle(first) && !looksLikeOldPickle(first)) {
        if (first.length === 0) {
          d.findings.push({ code: 'decompression-failed', severity: 'medium', message: `${compression}: ${inner.error ?? 'no output'}; the pickle inside was not inspected` });
          d.incomplete.push(`${compression} stream not decompressed`);
        } else d.findings.push({ code: 'not-a-pickle', severity: 'info', message: `${compression} stream does not hold a pickle` });
        d.confidence = 'low';
        return d;
      }
      d.evidence.push(looksLikePickle(first) ? `pickle protocol ${first[1]} inside` : 'protocol 0/1 pickle inside');
      applyPickleScan(d, await walkPickle(inner, limits, { member: `${compression} stream` }));
      if (inner.error) {
        d.findings.push({ code: 'decompression-failed', severity: 'low', message: `${compression}: ${inner.error} after ${inner.produced} bytes of output` });
        d.incomplete.push(`${compression} stream decompressed only to ${inner.produced} bytes (${inner.error})`);
      }
      if (inner.capped) d.incomplete.push(`${compression} stream decompressed only to ${limits.maxInflateBytes} bytes (cap)`);
    } catch (err) {
      if (!(err instanceof FormatError)) throw err;
      recordFormatError(d, compression, err);
    } finally {
      inner.close();
    }
    if (d.format === 'sklearn') d.confidence = 'high';
    return d;
  }
  if (startsWith(head, TORCH_LEGACY_MAGIC)) {
    const d = newDetection('pytorch', 'high');
    d.variant = 'legacy';
    d.evidence.push('legacy torch.save magic number pickle at offset 0');
    const scan = await walkPickle(source, limits, { maxStreams: 5 });
    applyPickleScan(d, scan);
    // The object pickle is the 4th; storages follow the 5th, so the walk stops there by design.
    if (scan.streams >= 5) d.incomplete.splice(0);
    return d;
  }
  const d = newDetection(hint, 'medium');
  d.evidence.push(looksLikePickle(head) ? `PROTO ${head[1]} opcode at offset 0` : 'protocol 0/1 opcodes and a pickle file name');
  const scan = await walkPickle(source, limits);
  applyPickleScan(d, scan);
  if (scan.complete) {
    d.evidence.push(`${scan.opcodes} opcodes walked to STOP`);
    if (d.format === 'sklearn' || d.metadata['pickle.framework']) d.confidence = 'high';
  } else d.confidence = 'low';
  if (d.format === 'joblib' || scan.globals.some((g) => g.module.startsWith('joblib.'))) {
    if (d.format === 'pickle') d.format = 'joblib';
  }
  return d;
}
