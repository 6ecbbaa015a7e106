// CNCF ModelPack config (modelpack/model-spec docs/config.md): `descriptor` (name, version, authors,
// vendor, family, licenses, createdAt, sourceURL, revision, title, description), `config`
// (architecture, format, paramSize, precision, quantization, capabilities), `modelfs`.
import type { JsonRecord } from '../util.js';
import { isRecord, strings } from '../util.js';
import { MODELPACK } from './media-types.js';
import { type ArtifactContext, type ArtifactRead, fillFromAnnotations, formatFromLayers, formatOf, licenseOf, newModel, setSource, text } from './common.js';

export function readModelPack(config: JsonRecord | undefined, ctx: ArtifactContext): ArtifactRead {
  const d = isRecord(config?.descriptor) ? config.descriptor : {};
  const c = isRecord(config?.config) ? config.config : {};
  const model = newModel(text(d.name) ?? text(d.title) ?? ctx.fallbackName);
  const version = text(d.version) ?? ctx.fallbackVersion;
  if (version) model.version = version;
  const license = licenseOf([d.licenses]);
  if (license) model.license = license;
  const authors = strings(d.authors).slice(0, 20).map((a) => a.slice(0, 256));
  if (authors.length > 0) model.authors = authors;
  const vendor = text(d.vendor);
  if (vendor) model.supplier = vendor;
  const family = text(d.family);
  if (family) model.architectureFamily = family;
  const architecture = text(c.architecture);
  if (architecture) model.modelArchitecture = architecture;
  const format = formatOf(c.format) ?? formatFromLayers(ctx.manifest, MODELPACK.weight);
  if (format) model.format = format;
  const params = text(c.paramSize, 32);
  if (params) model.parameters = params;
  const quantization = text(c.quantization, 64);
  if (quantization) model.quantization = quantization;
  const description = text(d.description);
  if (description) model.description = description;
  setSource(model, text(d.sourceURL));
  const properties: Record<string, string> = { 'aibom:artifact:kind': 'modelpack' };
  const precision = text(c.precision, 64);
  if (precision) properties['modelpack:precision'] = precision;
  const revision = text(d.revision, 128);
  if (revision) properties['modelpack:revision'] = revision;
  const created = text(d.createdAt, 64);
  if (created) properties['modelpack:createdAt'] = created;
  model.properties = properties;
  fillFromAnnotations(model, ctx.manifest);
  return { models: [model], datasets: [] };
}
