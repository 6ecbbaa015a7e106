// `aibom scan` end to end, minus argument parsing: what the target is (file, directory, OCI layout or
// image reference), the walk that finds and hashes model files, the grouping into models, and the
// BOM in the format asked for. The CLI (src/cli/commands/scan.ts) prints it and picks the exit code.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { DEFAULT_FORMAT_LIMITS, atLeast, type FormatLimits, type Severity } from '../formats/index.js';
import { groupModels, type ScannedFile, type ScannedModel, buildCycloneDx, type BomContext, buildSpdx3, cycloneDxXml, type ScanTarget } from '../mlbom/index.js';
import { scanPath } from './scan-files.js';
import type { LayerScanOptions } from './layers.js';

export type OutputFormat = 'cyclonedx-json' | 'cyclonedx-xml' | 'spdx-json';

export interface ScanRequest {
  target: string;
  hash: boolean;
  maxBytes: number;
  limits?: FormatLimits;
  platform?: string;
  clock: () => Date;
  toolVersion: string;
  onProgress?: (event: { file: string; done: number; bytes: number }) => void;
  /** Scans an image reference (registry edge); absent: image references are refused. */
  scanImage?: (ref: string, options: LayerScanOptions) => Promise<{ target: ScanTarget; files: ScannedFile[]; seen: number; bytes: number; inspected: number; incomplete: string[] }>;
}

export interface ScanResult {
  target: ScanTarget;
  models: ScannedModel[];
  lfsPointers: ScannedFile[];
  context: BomContext;
}

export class ScanTargetError extends Error {
  override name = 'ScanTargetError';
}

/** image-spec image-layout.md: an `oci-layout` file and an `index.json`. */
function isOciLayout(dir: string): boolean {
  return existsSync(path.join(dir, 'oci-layout')) && existsSync(path.join(dir, 'index.json'));
}

export async function runScan(req: ScanRequest): Promise<ScanResult> {
  const limits = req.limits ?? DEFAULT_FORMAT_LIMITS;
  let target: ScanTarget;
  let walk: { files: ScannedFile[]; seen: number; bytes: number; inspected: number; incomplete: string[] };
  const layerOptions: LayerScanOptions = { limits, hash: req.hash, maxBytes: req.maxBytes, ...(req.platform ? { platform: req.platform } : {}), ...(req.onProgress ? { onProgress: req.onProgress } : {}) };
  if (existsSync(req.target)) {
    const st = await stat(req.target);
    if (st.isDirectory() && isOciLayout(req.target)) {
      // The layer reader (tar, gzip/zstd streams) is loaded only for image layouts.
      const { scanLayoutDir } = await import('./oci-layout.js');
      const r = await scanLayoutDir(req.target, layerOptions);
      target = r.target;
      walk = r;
    } else {
      walk = await scanPath(req.target, { limits, hash: req.hash, maxBytes: req.maxBytes, ...(req.onProgress ? { onProgress: req.onProgress } : {}) });
      target = { kind: st.isDirectory() ? 'directory' : 'file', name: path.basename(path.resolve(req.target)) };
    }
  } else if (req.scanImage && /^[a-z0-9[]/i.test(req.target) && !req.target.startsWith('.') && !req.target.startsWith('/')) {
    const r = await req.scanImage(req.target, layerOptions);
    target = r.target;
    walk = r;
  } else throw new ScanTargetError(`${req.target}: no such file or directory`);
  const { models, lfsPointers } = groupModels(walk.files, target.name);
  const context: BomContext = {
    target,
    models,
    lfsPointers,
    summary: { files: walk.seen, bytes: walk.bytes, inspected: walk.inspected, incomplete: walk.incomplete },
    timestamp: req.clock().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    toolVersion: req.toolVersion,
  };
  return { target, models, lfsPointers, context };
}

export function renderBom(result: ScanResult, format: OutputFormat): string {
  if (format === 'spdx-json') return JSON.stringify(buildSpdx3(result.context), null, 2) + '\n';
  const cdx = buildCycloneDx(result.context);
  return format === 'cyclonedx-xml' ? cycloneDxXml(cdx) : JSON.stringify(cdx, null, 2) + '\n';
}

/** The worst finding of the scan, per model. */
export function worstFindings(models: readonly ScannedModel[], floor: Severity): { model: string; file: string; severity: Severity; message: string }[] {
  const out: { model: string; file: string; severity: Severity; message: string }[] = [];
  for (const m of models) for (const f of m.findings) if (atLeast(f.severity, floor)) out.push({ model: m.name, file: f.file, severity: f.severity, message: f.message });
  return out;
}
