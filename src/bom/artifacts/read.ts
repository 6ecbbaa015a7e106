// A model artifact's manifest (and config bytes, when read) → the ModelArtifact the admission core
// classifies. Pure: the edge fetched the bytes within its caps. Bounded JSON (bom/json.ts) caps the
// config's depth, arrays and strings; anything that is not a JSON object is a finding, and the
// artifact is still a model (its media types say so) with the manifest's names.
import type { Manifest } from '../../contracts/oci-manifest.js';
import type { ModelArtifact } from '../../contracts/model-artifact.js';
import { enforceLimits, parseJson } from '../json.js';
import { resolveLimits, type BomLimits } from '../limits.js';
import { FindingSink, isRecord, type JsonRecord } from '../util.js';
import type { ArtifactContext, ArtifactRead } from './common.js';
import { readDockerAi } from './docker-ai.js';
import type { RecognizedArtifact } from './media-types.js';
import { readModelKit } from './modelkit.js';
import { readModelPack } from './modelpack.js';
import { readOllama } from './ollama.js';

export interface ReadArtifactInput {
  recognized: RecognizedArtifact;
  manifest: Manifest;
  subjectDigest: string;
  /** The config blob, when the edge read it (digest-verified). */
  config?: { digest: string; bytes: Uint8Array };
  /** Why the config was not read (too large, wrong media type, fetch failed). */
  configProblem?: string;
  /** Repository of the image (its last segment names a model whose config does not). */
  repository: string;
  tag?: string;
  limits?: Partial<BomLimits>;
}

const READERS: Record<RecognizedArtifact['kind'], (c: JsonRecord | undefined, ctx: ArtifactContext) => ArtifactRead> = {
  modelpack: readModelPack,
  modelkit: readModelKit,
  'docker-ai': readDockerAi,
  ollama: readOllama,
};

export function readModelArtifact(input: ReadArtifactInput): ModelArtifact {
  const limits = resolveLimits(input.limits);
  const sink = new FindingSink(limits.maxFindings);
  let config: JsonRecord | undefined;
  if (input.configProblem) sink.add('artifact-config-unread', 'warning', input.configProblem);
  if (input.config) {
    if (input.config.bytes.length > limits.maxBytes) {
      sink.add('artifact-config-too-large', 'warning', `config ${input.config.digest} is ${input.config.bytes.length} bytes, over ${limits.maxBytes}`);
    } else {
      const parsed = parseJson(Buffer.from(input.config.bytes).toString('utf8'));
      if (!parsed.ok) sink.add('artifact-config-invalid', 'warning', `config ${input.config.digest} is not JSON: ${parsed.error.message}`);
      else {
        const value = enforceLimits(parsed.value, limits, sink);
        if (isRecord(value)) config = value;
        else sink.add('artifact-config-invalid', 'warning', `config ${input.config.digest} is not a JSON object`);
      }
    }
  }
  const segments = input.repository.split('/');
  const ctx: ArtifactContext = { manifest: input.manifest, fallbackName: segments[segments.length - 1] || input.repository };
  if (input.tag) ctx.fallbackVersion = input.tag;
  const read = READERS[input.recognized.kind](config, ctx);
  const artifact: ModelArtifact = {
    kind: input.recognized.kind,
    mediaType: input.recognized.mediaType,
    subjectDigest: input.subjectDigest,
    models: read.models,
    datasets: read.datasets,
    findings: sink.finish(),
  };
  if (input.config && config) artifact.configDigest = input.config.digest;
  return artifact;
}
