// What the per-family readers share: the model record they start from, and the manifest fallbacks.
import type { DatasetRecord, ModelRecord } from '../../contracts/inventory.js';
import type { Manifest } from '../../contracts/oci-manifest.js';
import { baseMediaType } from '../../contracts/oci-manifest.js';
import { huggingFaceUrlPurl } from '../../contracts/huggingface.js';
import { combineLicenses, normalizeLicenseExpression } from '../license.js';
import { formatFromFileName, normalizeFormat } from '../model-format.js';
import { clip, str, strings } from '../util.js';

export interface ArtifactContext {
  manifest: Manifest;
  /** The name when the config gives none: the repository's last path segment. */
  fallbackName: string;
  /** The tag, when the image was named by one (Ollama and Docker AI configs carry no version). */
  fallbackVersion?: string;
}

export interface ArtifactRead {
  models: ModelRecord[];
  datasets: DatasetRecord[];
}

const MAX_TEXT = 512;

/** A trimmed, clipped string field. */
export function text(value: unknown, max = MAX_TEXT): string | undefined {
  const s = str(value);
  return s === undefined ? undefined : clip(s, max);
}

export function newModel(name: string): ModelRecord {
  return { name: clip(name, MAX_TEXT), datasets: [], hashes: [], externalReferences: [], confidence: 'high' };
}

/** Licences (a list or one string) → one SPDX expression. */
export function licenseOf(values: readonly unknown[]): string | undefined {
  const parts: string[] = [];
  for (const v of values) for (const s of strings(v).slice(0, 20)) {
    const n = normalizeLicenseExpression(clip(s, MAX_TEXT));
    if (n) parts.push(n);
  }
  return combineLicenses(parts);
}

export function formatOf(value: unknown): string | undefined {
  const s = text(value, 64);
  return s === undefined ? undefined : normalizeFormat(s);
}

/** The format from the layers' file paths (ModelPack `org.cncf.model.filepath`, OCI image title). */
export function formatFromLayers(manifest: Manifest, weight: RegExp): string | undefined {
  for (const l of manifest.layers.slice(0, 1000)) {
    if (!weight.test(baseMediaType(l.mediaType))) continue;
    const path = l.annotations?.['org.cncf.model.filepath'] ?? l.annotations?.['org.cnai.model.filepath'] ?? l.annotations?.['org.opencontainers.image.title'];
    const f = path ? formatFromFileName(path) : undefined;
    if (f) return f;
  }
  return undefined;
}

/** Source URL → `downloadLocation`, and a `pkg:huggingface` purl when it is a Hub URL. */
export function setSource(model: ModelRecord, url: string | undefined): void {
  if (!url) return;
  model.downloadLocation = url;
  model.externalReferences.push({ type: 'distribution', url });
  const purl = huggingFaceUrlPurl(url);
  if (purl && !model.purl) model.purl = purl;
}

/** The manifest's OCI annotations, for configs that were not read or say little. */
export function fillFromAnnotations(model: ModelRecord, manifest: Manifest): void {
  const a = manifest.annotations;
  model.version ??= text(a['org.opencontainers.image.version']);
  model.license ??= licenseOf([a['org.opencontainers.image.licenses']]);
  model.supplier ??= text(a['org.opencontainers.image.vendor']);
  if (!model.authors && a['org.opencontainers.image.authors']) model.authors = [clip(a['org.opencontainers.image.authors'], MAX_TEXT)];
  if (!model.downloadLocation) setSource(model, text(a['org.opencontainers.image.source']));
  model.description ??= text(a['org.opencontainers.image.description']);
  for (const key of Object.keys(model) as (keyof ModelRecord)[]) if (model[key] === undefined) delete model[key];
}
