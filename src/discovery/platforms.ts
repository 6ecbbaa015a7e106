// Multi-arch (image-spec v1.1.1 image-index.md): which platform manifests of an image index are looked at.
// `discovery.platforms` is `['all']` or a list like `linux/amd64`, `linux/arm64/v8`; an entry without
// a variant matches every variant. BuildKit attestation entries (`unknown/unknown`,
// `vnd.docker.reference.type: attestation-manifest`) are never platforms, and neither are nested
// indexes. The webhook cannot know which node will run the pod, so the default is all of them.
import type { Descriptor, Manifest, Platform } from '../contracts/oci-manifest.js';
import { baseMediaType, INDEX_TYPES } from '../contracts/oci-manifest.js';
import { isAttestationEntry } from './sources/buildkit.js';

export class PlatformFilterError extends Error {
  override name = 'PlatformFilterError';
}

interface PlatformPattern {
  os: string;
  architecture: string;
  variant?: string;
}

export type PlatformFilter = 'all' | readonly PlatformPattern[];

/** Platforms examined at most per index (a hostile index may list thousands). */
export const MAX_PLATFORMS = 16;

const part = /^[a-z0-9._-]{1,64}$/;

export function parsePlatformFilter(list: readonly string[]): PlatformFilter {
  if (list.length === 0 || list.some((p) => p.trim().toLowerCase() === 'all')) return 'all';
  return list.map((text) => {
    const parts = text.trim().toLowerCase().split('/');
    if (parts.length < 2 || parts.length > 3 || !parts.every((p) => part.test(p))) {
      throw new PlatformFilterError(`discovery.platforms: ${JSON.stringify(text)} is not os/arch[/variant] (e.g. linux/amd64) or "all"`);
    }
    const pattern: PlatformPattern = { os: parts[0]!, architecture: parts[1]! };
    if (parts[2]) pattern.variant = parts[2];
    return pattern;
  });
}

export function platformName(p: Platform | undefined): string {
  return p ? [p.os, p.architecture, p.variant].filter(Boolean).join('/') : 'unknown';
}

function matches(filter: PlatformFilter, p: Platform | undefined): boolean {
  if (filter === 'all') return true;
  if (!p) return false;
  return filter.some((f) => f.os === p.os.toLowerCase() && f.architecture === p.architecture.toLowerCase() && (!f.variant || f.variant === (p.variant ?? '').toLowerCase()));
}

export interface PlatformManifest {
  digest: string;
  platform: string;
}

/** The platform manifests of `index` to look at, in index order, and why others were left out. */
export function selectPlatforms(index: Manifest, filter: PlatformFilter, max = MAX_PLATFORMS): { platforms: PlatformManifest[]; notes: string[] } {
  const platforms: PlatformManifest[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const d of index.manifests) {
    if (isAttestationEntry(d) || isUnknownPlatform(d)) continue;
    if (INDEX_TYPES.has(baseMediaType(d.mediaType))) {
      notes.push(`nested index ${d.digest} in the image index: not examined`);
      continue;
    }
    if (!matches(filter, d.platform) || seen.has(d.digest)) continue;
    if (platforms.length >= max) {
      notes.push(`more than ${max} platforms in the image index; the rest were not examined`);
      break;
    }
    seen.add(d.digest);
    platforms.push({ digest: d.digest, platform: platformName(d.platform) });
  }
  return { platforms, notes };
}

function isUnknownPlatform(d: Descriptor): boolean {
  return d.platform?.os === 'unknown' && d.platform.architecture === 'unknown';
}
