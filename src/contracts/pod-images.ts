// How a pod spec's image list is built: containers, initContainers (native sidecars included),
// ephemeralContainers and image volumes (`volumes[].image.reference`, SPECS.md §5.7).
import { parseImageReference } from './image-reference.js';
import { isRecord } from './json-guards.js';
import type { ImageSlot, ImageUse } from './workload.js';

const CONTAINER_LISTS: readonly [string, ImageSlot][] = [
  ['containers', 'container'],
  ['initContainers', 'initContainer'],
  ['ephemeralContainers', 'ephemeralContainer'],
];

export function imageUses(podSpec: Record<string, unknown> | undefined): ImageUse[] {
  return cappedImageUses(podSpec, Number.POSITIVE_INFINITY).uses;
}

/**
 * The first `max` image uses in pod-spec order, parsed, and how many the spec has in all: those
 * beyond `max` are counted, never parsed (a review may list tens of thousands; limits.maxImagesPerReview).
 */
export function cappedImageUses(podSpec: Record<string, unknown> | undefined, max: number): { uses: ImageUse[]; total: number } {
  const uses: ImageUse[] = [];
  const total = eachImage(podSpec, (slot, container, image) => {
    if (uses.length >= max) return;
    const use: ImageUse = { index: uses.length, slot, container, image };
    try {
      use.normalized = parseImageReference(image).normalized;
    } catch (err) {
      use.invalid = (err as Error).message;
    }
    uses.push(use);
  });
  return { uses, total };
}

/** Calls `visit` for each non-empty image string of the spec, in pod-spec order; returns how many. */
function eachImage(podSpec: Record<string, unknown> | undefined, visit: (slot: ImageSlot, container: string, image: string) => void): number {
  if (!podSpec) return 0;
  let n = 0;
  const push = (slot: ImageSlot, container: string, image: unknown): void => {
    if (typeof image !== 'string' || image.length === 0) return;
    n++;
    visit(slot, container, image);
  };
  for (const [field, slot] of CONTAINER_LISTS) {
    const list = podSpec[field];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!isRecord(c)) continue;
      push(slot, typeof c.name === 'string' ? c.name : '', c.image);
    }
  }
  const volumes = podSpec.volumes;
  if (Array.isArray(volumes)) {
    for (const v of volumes) {
      if (!isRecord(v) || !isRecord(v.image)) continue;
      push('volume', typeof v.name === 'string' ? v.name : '', v.image.reference);
    }
  }
  return n;
}

/** The distinct normalised images to look up, in first-use order: each is looked up once. */
export function uniqueImages(uses: readonly ImageUse[]): string[] {
  const seen = new Set<string>();
  for (const use of uses) if (use.normalized) seen.add(use.normalized);
  return [...seen];
}

/** Images as a sorted multiset string, to tell whether a template's images changed on UPDATE. */
export function imageSignature(podSpec: Record<string, unknown> | undefined): string {
  const parts: [ImageSlot, string, string][] = [];
  eachImage(podSpec, (slot, container, image) => parts.push([slot, container, image]));
  return JSON.stringify(parts);
}

export function pullSecretNames(podSpec: Record<string, unknown> | undefined): string[] {
  const list = podSpec?.imagePullSecrets;
  if (!Array.isArray(list)) return [];
  return list.filter(isRecord).map((s) => s.name).filter((n): n is string => typeof n === 'string' && n.length > 0);
}
