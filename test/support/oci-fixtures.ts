// Builders for images and BOM referrers inside the in-process OciServer.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { OciServer } from './oci-server.js';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const CDX = 'application/vnd.cyclonedx+json';

export function corpusDir(): string {
  return process.env.AIBOM_CORPUS ?? resolve(process.cwd(), '../shared/corpus');
}

export function corpusFile(name: string): Buffer {
  return readFileSync(join(corpusDir(), name));
}

/** A small CycloneDX ML-BOM naming one model. */
export function tinyBom(model: string, version = '1.0'): Buffer {
  return Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [{ type: 'machine-learning-model', name: model, version }] }));
}

export function pushImage(server: OciServer, repo: string, tag: string, seed = 'x'): { digest: string; size: number; mediaType: string } {
  const config = server.putBlob(JSON.stringify({ architecture: 'amd64', os: 'linux', seed }));
  const layer = server.putBlob(`layer-${seed}`);
  return server.putManifest(repo, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
  }, OCI_MANIFEST, tag);
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
    mediaType: OCI_MANIFEST,
    config: spec.configType ? { mediaType: spec.configType, ...empty } : { mediaType: 'application/vnd.oci.empty.v1+json', ...empty, data: 'e30=' },
    layers: [{ mediaType: spec.layerType ?? CDX, digest: spec.layerDigest ?? layer.digest, size: spec.layerSize ?? layer.size }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  };
  if (spec.artifactType !== undefined) manifest.artifactType = spec.artifactType;
  return server.putManifest(repo, manifest, OCI_MANIFEST);
}
