// Ollama model (ollama/ollama server/images.go ConfigV2): a Docker image config with `model_format`
// (gguf), `model_family`, `model_families`, `model_type` (parameter size, e.g. `8.0B`) and
// `file_type` (quantization, e.g. `Q4_K_M`). The name is the repository, the version its tag; the
// licence is a layer (`application/vnd.ollama.image.license`), never downloaded at admission.
import type { JsonRecord } from '../util.js';
import { strings } from '../util.js';
import { type ArtifactContext, type ArtifactRead, fillFromAnnotations, formatOf, newModel, text } from './common.js';

export function readOllama(config: JsonRecord | undefined, ctx: ArtifactContext): ArtifactRead {
  const model = newModel(ctx.fallbackName);
  if (ctx.fallbackVersion) model.version = ctx.fallbackVersion;
  model.format = formatOf(config?.model_format) ?? 'gguf';
  const family = text(config?.model_family) ?? strings(config?.model_families)[0];
  if (family) model.architectureFamily = family.slice(0, 128);
  const params = text(config?.model_type, 32);
  if (params) model.parameters = params;
  const quantization = text(config?.file_type, 64);
  if (quantization) model.quantization = quantization;
  const properties: Record<string, string> = { 'aibom:artifact:kind': 'ollama' };
  if (ctx.manifest.layers.some((l) => l.mediaType === 'application/vnd.ollama.image.license')) properties['ollama:license-layer'] = 'present';
  model.properties = properties;
  fillFromAnnotations(model, ctx.manifest);
  return { models: [model], datasets: [] };
}
