// Raw-HTTP reads of what the signing tools wrote to a test registry (independent of src/oci):
// a manifest by tag or digest, a blob, and the referrers of a digest through the referrers tag schema
// (the Debian registry has no referrers API, so oras, cosign and notation all maintain `sha256-<hex>`).
import { referrersTagOf } from './local-registry.js';

const ACCEPT = ['application/vnd.oci.image.index.v1+json', 'application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'].join(', ');

export interface RawManifest {
  digest: string;
  bytes: Buffer;
  json: { mediaType?: string; artifactType?: string; config?: { mediaType: string }; layers?: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[]; manifests?: { digest: string; artifactType?: string; annotations?: Record<string, string> }[]; subject?: { digest: string }; annotations?: Record<string, string> };
}

export async function readManifest(base: string, repo: string, reference: string): Promise<RawManifest | undefined> {
  const res = await fetch(`${base}/v2/${repo}/manifests/${reference}`, { headers: { accept: ACCEPT } });
  if (res.status === 404) {
    await res.arrayBuffer();
    return undefined;
  }
  if (!res.ok) throw new Error(`manifest ${repo}:${reference}: HTTP ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  return { digest: res.headers.get('docker-content-digest') ?? '', bytes, json: JSON.parse(bytes.toString('utf8')) as RawManifest['json'] };
}

export async function readBlob(base: string, repo: string, digest: string): Promise<Buffer> {
  const res = await fetch(`${base}/v2/${repo}/blobs/${digest}`);
  if (!res.ok) throw new Error(`blob ${digest}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/** The referrers of `digest` (from the `sha256-<hex>` tag index), optionally of one artifactType. */
export async function readReferrers(base: string, repo: string, digest: string, artifactType?: string): Promise<{ digest: string; artifactType?: string; annotations?: Record<string, string> }[]> {
  const index = await readManifest(base, repo, referrersTagOf(digest));
  const all = index?.json.manifests ?? [];
  return artifactType ? all.filter((m) => m.artifactType === artifactType) : all;
}

/** The first layer of the single referrer of `digest` with `artifactType`. */
export async function referrerLayer(base: string, repo: string, digest: string, artifactType: string): Promise<{ manifest: RawManifest; layer: Buffer; mediaType: string; annotations?: Record<string, string> }> {
  const refs = await readReferrers(base, repo, digest, artifactType);
  if (refs.length === 0) throw new Error(`no ${artifactType} referrer of ${digest}`);
  const manifest = (await readManifest(base, repo, refs[refs.length - 1]!.digest))!;
  const layer = manifest.json.layers![0]!;
  const out: { manifest: RawManifest; layer: Buffer; mediaType: string; annotations?: Record<string, string> } = { manifest, layer: await readBlob(base, repo, layer.digest), mediaType: layer.mediaType };
  if (layer.annotations) out.annotations = layer.annotations;
  return out;
}
