// AI signals in a pod spec, for images that carry no BOM. Pure, bounded, never throws.
//
// Strong signals (one is enough): a well-known model-serving image (vLLM, TGI, Triton, Ollama, llama.cpp
// server, TorchServe, KServe and Seldon runtimes, OpenVINO model server, NVIDIA NIM, Ray Serve, …, plus
// configured `heuristics.extraImagePatterns`), a `--model` / `--model-id` style argument, a KServe or
// Seldon annotation, an image volume whose artifact looks like a model.
// Weak signals (two different kinds needed): model environment variables (MODEL_ID, HF_MODEL_ID,
// MODEL_NAME, …), GPU/accelerator resource requests, model-cache mounts (/root/.cache/huggingface, …).
// Several hits of the same weak kind count once, so `MODEL_ID` + `MODEL_NAME` alone is not enough.
// BOM evidence always wins over these (classify/workload.ts).
import { globMatch } from '../contracts/glob.js';
import { clip as clipText, isRecord } from '../contracts/json-guards.js';
import { tryNormalizeImage } from '../contracts/image-reference.js';
import { parseHuggingFaceId } from '../contracts/huggingface.js';

export interface HeuristicOptions {
  enabled: boolean;
  /** Globs (`*` any run of characters) on the normalised image reference, counted as serving images. */
  extraImagePatterns: string[];
}

export type SignalStrength = 'strong' | 'weak';
export type WeakSignalKind = 'model-env' | 'accelerator' | 'model-cache';

export interface HeuristicSignal {
  strength: SignalStrength;
  /** For weak signals, the kind (two different kinds are needed). */
  kind?: WeakSignalKind;
  reason: string;
}

export interface HeuristicResult {
  aiBearing: boolean;
  /** Human-readable reasons (the signals seen), written to `aibom.io/heuristics` when evidence is heuristic. */
  reasons: string[];
  /** The signals behind `reasons`, with their strength. */
  signals?: HeuristicSignal[];
}

export interface HeuristicInput {
  podSpec: Record<string, unknown> | undefined;
  podAnnotations: Record<string, string>;
  objectAnnotations: Record<string, string>;
}

/** Well-known serving images, matched on the normalised reference (`docker.io/vllm/vllm-openai:latest`). */
export const SERVING_IMAGES: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: 'vLLM', pattern: /\/vllm\/vllm-openai[:@]|\/vllm[-a-z]*[:@]|\/vllm\// },
  { name: 'Hugging Face TGI', pattern: /\/text-generation-inference[:@]/ },
  { name: 'Hugging Face TEI', pattern: /\/text-embeddings-inference[:@]/ },
  { name: 'NVIDIA Triton', pattern: /\/tritonserver[:@]/ },
  { name: 'NVIDIA NIM', pattern: /^nvcr\.io\/nim\// },
  { name: 'Ollama', pattern: /\/ollama\/ollama[:@]|\/ollama[:@]/ },
  { name: 'llama.cpp server', pattern: /\/llama\.cpp[:@](?:[^/]*server)|\/llama-cpp-server[:@]|\/llama\.cpp-server[:@]|\/llamacpp-server[:@]/ },
  { name: 'TorchServe', pattern: /\/torchserve[-a-z]*[:@]/ },
  { name: 'TensorFlow Serving', pattern: /\/tensorflow\/serving[:@]/ },
  { name: 'KServe runtime', pattern: /\/kserve\/(?:[a-z0-9-]*server|storage-initializer|huggingfaceserver|modelmesh[a-z-]*)[:@]/ },
  { name: 'Seldon runtime', pattern: /\/seldonio\/(?:mlserver|[a-z0-9-]*server[a-z0-9-]*)[:@]/ },
  { name: 'OpenVINO model server', pattern: /\/openvino\/model_server[:@]/ },
  { name: 'Ray Serve', pattern: /\/rayproject\/ray-ml[:@]/ },
  { name: 'SGLang', pattern: /\/lmsysorg\/sglang[:@]/ },
  { name: 'LocalAI', pattern: /\/localai\/localai[:@]/ },
  { name: 'Xinference', pattern: /\/xprobe\/xinference[:@]/ },
];

const MODEL_FLAGS = new Set(['--model', '--model-id', '--model_id', '--model-path', '--model_path', '--model-name', '--model_name_or_path', '--model-repository', '--model-store', '--served-model-name', '--hf-model']);
const MODEL_ENV = /^(MODEL|MODEL_ID|MODEL_NAME|MODEL_PATH|MODEL_DIR|MODEL_URI|MODEL_REPO|MODELS_DIR|HF_MODEL_ID|HF_MODEL|HF_HOME|HF_HUB_CACHE|HF_HUB_OFFLINE|HF_TOKEN|HUGGING_FACE_HUB_TOKEN|HUGGINGFACE_HUB_CACHE|TRANSFORMERS_CACHE|TRANSFORMERS_OFFLINE|SENTENCE_TRANSFORMERS_HOME|TORCH_HOME|OLLAMA_MODELS|OLLAMA_MODEL|LLM_MODEL|OPENAI_MODEL|VLLM_[A-Z_]+|STORAGE_URI)$/;
const ACCELERATOR_RESOURCE = /^(nvidia\.com\/(gpu|mig-[a-z0-9.-]+)|amd\.com\/gpu|gpu\.intel\.com\/[a-z0-9_.-]+|habana\.ai\/gaudi|aws\.amazon\.com\/neuron(core|device)?|google\.com\/tpu|[a-z0-9.-]+\/gpu)$/;
const MODEL_CACHE_PATH = /(^|\/)\.cache\/(huggingface|torch)(\/|$)|^\/root\/\.ollama(\/|$)|(^|\/)\.ollama\/models|^\/(mnt\/)?models(\/|$)|^\/opt\/ml\/model(\/|$)|^\/data\/models(\/|$)|^\/model-store(\/|$)|^\/model_repository(\/|$)/;
const SERVING_ANNOTATION = /^(internal\.)?serving\.kserve\.io\/|^serving\.kubeflow\.org\/|^seldon\.io\/|^mlserver\.seldon\.io\//;
const MODEL_ARTIFACT_REF = /(^|[/_.-])(models?|modelcar|llm|gguf|safetensors|onnx|weights|huggingface|hf)([/_.:@-]|$)/;

const MAX_CONTAINERS = 200;
const MAX_ARGS = 200;
const MAX_REASONS = 10;

export function detectAiHeuristically(input: HeuristicInput, options: HeuristicOptions): HeuristicResult {
  if (!options.enabled) return { aiBearing: false, reasons: [], signals: [] };
  const signals: HeuristicSignal[] = [];
  const seen = new Set<string>();
  const add = (s: HeuristicSignal): void => {
    const r = clip(s.reason);
    if (seen.has(r)) return;
    seen.add(r);
    signals.push({ ...s, reason: r });
  };
  const extra = compileGlobs(options.extraImagePatterns);
  const spec = isRecord(input.podSpec) ? input.podSpec : {};

  const containers: Record<string, unknown>[] = [];
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = spec[key];
    if (Array.isArray(list)) for (const c of list.slice(0, MAX_CONTAINERS)) if (isRecord(c)) containers.push(c);
  }
  const imageVolumes = new Map<string, string>();
  const volumes = Array.isArray(spec.volumes) ? spec.volumes.slice(0, MAX_CONTAINERS) : [];
  for (const v of volumes) {
    if (!isRecord(v) || typeof v.name !== 'string' || !isRecord(v.image)) continue;
    const ref = typeof v.image.reference === 'string' ? v.image.reference : undefined;
    if (ref) imageVolumes.set(v.name, ref);
  }

  for (const c of containers) {
    const name = typeof c.name === 'string' ? c.name : '?';
    const image = typeof c.image === 'string' ? c.image : undefined;
    if (image) {
      const normalized = (tryNormalizeImage(image) ?? image).toLowerCase();
      const known = SERVING_IMAGES.find((s) => s.pattern.test(normalized));
      if (known) add({ strength: 'strong', reason: `${known.name} serving image ${image}` });
      else if (extra.some((glob) => globMatch(glob, normalized) || globMatch(glob, image))) add({ strength: 'strong', reason: `configured AI image pattern matches ${image}` });
      else if (/\/rayproject\/ray[:@]/.test(normalized) && tokens(c).some((t) => t === 'serve' || t.startsWith('serve.'))) add({ strength: 'strong', reason: `Ray Serve command in container ${name}` });
    }
    for (const t of tokens(c)) {
      const flag = t.split('=')[0] ?? t;
      if (MODEL_FLAGS.has(flag)) {
        add({ strength: 'strong', reason: `argument ${flag} in container ${name}` });
        break;
      }
    }
    const env = Array.isArray(c.env) ? c.env.slice(0, 500) : [];
    for (const e of env) {
      if (!isRecord(e) || typeof e.name !== 'string' || !MODEL_ENV.test(e.name)) continue;
      // A Hugging Face model id as the value (`MODEL_ID=org/name`) names a model: strong.
      if (typeof e.value === 'string' && /^(MODEL|MODEL_ID|MODEL_NAME|HF_MODEL_ID|HF_MODEL|LLM_MODEL)$/.test(e.name) && parseHuggingFaceId(e.value)) add({ strength: 'strong', reason: `model id ${e.value.slice(0, 80)} in env ${e.name} of container ${name}` });
      else add({ strength: 'weak', kind: 'model-env', reason: `model env ${e.name} in container ${name}` });
    }
    const resources = isRecord(c.resources) ? c.resources : {};
    for (const part of ['limits', 'requests', 'claims']) {
      const r = resources[part];
      if (!isRecord(r)) continue;
      for (const key of Object.keys(r).slice(0, 100)) if (ACCELERATOR_RESOURCE.test(key)) add({ strength: 'weak', kind: 'accelerator', reason: `accelerator request ${key} in container ${name}` });
    }
    const mounts = Array.isArray(c.volumeMounts) ? c.volumeMounts.slice(0, 200) : [];
    for (const m of mounts) {
      if (!isRecord(m)) continue;
      const path = typeof m.mountPath === 'string' ? m.mountPath : '';
      const vol = typeof m.name === 'string' ? imageVolumes.get(m.name) : undefined;
      if (vol && (MODEL_ARTIFACT_REF.test(vol.toLowerCase()) || MODEL_CACHE_PATH.test(path))) {
        add({ strength: 'strong', reason: `image volume ${vol} with a model mounted at ${path || '?'}` });
      } else if (MODEL_CACHE_PATH.test(path)) add({ strength: 'weak', kind: 'model-cache', reason: `model cache mount ${path} in container ${name}` });
    }
  }
  for (const ref of imageVolumes.values()) {
    if (MODEL_ARTIFACT_REF.test(ref.toLowerCase()) && ![...seen].some((s) => s.includes(ref))) add({ strength: 'strong', reason: `image volume ${ref} looks like a model artifact` });
  }
  const nodeSelector = isRecord(spec.nodeSelector) ? Object.keys(spec.nodeSelector) : [];
  if (nodeSelector.some((k) => /gke-accelerator|nvidia\.com\/gpu|accelerator/i.test(k))) add({ strength: 'weak', kind: 'accelerator', reason: 'GPU node selector' });
  for (const annotations of [input.podAnnotations, input.objectAnnotations]) {
    for (const key of Object.keys(annotations ?? {}).slice(0, 500)) {
      if (SERVING_ANNOTATION.test(key)) add({ strength: 'strong', reason: `${key.includes('seldon') ? 'Seldon' : 'KServe'} annotation ${key}` });
    }
  }
  const strong = signals.some((s) => s.strength === 'strong');
  const weakKinds = new Set(signals.filter((s) => s.strength === 'weak').map((s) => s.kind));
  const aiBearing = strong || weakKinds.size >= 2;
  const ordered = [...signals.filter((s) => s.strength === 'strong'), ...signals.filter((s) => s.strength === 'weak')].slice(0, MAX_REASONS);
  return { aiBearing, reasons: ordered.map((s) => s.reason), signals: ordered };
}

/** command + args, split on whitespace (shell strings like `sh -c "vllm serve --model x"`). */
function tokens(c: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of ['command', 'args']) {
    const list = c[key];
    if (!Array.isArray(list)) continue;
    for (const a of list.slice(0, MAX_ARGS)) {
      if (typeof a !== 'string') continue;
      for (const t of a.slice(0, 4096).split(/\s+/)) if (t) out.push(t.replace(/^["']|["']$/g, ''));
    }
  }
  return out;
}

/** `heuristics.extraImagePatterns`: globs (contracts/glob.ts), lower-cased, at most 100 of ≤ 256 characters. */
function compileGlobs(patterns: readonly string[]): string[] {
  return patterns.slice(0, 100).filter((p) => typeof p === 'string' && p.length > 0 && p.length <= 256).map((p) => p.toLowerCase());
}

function clip(s: string): string {
  return clipText(s, 120);
}
