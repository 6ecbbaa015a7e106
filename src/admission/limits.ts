// The caps that bound one admission (config `limits.*`, docs/limits.md). Every later step —
// classification, labels and annotations, policy rules, the audit record — is linear in what is
// left after these caps, so the worst review allowed by the configuration is answered in bounded
// time. What a cap leaves out is never silent: each cap reached is a LimitReached, which becomes an
// admission warning and, on the validating path, a `limits` verdict of every matching policy.
import type { ImageFindings } from '../contracts/lookup.js';
import { cappedImageUses } from '../contracts/pod-images.js';
import type { ImageUse } from '../contracts/workload.js';
import type { ImageResult } from '../contracts/lookup.js';
import { imageModels } from '../contracts/model-identity.js';
import { LIMIT_FINDING_CODES } from '../contracts/inventory.js';
import type { ModelRecord } from '../contracts/inventory.js';
import type { LimitReached } from '../contracts/policy.js';

export interface AdmissionLimits {
  /** Image references (containers, init and ephemeral containers, image volumes) reviewed per object. */
  maxImagesPerReview: number;
  /** Model × container pairs examined per object. */
  maxModelsPerReview: number;
}

/** The defaults of `limits.maxImagesPerReview` and `limits.maxModelsPerReview` (config/schema.ts). */
export const DEFAULT_ADMISSION_LIMITS: Readonly<AdmissionLimits> = Object.freeze({ maxImagesPerReview: 128, maxModelsPerReview: 2000 });

/** At most this many LimitReached per admission (one per cap, plus BOMs the reader cut). */
const MAX_NOTES = 8;

/** The uses reviewed (the first `max`, in pod-spec order) and the note when some are left out. */
export function capUses(uses: readonly ImageUse[], max: number): { reviewed: ImageUse[]; note?: LimitReached } {
  if (uses.length <= max) return { reviewed: [...uses] };
  return { reviewed: uses.slice(0, max), note: imagesNote(uses.length, max) };
}

/** capUses of the spec's image uses, parsing only the first `max` of them (the rest are counted). */
export function reviewedUses(podSpec: Record<string, unknown> | undefined, max: number): { reviewed: ImageUse[]; note?: LimitReached } {
  const { uses, total } = cappedImageUses(podSpec, max);
  return total <= max ? { reviewed: uses } : { reviewed: uses, note: imagesNote(total, max) };
}

function imagesNote(total: number, max: number): LimitReached {
  return { limit: 'limits.maxImagesPerReview', message: `${total} image references, over limits.maxImagesPerReview (${max}): ${total - max} not reviewed` };
}

// Findings are shared (the lookup caches hand the same object to every admission) and never changed:
// their distinct models are computed once.
const distinct = new WeakMap<ImageFindings, ModelRecord[]>();

function distinctModels(findings: ImageFindings): ModelRecord[] {
  let list = distinct.get(findings);
  if (list === undefined) {
    list = imageModels(findings);
    distinct.set(findings, list);
  }
  return list;
}

/**
 * Results whose model × use pairs fit `max`: images keep their models in order while they fit; the
 * first image that does not keep as many of its (distinct) models as fit; later ones keep none. The
 * findings of a cut image are a copy (cached findings are shared and never changed).
 */
export function capModelPairs(results: readonly ImageResult[], max: number): { results: ImageResult[]; note?: LimitReached } {
  let total = 0;
  for (const r of results) total += distinctModels(r.findings).length * r.uses.length;
  if (total <= max) return { results: [...results] };
  let room = max;
  const out = results.map((r) => {
    if (r.findings.boms.length === 0) return r;
    // Past the image where the allowance ends: nothing of it is examined, nothing is filtered.
    if (room <= 0) return { ...r, findings: withoutModels(r.findings) };
    const list = distinctModels(r.findings);
    const uses = Math.max(1, r.uses.length);
    const keep = Math.min(list.length, Math.floor(room / uses));
    room -= keep * uses;
    if (keep === list.length) return r;
    return { ...r, findings: keep === 0 ? withoutModels(r.findings) : keepModels(r.findings, new Set(list.slice(0, keep))) };
  });
  return {
    results: out,
    note: { limit: 'limits.maxModelsPerReview', message: `${total} model × container pairs, over limits.maxModelsPerReview (${max}): ${total - max} not examined` },
  };
}

/** The findings with no model left in their BOMs (a copy). */
function withoutModels(findings: ImageFindings): ImageFindings {
  return { ...findings, boms: findings.boms.map((b) => ({ ...b, inventory: { ...b.inventory, models: [] } })) };
}

/** The findings with only the listed models (and the other descriptions of those models) left in their BOMs. */
function keepModels(findings: ImageFindings, kept: ReadonlySet<ModelRecord>): ImageFindings {
  const keys = new Set([...kept].map(modelIdentity));
  const out: ImageFindings = { ...findings, boms: findings.boms.map((b) => ({ ...b, inventory: { ...b.inventory, models: b.inventory.models.filter((m) => keys.has(modelIdentity(m))) } })) };
  if (findings.artifact) out.artifact = { ...findings.artifact, models: findings.artifact.models.filter((m) => keys.has(modelIdentity(m))) };
  return out;
}

// The identity dedupeModels uses (annotations.ts): by purl, else by name + version.
function modelIdentity(m: ModelRecord): string {
  return m.purl ? `purl:${m.purl.toLowerCase()}` : `nv:${m.name.toLowerCase()}@${m.version ?? ''}`;
}

/** A note per BOM whose reader stopped at a cap (LIMIT_FINDING_CODES): what it did not read may be a model. */
export function bomLimitNotes(results: readonly ImageResult[]): LimitReached[] {
  const notes: LimitReached[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    for (const b of r.findings.boms) {
      for (const f of b.inventory.findings) {
        if (!LIMIT_FINDING_CODES.has(f.code) || seen.has(`${b.digest}\u0000${f.code}`)) continue;
        seen.add(`${b.digest}\u0000${f.code}`);
        notes.push({ limit: limitKeyOf(f.code), message: `BOM ${b.digest.slice(0, 19)} not read whole (${f.code})` });
        if (notes.length >= MAX_NOTES) return notes;
      }
    }
  }
  return notes;
}

function limitKeyOf(code: string): string {
  if (code === 'too-many-models') return 'limits.maxModelsPerBom';
  if (code === 'json-too-deep') return 'limits.maxJsonDepth';
  // array-truncated, too-many-components, too-many-elements: limits.maxArrayLength caps both.
  return 'limits.maxArrayLength';
}

/** All the notes of one admission, at most MAX_NOTES. */
export function limitNotes(...groups: (LimitReached | undefined | readonly LimitReached[])[]): LimitReached[] {
  const out: LimitReached[] = [];
  for (const g of groups) {
    if (g === undefined) continue;
    for (const n of Array.isArray(g) ? g : [g as LimitReached]) if (out.length < MAX_NOTES) out.push(n);
  }
  return out;
}
