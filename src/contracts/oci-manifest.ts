// OCI / Docker manifest and descriptor types, media types, and the guards that turn untrusted JSON
// into them (image-spec v1.1.1 manifest.md, image-index.md, descriptor.md).
import { createHash } from 'node:crypto';
import { isRecord } from './json-guards.js';

export const MT = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
  ociLayerTar: 'application/vnd.oci.image.layer.v1.tar',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociArtifactManifest: 'application/vnd.oci.artifact.manifest.v1+json',
} as const;

/** Every manifest type we read, in one Accept header (distribution-spec v1.1.1 "Pulling manifests": distribution 404s on a missing OCI type). */
export const MANIFEST_ACCEPT = [MT.ociIndex, MT.ociManifest, MT.dockerList, MT.dockerManifest].join(', ');

export const INDEX_TYPES: ReadonlySet<string> = new Set([MT.ociIndex, MT.dockerList]);
export const MANIFEST_TYPES: ReadonlySet<string> = new Set([MT.ociManifest, MT.dockerManifest, MT.ociArtifactManifest]);

/** The empty descriptor `{}` (image-spec manifest.md §Guidance for an Empty Descriptor). */
export const EMPTY_BLOB = Buffer.from('{}');
export const EMPTY_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  data?: string;
  urls?: string[];
  platform?: Platform;
}

export interface Manifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config?: Descriptor;
  /** Image manifest layers (and the RC-era artifact manifest's `blobs`). */
  layers: Descriptor[];
  /** Index entries. */
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations: Record<string, string>;
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

const DIGEST = /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;

export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value);
}

/** sha256/sha512 of the exact bytes, as `alg:hex`. Throws for other algorithms. */
export function digestOf(bytes: Uint8Array, algorithm = 'sha256'): string {
  if (algorithm !== 'sha256' && algorithm !== 'sha512') throw new ManifestError(`unsupported digest algorithm ${algorithm}`);
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** `application/vnd.cyclonedx+json; version=1.6` → `application/vnd.cyclonedx+json`. */
export function baseMediaType(mediaType: string | undefined): string {
  return (mediaType ?? '').split(';')[0]!.trim().toLowerCase();
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/** A descriptor, or undefined when the value is not a valid one. */
export function parseDescriptor(v: unknown): Descriptor | undefined {
  if (!isRecord(v)) return undefined;
  if (typeof v.mediaType !== 'string' || !isDigest(v.digest)) return undefined;
  if (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0) return undefined;
  const d: Descriptor = { mediaType: v.mediaType, digest: v.digest, size: v.size };
  if (typeof v.artifactType === 'string') d.artifactType = v.artifactType;
  const annotations = stringMap(v.annotations);
  if (annotations) d.annotations = annotations;
  if (typeof v.data === 'string') d.data = v.data;
  if (Array.isArray(v.urls)) d.urls = v.urls.filter((u): u is string => typeof u === 'string');
  const platform = parsePlatform(v.platform);
  if (platform) d.platform = platform;
  return d;
}

/** A descriptor's `platform`, or undefined unless it names both `architecture` and `os` (image-index.md). */
export function parsePlatform(v: unknown): Platform | undefined {
  if (!isRecord(v) || typeof v.architecture !== 'string' || typeof v.os !== 'string') return undefined;
  const p: Platform = { architecture: v.architecture, os: v.os };
  if (typeof v.variant === 'string') p.variant = v.variant;
  if (typeof v['os.version'] === 'string') p['os.version'] = v['os.version'];
  return p;
}

/**
 * Parses manifest bytes. `contentType` is the response's Content-Type (parameters ignored); a body
 * whose `mediaType` contradicts it is rejected (distribution-spec §Pulling manifests).
 */
export function parseManifest(bytes: Uint8Array, contentType?: string): Manifest {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new ManifestError('manifest is not valid JSON');
  }
  if (!isRecord(doc)) throw new ManifestError('manifest must be a JSON object');
  const ct = baseMediaType(contentType);
  const mediaType = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  if (mediaType && ct && (INDEX_TYPES.has(ct) || MANIFEST_TYPES.has(ct)) && baseMediaType(mediaType) !== ct) {
    throw new ManifestError(`manifest mediaType ${mediaType} contradicts Content-Type ${ct}`);
  }
  const schemaVersion = typeof doc.schemaVersion === 'number' ? doc.schemaVersion : 0;
  if (schemaVersion !== 2 && baseMediaType(mediaType ?? ct) !== MT.ociArtifactManifest) throw new ManifestError(`unsupported manifest schemaVersion ${String(doc.schemaVersion)}`);
  const list = (v: unknown): Descriptor[] => (Array.isArray(v) ? v.map(parseDescriptor).filter((d): d is Descriptor => d !== undefined) : []);
  const m: Manifest = {
    schemaVersion,
    layers: [...list(doc.layers), ...list(doc.blobs)],
    manifests: list(doc.manifests),
    annotations: stringMap(doc.annotations) ?? {},
  };
  const effective = mediaType ?? (ct || undefined);
  if (effective) m.mediaType = effective;
  if (typeof doc.artifactType === 'string') m.artifactType = doc.artifactType;
  const config = parseDescriptor(doc.config);
  if (config) m.config = config;
  const subject = parseDescriptor(doc.subject);
  if (subject) m.subject = subject;
  return m;
}

export function isIndex(m: Manifest): boolean {
  const t = baseMediaType(m.mediaType);
  return INDEX_TYPES.has(t) || (!t && m.manifests.length > 0 && m.layers.length === 0 && !m.config);
}

/** The referrers tag of the fallback (distribution-spec §Referrers Tag Schema): `<alg>-<ref>`, ref cut to 64. */
export function referrersTag(digest: string): string {
  const [alg, hex = ''] = digest.split(':');
  return `${alg}-${hex.slice(0, 64)}`;
}
