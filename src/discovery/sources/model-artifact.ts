// The image itself as a model artifact (docs/model-artifacts.md): when its manifest's media types say
// ModelPack, ModelKit, Docker AI or Ollama, its config blob is read — within the BOM cap, the lookup's
// byte budget and signal — and parsed in the core (bom/artifacts). Layers are never downloaded. A
// config that cannot be read leaves a model named by the manifest, with the reason as a finding.
import type { ModelArtifact } from '../../contracts/model-artifact.js';
import type { Manifest } from '../../contracts/oci-manifest.js';
import { readModelArtifact, recognizeModelArtifact } from '../../bom/index.js';
import type { ProbeContext } from './probe.js';

/** Model configs are small (a few KiB); a bigger one is not read at admission. */
export const MAX_ARTIFACT_CONFIG_BYTES = 1024 * 1024;

/** The model artifact the manifest is, or undefined when it is none. Never throws. */
export async function probeModelArtifact(ctx: ProbeContext, manifest: Manifest): Promise<ModelArtifact | undefined> {
  const recognized = recognizeModelArtifact(manifest);
  if (!recognized) return undefined;
  const base = { recognized, manifest, subjectDigest: ctx.subjectDigest, repository: ctx.repo.repository, limits: { ...ctx.limits.bom, maxBytes: Math.min(ctx.limits.maxBomBytes, MAX_ARTIFACT_CONFIG_BYTES) } };
  const config = manifest.config;
  if (!config) return readModelArtifact(base);
  if (!recognized.configReadable) return readModelArtifact({ ...base, configProblem: `config media type ${config.mediaType.slice(0, 100)} is not the ${recognized.kind} config type: not read` });
  const cap = Math.min(ctx.limits.maxBomBytes, MAX_ARTIFACT_CONFIG_BYTES);
  if (config.size > cap) return readModelArtifact({ ...base, configProblem: `config ${config.digest} is ${config.size} bytes, over the ${cap}-byte cap: not read` });
  if (config.size > ctx.budget.remaining) return readModelArtifact({ ...base, configProblem: `config ${config.digest} does not fit the lookup byte budget: not read` });
  try {
    const bytes = await ctx.client.getBlob(ctx.repo, config.digest, Math.min(cap, ctx.budget.remaining), ctx.signal, config.size);
    ctx.budget.remaining -= bytes.length;
    return readModelArtifact({ ...base, config: { digest: config.digest, bytes } });
  } catch (err) {
    return readModelArtifact({ ...base, configProblem: `config ${config.digest}: ${(err as Error).message.slice(0, 200)}` });
  }
}
