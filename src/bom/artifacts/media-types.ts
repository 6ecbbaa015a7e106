// Which manifests are model artifacts, by media type alone (docs/model-artifacts.md):
//   CNCF ModelPack  modelpack/model-spec specs-go/v1/mediatype.go (`cncf`, and the earlier `cnai` prefix)
//   KitOps ModelKit kitops-ml/kitops pkg/lib/constants/mediatype
//   Docker AI       docker/model-distribution types/config.go (config v0.1, v0.2)
//   Ollama          ollama/ollama server/images.go (Docker image config reused; the layers tell it apart)
import type { Manifest } from '../../contracts/oci-manifest.js';
import { baseMediaType } from '../../contracts/oci-manifest.js';
import type { ModelArtifactKind } from '../../contracts/model-artifact.js';

export const MODELPACK = {
  manifest: ['application/vnd.cncf.model.manifest.v1+json', 'application/vnd.cnai.model.manifest.v1+json'],
  config: ['application/vnd.cncf.model.config.v1+json', 'application/vnd.cnai.model.config.v1+json'],
  /** `…model.weight.v1.raw|tar|tar+gzip|tar+zstd`, `…weight.config.v1.*`. */
  weight: /^application\/vnd\.(cncf|cnai)\.model\.weight\./,
  dataset: /^application\/vnd\.(cncf|cnai)\.model\.dataset\./,
} as const;

export const MODELKIT = {
  manifest: ['application/vnd.kitops.modelkit.manifest.v1+json'],
  config: ['application/vnd.kitops.modelkit.config.v1+json'],
  weight: /^application\/vnd\.kitops\.modelkit\.(model|modelpart)\.v1\.tar(\+(gzip|zstd))?$/,
  dataset: /^application\/vnd\.kitops\.modelkit\.dataset\.v1\.tar(\+(gzip|zstd))?$/,
} as const;

export const DOCKER_AI = {
  config: /^application\/vnd\.docker\.ai\.model\.config\.v0\.[0-9]+\+json$/,
  weight: /^application\/vnd\.docker\.ai\.(gguf\.v[0-9]+|safetensors|dduf)$/,
} as const;

export const OLLAMA = {
  /** The config is a Docker image config (ollama reuses it); only the layers say model. */
  config: ['application/vnd.docker.container.image.v1+json', 'application/vnd.oci.image.config.v1+json'],
  weight: /^application\/vnd\.ollama\.image\.(model|adapter|projector|tensor)\b/,
} as const;

export interface RecognizedArtifact {
  kind: ModelArtifactKind;
  /** The media type that said so. */
  mediaType: string;
  /** Whether the config descriptor has the family's config media type (only then is it read). */
  configReadable: boolean;
}

/** The first layer media type matching `re`, if any. */
function layerMatching(manifest: Manifest, re: RegExp): string | undefined {
  for (const l of manifest.layers.slice(0, 10_000)) {
    const t = baseMediaType(l.mediaType);
    if (re.test(t)) return t;
  }
  return undefined;
}

/** The model-artifact family of an image manifest, or undefined (an ordinary image, a BOM, an index). */
export function recognizeModelArtifact(manifest: Manifest): RecognizedArtifact | undefined {
  if (manifest.manifests.length > 0 && manifest.layers.length === 0) return undefined;
  const artifactType = baseMediaType(manifest.artifactType);
  const config = baseMediaType(manifest.config?.mediaType);
  const listed = (list: readonly string[], t: string): boolean => t !== '' && list.includes(t);

  const modelpack = listed(MODELPACK.manifest, artifactType) ? artifactType : listed(MODELPACK.config, config) ? config : layerMatching(manifest, MODELPACK.weight);
  if (modelpack) return { kind: 'modelpack', mediaType: modelpack, configReadable: listed(MODELPACK.config, config) };
  const modelkit = listed(MODELKIT.manifest, artifactType) ? artifactType : listed(MODELKIT.config, config) ? config : layerMatching(manifest, MODELKIT.weight) ?? layerMatching(manifest, MODELKIT.dataset);
  if (modelkit) return { kind: 'modelkit', mediaType: modelkit, configReadable: listed(MODELKIT.config, config) };
  const docker = DOCKER_AI.config.test(config) ? config : layerMatching(manifest, DOCKER_AI.weight);
  if (docker) return { kind: 'docker-ai', mediaType: docker, configReadable: DOCKER_AI.config.test(config) };
  const ollama = layerMatching(manifest, OLLAMA.weight);
  if (ollama) return { kind: 'ollama', mediaType: ollama, configReadable: listed(OLLAMA.config, config) };
  return undefined;
}
