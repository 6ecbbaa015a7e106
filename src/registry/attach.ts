// `aibom attach`: push a BOM as an OCI 1.1 artifact that refers to an image (distribution-spec v1.1.1
// "Pushing Manifests with Subject", "Listing Referrers"; the shape `oras attach` produces): an image manifest with `artifactType`, the empty config
// (with `data: "e30="`), one layer holding the BOM, and `subject` = the image. Registries with the
// referrers API index it themselves (`OCI-Subject` on the PUT, or the API answering); for the others
// (Debian's distribution 2.8) we maintain the `sha256-<hex>` tag index as ORAS and cosign do.
import { createHash } from 'node:crypto';
import { RegistryError } from './errors.js';
import { type RegistryClient } from './client.js';
import { listReferrers } from './referrers.js';
import type { ImageReference } from '../contracts/image-reference.js';
import { bomMediaTypeOf } from '../contracts/media-types.js';
import { baseMediaType, EMPTY_BLOB, EMPTY_DIGEST, isIndex, MT, referrersTag, type Descriptor } from '../contracts/oci-manifest.js';

export interface AttachOptions {
  /** The manifest's `artifactType` (and the layer media type). */
  artifactType: string;
  /** File name recorded as `org.opencontainers.image.title`. */
  fileName?: string;
  /** `org.opencontainers.image.created` (RFC 3339); the caller passes the clock. */
  created?: string;
  /** Extra manifest annotations. */
  annotations?: Record<string, string>;
  /**
   * Push another referrer even when one with the same artifact type and the same BOM bytes is
   * already attached (default: reuse it, so attaching twice leaves one referrer).
   */
  force?: boolean;
}

export interface AttachResult {
  subject: Descriptor;
  /** Digest of the pushed artifact manifest. */
  manifestDigest: string;
  manifestSize: number;
  artifactType: string;
  bomDigest: string;
  /** `api`: the registry indexes referrers itself; `tag`: we updated the `sha256-<hex>` index. */
  via: 'api' | 'tag';
  /** The fallback tag written, when `via` is `tag`. */
  tag?: string;
  /** An identical referrer was already attached: nothing was pushed, its digests are reported. */
  reused?: boolean;
}

/** The default artifact type for a BOM format (src/bom inventory `format`). */
export function artifactTypeForFormat(format: string): string | undefined {
  return bomMediaTypeOf(format);
}

export async function attachBom(client: RegistryClient, ref: ImageReference, bom: Buffer, options: AttachOptions, signal: AbortSignal): Promise<AttachResult> {
  // The subject: what the reference resolves to, read from the registry itself (not a mirror).
  const resolved = ref.digest ? await client.getManifest(ref, ref.digest, signal, { viaMirror: false }) : await client.getManifest(ref, ref.tag ?? 'latest', signal, { viaMirror: false });
  const subject: Descriptor = { mediaType: resolved.mediaType, digest: resolved.digest, size: resolved.bytes.length };
  if (!options.force) {
    const same = await findIdenticalReferrer(client, ref, subject.digest, options.artifactType, resolvedDigestOf(bom), signal);
    if (same) return { subject, manifestDigest: same.digest, manifestSize: same.size, artifactType: options.artifactType, bomDigest: resolvedDigestOf(bom), via: same.via, ...(same.via === 'tag' ? { tag: referrersTag(subject.digest) } : {}), reused: true };
  }

  await client.pushBlob(ref, EMPTY_BLOB, signal);
  const bomDigest = await client.pushBlob(ref, bom, signal);
  const layer: Descriptor = { mediaType: options.artifactType, digest: bomDigest, size: bom.length };
  if (options.fileName) layer.annotations = { 'org.opencontainers.image.title': options.fileName };
  const annotations: Record<string, string> = { ...(options.annotations ?? {}) };
  if (options.created) annotations['org.opencontainers.image.created'] = options.created;
  const manifest = {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    artifactType: options.artifactType,
    config: { mediaType: MT.ociEmpty, digest: EMPTY_DIGEST, size: 2, data: 'e30=' },
    layers: [layer],
    subject,
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  const put = await client.putManifest(ref, resolvedDigestOf(bytes), bytes, MT.ociManifest, signal);
  const result: AttachResult = { subject, manifestDigest: put.digest, manifestSize: bytes.length, artifactType: options.artifactType, bomDigest, via: 'api' };
  if (put.ociSubject === subject.digest) return result;
  // No OCI-Subject: ask the API itself, as go-containerregistry does after a push with subject.
  if (await servesReferrersApi(client, ref, subject.digest, signal)) return result;
  const entry: Descriptor = { mediaType: MT.ociManifest, digest: put.digest, size: bytes.length, artifactType: options.artifactType };
  if (Object.keys(annotations).length > 0) entry.annotations = annotations;
  result.tag = await addToReferrersTag(client, ref, subject.digest, entry, signal);
  result.via = 'tag';
  return result;
}

/**
 * A referrer of `subjectDigest` with this artifact type whose one layer is exactly these BOM bytes
 * (only the `created` annotation would differ): the manifests of at most 50 listed referrers of
 * that artifact type are read, from the registry itself.
 */
async function findIdenticalReferrer(client: RegistryClient, ref: ImageReference, subjectDigest: string, artifactType: string, bomDigest: string, signal: AbortSignal): Promise<{ digest: string; size: number; via: 'api' | 'tag' } | undefined> {
  const listed = await listReferrers(client, ref, subjectDigest, signal, { artifactType, maxReferrers: 50 });
  for (const d of listed.descriptors) {
    if (d.artifactType !== undefined && baseMediaType(d.artifactType) !== baseMediaType(artifactType) && baseMediaType(d.artifactType) !== MT.ociEmpty) continue;
    let got;
    try {
      got = await client.getManifest(ref, d.digest, signal, { viaMirror: false });
    } catch (err) {
      if (err instanceof RegistryError && err.kind === 'not-found') continue;
      throw err;
    }
    const m = got.manifest as { artifactType?: string; config?: Descriptor; layers?: Descriptor[] };
    const type = m.artifactType ?? m.config?.mediaType;
    if (type !== artifactType || m.layers?.length !== 1 || m.layers[0]!.digest !== bomDigest) continue;
    return { digest: got.digest, size: got.bytes.length, via: listed.via };
  }
  return undefined;
}

function resolvedDigestOf(bytes: Buffer): string {
  // Push by digest: the registry keeps the bytes and nothing is tagged.
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function servesReferrersApi(client: RegistryClient, ref: ImageReference, digest: string, signal: AbortSignal): Promise<boolean> {
  const res = await client.send(ref, { method: 'GET', path: `/v2/${ref.repository}/referrers/${digest}`, headers: { accept: MT.ociIndex }, signal, actions: 'pull' });
  const ok = res.statusCode === 200 && baseMediaType(res.headers['content-type'] as string | undefined) === MT.ociIndex;
  try {
    for await (const _ of res.body) {
      // discard
    }
  } catch {
    // discarded
  }
  if (res.statusCode === 401 || res.statusCode === 403) throw new RegistryError('auth', `referrers API: HTTP ${res.statusCode}`, res.statusCode);
  return ok;
}

/**
 * Read-modify-write of the `sha256-<hex>` index (distribution-spec §Pushing Manifests with Subject):
 * a missing tag starts an empty index; a descriptor already listed is not added twice. Writers race
 * (the spec suggests ETag conditional requests, which distribution 2.8 does not offer).
 */
export async function addToReferrersTag(client: RegistryClient, ref: ImageReference, subjectDigest: string, entry: Descriptor, signal: AbortSignal): Promise<string> {
  const tag = referrersTag(subjectDigest);
  let manifests: Descriptor[] = [];
  try {
    const existing = await client.getManifest(ref, tag, signal, { accept: MT.ociIndex, viaMirror: false });
    if (isIndex(existing.manifest)) manifests = existing.manifest.manifests;
  } catch (err) {
    if (!(err instanceof RegistryError && err.kind === 'not-found')) throw err;
  }
  if (manifests.some((d) => d.digest === entry.digest)) return tag;
  const index = { schemaVersion: 2, mediaType: MT.ociIndex, manifests: [...manifests, entry] };
  await client.putManifest(ref, tag, Buffer.from(JSON.stringify(index)), MT.ociIndex, signal);
  return tag;
}
