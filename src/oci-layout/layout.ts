// A directory in the OCI image-layout format (image-spec v1.1 image-layout.md): `oci-layout`,
// `index.json`, `blobs/<alg>/<hex>`. Read-only. Every blob read is size-capped and digest-verified,
// so a tampered or truncated layout yields an error status, never wrong data.
// Images are named by the `org.opencontainers.image.ref.name` annotation on index.json descriptors
// (a full reference, as we write it, or just a tag, as skopeo writes it). Referrers are manifests in
// the layout whose `subject` points at a digest; they may be listed in index.json or hang below an
// index listed there.
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LookupStatus } from '../contracts/lookup.js';
import { isRecord } from '../contracts/json-guards.js';
import { MT, parsePlatform, type Descriptor } from '../contracts/oci-manifest.js';
import { parseImageReference, type ImageReference } from '../contracts/image-reference.js';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

/** Manifests and indexes are small; anything larger is not one. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Bounds the walk over a hostile layout. */
const MAX_MANIFESTS = 10_000;

export interface Manifest {
  mediaType?: string;
  artifactType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  /** Older ORAS artifact manifests. */
  blobs?: Descriptor[];
  manifests?: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export class LayoutError extends Error {
  override name = 'LayoutError';
  constructor(readonly status: LookupStatus, message: string) {
    super(message);
  }
}

const DIGEST = /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;

export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType === MT.ociIndex || mediaType === MT.dockerList;
}

export class OciLayout {
  /** Referrer descriptors by subject digest, built on first use. */
  private referrerMap: Map<string, Descriptor[]> | undefined;
  private readonly manifestCache = new Map<string, Manifest>();

  private constructor(readonly dir: string, readonly index: Manifest) {}

  static async open(dir: string): Promise<OciLayout> {
    let marker: unknown;
    try {
      marker = JSON.parse(await readFile(join(dir, 'oci-layout'), 'utf8'));
    } catch (err) {
      throw new LayoutError('error:invalid', `${dir} is not an OCI image layout (oci-layout: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    if (!isRecord(marker) || typeof marker.imageLayoutVersion !== 'string') throw new LayoutError('error:invalid', `${dir}/oci-layout has no imageLayoutVersion`);
    let index: unknown;
    try {
      const bytes = await readFile(join(dir, 'index.json'));
      if (bytes.length > MAX_MANIFEST_BYTES) throw new LayoutError('error:too-large', `${dir}/index.json is larger than ${MAX_MANIFEST_BYTES} bytes`);
      index = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      if (err instanceof LayoutError) throw err;
      throw new LayoutError('error:invalid', `${dir}/index.json: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    return new OciLayout(dir, parseManifest(index, 'index.json'));
  }

  /** The descriptors listed in index.json. */
  get descriptors(): Descriptor[] {
    return this.index.manifests ?? [];
  }

  /**
   * The descriptor an image reference names: by digest when it has one (authoritative), else the
   * descriptor whose ref.name is the same normalised reference, else the only one whose ref.name is its tag.
   */
  async resolve(ref: ImageReference): Promise<Descriptor | undefined> {
    if (ref.digest) {
      const listed = this.descriptors.find((d) => d.digest === ref.digest);
      if (listed) return listed;
      for (const d of this.descriptors) {
        if (!isIndexMediaType(d.mediaType)) continue;
        const child = (await this.readManifest(d)).manifests?.find((c) => c.digest === ref.digest);
        if (child) return child;
      }
      // A manifest stored in the layout but not listed: the digest still names it.
      if (!(await this.hasBlob(ref.digest))) return undefined;
      const bytes = await this.readBlob({ digest: ref.digest }, MAX_MANIFEST_BYTES);
      const manifest = parseManifest(parseJsonBytes(bytes, ref.digest), ref.digest);
      return { mediaType: manifest.mediaType ?? MT.ociManifest, digest: ref.digest, size: bytes.length };
    }
    const byTag: Descriptor[] = [];
    for (const d of this.descriptors) {
      const name = d.annotations?.[REF_NAME_ANNOTATION];
      if (!name) continue;
      if (name === ref.normalized || sameReference(name, ref)) return d;
      if (ref.tag && name === ref.tag) byTag.push(d);
    }
    const digests = new Set(byTag.map((d) => d.digest));
    return digests.size === 1 ? byTag[0] : undefined;
  }

  /** Manifests in the layout whose `subject` is `digest`, as descriptors (with artifactType). */
  async referrers(digest: string): Promise<Descriptor[]> {
    if (!this.referrerMap) this.referrerMap = await this.buildReferrerMap();
    return this.referrerMap.get(digest) ?? [];
  }

  async readManifest(descriptor: Pick<Descriptor, 'digest' | 'size'>): Promise<Manifest> {
    const cached = this.manifestCache.get(descriptor.digest);
    if (cached) return cached;
    const bytes = await this.readBlob(descriptor, MAX_MANIFEST_BYTES);
    const manifest = parseManifest(parseJsonBytes(bytes, descriptor.digest), descriptor.digest);
    this.manifestCache.set(descriptor.digest, manifest);
    return manifest;
  }

  async hasBlob(digest: string): Promise<boolean> {
    try {
      const handle = await open(this.blobPath(digest), 'r');
      await handle.close();
      return true;
    } catch {
      return false;
    }
  }

  /** Reads a blob, refusing more than `maxBytes` (or its descriptor's size), and checks its digest. */
  async readBlob(descriptor: { digest: string; size?: number }, maxBytes: number): Promise<Buffer> {
    const path = this.blobPath(descriptor.digest);
    if (descriptor.size !== undefined && descriptor.size > maxBytes) throw new LayoutError('error:too-large', `blob ${descriptor.digest} is ${descriptor.size} bytes, over the ${maxBytes}-byte limit`);
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      throw new LayoutError('error:not-found', `blob ${descriptor.digest} is missing from the layout (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
    try {
      const { size } = await handle.stat();
      if (size > maxBytes) throw new LayoutError('error:too-large', `blob ${descriptor.digest} is ${size} bytes, over the ${maxBytes}-byte limit`);
      const bytes = Buffer.alloc(size);
      let read = 0;
      while (read < size) {
        const { bytesRead } = await handle.read(bytes, read, size - read, read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      const blob = bytes.subarray(0, read);
      const [alg, hex] = descriptor.digest.split(':') as [string, string];
      const actual = createHash(alg).update(blob).digest('hex');
      if (actual !== hex) throw new LayoutError('error:digest-mismatch', `blob ${descriptor.digest} does not match its digest (content is ${alg}:${actual})`);
      if (descriptor.size !== undefined && descriptor.size !== blob.length) throw new LayoutError('error:digest-mismatch', `blob ${descriptor.digest} is ${blob.length} bytes, its descriptor says ${descriptor.size}`);
      return blob;
    } finally {
      await handle.close();
    }
  }

  private blobPath(digest: string): string {
    if (!DIGEST.test(digest)) throw new LayoutError('error:invalid', `unsupported or malformed digest ${JSON.stringify(digest)}`);
    const [alg, hex] = digest.split(':') as [string, string];
    return join(this.dir, 'blobs', alg, hex);
  }

  // Walks index.json and every index below it (breadth first, each digest once).
  private async buildReferrerMap(): Promise<Map<string, Descriptor[]>> {
    const map = new Map<string, Descriptor[]>();
    const queue = [...this.descriptors];
    const seen = new Set<string>();
    while (queue.length > 0 && seen.size < MAX_MANIFESTS) {
      const d = queue.shift()!;
      if (seen.has(d.digest)) continue;
      seen.add(d.digest);
      let manifest: Manifest;
      try {
        manifest = await this.readManifest(d);
      } catch {
        continue; // a broken entry does not hide the others; reading it directly reports the error
      }
      if (manifest.subject) {
        const list = map.get(manifest.subject.digest) ?? [];
        const artifactType = manifest.artifactType ?? d.artifactType ?? manifest.config?.mediaType;
        list.push({ mediaType: manifest.mediaType ?? d.mediaType, digest: d.digest, size: d.size, ...(artifactType ? { artifactType } : {}), ...(manifest.annotations ? { annotations: manifest.annotations } : {}) });
        map.set(manifest.subject.digest, list);
      }
      if (manifest.manifests) queue.push(...manifest.manifests);
    }
    for (const list of map.values()) list.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
    return map;
  }
}

function sameReference(name: string, ref: ImageReference): boolean {
  try {
    return parseImageReference(name).normalized === ref.normalized;
  } catch {
    return false;
  }
}

function parseJsonBytes(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new LayoutError('error:invalid', `${what} is not JSON: ${(err as Error).message}`);
  }
}

function parseManifest(value: unknown, what: string): Manifest {
  if (!isRecord(value)) throw new LayoutError('error:invalid', `${what} is not a JSON object`);
  const m: Manifest = {};
  if (typeof value.mediaType === 'string') m.mediaType = value.mediaType;
  if (typeof value.artifactType === 'string') m.artifactType = value.artifactType;
  if (value.config !== undefined) m.config = parseDescriptor(value.config, `${what}.config`);
  if (Array.isArray(value.layers)) m.layers = value.layers.map((d, i) => parseDescriptor(d, `${what}.layers[${i}]`));
  if (Array.isArray(value.blobs)) m.blobs = value.blobs.map((d, i) => parseDescriptor(d, `${what}.blobs[${i}]`));
  if (Array.isArray(value.manifests)) m.manifests = value.manifests.map((d, i) => parseDescriptor(d, `${what}.manifests[${i}]`));
  if (value.subject !== undefined) m.subject = parseDescriptor(value.subject, `${what}.subject`);
  if (isRecord(value.annotations)) m.annotations = stringRecord(value.annotations);
  return m;
}

function parseDescriptor(value: unknown, what: string): Descriptor {
  if (!isRecord(value)) throw new LayoutError('error:invalid', `${what} is not a descriptor`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string') throw new LayoutError('error:invalid', `${what}.mediaType must be a string`);
  if (typeof digest !== 'string' || !DIGEST.test(digest)) throw new LayoutError('error:invalid', `${what}.digest must be a sha256 or sha512 digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new LayoutError('error:invalid', `${what}.size must be a non-negative integer`);
  const d: Descriptor = { mediaType, digest, size };
  if (typeof value.artifactType === 'string') d.artifactType = value.artifactType;
  if (isRecord(value.annotations)) d.annotations = stringRecord(value.annotations);
  const platform = parsePlatform(value.platform);
  if (platform) d.platform = platform;
  return d;
}

function stringRecord(value: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}
