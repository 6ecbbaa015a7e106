// Many images with a BOM attached, pushed fast to a registry without the referrers API (the Debian
// docker-registry): per image one config blob, the image manifest, the BOM artifact manifest (with
// `subject`) and the referrers index under the `sha256-<hex>` tag (distribution spec "Referrers tag
// schema"). The layer, the empty config and the BOM blob are shared, so they are uploaded once.
import { OCI_CONFIG, OCI_EMPTY, OCI_INDEX, OCI_LAYER, OCI_MANIFEST, pushBlob, pushManifest, type Descriptor } from './local-registry.js';

export const CYCLONEDX_JSON = 'application/vnd.cyclonedx+json';

export interface BomImage {
  /** The image manifest. */
  image: Descriptor;
  /** `registryHost/repository@digest` as a Pod would name it (registryHost may be a proxy). */
  reference(registryHost: string): string;
}

export interface PushImagesOptions {
  /** Makes digests unique across runs and calls. */
  seed: string;
  artifactType?: string;
  concurrency?: number;
}

export async function pushImagesWithBom(baseUrl: string, repository: string, count: number, bom: string | Buffer, options: PushImagesOptions): Promise<BomImage[]> {
  const artifactType = options.artifactType ?? CYCLONEDX_JSON;
  const layer = await pushBlob(baseUrl, repository, `shared layer of ${repository}`);
  const empty = await pushBlob(baseUrl, repository, '{}');
  const bomBlob = await pushBlob(baseUrl, repository, bom);
  const out: BomImage[] = new Array<BomImage>(count);
  let next = 0;
  const one = async (i: number): Promise<void> => {
    const config = await pushBlob(baseUrl, repository, JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.digest] }, config: { Labels: { seed: `${options.seed}-${i}` } } }));
    const image = await pushManifest(baseUrl, repository, undefined, {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, ...config },
      layers: [{ mediaType: OCI_LAYER, ...layer }],
    }, OCI_MANIFEST);
    const artifact = await pushManifest(baseUrl, repository, undefined, {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType,
      config: { mediaType: OCI_EMPTY, ...empty },
      layers: [{ mediaType: artifactType, ...bomBlob }],
      subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
    }, OCI_MANIFEST);
    await pushManifest(baseUrl, repository, image.digest.replace(':', '-'), { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ ...artifact, artifactType }] }, OCI_INDEX);
    out[i] = { image, reference: (host) => `${host}/${repository}@${image.digest}` };
  };
  const workers = Array.from({ length: Math.min(options.concurrency ?? 8, count) }, async () => {
    for (let i = next++; i < count; i = next++) await one(i);
  });
  await Promise.all(workers);
  return out;
}
