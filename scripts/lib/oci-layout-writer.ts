// Writes a directory in the OCI image-layout format (image-spec image-layout.md). Deterministic:
// the same calls give byte-identical blobs and index.json. Used by the demo and by tests.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const REF_NAME = 'org.opencontainers.image.ref.name';

export interface WrittenDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string };
}

export class OciLayoutWriter {
  private readonly listed: WrittenDescriptor[] = [];

  constructor(readonly dir: string) {
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  }

  blob(content: string | Uint8Array | object, mediaType: string): WrittenDescriptor {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content instanceof Uint8Array ? Buffer.from(content) : Buffer.from(JSON.stringify(content), 'utf8');
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(this.dir, 'blobs', 'sha256', hex), bytes);
    return { mediaType, digest: `sha256:${hex}`, size: bytes.length };
  }

  /** A tiny fake image: a config and one layer of made-up bytes. */
  image(name: string, platform = { os: 'linux', architecture: 'amd64' }): WrittenDescriptor {
    const layer = this.blob(`fake layer of ${name} for ${platform.os}/${platform.architecture}\n`, 'application/vnd.oci.image.layer.v1.tar');
    const config = this.blob({ architecture: platform.architecture, os: platform.os, config: { Labels: { 'org.opencontainers.image.title': name } }, rootfs: { type: 'layers', diff_ids: [layer.digest] } }, 'application/vnd.oci.image.config.v1+json');
    return { ...this.blob({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] }, OCI_MANIFEST), platform };
  }

  /** An index over platform manifests. */
  index(manifests: WrittenDescriptor[]): WrittenDescriptor {
    return this.blob({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }, OCI_INDEX);
  }

  /** An artifact manifest (ORAS style) carrying one file, attached to `subject`. */
  attach(subject: WrittenDescriptor, artifactType: string, file: { bytes: string | Uint8Array; mediaType: string; title: string }): WrittenDescriptor {
    const config = this.blob('{}', OCI_EMPTY);
    const layer = { ...this.blob(file.bytes, file.mediaType), annotations: { 'org.opencontainers.image.title': file.title } };
    const manifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType,
      config,
      layers: [layer],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      annotations: { 'org.opencontainers.image.created': '2025-01-01T00:00:00Z' },
    };
    return { ...this.blob(manifest, OCI_MANIFEST), artifactType };
  }

  /** Lists a descriptor in index.json, named when `refName` is given. */
  list(descriptor: WrittenDescriptor, refName?: string): void {
    const { platform: _platform, ...rest } = descriptor;
    this.listed.push(refName ? { ...rest, annotations: { ...(rest.annotations ?? {}), [REF_NAME]: refName } } : rest);
  }

  finish(): void {
    writeFileSync(join(this.dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: this.listed }, null, 2) + '\n');
  }
}
