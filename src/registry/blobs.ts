// Blob reads and uploads (distribution-spec v1.1.1 "Pulling blobs", "Pushing blobs", monolithic
// upload): every blob read is verified against its digest and the descriptor's size.
import { digestOf, isDigest } from '../contracts/oci-manifest.js';
import { RegistryError, statusError } from './errors.js';
import { drain, errorCode, header, readCapped, type RegistrySender, type RepoRef } from './transport.js';

/**
 * GET a blob, following redirects (each hop through the egress policy; the registry's
 * Authorization is not sent to another origin). Streams with a cap: more than `maxBytes` →
 * `too-large`; more than `expectedSize` (the descriptor's size) or a wrong hash → `digest-mismatch`.
 */
export async function getBlob(sender: RegistrySender, repo: RepoRef, digest: string, maxBytes: number, signal: AbortSignal, expectedSize?: number): Promise<Buffer> {
  if (!isDigest(digest)) throw new RegistryError('invalid', `invalid blob digest ${JSON.stringify(digest)}`);
  if (expectedSize !== undefined && expectedSize > maxBytes) throw new RegistryError('too-large', `blob ${digest} is ${expectedSize} bytes, over the ${maxBytes}-byte cap`);
  const res = await sender.send(repo, { method: 'GET', path: `/v2/${repo.repository}/blobs/${digest}`, signal, actions: 'pull', followRedirects: true, useMirror: true });
  if (res.statusCode !== 200) {
    const code = await errorCode(res);
    throw statusError(res.statusCode, `GET blob ${digest}`, code);
  }
  const length = Number(header(res.headers, 'content-length'));
  if (Number.isFinite(length) && length > maxBytes) {
    res.body.destroy();
    throw new RegistryError('too-large', `blob ${digest} is ${length} bytes, over the ${maxBytes}-byte cap`);
  }
  const bytes = await readCapped(res, maxBytes, expectedSize);
  const actual = digestOf(bytes, digest.split(':')[0]!);
  if (actual !== digest) throw new RegistryError('digest-mismatch', `blob ${digest} hashes to ${actual}`);
  if (expectedSize !== undefined && bytes.length !== expectedSize) throw new RegistryError('digest-mismatch', `blob ${digest} is ${bytes.length} bytes, descriptor says ${expectedSize}`);
  return bytes;
}

/** HEAD a blob: does the repository have it? */
export async function hasBlob(sender: RegistrySender, repo: RepoRef, digest: string, signal: AbortSignal): Promise<boolean> {
  const res = await sender.send(repo, { method: 'HEAD', path: `/v2/${repo.repository}/blobs/${digest}`, signal, actions: 'pull,push' });
  await drain(res);
  if (res.statusCode === 200) return true;
  if (res.statusCode === 404) return false;
  throw statusError(res.statusCode, `HEAD blob ${digest}`, undefined);
}

/** Uploads a blob monolithically (POST then PUT ?digest=), unless it is already there. */
export async function pushBlob(sender: RegistrySender, repo: RepoRef, bytes: Buffer, signal: AbortSignal): Promise<string> {
  const digest = digestOf(bytes);
  if (await hasBlob(sender, repo, digest, signal)) return digest;
  const start = await sender.send(repo, { method: 'POST', path: `/v2/${repo.repository}/blobs/uploads/`, headers: { 'content-length': '0' }, signal, actions: 'pull,push' });
  await drain(start);
  if (start.statusCode !== 202) throw statusError(start.statusCode, `start blob upload to ${repo.repository}`, undefined);
  const location = header(start.headers, 'location');
  if (!location) throw new RegistryError('invalid', 'blob upload answered without Location');
  const url = new URL(location, start.url);
  if (url.origin !== start.url.origin) throw new RegistryError('blocked', `blob upload Location ${url.origin} is another origin`);
  url.searchParams.set('digest', digest);
  const put = await sender.send(repo, {
    method: 'PUT',
    path: url.pathname + url.search,
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
    body: bytes,
    signal,
    actions: 'pull,push',
  });
  await drain(put);
  if (put.statusCode !== 201) throw statusError(put.statusCode, `finish blob upload ${digest}`, undefined);
  return digest;
}
