// Docker Model Runner config (docker/model-distribution types/config.go): `config` (format,
// quantization, parameters, architecture, size, gguf{…}, context_size), `descriptor.created`. It
// names no model: the GGUF metadata map may (`general.name`, `general.license`), else the repository.
import type { JsonRecord } from '../util.js';
import { isRecord } from '../util.js';
import { DOCKER_AI } from './media-types.js';
import { type ArtifactContext, type ArtifactRead, fillFromAnnotations, formatOf, licenseOf, newModel, text } from './common.js';

export function readDockerAi(config: JsonRecord | undefined, ctx: ArtifactContext): ArtifactRead {
  const c = isRecord(config?.config) ? config.config : {};
  const gguf = isRecord(c.gguf) ? c.gguf : {};
  const model = newModel(text(gguf['general.name']) ?? ctx.fallbackName);
  const version = text(gguf['general.version']) ?? ctx.fallbackVersion;
  if (version) model.version = version;
  const license = licenseOf([gguf['general.license']]);
  if (license) model.license = license;
  const layerFormat = ctx.manifest.layers.filter((l) => DOCKER_AI.weight.test(l.mediaType)).map((l) => /^application\/vnd\.docker\.ai\.([a-z]+)/.exec(l.mediaType)?.[1])[0];
  const format = formatOf(c.format) ?? layerFormat;
  if (format) model.format = format;
  const architecture = text(c.architecture);
  if (architecture) model.modelArchitecture = architecture;
  const params = text(c.parameters, 32);
  if (params) model.parameters = params;
  const quantization = text(c.quantization, 64);
  if (quantization) model.quantization = quantization;
  const properties: Record<string, string> = { 'aibom:artifact:kind': 'docker-ai' };
  const size = text(c.size, 32);
  if (size) properties['docker-ai:size'] = size;
  const created = isRecord(config?.descriptor) ? text(config.descriptor.created, 64) : undefined;
  if (created) properties['docker-ai:created'] = created;
  model.properties = properties;
  fillFromAnnotations(model, ctx.manifest);
  return { models: [model], datasets: [] };
}
