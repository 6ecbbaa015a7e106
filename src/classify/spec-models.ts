// Models the pod spec names without any BOM (docs/model-artifacts.md "Pod shapes"). Pure, bounded.
//   args  `--model org/name`, `--model=org/name`, `--model-id …`, `vllm serve org/name`
//   env   MODEL_ID, HF_MODEL_ID, MODEL_NAME, MODEL, HF_MODEL, LLM_MODEL holding `org/name[@rev]`
//   KServe storage-initializer: the pod annotation `internal.serving.kserve.io/storage-initializer-sourceuri`
//         (and the init container's first argument), as a source URI (credentials never kept)
//   KServe modelcar: the `modelcar` sidecar / `modelcar-init` init container, whose image IS the model
// Hugging Face ids become `pkg:huggingface/org/name[@rev]` purls that policies match (modelPurls).
import type { ModelRecord } from '../contracts/inventory.js';
import type { SpecModel } from '../contracts/lookup.js';
import { huggingFacePurl, parseHuggingFaceId } from '../contracts/huggingface.js';
import { modelFromUri, parseModelUri } from '../contracts/model-uri.js';
import { tryNormalizeImage, parseImageReference } from '../contracts/image-reference.js';

export const STORAGE_INITIALIZER_SOURCE_URI = 'internal.serving.kserve.io/storage-initializer-sourceuri';
export const MODELCAR_CONTAINER = 'modelcar';
export const MODELCAR_INIT_CONTAINER = 'modelcar-init';
export const STORAGE_INITIALIZER_CONTAINER = 'storage-initializer';

const ID_FLAGS = new Set(['--model', '--model-id', '--model_id', '--model-name', '--model_name_or_path', '--hf-model', '--served-model-name', '--tokenizer']);
const ID_ENV = new Set(['MODEL_ID', 'HF_MODEL_ID', 'MODEL_NAME', 'MODEL', 'HF_MODEL', 'LLM_MODEL']);
const MAX_CONTAINERS = 200;
const MAX_TOKENS = 400;
const MAX_MODELS = 20;

/** A model from a Hugging Face id. */
export function modelFromHuggingFaceId(id: { org: string; name: string; revision?: string }): ModelRecord | undefined {
  const purl = huggingFacePurl(id.org, id.name, id.revision);
  if (!purl) return undefined;
  const m: ModelRecord = { name: `${id.org}/${id.name}`, group: id.org, purl, datasets: [], hashes: [], externalReferences: [], confidence: 'low', supplier: id.org };
  if (id.revision) m.version = id.revision;
  return m;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function tokensOf(c: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of ['command', 'args']) {
    const list = c[key];
    if (!Array.isArray(list)) continue;
    for (const a of list.slice(0, MAX_TOKENS)) {
      if (typeof a !== 'string') continue;
      for (const t of a.slice(0, 4096).split(/\s+/)) if (t && out.length < MAX_TOKENS) out.push(t.replace(/^["']|["']$/g, ''));
    }
  }
  return out;
}

/** Model ids in one container's args: `--flag value`, `--flag=value`, and `vllm serve ID`. */
function idsInArgs(tokens: readonly string[]): string[] {
  const ids: string[] = [];
  tokens.forEach((t, i) => {
    const [flag, inline] = t.includes('=') ? [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)] : [t, undefined];
    if (ID_FLAGS.has(flag!)) {
      const value = inline ?? tokens[i + 1];
      if (value) ids.push(value);
    }
    if (t === 'serve' && i > 0 && /(^|\/)vllm$/.test(tokens[i - 1]!) && tokens[i + 1] && !tokens[i + 1]!.startsWith('-')) ids.push(tokens[i + 1]!);
  });
  return ids;
}

export interface SpecModelInput {
  podSpec: Record<string, unknown> | undefined;
  podAnnotations: Record<string, string>;
}

/** Every model the pod spec names, per container, de-duplicated per (container, purl or name). */
export function specModels(input: SpecModelInput): SpecModel[] {
  const spec = isRecord(input.podSpec) ? input.podSpec : {};
  const out: SpecModel[] = [];
  const seen = new Set<string>();
  const add = (container: string, via: string, model: ModelRecord | undefined): void => {
    if (!model || out.length >= MAX_MODELS) return;
    const key = `${container}\u0000${(model.purl ?? model.name).toLowerCase()}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ container, via, model });
  };
  const containers: Record<string, unknown>[] = [];
  for (const key of ['initContainers', 'containers']) {
    const list = spec[key];
    if (Array.isArray(list)) for (const c of list.slice(0, MAX_CONTAINERS)) if (isRecord(c)) containers.push(c);
  }
  const sourceUri = input.podAnnotations[STORAGE_INITIALIZER_SOURCE_URI];
  for (const c of containers) {
    const name = typeof c.name === 'string' ? c.name : '';
    const tokens = tokensOf(c);
    if (name === STORAGE_INITIALIZER_CONTAINER) {
      const uri = sourceUri ?? tokens.find((t) => /^[a-z][a-z0-9+.-]*:\/\//i.test(t));
      if (uri) add(name, 'storage-initializer', modelFromUri(parseModelUri(uri)));
      continue;
    }
    if ((name === MODELCAR_CONTAINER || name === MODELCAR_INIT_CONTAINER) && typeof c.image === 'string') {
      add(name, 'modelcar', modelcarModel(c.image));
      continue;
    }
    for (const raw of idsInArgs(tokens)) {
      const id = parseHuggingFaceId(raw);
      if (id) add(name, 'args', modelFromHuggingFaceId(id));
    }
    const env = Array.isArray(c.env) ? c.env.slice(0, 500) : [];
    for (const e of env) {
      if (!isRecord(e) || typeof e.name !== 'string' || !ID_ENV.has(e.name) || typeof e.value !== 'string') continue;
      const id = parseHuggingFaceId(e.value);
      if (id) add(name, 'env', modelFromHuggingFaceId(id));
    }
  }
  // The annotation without a storage-initializer container (the init container not injected yet, or
  // renamed): the model is still the predictor's.
  if (sourceUri && !containers.some((c) => c.name === STORAGE_INITIALIZER_CONTAINER)) {
    const first = containers.find((c) => !Array.isArray(spec.initContainers) || !spec.initContainers.includes(c));
    add(typeof first?.name === 'string' ? first.name : '', 'storage-initializer', modelFromUri(parseModelUri(sourceUri)));
  }
  return out;
}

/** The modelcar image as a model: name from the repository, version from the tag or digest. */
function modelcarModel(image: string): ModelRecord | undefined {
  const normalized = tryNormalizeImage(image);
  if (!normalized) return undefined;
  const ref = parseImageReference(normalized);
  const model = modelFromUri(parseModelUri(`oci://${normalized}`));
  model.name = ref.repository.split('/').pop() ?? ref.repository;
  const version = ref.digest ?? ref.tag;
  if (version) model.version = version;
  return model;
}
