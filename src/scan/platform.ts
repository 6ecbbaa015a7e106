// Which manifest of an index to scan: `--platform os/arch[/variant]`, else linux/amd64, else the only
// image manifest (attestation manifests, platform unknown/unknown, are never picked).
import type { Descriptor } from '../contracts/oci-manifest.js';

export class PlatformError extends Error {
  override name = 'PlatformError';
}

export function pickPlatform(manifests: readonly Descriptor[], wanted: string | undefined): Descriptor {
  const images = manifests.filter((m) => !(m.platform?.os === 'unknown' && m.platform?.architecture === 'unknown') && m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest');
  if (images.length === 0) throw new PlatformError('the index lists no image manifest');
  const name = (m: Descriptor): string => (m.platform ? `${m.platform.os}/${m.platform.architecture}${m.platform.variant ? `/${m.platform.variant}` : ''}` : '');
  if (wanted) {
    const hit = images.find((m) => name(m) === wanted || name(m).startsWith(`${wanted}/`) || (m.platform && `${m.platform.os}/${m.platform.architecture}` === wanted));
    if (!hit) throw new PlatformError(`no manifest for platform ${wanted} (the index has ${images.map(name).filter(Boolean).join(', ') || 'none with a platform'})`);
    return hit;
  }
  if (images.length === 1) return images[0]!;
  const amd = images.find((m) => m.platform?.os === 'linux' && m.platform?.architecture === 'amd64');
  if (amd) return amd;
  throw new PlatformError(`the index has several platforms (${images.map(name).join(', ')}): pick one with --platform`);
}
