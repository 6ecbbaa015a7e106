// Source: the referrers of one subject digest (distribution-spec v1.1.1 "Listing Referrers", "Referrers Tag Schema"; oras attach, cosign attach sbom, cosign attest), read through the API or
// its `sha256-<hex>` tag fallback — ONE list per subject, three kinds of referrer in it:
// - plain BOM artifacts (oras attach, cosign attach sbom in oci-1-1 mode) → source `referrers` or
//   `tag-fallback`, after how the list was read;
// - Sigstore bundle v0.3 attestations (cosign ≥ 3) → `sigstore-bundle`; the manifest annotation
//   `dev.sigstore.bundle.predicateType` is checked before anything is downloaded;
// - in-toto / DSSE attestations (cosign attest --registry-referrers-mode=oci-1-1, artifactType
//   `application/vnd.in-toto+json`) → `cosign-att`, the same DSSE layers as the legacy `.att` tag.
// A referrer counts only if its manifest names this subject; an attestation only if its statement does.
import type { BomSource } from '../../contracts/lookup.js';
import { baseMediaType, isIndex, type Descriptor, type Manifest } from '../../contracts/oci-manifest.js';
import { judgeReferrer, listReferrers } from '../../registry/index.js';
import type { FoundBom } from '../../contracts/lookup.js';
import { attestedBom, eachLimited, emptyResult, fetchLayer, fetchManifest, plainBom, predicateMayBeBom, problemOf, type ProbeContext, type ProbeResult } from './probe.js';
import { carrierVerdict } from './signatures.js';
import { applyVerdict } from './verdicts.js';
import { isProvenancePredicate } from '../../bom/index.js';
import { provenanceLayer } from './provenance.js';

export const SIGSTORE_BUNDLE_PREFIX = 'application/vnd.dev.sigstore.bundle';
export const IN_TOTO = 'application/vnd.in-toto+json';
export const DSSE = 'application/vnd.dsse.envelope.v1+json';
/** Manifest annotation of cosign ≥ 3 bundles (Sigstore bundle v0.3 referrers). */
export const BUNDLE_PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
/** Layer annotations naming an attestation's predicate: cosign's, and BuildKit's / in-toto's. */
export const LAYER_PREDICATE_ANNOTATIONS = ['predicateType', 'in-toto.io/predicate-type'] as const;

export interface ReferrersProbe extends ProbeResult {
  via: 'api' | 'tag';
}

type ReferrerKind = 'sigstore-bundle' | 'in-toto' | 'plain';

/** What kind of referrer a type (artifactType, else config.mediaType) announces. */
export function referrerKind(type: string | undefined): ReferrerKind {
  const t = baseMediaType(type);
  if (t.startsWith(SIGSTORE_BUNDLE_PREFIX)) return 'sigstore-bundle';
  if (t === IN_TOTO || t === DSSE) return 'in-toto';
  return 'plain';
}

export function layerPredicateType(layer: Descriptor): string | undefined {
  for (const key of LAYER_PREDICATE_ANNOTATIONS) {
    const value = layer.annotations?.[key];
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Throws nothing: a list that cannot be read is a problem of this probe. */
export async function probeReferrers(ctx: ProbeContext): Promise<ReferrersProbe> {
  const out: ReferrersProbe = { ...emptyResult(), via: 'api' };
  let list;
  try {
    list = await listReferrers(ctx.client, ctx.repo, ctx.subjectDigest, ctx.signal, { maxReferrers: ctx.limits.maxReferrers });
  } catch (err) {
    out.problems.push(problemOf(err, `referrers of ${ctx.subjectDigest}`, ctx.signal));
    return out;
  }
  out.via = list.via;
  out.notes.push(...list.notes);
  if (list.truncated) out.notes.push(`more than ${ctx.limits.maxReferrers} referrers; the rest were not examined`);
  const plainSource: BomSource = list.via === 'api' ? 'referrers' : 'tag-fallback';
  const seen = new Set<string>();
  const descriptors = list.descriptors.filter((d) => !seen.has(d.digest) && seen.add(d.digest));
  await eachLimited(descriptors, ctx.limits.concurrency, ctx.signal, (d) => oneReferrer(ctx, d, plainSource, out));
  return out;
}

async function oneReferrer(ctx: ProbeContext, descriptor: Descriptor, plainSource: BomSource, out: ProbeResult): Promise<void> {
  // The list copies the referrer's annotations (distribution-spec §Listing Referrers): a bundle whose
  // predicate is not a BOM (provenance, vulnerability reports) costs no download at all.
  const listedPredicate = descriptor.annotations?.[BUNDLE_PREDICATE_ANNOTATION];
  if (referrerKind(descriptor.artifactType) === 'sigstore-bundle' && !predicateMayBeBom(listedPredicate) && !wantsProvenance(ctx, listedPredicate)) {
    out.notes.push(`referrer ${descriptor.digest}: Sigstore bundle of predicate ${descriptor.annotations?.[BUNDLE_PREDICATE_ANNOTATION]}, not a BOM`);
    return;
  }
  let manifest: Manifest | undefined;
  let size = 0;
  try {
    const res = await fetchManifest(ctx, ctx.repo, descriptor.digest, out, `referrer ${descriptor.digest}`);
    manifest = res?.manifest;
    size = res?.bytes.length ?? 0;
  } catch (err) {
    out.problems.push(problemOf(err, `referrer ${descriptor.digest}`, ctx.signal));
    return;
  }
  if (!manifest) return;
  // The security rule: a referrer counts only if it names this image as its subject.
  if (manifest.subject?.digest !== ctx.subjectDigest) {
    out.notes.push(`referrer ${descriptor.digest} has subject ${manifest.subject?.digest ?? 'none'}, not ${ctx.subjectDigest}: ignored`);
    return;
  }
  if (isIndex(manifest)) {
    out.notes.push(`referrer ${descriptor.digest}: referrer is an index`);
    return;
  }
  const kind = referrerKind(manifest.artifactType || manifest.config?.mediaType);
  if (kind === 'sigstore-bundle') return bundleLayers(ctx, descriptor.digest, manifest, out);
  if (kind === 'in-toto') return dsseLayers(ctx, manifest.layers, 'cosign-att', out);
  const judgement = judgeReferrer(manifest);
  if (judgement.skip) out.notes.push(`referrer ${descriptor.digest}: ${judgement.skip}`);
  // The artifact's signatures are read while its layers download (docs/trust.md).
  const verdict = ctx.trust && judgement.layers.length > 0 ? carrierVerdict(ctx, ctx.trust, { digest: descriptor.digest, size, repo: ctx.repo }, out) : undefined;
  const boms: FoundBom[] = [];
  for (const { layer, declaredType } of judgement.layers) {
    const bytes = await fetchLayer(ctx, ctx.repo, layer, out);
    const bom = bytes ? await plainBom(ctx, layer, bytes, declaredType, plainSource, out) : undefined;
    if (bom) boms.push(bom);
  }
  if (verdict) {
    const v = await verdict;
    for (const bom of boms) applyVerdict(bom, v);
  }
}

async function bundleLayers(ctx: ProbeContext, digest: string, manifest: Manifest, out: ProbeResult): Promise<void> {
  const predicateType = manifest.annotations[BUNDLE_PREDICATE_ANNOTATION];
  const provenance = wantsProvenance(ctx, predicateType);
  if (!predicateMayBeBom(predicateType) && !provenance) {
    out.notes.push(`referrer ${digest}: Sigstore bundle of predicate ${predicateType}, not a BOM`);
    return;
  }
  for (const layer of manifest.layers) {
    if (referrerKind(layer.mediaType) !== 'sigstore-bundle') continue;
    if (provenance) {
      await provenanceLayer(ctx, ctx.repo, layer, 'sigstore-bundle', out);
      continue;
    }
    const bytes = await fetchLayer(ctx, ctx.repo, layer, out);
    // Signatures are not verified (yet): the BOM stays `trust: unsigned`.
    if (bytes) await attestedBom(ctx, layer, bytes, 'sigstore-bundle', out);
  }
}

/**
 * DSSE envelope (or bare in-toto statement) layers, filtered on their predicate annotation before
 * download. Shared by in-toto referrers and the cosign `.att` tag (`repo` may be COSIGN_REPOSITORY).
 */
export async function dsseLayers(ctx: ProbeContext, layers: readonly Descriptor[], source: BomSource, out: ProbeResult, repo = ctx.repo): Promise<void> {
  for (const layer of layers) {
    const t = baseMediaType(layer.mediaType);
    if (t !== DSSE && t !== IN_TOTO) {
      out.notes.push(`attestation layer ${layer.digest} has type ${t || 'none'}, not DSSE or in-toto`);
      continue;
    }
    const predicateType = layerPredicateType(layer);
    if (wantsProvenance(ctx, predicateType)) {
      if (ctx.signal.aborted) return;
      await provenanceLayer(ctx, repo, layer, source, out);
      continue;
    }
    if (!predicateMayBeBom(predicateType)) {
      out.notes.push(`attestation layer ${layer.digest}: predicate ${predicateType} is not a BOM`);
      continue;
    }
    if (ctx.signal.aborted) return;
    const bytes = await fetchLayer(ctx, repo, layer, out);
    if (bytes) await attestedBom(ctx, layer, bytes, source, out);
  }
}

/** A SLSA provenance predicate, and provenance is read (discovery.provenance). */
function wantsProvenance(ctx: ProbeContext, predicateType: string | undefined): boolean {
  return ctx.limits.provenance === true && isProvenancePredicate(predicateType);
}
