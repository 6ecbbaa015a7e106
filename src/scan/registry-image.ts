// Scanning an image straight from its registry: the manifest (the platform asked for when the
// reference names an index), then each layer streamed from GET /v2/<name>/blobs/<digest> through
// src/scan/layers.ts, which checks each layer's digest as it goes. Uses the shared registry client
// (auth, egress policy, redirects).
import type { Readable } from 'node:stream';
import { RegistryError, type RegistryClient } from '../registry/index.js';
import { isIndex, parseManifest } from '../contracts/oci-manifest.js';
import { parseImageReference } from '../contracts/image-reference.js';
import type { ScanTarget } from '../mlbom/index.js';
import { scanLayers, type LayerScan, type LayerScanOptions } from './layers.js';
import { pickPlatform } from './platform.js';

export async function scanRegistryImage(client: RegistryClient, image: string, options: LayerScanOptions, signal: AbortSignal): Promise<LayerScan & { target: ScanTarget }> {
  const ref = parseImageReference(image);
  let resolved = await client.getManifest(ref, ref.digest ?? ref.tag ?? 'latest', signal);
  let manifest = resolved.manifest;
  let digest = resolved.digest;
  let platform: string | undefined;
  if (isIndex(manifest)) {
    const chosen = pickPlatform(manifest.manifests ?? [], options.platform);
    if (chosen.platform) platform = `${chosen.platform.os}/${chosen.platform.architecture}${chosen.platform.variant ? `/${chosen.platform.variant}` : ''}`;
    resolved = await client.getManifest(ref, chosen.digest, signal);
    manifest = parseManifest(resolved.bytes, resolved.mediaType);
  }
  const indexDigest = digest;
  digest = resolved.digest;
  const layers = (manifest.layers ?? []).map((l) => ({
    mediaType: l.mediaType,
    digest: l.digest,
    size: l.size,
    open: async (): Promise<Readable> => {
      const res = await client.send(ref, { method: 'GET', path: `/v2/${ref.repository}/blobs/${l.digest}`, signal, actions: 'pull', followRedirects: true, useMirror: true });
      if (res.statusCode !== 200) {
        res.body.destroy();
        throw new RegistryError(res.statusCode === 404 ? 'not-found' : 'server', `GET blob ${l.digest}: HTTP ${res.statusCode}`, res.statusCode);
      }
      return res.body as unknown as Readable;
    },
  }));
  const scan = await scanLayers(layers, options);
  const repository = `${ref.registry}/${ref.repository}`;
  const target: ScanTarget = {
    kind: 'image',
    name: image,
    repository,
    digest: indexDigest,
    purl: `pkg:oci/${encodeURIComponent(ref.repository.split('/').pop()!)}@${encodeURIComponent(indexDigest)}?repository_url=${encodeURIComponent(repository)}${ref.tag ? `&tag=${encodeURIComponent(ref.tag)}` : ''}`,
  };
  if (ref.tag) target.tag = ref.tag;
  if (platform) target.platform = `${platform} (${digest})`;
  return { ...scan, target };
}
