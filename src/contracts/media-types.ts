// The media types BOMs travel under, and the one media type each BOM format is written with
// (CycloneDX 1.6 "Media types": application/vnd.cyclonedx+json, +xml; SPDX 2.3 Annex "SPDX JSON"
// application/spdx+json; SPDX 3.0 JSON-LD application/spdx3+json; cosign's text/spdx+json;
// in-toto attestation v1 and DSSE envelope types). OCI manifest and index types: oci-manifest.ts.

export const MEDIA_TYPES = {
  cyclonedxJson: 'application/vnd.cyclonedx+json',
  cyclonedxXml: 'application/vnd.cyclonedx+xml',
  spdxJson: 'application/spdx+json',
  spdx3Json: 'application/spdx3+json',
  cosignSpdxJson: 'text/spdx+json',
  inToto: 'application/vnd.in-toto+json',
  dsse: 'application/vnd.dsse.envelope.v1+json',
} as const;

/**
 * The media type a BOM of `format` (an inventory's `format`: cyclonedx, spdx3, spdx2) is written or
 * reported with; undefined for anything else. Used for `aibom attach`'s artifact type, found layers whose
 * declared type says nothing, and `--bom` files.
 */
export function bomMediaTypeOf(format: string): string | undefined {
  if (format === 'cyclonedx') return MEDIA_TYPES.cyclonedxJson;
  if (format === 'spdx3') return MEDIA_TYPES.spdx3Json;
  if (format === 'spdx2') return MEDIA_TYPES.spdxJson;
  return undefined;
}
