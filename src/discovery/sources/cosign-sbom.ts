// Source `cosign-sbom`: `cosign attach sbom` in its default (legacy tag) mode (sigstore/cosign doc/cosign_attach_sbom.md) — a
// one-layer image under `sha256-<hex>.sbom`. The layer type says the format: `text/spdx+json`
// (cosign's own), `application/spdx+json`, `application/vnd.cyclonedx+json`; CycloneDX XML,
// SPDX tag-value and Syft JSON are declared BOMs we cannot read: a finding, not silence.
import type { RepoRef } from '../../registry/index.js';
import { baseMediaType, EMPTY_DIGEST } from '../../contracts/oci-manifest.js';
import type { FoundBom } from '../../contracts/lookup.js';
import { emptyResult, fetchLayer, plainBom, type ProbeContext, type ProbeResult } from './probe.js';
import { cosignTagResult } from './cosign-tag.js';
import { carrierVerdict } from './signatures.js';
import { applyVerdict } from './verdicts.js';

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
  const tagged = await cosignTagResult(ctx, repo, 'sbom', out);
  if (!tagged) return out;
  // `cosign sign --attachment sbom` signs the attachment's manifest digest (docs/trust.md).
  const verdict = ctx.trust ? carrierVerdict(ctx, ctx.trust, { digest: tagged.digest, size: tagged.size, repo }, out, cosignRepo) : undefined;
  const boms: FoundBom[] = [];
  for (const layer of tagged.manifest.layers) {
    if (layer.digest === EMPTY_DIGEST) continue;
    const t = baseMediaType(layer.mediaType);
    const declared = COSIGN_SBOM_LAYER_TYPES.has(t) ? t : undefined;
    if (ctx.signal.aborted) break;
    const bytes = await fetchLayer(ctx, repo, layer, out);
    const bom = bytes ? await plainBom(ctx, layer, bytes, declared, 'cosign-sbom', out) : undefined;
    if (bom) boms.push(bom);
  }
  if (verdict) {
    const v = await verdict;
    for (const bom of boms) applyVerdict(bom, v);
  }
  return out;
}
