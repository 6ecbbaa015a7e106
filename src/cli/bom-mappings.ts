// `--bom IMAGE=FILE` for review and check: a mapping that no workload's image matches is a mistake (a
// typo in the image, a tag that moved on), and silently looking the real image up elsewhere would hide
// it: it is bad input, named with the images that are there.
import type { KubeObject } from '../contracts/admission-review.js';
import { imageUses } from '../contracts/pod-images.js';
import { podSpecOf, type WorkloadKind } from '../contracts/workload.js';
import { parseBomMapping, type BomMapping } from '../discovery/index.js';
import { UsageError } from './exit.js';

/** The normalised images of a workload object, as the webhook looks them up. */
export function workloadImages(kind: WorkloadKind, object: KubeObject | undefined): string[] {
  return imageUses(podSpecOf(kind, object)).flatMap((u) => (u.normalized ? [u.normalized] : []));
}

/** Parses the mappings; UsageError when one names an image that none of `images` is. */
export function bomMappingsFor(flags: readonly string[], images: Iterable<string>): BomMapping[] {
  const mappings = flags.map(parseBomMapping);
  const present = new Set(images);
  for (const m of mappings) {
    if (present.has(m.image)) continue;
    const listed = [...present].sort();
    const shown = listed.length === 0 ? 'no image at all' : `${listed.slice(0, 10).join(', ')}${listed.length > 10 ? `, and ${listed.length - 10} more` : ''}`;
    throw new UsageError(`--bom ${m.image}: no workload uses this image (the input has ${shown})`);
  }
  return mappings;
}
