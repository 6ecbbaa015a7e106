// Model artifacts as their tools write them, written by us from the specs (docs/model-artifacts.md):
// a config document per family and the manifest that carries it. Shared by the unit tests (parsed
// in memory) and the integration tests (pushed with the real `oras` CLI).
import { createHash } from 'node:crypto';

export function digestOf(bytes: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** modelpack/model-spec docs/config.md, every field the webhook reads. */
export const MODELPACK_CONFIG = {
  descriptor: {
    createdAt: '2025-06-01T12:00:00Z',
    authors: ['ml-team@example.org'],
    vendor: 'Example Labs',
    family: 'qwen2',
    name: 'qwen2-0.5b-instruct',
    version: '1.2',
    title: 'Qwen2 0.5B Instruct',
    description: 'a small instruction-tuned model',
    sourceURL: 'https://huggingface.co/Qwen/Qwen2-0.5B-Instruct',
    revision: 'c291d6fce4804a1d39305f388dd32897d1f7acc4',
    licenses: ['Apache-2.0'],
  },
  config: { architecture: 'transformer', format: 'safetensors', paramSize: '0.5b', precision: 'bf16', quantization: 'awq' },
  modelfs: { type: 'layers', diff_ids: [`sha256:${'a'.repeat(64)}`] },
};

/** The Kitfile as JSON (kitops pkg/artifact/kitfile.go). */
export const MODELKIT_CONFIG = {
  manifestVersion: '1.0.0',
  package: { name: 'fraud-detector', version: '3.0.1', description: 'card fraud scoring', license: 'MIT', authors: ['Risk ML'] },
  model: { name: 'fraud-xgb', path: 'model/fraud.onnx', license: 'Apache-2.0', framework: 'onnxruntime', version: '3.0.1', parts: [] },
  datasets: [{ name: 'transactions-2024', path: 'data/train.parquet', license: 'CC-BY-4.0' }],
  code: [{ path: 'src/' }],
};

/** docker/model-distribution types/config.go (config v0.1). */
export const DOCKER_AI_CONFIG = {
  config: { format: 'gguf', quantization: 'Q4_K_M', parameters: '1.24B', architecture: 'llama', size: '770.28 MiB', gguf: { 'general.name': 'Llama 3.2 1B Instruct', 'general.license': 'llama3.2' } },
  descriptor: { created: '2025-04-01T00:00:00Z' },
  rootfs: { type: 'rootfs', diff_ids: [`sha256:${'b'.repeat(64)}`] },
};

/** ollama server/images.go ConfigV2: a Docker image config with the model fields. */
export const OLLAMA_CONFIG = {
  model_format: 'gguf',
  model_family: 'llama',
  model_families: ['llama'],
  model_type: '3.2B',
  file_type: 'Q4_K_M',
  architecture: 'amd64',
  os: 'linux',
  rootfs: { type: 'layers', diff_ids: [`sha256:${'c'.repeat(64)}`] },
};

export interface ArtifactShape {
  artifactType?: string;
  configMediaType: string;
  config: unknown;
  layers: { mediaType: string; content: string; annotations?: Record<string, string> }[];
  /** docker manifest v2 (Ollama) instead of OCI. */
  docker?: boolean;
}

export const SHAPES: Record<'modelpack' | 'modelkit' | 'docker-ai' | 'ollama', ArtifactShape> = {
  modelpack: {
    artifactType: 'application/vnd.cncf.model.manifest.v1+json',
    configMediaType: 'application/vnd.cncf.model.config.v1+json',
    config: MODELPACK_CONFIG,
    layers: [{ mediaType: 'application/vnd.cncf.model.weight.v1.raw', content: 'not really safetensors', annotations: { 'org.cncf.model.filepath': 'model.safetensors' } }],
  },
  modelkit: {
    artifactType: 'application/vnd.kitops.modelkit.manifest.v1+json',
    configMediaType: 'application/vnd.kitops.modelkit.config.v1+json',
    config: MODELKIT_CONFIG,
    layers: [
      { mediaType: 'application/vnd.kitops.modelkit.model.v1.tar+gzip', content: 'model tarball' },
      { mediaType: 'application/vnd.kitops.modelkit.dataset.v1.tar+gzip', content: 'dataset tarball' },
    ],
  },
  'docker-ai': {
    configMediaType: 'application/vnd.docker.ai.model.config.v0.1+json',
    config: DOCKER_AI_CONFIG,
    layers: [
      { mediaType: 'application/vnd.docker.ai.gguf.v3', content: 'GGUF...' },
      { mediaType: 'application/vnd.docker.ai.license', content: 'license text' },
    ],
  },
  ollama: {
    configMediaType: 'application/vnd.docker.container.image.v1+json',
    config: OLLAMA_CONFIG,
    docker: true,
    layers: [
      { mediaType: 'application/vnd.ollama.image.model', content: 'GGUF...' },
      { mediaType: 'application/vnd.ollama.image.template', content: '{{ .Prompt }}' },
      { mediaType: 'application/vnd.ollama.image.license', content: 'license text' },
    ],
  },
};

/** The manifest document of a shape (what `oras push` or the family's tool writes). */
export function manifestOf(shape: ArtifactShape, configBytes = JSON.stringify(shape.config)): Record<string, unknown> {
  const m: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: shape.docker ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: shape.configMediaType, digest: digestOf(configBytes), size: Buffer.byteLength(configBytes) },
    layers: shape.layers.map((l) => ({ mediaType: l.mediaType, digest: digestOf(l.content), size: Buffer.byteLength(l.content), ...(l.annotations ? { annotations: l.annotations } : {}) })),
  };
  if (shape.artifactType) m.artifactType = shape.artifactType;
  return m;
}
