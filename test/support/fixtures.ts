// Fixture access for tests. Every load parses the file again, so each caller gets its own deep
// copy and no test can leak a mutation into another.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AdmissionReview, AdmissionReviewResponse, KubeObject } from '../../src/contracts/admission-review.js';
import { parseAdmissionReview } from '../../src/admission/review.js';
import type { FoundBom, ImageFindings, ImageLookup, LookupStatus } from '../../src/contracts/lookup.js';
import type { AdmissionSettings } from '../../src/admission/admit.js';
import type { AiInventory } from '../../src/contracts/inventory.js';
import { readBom } from '../../src/bom/read.js';
import { admissionSettings } from '../../src/config/settings.js';
import { defaultConfig } from '../../src/config/schema.js';
import { parseImageReference } from '../../src/contracts/image-reference.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const textCache = new Map<string, string>();

export function fixturePath(area: string, name: string): string {
  return resolve(ROOT, 'test/fixtures', area, name);
}

function readCached(path: string): string {
  let text = textCache.get(path);
  if (text === undefined) {
    text = readFileSync(path, 'utf8');
    textCache.set(path, text);
  }
  return text;
}

/** The raw AdmissionReview JSON of `test/fixtures/admission/<name>.json`, freshly parsed. */
export function loadReviewJson(name: string): Record<string, unknown> {
  return JSON.parse(readCached(fixturePath('admission', `${name}.json`))) as Record<string, unknown>;
}

/** The same, through our parser. */
export function loadReview(name: string): AdmissionReview {
  return parseAdmissionReview(loadReviewJson(name));
}

export function reviewObject(review: AdmissionReview): KubeObject {
  if (!review.request.object) throw new Error('fixture has no object');
  return review.request.object;
}

/** Every AdmissionReview fixture name. */
export const REVIEW_FIXTURES = [
  'pod-create', 'pod-update', 'pod-delete', 'pod-create-forged', 'pod-create-owned-by-replicaset', 'pod-create-owned-by-job',
  'pod-create-sidecar', 'pod-create-image-volume', 'pod-ephemeralcontainers-update', 'pod-create-mirror',
  'deployment-create', 'deployment-update-image', 'deployment-update-annotations',
  'replicaset-create-owned', 'replicaset-update-owned', 'replicationcontroller-create', 'replicationcontroller-update',
  'statefulset-create', 'statefulset-update', 'daemonset-create', 'daemonset-update',
  'job-create', 'job-update', 'job-create-owned-by-cronjob', 'cronjob-create', 'cronjob-update',
] as const;

export function bomFixture(name: string): string {
  return fixturePath('bom', name);
}

export function inventoryOf(file: string): AiInventory {
  const read = readBom(readFileSync(file));
  if (!read.ok) throw new Error(`${file}: ${read.error}`);
  return read.inventory;
}

export function foundBom(inventory: AiInventory, digestHex = 'b'.repeat(64)): FoundBom {
  return { digest: `sha256:${digestHex}`, mediaType: 'application/vnd.cyclonedx+json', source: 'referrers', trust: 'unsigned', inventory };
}

export function findings(status: LookupStatus, boms: FoundBom[] = [], digest?: string): ImageFindings {
  const f: ImageFindings = { status, boms };
  if (digest) f.digest = digest;
  return f;
}

export interface RecordingLookup {
  lookup: ImageLookup;
  calls: string[];
}

/**
 * A lookup answering from a table keyed by image as written or normalised; anything else is
 * `none` (a completed lookup that found nothing). Records each call.
 */
export function tableLookup(table: Record<string, ImageFindings>, fallback: ImageFindings = findings('none')): RecordingLookup {
  const byNormalised = new Map<string, ImageFindings>();
  for (const [image, f] of Object.entries(table)) byNormalised.set(parseImageReference(image).normalized, f);
  const calls: string[] = [];
  return {
    calls,
    lookup: async (image) => {
      calls.push(image);
      return structuredClone(byNormalised.get(image) ?? fallback);
    },
  };
}

export function defaultSettings(overrides: Partial<AdmissionSettings> = {}): AdmissionSettings {
  return { ...admissionSettings(defaultConfig()), ...overrides };
}

export interface JsonPatchOp {
  op: string;
  path: string;
  value?: unknown;
}

export function decodePatch(response: AdmissionReviewResponse): JsonPatchOp[] {
  const patch = response.response.patch;
  if (patch === undefined) return [];
  return JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as JsonPatchOp[];
}
