// Hugging Face model repositories (huggingface_hub repocard_data.py; docs/formats-and-metadata.md): `config.json`
// (`model_type`, `architectures`, `torch_dtype`), the README model card's YAML front matter
// (`license`, `pipeline_tag`, `datasets`, `base_model`, `library_name`, `tags`), and the hub cache
// layout `…/models--<org>--<name>/snapshots/<commit>/…` → `pkg:huggingface/<org>/<name>@<commit>`.
import { parseYamlText } from './yaml-text.js';
import { field, isObject, num, parseJsonText, text, texts, type Json } from './json.js';
import { spdxLicense } from './license.js';
import { newDetection, type CardFacts, type Detection, type FormatLimits } from './types.js';

export interface HubLocation {
  org: string;
  name: string;
  commit: string;
  /** The snapshot directory (a prefix of the path). */
  root: string;
  purl: string;
}

export function hubLocation(path: string): HubLocation | undefined {
  const m = /^(.*?\/)?models--([^/]+?)--([^/]+)\/snapshots\/([0-9a-fA-F]{7,64})(\/|$)/.exec(path);
  if (!m) return undefined;
  const org = m[2]!;
  const name = m[3]!;
  const commit = m[4]!.toLowerCase();
  return { org, name, commit, root: `${m[1] ?? ''}models--${org}--${name}/snapshots/${m[4]}`, purl: `pkg:huggingface/${encodeURIComponent(org)}/${encodeURIComponent(name)}@${commit}` };
}

/** `config.json` of a transformers model; undefined for JSON that is not one. */
export function readHfConfig(t: string, limits: FormatLimits): Detection | undefined {
  const parsed = parseJsonText(t, limits.maxDepth);
  if (!parsed.ok || !isObject(parsed.json.value)) return undefined;
  const c = parsed.json.value;
  const modelType = text(field(c, 'model_type'));
  const archs = texts(field(c, 'architectures'));
  if (!modelType && archs.length === 0) return undefined;
  const d = newDetection('huggingface', 'medium', 'config');
  d.evidence.push(`config.json with ${modelType ? `model_type ${modelType}` : ''}${modelType && archs.length ? ' and ' : ''}${archs.length ? `architectures ${archs.join(', ')}` : ''}`);
  if (modelType) d.metadata['huggingface.model_type'] = modelType;
  if (archs.length) {
    d.metadata['huggingface.architectures'] = archs;
    d.card.architecture = archs[0]!;
  }
  const dtype = text(field(c, 'torch_dtype')) ?? text(field(c, 'dtype'));
  if (dtype) d.metadata['huggingface.torch_dtype'] = dtype;
  const ctx = num(field(c, 'max_position_embeddings'));
  if (ctx !== undefined) d.card.contextLength = ctx;
  if (modelType && /bert|gpt|llama|t5|mistral|qwen|gemma|phi|falcon|bloom|opt|roberta|bart|whisper|vit|clip|mixtral|deepseek/i.test(modelType)) d.card.architectureFamily = 'transformer';
  const q = field(c, 'quantization_config');
  if (isObject(q)) {
    const method = text(field(q, 'quant_method'));
    const bits = num(field(q, 'bits'));
    if (method) d.card.quantization = `${method}${bits ? `-${bits}bit` : ''}`;
  }
  return d;
}

/** README.md front matter (between `---` lines at the top). */
export async function readModelCard(t: string, limits: FormatLimits): Promise<Detection | undefined> {
  const m = /^---\r?\n([\s\S]{0,262144}?)\r?\n---\s*(\r?\n|$)/.exec(t);
  if (!m) return undefined;
  const doc = await parseYamlText(m[1]!);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const y = doc as { [k: string]: Json };
  const get = (k: string): Json | undefined => (Object.prototype.hasOwnProperty.call(y, k) ? y[k] : undefined);
  const keysSeen = ['license', 'library_name', 'pipeline_tag', 'tags', 'datasets', 'base_model', 'model-index', 'language', 'metrics'].filter((k) => get(k) !== undefined);
  if (keysSeen.length === 0) return undefined;
  const d = newDetection('huggingface', 'medium', 'card');
  d.evidence.push(`model card front matter with ${keysSeen.join(', ')}`);
  const card: CardFacts = d.card;
  const license = texts(get('license'))[0];
  if (license) {
    card.license = spdxLicense(license) ?? license;
    d.metadata['huggingface.license'] = license;
  }
  const task = text(get('pipeline_tag'));
  if (task) card.task = task;
  const datasets = texts(get('datasets'), limits.maxArrayItems);
  if (datasets.length) card.datasets = datasets;
  const base = texts(get('base_model'), limits.maxArrayItems);
  if (base.length) card.baseModels = base;
  const tags = texts(get('tags'), limits.maxArrayItems);
  if (tags.length) card.tags = tags;
  const lib = text(get('library_name'));
  if (lib) d.metadata['huggingface.library_name'] = lib;
  const langs = texts(get('language'), limits.maxArrayItems);
  if (langs.length) d.metadata['huggingface.language'] = langs;
  return d;
}
