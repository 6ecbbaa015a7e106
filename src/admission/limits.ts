// The caps that bound one admission (config `limits.*`, docs/limits.md). Every later step —
// classification, labels and annotations, policy rules, the audit record — is linear in what is
// left after these caps, so the worst review allowed by the configuration is answered in bounded
// time. What a cap leaves out is never silent: each cap reached is a LimitReached, which becomes an
// admission warning and, on the validating path, a `limits` verdict of every matching policy.
import type { ImageFindings } from '../contracts/lookup.js';
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
  return {
    reviewed: uses.slice(0, max),
    note: { limit: 'limits.maxImagesPerReview', message: `${uses.length} image references, over limits.maxImagesPerReview (${max}): ${uses.length - max} not reviewed` },
  };
}

function distinctModels(findings: ImageFindings): ModelRecord[] {
  return imageModels(findings);
}

/**
 * Results whose model × use pairs fit `max`: images keep their models in order while they fit; the
 * first image that does not keep as many of its (distinct) models as fit; later ones keep none. The
 * findings of a cut image are a copy (cached findings are shared and never changed).
 */
export function capModelPairs(results: readonly ImageResult[], max: number): { results: ImageResult[]; note?: LimitReached } {
  const models = results.map((r) => distinctModels(r.findings));
  let total = 0;
  results.forEach((r, i) => (total += models[i]!.length * r.uses.length));
  if (total <= max) return { results: [...results] };
  let room = max;
  const out = results.map((r, i) => {
    const list = models[i]!;
    const uses = Math.max(1, r.uses.length);
    const keep = Math.min(list.length, Math.floor(room / uses));
    room -= keep * uses;
    return keep === list.length ? r : { ...r, findings: keepModels(r.findings, new Set(list.slice(0, keep))) };
  });
  return {
    results: out,
    note: { limit: 'limits.maxModelsPerReview', message: `${total} model × container pairs, over limits.maxModelsPerReview (${max}): ${total - max} not examined` },
  };
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
