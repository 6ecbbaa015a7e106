// Test helper: attaches BOMs to images on a real registry the way each tool does it, written from
// the specs (oras, cosign and BuildKit attestation-storage docs) with raw HTTP (test/support/local-registry.ts), independent of our
// registry client: cosign `.sbom`/`.att` tags, in-toto statements in DSSE envelopes and Sigstore
// bundles, referrers (oras style) published through the referrers tag schema, BuildKit attestation
// manifests, multi-platform OCI indexes.
import type { Descriptor } from '../../src/contracts/oci-manifest.js';
import { MT } from '../../src/contracts/oci-manifest.js';
import type { PushTarget } from './local-registry.js';
import { pushBlob, pushManifest, pushTinyImage, referrersTagOf, sha256 } from './local-registry.js';

/** CycloneDX JSON, the media type most BOM referrers carry. */
export const CDX = 'application/vnd.cyclonedx+json';
export const DSSE = 'application/vnd.dsse.envelope.v1+json';
export const IN_TOTO = 'application/vnd.in-toto+json';
export const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const CDX_PREDICATE = 'https://cyclonedx.org/bom';
export const SLSA_PREDICATE = 'https://slsa.dev/provenance/v1';

/** A CycloneDX 1.6 BOM naming one model (unique bytes per name). */
export function modelBom(name: string): string {
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:00000000-0000-4000-8000-${sha256(name).slice(7, 19)}`,
    version: 1,
    components: [{ type: 'machine-learning-model', 'bom-ref': name, name, version: '1.0', purl: `pkg:huggingface/test/${name}@1.0` }],
  });
}

/** A minimal SPDX 2.3 JSON document with one package (what cosign attaches as text/spdx+json). */
export function spdx2Doc(name: string): string {
  return JSON.stringify({
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name,
    documentNamespace: `https://example.test/spdx/${name}`,
    creationInfo: { created: '2025-01-01T00:00:00Z', creators: ['Tool: test'] },
    packages: [{ SPDXID: 'SPDXRef-pkg', name, versionInfo: '1.0', downloadLocation: 'NOASSERTION' }],
  });
}

export function statement(subjectDigest: string, predicateType: string, predicate: unknown): object {
  const [alg, hex] = subjectDigest.split(':');
  return { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'image', digest: { [alg!]: hex } }], predicateType, predicate };
}

/** cosign's DSSE envelope: base64 statement, a signature we never verify. */
export function dsseEnvelope(stmt: object): string {
  return JSON.stringify({ payloadType: IN_TOTO, payload: Buffer.from(JSON.stringify(stmt)).toString('base64'), signatures: [{ keyid: '', sig: 'MEUCIQDtest' }] });
}

/** A Sigstore bundle v0.3 around a DSSE envelope (cosign ≥ 3). */
export function sigstoreBundle(stmt: object): string {
  return JSON.stringify({
    mediaType: BUNDLE,
    verificationMaterial: { publicKey: { hint: 'test' }, tlogEntries: [] },
    dsseEnvelope: JSON.parse(dsseEnvelope(stmt)) as unknown,
  });
}

async function emptyConfig(base: PushTarget, repo: string): Promise<Descriptor> {
  const empty = await pushBlob(base, repo, '{}');
  return { mediaType: MT.ociEmpty, ...empty };
}

/** The (platform-less) image config cosign and BuildKit give their attachment manifests. */
async function attachmentConfig(base: PushTarget, repo: string, platform: string): Promise<Descriptor> {
  const config = await pushBlob(base, repo, JSON.stringify({ architecture: platform, os: platform, rootfs: { type: 'layers', diff_ids: [] }, config: {} }));
  return { mediaType: MT.ociConfig, ...config };
}

/** An image manifest of `config` and `layers` pushed under `tag`, or by digest. */
function pushAttachmentManifest(base: PushTarget, repo: string, tag: string | undefined, config: Descriptor, layers: object[]): Promise<Descriptor> {
  return pushManifest(base, repo, tag, { schemaVersion: 2, mediaType: MT.ociManifest, config, layers }, MT.ociManifest);
}

/** `cosign attach sbom` (legacy tag mode): a one-layer image under `sha256-<hex>.sbom` in `repo`. */
export async function pushCosignSbom(base: PushTarget, repo: string, subjectDigest: string, bom: string, layerType: string): Promise<Descriptor> {
  const config = await attachmentConfig(base, repo, '');
  const layer = await pushBlob(base, repo, bom);
  return pushAttachmentManifest(base, repo, `${referrersTagOf(subjectDigest)}.sbom`, config, [{ mediaType: layerType, ...layer }]);
}

export interface AttestationLayer {
  predicateType: string;
  /** The layer bytes (a DSSE envelope, a bundle or a bare statement). */
  body: string;
}

/** `cosign attest` (legacy storage): DSSE layers annotated `predicateType` under `sha256-<hex>.att`. */
export async function pushCosignAtt(base: PushTarget, repo: string, subjectDigest: string, layers: AttestationLayer[]): Promise<Descriptor> {
  const config = await attachmentConfig(base, repo, '');
  const descriptors = [];
  for (const l of layers) descriptors.push({ mediaType: DSSE, ...(await pushBlob(base, repo, l.body)), annotations: { predicateType: l.predicateType, 'dev.cosignproject.cosign/signature': '' } });
  return pushAttachmentManifest(base, repo, `${referrersTagOf(subjectDigest)}.att`, config, descriptors);
}

/** A referrer manifest (pushed by digest) with `subject`, its layers and manifest annotations. */
export async function pushReferrer(base: PushTarget, repo: string, subject: Descriptor, options: { artifactType: string; layers: { mediaType: string; body: Uint8Array | string; annotations?: Record<string, string> }[]; annotations?: Record<string, string> }): Promise<Descriptor> {
  const layers = [];
  for (const l of options.layers) layers.push({ mediaType: l.mediaType, ...(await pushBlob(base, repo, l.body)), ...(l.annotations ? { annotations: l.annotations } : {}) });
  const manifest: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    artifactType: options.artifactType,
    config: { ...(await emptyConfig(base, repo)), data: 'e30=' },
    layers,
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  };
  if (options.annotations) manifest.annotations = options.annotations;
  const pushed = await pushManifest(base, repo, undefined, manifest, MT.ociManifest);
  const descriptor: Descriptor = { ...pushed, artifactType: options.artifactType };
  if (options.annotations) descriptor.annotations = options.annotations;
  return descriptor;
}

/** Publishes the referrers tag schema index `sha256-<hex>` listing `referrers` (as clients do without the API). */
export async function publishReferrersTag(base: PushTarget, repo: string, subjectDigest: string, referrers: Descriptor[]): Promise<void> {
  await pushManifest(base, repo, referrersTagOf(subjectDigest), { schemaVersion: 2, mediaType: MT.ociIndex, manifests: referrers }, MT.ociIndex);
}

/** A plain BOM referrer of `subject` (oras attach style: layer and artifact type alike). */
export async function pushBomReferrer(base: PushTarget, repo: string, subject: Descriptor, bom: string, artifactType = CDX): Promise<Descriptor> {
  return pushReferrer(base, repo, subject, { artifactType, layers: [{ mediaType: artifactType, body: bom }] });
}

/**
 * Attaches a BOM to `subject` as an OCI artifact with `subject`, and publishes the referrers index
 * under the `sha256-<hex>` tag (distribution spec "Referrers tag schema") — what clients do against
 * a registry without the referrers API, like the Debian one.
 */
export async function attachWithTagSchema(base: PushTarget, repo: string, subject: Descriptor, bom: string, artifactType: string): Promise<Descriptor> {
  const referrer = await pushBomReferrer(base, repo, subject, bom, artifactType);
  await publishReferrersTag(base, repo, subject.digest, [referrer]);
  return referrer;
}

export interface MultiArch {
  index: Descriptor;
  amd64: Descriptor;
  arm64: Descriptor;
}

/**
 * An OCI index with two platform manifests under `tag`; `extra` entries (BuildKit attestation
 * manifests) are appended after the runnable ones.
 */
export async function pushMultiArch(base: PushTarget, repo: string, tag: string, extra: (platforms: { amd64: Descriptor; arm64: Descriptor }) => Promise<object[]> = async () => []): Promise<MultiArch> {
  const seed = `${tag}-${process.hrtime.bigint()}`;
  const amd64 = await pushTinyImage(base, repo, `${tag}-amd64`, `${seed}-amd64`);
  const arm64 = await pushTinyImage(base, repo, `${tag}-arm64`, `${seed}-arm64`);
  const entries = await extra({ amd64, arm64 });
  const index = await pushManifest(base, repo, tag, {
    schemaVersion: 2,
    mediaType: MT.ociIndex,
    manifests: [
      { ...amd64, platform: { os: 'linux', architecture: 'amd64' } },
      { ...arm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      ...entries,
    ],
  }, MT.ociIndex);
  return { index, amd64, arm64 };
}

/** A BuildKit attestation manifest for `platform` (in-toto statement layers), as an index entry. */
export async function buildkitAttestation(base: PushTarget, repo: string, platform: Descriptor, layers: { predicateType: string; statement: object }[]): Promise<object> {
  const config = await attachmentConfig(base, repo, 'unknown');
  const descriptors = [];
  for (const l of layers) descriptors.push({ mediaType: IN_TOTO, ...(await pushBlob(base, repo, JSON.stringify(l.statement))), annotations: { 'in-toto.io/predicate-type': l.predicateType } });
  const manifest = await pushAttachmentManifest(base, repo, undefined, config, descriptors);
  return {
    ...manifest,
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': platform.digest },
  };
}
