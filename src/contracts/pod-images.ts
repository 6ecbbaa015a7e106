// How a pod spec's image list is built: containers, initContainers (native sidecars included),
// ephemeralContainers, image volumes (`volumes[].image.reference`, k8s.io/api core/v1 PodSpec) and ModelPack CSI
// volumes (driver `model.csi.modelpack.org`, attribute `modelRef`, or the older
// `model.csi.modelpack.org/reference`), each volume with the containers that mount it.
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
  const total = eachImage(podSpec, (slot, container, image, mountedBy) => {
    if (uses.length >= max) return;
    const use: ImageUse = { index: uses.length, slot, container, image };
    if (mountedBy && mountedBy.length > 0) use.mountedBy = mountedBy;
    try {
      use.normalized = parseImageReference(image).normalized;
    } catch (err) {
      use.invalid = (err as Error).message;
    }
    uses.push(use);
  });
  return { uses, total };
}

type ImageVisitor = (slot: ImageSlot, container: string, image: string, mountedBy?: string[]) => void;

/** Calls `visit` for each non-empty image string of the spec, in pod-spec order; returns how many. */
function eachImage(podSpec: Record<string, unknown> | undefined, visit: ImageVisitor): number {
  if (!podSpec) return 0;
  let n = 0;
  const push = (slot: ImageSlot, container: string, image: unknown, mountedBy?: string[]): void => {
    if (typeof image !== 'string' || image.length === 0) return;
    n++;
    visit(slot, container, image, mountedBy);
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
    const mounts = volumeMounters(podSpec);
    for (const v of volumes) {
      if (!isRecord(v)) continue;
      const name = typeof v.name === 'string' ? v.name : '';
      if (isRecord(v.image)) push('volume', name, v.image.reference, mounts.get(name));
      else if (isRecord(v.csi) && v.csi.driver === MODELPACK_CSI_DRIVER && isRecord(v.csi.volumeAttributes)) {
        const attrs = v.csi.volumeAttributes;
        push('volume', name, attrs.modelRef ?? attrs[`${MODELPACK_CSI_DRIVER}/reference`], mounts.get(name));
      }
    }
  }
  return n;
}

export const MODELPACK_CSI_DRIVER = 'model.csi.modelpack.org';

/** Volume name → the containers (all three lists) that mount it. */
function volumeMounters(podSpec: Record<string, unknown>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [field] of CONTAINER_LISTS) {
    const list = podSpec[field];
    if (!Array.isArray(list)) continue;
    for (const c of list.slice(0, 500)) {
      if (!isRecord(c) || typeof c.name !== 'string' || !Array.isArray(c.volumeMounts)) continue;
      for (const m of c.volumeMounts.slice(0, 200)) {
        if (!isRecord(m) || typeof m.name !== 'string') continue;
        const names = out.get(m.name) ?? [];
        if (!names.includes(c.name)) names.push(c.name);
        out.set(m.name, names);
      }
    }
  }
  return out;
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
