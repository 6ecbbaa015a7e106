// Source `buildkit`: attestation manifests inside an image index (moby/buildkit
// docs/attestations/attestation-storage.md). Index entries annotated
// `vnd.docker.reference.type: attestation-manifest` point, through `vnd.docker.reference.digest`,
// at the platform manifest they describe; their layers are in-toto statements
// (`application/vnd.in-toto+json`) annotated `in-toto.io/predicate-type`. Only BOM predicates are
// downloaded, and a statement counts only if it names the platform manifest it is filed under.
import type { Descriptor, Manifest } from '../../contracts/oci-manifest.js';
import { isDigest, isIndex } from '../../contracts/oci-manifest.js';
import { eachLimited, emptyResult, fetchManifest, problemOf, type ProbeContext, type ProbeResult } from './probe.js';
import { dsseLayers } from './referrers.js';

export const REFERENCE_TYPE = 'vnd.docker.reference.type';
export const REFERENCE_DIGEST = 'vnd.docker.reference.digest';
export const ATTESTATION_MANIFEST = 'attestation-manifest';

export function isAttestationEntry(d: Descriptor): boolean {
  return d.annotations?.[REFERENCE_TYPE] === ATTESTATION_MANIFEST;
}

/** An attestation entry and the platform manifest it describes. */
export interface AttestationEntry {
  attestation: Descriptor;
  describes: string;
}

/** The attestation entries of an index whose described manifest is one of `platformDigests`. */
export function attestationEntries(index: Manifest, platformDigests: ReadonlySet<string>): AttestationEntry[] {
  const out: AttestationEntry[] = [];
  for (const d of index.manifests) {
    if (!isAttestationEntry(d)) continue;
    const describes = d.annotations?.[REFERENCE_DIGEST];
    if (isDigest(describes) && platformDigests.has(describes)) out.push({ attestation: d, describes });
  }
  return out;
}

/**
 * Reads the attestation manifests of `entries`. `contextFor(platformDigest)` gives the probe context
 * of the platform described (its subject digest, platform name), sharing the lookup's signal and budget.
 */
export async function probeBuildkit(entries: readonly AttestationEntry[], contextFor: (platformDigest: string) => ProbeContext, concurrency: number): Promise<ProbeResult> {
  const out = emptyResult();
  if (entries.length === 0) return out;
  const first = contextFor(entries[0]!.describes);
  await eachLimited(entries, concurrency, first.signal, async ({ attestation, describes }) => {
    const ctx = contextFor(describes);
    let manifest: Manifest | undefined;
    try {
      manifest = (await fetchManifest(ctx, ctx.repo, attestation.digest, out, `attestation manifest ${attestation.digest}`))?.manifest;
    } catch (err) {
      out.problems.push(problemOf(err, `attestation manifest ${attestation.digest}`, ctx.signal));
      return;
    }
    if (!manifest) return;
    if (isIndex(manifest)) {
      out.notes.push(`attestation manifest ${attestation.digest} is an index`);
      return;
    }
    await dsseLayers(ctx, manifest.layers, 'buildkit', out);
  });
  return out;
}
