// Media types under which BOMs are found (docs/discovery.md "Attachment sources") and what each one
// promises about the content. The constants themselves live in contracts/media-types.ts.
// Parameters (`; version=1.6`) are stripped before comparing; comparison is case-insensitive.

export type MediaTypeHint =
  | 'cyclonedx-json'
  | 'cyclonedx-xml'
  | 'cyclonedx-protobuf'
  | 'spdx2-json'
  | 'spdx-tag-value'
  | 'spdx3-json'
  | 'in-toto'
  | 'dsse'
  | 'sigstore-bundle'
  | 'syft-json'
  | 'cosign-sbom'
  | 'generic';

export { MEDIA_TYPES } from '../contracts/media-types.js';

export interface ParsedMediaType {
  type: string;
  params: Record<string, string>;
}

export function parseMediaType(mediaType: string): ParsedMediaType {
  const [head = '', ...rest] = mediaType.split(';');
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
  }
  return { type: head.trim().toLowerCase(), params };
}

export function mediaTypeHint(mediaType: string | undefined): MediaTypeHint | undefined {
  if (!mediaType) return undefined;
  const { type } = parseMediaType(mediaType);
  switch (type) {
    case 'application/vnd.cyclonedx+json':
      return 'cyclonedx-json';
    case 'application/vnd.cyclonedx+xml':
      return 'cyclonedx-xml';
    case 'application/x.vnd.cyclonedx+protobuf':
    case 'application/vnd.cyclonedx+protobuf':
      return 'cyclonedx-protobuf';
    case 'application/spdx+json':
    case 'text/spdx+json':
      return 'spdx2-json';
    case 'text/spdx':
      return 'spdx-tag-value';
    case 'application/spdx3+json':
      return 'spdx3-json';
    case 'application/vnd.in-toto+json':
      return 'in-toto';
    case 'application/vnd.dsse.envelope.v1+json':
      return 'dsse';
    case 'application/vnd.syft+json':
      return 'syft-json';
    case 'application/vnd.dev.cosign.artifact.sbom.v1+json':
      return 'cosign-sbom';
    default:
      if (type.startsWith('application/vnd.dev.sigstore.bundle')) return 'sigstore-bundle';
      return 'generic';
  }
}

/** The `version=` parameter of a media type, if any (CycloneDX and SPDX 3 define one). */
export function mediaTypeVersion(mediaType: string | undefined): string | undefined {
  if (!mediaType) return undefined;
  return parseMediaType(mediaType).params['version'];
}
