// Many images with a BOM attached, pushed fast to a registry without the referrers API (the Debian
// docker-registry): per image one config blob, the image manifest, the BOM artifact manifest (with
// `subject`) and the referrers index under the `sha256-<hex>` tag (distribution spec "Referrers tag
// schema"). The layer, the empty config and the BOM blob are shared, so they are uploaded once.
import type { Descriptor } from '../../src/contracts/oci-manifest.js';
import { MT } from '../../src/contracts/oci-manifest.js';
import { CDX } from './attachments.js';
import { imageConfig, pushBlob, pushImageManifest, pushManifest, referrersTagOf } from './local-registry.js';

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
  const artifactType = options.artifactType ?? CDX;
  const layer = await pushBlob(baseUrl, repository, `shared layer of ${repository}`);
  const empty = await pushBlob(baseUrl, repository, '{}');
  const bomBlob = await pushBlob(baseUrl, repository, bom);
  const out: BomImage[] = new Array<BomImage>(count);
  let next = 0;
  const one = async (i: number): Promise<void> => {
    const config = await pushBlob(baseUrl, repository, imageConfig(layer.digest, `${options.seed}-${i}`));
    const image = await pushImageManifest(baseUrl, repository, undefined, config, layer);
    const artifact = await pushManifest(baseUrl, repository, undefined, {
      schemaVersion: 2,
      mediaType: MT.ociManifest,
      artifactType,
      config: { mediaType: MT.ociEmpty, ...empty },
      layers: [{ mediaType: artifactType, ...bomBlob }],
      subject: { mediaType: image.mediaType, digest: image.digest, size: image.size },
    }, MT.ociManifest);
    await pushManifest(baseUrl, repository, referrersTagOf(image.digest), { schemaVersion: 2, mediaType: MT.ociIndex, manifests: [{ ...artifact, artifactType }] }, MT.ociIndex);
    out[i] = { image, reference: (host) => `${host}/${repository}@${image.digest}` };
  };
  const workers = Array.from({ length: Math.min(options.concurrency ?? 8, count) }, async () => {
    for (let i = next++; i < count; i = next++) await one(i);
  });
  await Promise.all(workers);
  return out;
}
