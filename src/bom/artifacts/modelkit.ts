// KitOps ModelKit config: the Kitfile as JSON (kitops-ml/kitops pkg/artifact/kitfile.go): `package`
// (name, version, description, license, authors), `model` (name, path, license, framework, format,
// version, description, parts[]), `datasets[]` (name, path, description, license), `code`, `docs`.
import type { DatasetRecord } from '../../contracts/inventory.js';
import { formatFromFileName } from '../model-format.js';
import type { JsonRecord } from '../util.js';
import { isRecord, records, strings } from '../util.js';
import { MODELKIT } from './media-types.js';
import { type ArtifactContext, type ArtifactRead, fillFromAnnotations, formatFromLayers, formatOf, licenseOf, newModel, text } from './common.js';

const MAX_DATASETS = 100;

export function readModelKit(config: JsonRecord | undefined, ctx: ArtifactContext): ArtifactRead {
  const pkg = isRecord(config?.package) ? config.package : {};
  const m = isRecord(config?.model) ? config.model : undefined;
  const datasets: DatasetRecord[] = records(config?.datasets).slice(0, MAX_DATASETS).map((ds, i) => {
    const rec: DatasetRecord = { name: text(ds.name) ?? text(ds.path) ?? `dataset-${i + 1}`, type: 'dataset' };
    const license = licenseOf([ds.license]);
    if (license) rec.license = license;
    const description = text(ds.description);
    if (description) rec.description = description;
    return rec;
  });
  const hasWeights = ctx.manifest.layers.some((l) => MODELKIT.weight.test(l.mediaType));
  // A ModelKit of datasets only (no `model`, no model layer) is data, not a model.
  if (!m && !hasWeights && (datasets.length > 0 || ctx.manifest.layers.some((l) => MODELKIT.dataset.test(l.mediaType)))) {
    return { models: [], datasets: datasets.length > 0 ? datasets : [{ name: text(pkg.name) ?? ctx.fallbackName, type: 'dataset' }] };
  }
  const model = newModel(text(m?.name) ?? text(pkg.name) ?? ctx.fallbackName);
  const version = text(m?.version) ?? text(pkg.version) ?? ctx.fallbackVersion;
  if (version) model.version = version;
  const license = licenseOf([m?.license]) ?? licenseOf([pkg.license]);
  if (license) model.license = license;
  const authors = strings(pkg.authors).slice(0, 20).map((a) => a.slice(0, 256));
  if (authors.length > 0) model.authors = authors;
  const path = text(m?.path);
  const partPaths = records(m?.parts).slice(0, 100).map((p) => text(p.path)).filter((p): p is string => p !== undefined);
  const format = formatOf(m?.format) ?? [path, ...partPaths].map((p) => (p ? formatFromFileName(p) : undefined)).find((f) => f !== undefined) ?? formatFromLayers(ctx.manifest, MODELKIT.weight);
  if (format) model.format = format;
  const description = text(m?.description) ?? text(pkg.description);
  if (description) model.description = description;
  const properties: Record<string, string> = { 'aibom:artifact:kind': 'modelkit' };
  const framework = text(m?.framework, 64);
  if (framework) properties['modelkit:framework'] = framework;
  if (path) properties['modelkit:path'] = path;
  model.properties = properties;
  model.datasets = datasets.map((d) => d.name);
  fillFromAnnotations(model, ctx.manifest);
  return { models: [model], datasets };
}
