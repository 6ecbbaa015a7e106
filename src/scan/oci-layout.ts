// Scanning an image in an OCI image layout directory (image-spec image-layout.md): index.json → the
// image manifest (the one platform asked for, or linux/amd64, or the only one) → its layers from
// blobs/<alg>/<hex>, streamed through src/scan/layers.ts.
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { isIndex, parseManifest, type Descriptor, type Manifest } from '../contracts/oci-manifest.js';
import type { ScanTarget } from '../mlbom/index.js';
import { scanLayers, type LayerScan, type LayerScanOptions } from './layers.js';
import { pickPlatform } from './platform.js';

function blobPath(dir: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  if (!alg || !hex || !/^[a-z0-9]+$/.test(alg) || !/^[a-f0-9]+$/.test(hex)) throw new Error(`invalid digest ${JSON.stringify(digest)}`);
  return path.join(dir, 'blobs', alg, hex);
}

function readManifestBlob(dir: string, d: Pick<Descriptor, 'digest' | 'mediaType'>): Manifest {
  const bytes = readFileSync(blobPath(dir, d.digest));
  if (bytes.length > 4 * 1024 * 1024) throw new Error(`manifest ${d.digest} is over 4 MiB`);
  return parseManifest(bytes, d.mediaType);
}

export async function scanLayoutDir(dir: string, options: LayerScanOptions): Promise<LayerScan & { target: ScanTarget }> {
  const index = parseManifest(readFileSync(path.join(dir, 'index.json')));
  let chosen = pickPlatform(index.manifests ?? [], options.platform);
  let manifest = readManifestBlob(dir, chosen);
  if (isIndex(manifest)) {
    chosen = pickPlatform(manifest.manifests ?? [], options.platform);
    manifest = readManifestBlob(dir, chosen);
  }
  const layers = (manifest.layers ?? []).map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size, open: async () => createReadStream(blobPath(dir, l.digest)) }));
  const scan = await scanLayers(layers, options);
  const name = chosen.annotations?.['org.opencontainers.image.ref.name'];
  const target: ScanTarget = { kind: 'oci-layout', name: path.basename(path.resolve(dir)), digest: chosen.digest, ...(name ? { tag: name } : {}) };
  if (chosen.platform) target.platform = `${chosen.platform.os}/${chosen.platform.architecture}${chosen.platform.variant ? `/${chosen.platform.variant}` : ''}`;
  return { ...scan, target };
}
