// Source `cosign-att`: `cosign attest` in the legacy storage (cosign ≤ 2.4, 2.5–2.6 by default;
// sigstore/cosign doc/cosign_attest.md; in-toto attestation framework v1, DSSE) — an image under `sha256-<hex>.att` whose layers are DSSE envelopes
// (`application/vnd.dsse.envelope.v1+json`, annotated `predicateType`), each a base64 in-toto
// statement. Only BOM predicates are downloaded; a statement about another digest is rejected.
import type { RepoRef } from '../../registry/index.js';
import { emptyResult, type ProbeContext, type ProbeResult } from './probe.js';
import { cosignTagManifest } from './cosign-tag.js';
import { dsseLayers } from './referrers.js';

export async function probeCosignAtt(ctx: ProbeContext, cosignRepo?: RepoRef): Promise<ProbeResult> {
  const out = emptyResult();
  const repo = cosignRepo ?? ctx.repo;
  const manifest = await cosignTagManifest(ctx, repo, 'att', out);
  if (!manifest) return out;
  await dsseLayers(ctx, manifest.layers, 'cosign-att', out, repo);
  return out;
}
