// Builders for images and BOM referrers inside the in-process OciServer (synchronous; the real
// registry's raw-HTTP pushers are in local-registry.ts and attachments.ts).
import { MT } from '../../src/contracts/oci-manifest.js';
import { CDX } from './attachments.js';
import { imageManifest } from './local-registry.js';
import type { OciServer } from './oci-server.js';

/** A small CycloneDX ML-BOM naming one model. */
export function tinyBom(model: string, version = '1.0'): Buffer {
  return Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [{ type: 'machine-learning-model', name: model, version }] }));
}

export function pushImage(server: OciServer, repo: string, tag: string, seed = 'x'): { digest: string; size: number; mediaType: string } {
  const config = server.putBlob(JSON.stringify({ architecture: 'amd64', os: 'linux', seed }));
  const layer = server.putBlob(`layer-${seed}`);
  return server.putManifest(repo, imageManifest(config, layer), MT.ociManifest, tag);
}

export interface ReferrerSpec {
  artifactType?: string;
  configType?: string;
  layerType?: string;
  /** Override the layer descriptor's size (a lying or huge descriptor). */
  layerSize?: number;
  /** Override the layer digest (blob not stored under it). */
  layerDigest?: string;
}

export function pushReferrer(server: OciServer, repo: string, subject: { digest: string; size: number; mediaType: string }, bom: Buffer | undefined, spec: ReferrerSpec = {}): { digest: string; size: number; mediaType: string } {
  const empty = server.putBlob('{}');
  const layer = bom ? server.putBlob(bom) : { digest: spec.layerDigest ?? 'sha256:' + 'f'.repeat(64), size: spec.layerSize ?? 0 };
  const manifest: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: spec.configType ? { mediaType: spec.configType, ...empty } : { mediaType: MT.ociEmpty, ...empty, data: 'e30=' },
    layers: [{ mediaType: spec.layerType ?? CDX, digest: spec.layerDigest ?? layer.digest, size: spec.layerSize ?? layer.size }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  };
  if (spec.artifactType !== undefined) manifest.artifactType = spec.artifactType;
  return server.putManifest(repo, manifest, MT.ociManifest);
}
