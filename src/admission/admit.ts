// One admission decision: AdmissionReview in, AdmissionReview response out. Pure apart from the
// injected lookup port; the same function serves the webhook, `aibom review` and the tests.
import { truncate } from '../contracts/json-guards.js';
import { modelLabel } from '../contracts/model-identity.js';
import type { AdmissionRequest, AdmissionResponse, AdmissionReview, AdmissionReviewResponse, KubeObject } from '../contracts/admission-review.js';
import { skipReason, type SkipSettings } from './skip.js';
import { getPath, isTopLevel, objectName, podMetadataOf, podSpecOf, podTemplatePath, stringMap, workloadKindOf, type WorkloadKind } from '../contracts/workload.js';
import { imageSignature, pullSecretNames, uniqueImages } from '../contracts/pod-images.js';
import { type ImageUse } from '../contracts/workload.js';
import type { ModelRecord } from '../contracts/inventory.js';
import type { ImageFindings, ImageLookup } from '../contracts/lookup.js';
import { isLookupFailure } from '../contracts/lookup.js';
import { desiredMetadata } from './annotations.js';
import { type ImageResult } from '../contracts/lookup.js';
import { metadataPatch, type PatchOp } from './patch.js';
import { attachSpecModels, sourceResults } from './spec-models.js';
import { isServingKind, SERVING_GROUPS, servingView } from '../contracts/serving.js';
import { classifyImage, classifyWorkload, imageEvidence, specModels, detectAiHeuristically, type HeuristicOptions } from '../classify/index.js';
import type { ImageOutcome, WorkloadClassification } from '../contracts/classification.js';
import type { Bypass, LimitReached, PolicyContext, PolicyDecision } from '../contracts/policy.js';
import type { Slicer } from '../contracts/slices.js';
import { bomLimitNotes, capModelPairs, DEFAULT_ADMISSION_LIMITS, limitNotes, reviewedUses, type AdmissionLimits } from './limits.js';

export type Endpoint = 'mutate' | 'validate';

export interface AdmissionSettings extends SkipSettings {
  /** Label and annotation prefix (`aibom.io`). */
  prefix: string;
  /** Label pod templates of top-level workloads. */
  labelPodTemplates: boolean;
  /** Cap on the webhook's own annotations, in bytes. */
  maxAnnotationBytes: number;
  heuristics: HeuristicOptions;
  /** Caps on one admission (config `limits.*`); default DEFAULT_ADMISSION_LIMITS. */
  limits?: AdmissionLimits;
}

export interface AdmitDependencies {
  lookup: ImageLookup;
  settings: AdmissionSettings;
  /** Aborts at the request's deadline: pending lookups then count as `timeout`. */
  signal: AbortSignal;
  /**
   * Validating path: the policy engine. Absent → everything is admitted. Given `slice`, it may work
   * in slices and answer a promise (src/util/slices.ts).
   */
  evaluatePolicy?: (context: PolicyContext, slice?: Slicer) => PolicyDecision | Promise<PolicyDecision>;
  /**
   * Mutating path: the authorised break-glass that admits this object (`<prefix>/bypassed=true`), if
   * any. Gets the same context as the policy engine, so it can tell whether the bypass was needed.
   */
  bypass?: (context: PolicyContext, slice?: Slicer) => Bypass | undefined | Promise<Bypass | undefined>;
  /** Between slices of long work (the webhook gives the event loop a turn there); passed to the ports above. */
  slice?: Slicer;
}

export interface AdmissionOutcome {
  review: AdmissionReviewResponse;
  /** Why the request was not reviewed, when it was not. */
  skipped?: string;
  kind?: WorkloadKind;
  name?: string;
  classification?: WorkloadClassification;
  results: ImageResult[];
  patch: PatchOp[];
  /** Validating path: the policy engine's decision, break-glass, waivers and exceptions included. */
  policy?: PolicyDecision;
  /** Mutating path: the object was labelled `<prefix>/bypassed=true`, by this break-glass. */
  bypass?: Bypass;
  /** Caps this admission reached. */
  limits?: LimitReached[];
}

const MAX_WARNING_LENGTH = 120;
/** Warnings per response; the rest are counted in one last warning (kubectl prints every one). */
const MAX_WARNINGS = 20;

export async function admit(review: AdmissionReview, endpoint: Endpoint, deps: AdmitDependencies): Promise<AdmissionOutcome> {
  const req = review.request;
  const skipped = skipReason(req, deps.settings);
  const kind = workloadKindOf(req.kind);
  if (skipped || !kind || !req.object) {
    return { review: wrap({ uid: req.uid, allowed: true }), skipped: skipped ?? 'nothing to review', results: [], patch: [] };
  }
  const object = req.object;
  const name = objectName(object, req.name);
  const podSpec = podSpecOf(kind, object);
  const caps = deps.settings.limits ?? DEFAULT_ADMISSION_LIMITS;
  const { reviewed: uses, note: imagesNote } = reviewedUses(podSpec, caps.maxImagesPerReview);
  const looked = await lookUpImages(uses, deps, endpoint, req.namespace, pullSecretNames(podSpec));

  // Outcomes from everything the lookups found; the later steps see at most maxModelsPerReview pairs.
  const outcomes: Record<string, ImageOutcome> = {};
  for (const r of looked) if (!r.sourceOnly) outcomes[r.image] = classifyImage(r.findings);
  const evidence = looked.map((r) => (r.sourceOnly ? undefined : imageEvidence(r.findings)));
  attachSpecModels(looked, specModels({ podSpec, podAnnotations: stringMap(podMetadataOf(kind, object)?.annotations) }));
  // A serving CR's model sources that are not images (hf://, s3://, a KAITO preset): their own results.
  if (isServingKind(kind)) looked.push(...sourceResults(servingView(kind, object).sources, looked.length + uses.length));
  const { results, note: modelsNote } = capModelPairs(looked, caps.maxModelsPerReview);
  const limits = limitNotes(imagesNote, modelsNote, bomLimitNotes(looked));
  const heuristics = detectAiHeuristically(
    { podSpec, podAnnotations: stringMap(podMetadataOf(kind, object)?.annotations), objectAnnotations: stringMap(getPath(object, ['metadata', 'annotations'])) },
    deps.settings.heuristics,
  );
  // A serving platform's CR serves a model by definition.
  if (isServingKind(kind)) {
    heuristics.aiBearing = true;
    heuristics.reasons = [`${SERVING_GROUPS[kind]} ${kind}`, ...heuristics.reasons].slice(0, 10);
  }
  const classification = classifyWorkload(Object.values(outcomes), heuristics, evidence.includes('artifact') && !evidence.includes('bom'));
  // Images left unreviewed may carry AI: "no AI" cannot be said then.
  if (imagesNote && classification.aiBearing === 'false') classification.aiBearing = 'unknown';

  const warnings = [...limits.map((l) => `aibom: ${l.message}`), ...lookupWarnings(results)];
  const auditAnnotations = auditSummary(classification, results);
  if (limits.length > 0) auditAnnotations.limits = truncate(limits.map((l) => l.limit).join(','), 256);
  const response: AdmissionResponse = { uid: req.uid, allowed: true };
  let patch: PatchOp[] = [];
  let policy: PolicyDecision | undefined;
  const context = (): PolicyContext => ({ request: req, kind, name, object, podSpec, uses, results, outcomes, classification, ...(limits.length > 0 ? { limits } : {}) });
  let bypass: Bypass | undefined;

  if (endpoint === 'mutate') {
    // The apiserver drops metadata changes made on pods/ephemeralcontainers: no label to write.
    if (req.subResource !== 'ephemeralcontainers' && deps.bypass) bypass = await deps.bypass(context(), deps.slice);
    patch = mutationPatch(req, kind, object, classification, results, deps, bypass !== undefined);
    if (patch.length > 0) {
      response.patchType = 'JSONPatch';
      response.patch = Buffer.from(JSON.stringify(patch), 'utf8').toString('base64');
    }
  } else if (deps.evaluatePolicy) {
    policy = await deps.evaluatePolicy(context(), deps.slice);
    warnings.push(...policy.warnings);
    Object.assign(auditAnnotations, policy.auditAnnotations);
    if (!policy.allowed) {
      response.allowed = false;
      response.status = { code: 403, reason: 'Forbidden', message: policy.message ?? 'denied by AI model policy' };
    }
  }
  if (warnings.length > 0) response.warnings = boundedWarnings(warnings);
  response.auditAnnotations = auditAnnotations;
  const outcome: AdmissionOutcome = { review: wrap(response), kind, name, classification, results, patch };
  if (policy) outcome.policy = policy;
  if (bypass) outcome.bypass = bypass;
  if (limits.length > 0) outcome.limits = limits;
  return outcome;
}

export function wrap(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

async function lookUpImages(uses: ImageUse[], deps: AdmitDependencies, endpoint: Endpoint, namespace: string, pullSecrets: string[]): Promise<ImageResult[]> {
  const byImage = new Map<string, ImageUse[]>();
  const invalid: ImageResult[] = [];
  for (const use of uses) {
    if (!use.normalized) {
      invalid.push({ image: use.image, uses: [use], findings: { status: 'error:invalid', boms: [], detail: use.invalid ?? 'invalid image reference' } });
      continue;
    }
    const list = byImage.get(use.normalized) ?? [];
    list.push(use);
    byImage.set(use.normalized, list);
  }
  const images = uniqueImages(uses);
  const findings = await untilDeadline(images.map((image) => () => deps.lookup(image, { signal: deps.signal, purpose: endpoint, namespace, pullSecrets })), deps.signal);
  return [...images.map((image, i) => ({ image, uses: byImage.get(image) ?? [], findings: findings[i]! })), ...invalid];
}

/**
 * Each lookup's answer, or `timeout` for those still running when the deadline passes. The lookups
 * themselves may go on. One abort listener for all of them (the signal is a DOM EventTarget, whose
 * listeners are not cheap to add and remove per image).
 */
function untilDeadline(runs: readonly (() => Promise<ImageFindings>)[], signal: AbortSignal): Promise<ImageFindings[]> {
  const timedOut = (): ImageFindings => ({ status: 'timeout', boms: [], detail: 'deadline reached before the lookup finished' });
  if (signal.aborted) return Promise.resolve(runs.map(timedOut));
  if (runs.length === 0) return Promise.resolve([]);
  return new Promise((resolve) => {
    const answers = new Array<ImageFindings | undefined>(runs.length).fill(undefined);
    let waiting = runs.length;
    let settled = false;
    const settle = (): void => {
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(answers.map((a) => a ?? timedOut()));
    };
    const onAbort = (): void => {
      if (!settled) settle();
    };
    const answer = (i: number, f: ImageFindings): void => {
      if (settled) return;
      answers[i] = f;
      if (--waiting === 0) settle();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    runs.forEach((run, i) => {
      let pending: Promise<ImageFindings>;
      try {
        pending = run();
      } catch (err) {
        pending = Promise.reject(err);
      }
      pending.then(
        (f) => answer(i, f),
        (err: unknown) => answer(i, { status: 'error:invalid', boms: [], detail: `lookup failed: ${err instanceof Error ? err.message : String(err)}` }),
      );
    });
  });
}

function mutationPatch(
  req: AdmissionRequest,
  kind: WorkloadKind,
  object: KubeObject,
  classification: WorkloadClassification,
  results: ImageResult[],
  deps: AdmitDependencies,
  bypassed: boolean,
): PatchOp[] {
  // The apiserver drops metadata changes made on pods/ephemeralcontainers: classify only.
  if (req.subResource === 'ephemeralcontainers') return [];
  const settings = deps.settings;
  const objectMeta = getPath(object, ['metadata']);
  const desired = desiredMetadata(settings.prefix, classification, results, { maxBytes: settings.maxAnnotationBytes, existing: stringMap(getPath(objectMeta, ['annotations'])) }, bypassed);
  const ops = metadataPatch(['metadata'], objectMeta, desired);
  if (kind !== 'Pod' && templatePatchAllowed(req, kind, object, settings)) {
    const templatePath = [...podTemplatePath(kind), 'metadata'];
    const templateMeta = getPath(object, templatePath);
    if (getPath(object, podTemplatePath(kind)) !== undefined) {
      const templateDesired = desiredMetadata(settings.prefix, classification, results, { maxBytes: settings.maxAnnotationBytes, existing: stringMap(getPath(templateMeta, ['annotations'])) }, bypassed);
      ops.push(...metadataPatch(templatePath, templateMeta, templateDesired));
    }
  }
  return ops;
}

/**
 * Pod templates are labelled only on top-level workloads: on CREATE, or on UPDATE when the template's
 * images changed, so unrelated edits never trigger a rollout. Job templates are immutable after CREATE.
 */
function templatePatchAllowed(req: AdmissionRequest, kind: WorkloadKind, object: KubeObject, settings: AdmissionSettings): boolean {
  if (!settings.labelPodTemplates || isServingKind(kind)) return false;
  if (!isTopLevel(object)) return false;
  if (req.operation === 'CREATE') return true;
  if (req.operation !== 'UPDATE' || kind === 'Job') return false;
  return imageSignature(podSpecOf(kind, object)) !== imageSignature(podSpecOf(kind, req.oldObject));
}

function lookupWarnings(results: ImageResult[]): string[] {
  const warnings: string[] = [];
  for (const r of [...results].sort((a, b) => (a.image < b.image ? -1 : a.image > b.image ? 1 : 0))) {
    if (!r.sourceOnly && isLookupFailure(r.findings.status)) warnings.push(`aibom: BOM lookup ${r.findings.status} for ${r.image}; AI status unknown`);
  }
  return warnings;
}

function auditSummary(classification: WorkloadClassification, results: ImageResult[]): Record<string, string> {
  const audit: Record<string, string> = { 'ai-bearing': classification.aiBearing, evidence: classification.evidence };
  if (classification.aiKind) audit['ai-kind'] = classification.aiKind;
  const models = new Set<string>();
  const add = (m: ModelRecord): void => void models.add(modelLabel(m));
  // A Set already de-duplicates the labels: no need for imageModels' merge here (hot with big BOMs).
  for (const r of results) {
    for (const b of r.findings.boms) for (const m of b.inventory.models) add(m);
    for (const m of r.findings.artifact?.models ?? []) add(m);
    for (const s of r.specModels ?? []) add(s.model);
  }
  if (models.size > 0) audit.models = truncate([...models].sort().join(','), 1024);
  const lookup: Record<string, string> = {};
  for (const r of [...results].sort((a, b) => (a.image < b.image ? -1 : 1))) if (!r.sourceOnly) lookup[r.image] = r.findings.status;
  if (Object.keys(lookup).length > 0) audit.lookup = truncate(JSON.stringify(lookup), 2048);
  return audit;
}

/** At most MAX_WARNINGS warnings, the last one counting the rest; each shortened. */
function boundedWarnings(warnings: readonly string[]): string[] {
  if (warnings.length <= MAX_WARNINGS) return warnings.map(shorten);
  const kept = warnings.slice(0, MAX_WARNINGS - 1).map(shorten);
  kept.push(`aibom: ${warnings.length - kept.length} more warnings not shown`);
  return kept;
}

/** Warnings reach users' terminals: no control characters, at most 120 characters (KEP-1693). */
function shorten(warning: string): string {
  // eslint-disable-next-line no-control-regex
  return truncate(warning.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?'), MAX_WARNING_LENGTH);
}
