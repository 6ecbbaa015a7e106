// Manifest reads and writes (distribution-spec v1.1.1 "Pulling manifests", "Pushing manifests";
// image-spec v1.1.1 manifest.md, image-index.md): every manifest read is verified against its
// digest and size-capped while streaming.
import { parseImageReference, type ImageReference } from '../contracts/image-reference.js';
import { baseMediaType, digestOf, isDigest, MANIFEST_ACCEPT, parseManifest, type Manifest, type ManifestError } from '../contracts/oci-manifest.js';
import { RegistryError, statusError } from './errors.js';
import { drain, errorCode, header, readCapped, type RegistrySender, type RepoRef } from './transport.js';

export interface ManifestResult {
  /** Digest of the exact bytes (verified). */
  digest: string;
  /** Content-Type (parameters stripped), or the body's `mediaType`. */
  mediaType: string;
  bytes: Buffer;
  manifest: Manifest;
}

export interface GetManifestOptions {
  /** Accept header (default: every manifest and index type). */
  accept?: string;
  /** Read through the configured mirror (default true; pushes use the registry itself). */
  viaMirror?: boolean;
  /** Cap below the client's manifest cap (e.g. what is left of a lookup's byte budget). */
  maxBytes?: number;
}

export interface HeadResult {
  digest: string;
  mediaType: string;
  size: number;
}

export interface PutManifestResult {
  digest: string;
  /** `OCI-Subject` response header: present when the registry processed `subject` (referrers API). */
  ociSubject?: string;
}

function manifestPath(repo: RepoRef, reference: string): string {
  return `/v2/${repo.repository}/manifests/${reference}`;
}

/**
 * Resolves an image reference to its manifest: a digest reference is fetched by digest; a tag is
 * resolved with HEAD (`Docker-Content-Digest`) and then fetched by digest, or fetched by tag when
 * the registry gives no digest. The returned digest is always computed from the bytes.
 */
export async function resolveManifest(sender: RegistrySender, ref: ImageReference | string, signal: AbortSignal): Promise<ManifestResult & { reference: ImageReference }> {
  const r = typeof ref === 'string' ? parseImageReference(ref) : ref;
  if (r.digest) return { ...(await getManifest(sender, r, r.digest, signal)), reference: r };
  const tag = r.tag ?? 'latest';
  let head: HeadResult | undefined;
  try {
    head = await headManifest(sender, r, tag, signal);
  } catch (err) {
    // Some registries answer HEAD badly (405, no digest); GET decides. Auth/egress/timeout errors stand.
    if (!(err instanceof RegistryError) || !['invalid', 'server'].includes(err.kind)) throw err;
  }
  if (head?.digest) return { ...(await getManifest(sender, r, head.digest, signal)), reference: r };
  return { ...(await getManifest(sender, r, tag, signal)), reference: r };
}

/** HEAD a manifest: digest (from `Docker-Content-Digest`; empty when absent), type and size. */
export async function headManifest(sender: RegistrySender, repo: RepoRef, reference: string, signal: AbortSignal): Promise<HeadResult> {
  const res = await sender.send(repo, { method: 'HEAD', path: manifestPath(repo, reference), headers: { accept: MANIFEST_ACCEPT }, signal, actions: 'pull', useMirror: true });
  await drain(res);
  if (res.statusCode !== 200) throw statusError(res.statusCode, `HEAD manifest ${repo.repository}:${reference}`, undefined);
  const dcd = header(res.headers, 'docker-content-digest');
  const digest = isDigest(dcd) ? dcd : isDigest(reference) ? reference : '';
  if (isDigest(reference) && digest !== reference) throw new RegistryError('digest-mismatch', `registry answered digest ${digest} for ${reference}`);
  return { digest, mediaType: baseMediaType(header(res.headers, 'content-type')), size: Number(header(res.headers, 'content-length') ?? 0) };
}

/**
 * GET a manifest or index by tag or digest with the full Accept set. By digest: the bytes must hash
 * to it. By tag: `Docker-Content-Digest`, when sent, must equal the hash of the bytes.
 */
export async function getManifest(sender: RegistrySender, repo: RepoRef, reference: string, signal: AbortSignal, options: GetManifestOptions = {}): Promise<ManifestResult> {
  const accept = options.accept ?? MANIFEST_ACCEPT;
  const cap = Math.min(options.maxBytes ?? sender.maxManifestBytes, sender.maxManifestBytes);
  const res = await sender.send(repo, { method: 'GET', path: manifestPath(repo, reference), headers: { accept }, signal, actions: 'pull', useMirror: options.viaMirror ?? true });
  if (res.statusCode !== 200) {
    const code = await errorCode(res);
    throw statusError(res.statusCode, `GET manifest ${repo.repository}:${reference}`, code);
  }
  const bytes = await readCapped(res, cap, undefined);
  const algorithm = isDigest(reference) ? reference.split(':')[0]! : 'sha256';
  const digest = digestOf(bytes, algorithm);
  if (isDigest(reference) && digest !== reference) throw new RegistryError('digest-mismatch', `manifest ${reference} hashes to ${digest}`);
  const dcd = header(res.headers, 'docker-content-digest');
  if (!isDigest(reference) && dcd && isDigest(dcd)) {
    const check = digestOf(bytes, dcd.split(':')[0]!);
    if (check !== dcd) throw new RegistryError('digest-mismatch', `Docker-Content-Digest ${dcd} does not match the manifest bytes (${check})`);
  }
  const contentType = baseMediaType(header(res.headers, 'content-type'));
  let manifest: Manifest;
  try {
    manifest = parseManifest(bytes, contentType);
  } catch (err) {
    throw new RegistryError('invalid', `manifest ${repo.repository}:${reference}: ${(err as ManifestError).message}`);
  }
  return { digest, mediaType: baseMediaType(manifest.mediaType) || contentType, bytes, manifest };
}

/** PUT a manifest or index under a tag or its digest. */
export async function putManifest(sender: RegistrySender, repo: RepoRef, reference: string, bytes: Buffer, mediaType: string, signal: AbortSignal): Promise<PutManifestResult> {
  const res = await sender.send(repo, {
    method: 'PUT',
    path: manifestPath(repo, reference),
    headers: { 'content-type': mediaType, 'content-length': String(bytes.length) },
    body: bytes,
    signal,
    actions: 'pull,push',
  });
  if (res.statusCode !== 201 && res.statusCode !== 200) {
    const code = await errorCode(res);
    throw statusError(res.statusCode, `PUT manifest ${repo.repository}:${reference}`, code);
  }
  await drain(res);
  const digest = digestOf(bytes);
  const out: PutManifestResult = { digest };
  const subject = header(res.headers, 'oci-subject');
  if (subject) out.ociSubject = subject;
  return out;
}
