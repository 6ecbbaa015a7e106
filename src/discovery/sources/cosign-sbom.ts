// Source `cosign-sbom`: `cosign attach sbom` in its default (legacy tag) mode (SPECS.md §2.3) — a
// one-layer image under `sha256-<hex>.sbom`. The layer type says the format: `text/spdx+json`
// (cosign's own), `application/spdx+json`, `application/vnd.cyclonedx+json`; CycloneDX XML,
// SPDX tag-value and Syft JSON are declared BOMs we cannot read: a finding, not silence.
import type { RepoRef } from '../../registry/index.js';
import { baseMediaType, EMPTY_DIGEST } from '../../contracts/oci-manifest.js';
import { emptyResult, fetchLayer, plainBom, type ProbeContext, type ProbeResult } from './probe.js';
import { cosignTagManifest } from './cosign-tag.js';

/** Layer types cosign writes for `--type` / `--input-format` (pkg/types/media.go). */
export const COSIGN_SBOM_LAYER_TYPES: ReadonlySet<string> = new Set([
  'text/spdx+json',
  'application/spdx+json',
  'application/vnd.cyclonedx+json',
  'application/vnd.cyclonedx+xml',
  'text/spdx',
  'application/vnd.syft+json',
]);

export async function probeCosignSbom(ctx: ProbeContext, cosignRepo?: RepoRef): Promise<ProbeResult> {
  const out = emptyResult();
  const repo = cosignRepo ?? ctx.repo;
  const manifest = await cosignTagManifest(ctx, repo, 'sbom', out);
  if (!manifest) return out;
  for (const layer of manifest.layers) {
    if (layer.digest === EMPTY_DIGEST) continue;
    const t = baseMediaType(layer.mediaType);
    const declared = COSIGN_SBOM_LAYER_TYPES.has(t) ? t : undefined;
    if (ctx.signal.aborted) break;
    const bytes = await fetchLayer(ctx, repo, layer, out);
    if (bytes) await plainBom(ctx, layer, bytes, declared, 'cosign-sbom', out);
  }
  return out;
}
