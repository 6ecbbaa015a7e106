// One workload already in the cluster → what the webhook would conclude about it. No logic of its own:
// the object goes through admit() on the validating path as a synthetic CREATE (as `aibom check` does),
// with the webhook's policy engine minus break-glass (there is no requesting user to authorise), so the
// inventory and the admission path can never disagree about a workload.
import { admit, syntheticCreateReview, type AdmissionSettings } from '../admission/index.js';
import type { KubeObject } from '../contracts/admission-review.js';
import type { WorkloadClassification } from '../contracts/classification.js';
import type { ImageLookup, ImageResult } from '../contracts/lookup.js';
import type { LimitReached, PolicyDecision } from '../contracts/policy.js';
import type { WorkloadRef } from '../contracts/workload-report.js';
import { getPath, type WorkloadKind, WORKLOAD_GROUPS } from '../contracts/workload.js';
import { enforcementDependencies, policyMatches, type PolicySet } from '../policy/index.js';

/** Who the synthetic requests come from (never a built-in controller: no controller-created waiver). */
export const INVENTORY_USER = 'aibom-inventory';

export interface EvaluateDependencies {
  lookup: ImageLookup;
  /** The webhook's admission settings (config/admissionSettings); excludedNamespaces as the inventory wants them. */
  settings: AdmissionSettings;
  /** The policy set in force (read at each evaluation: a policy edit applies at the next one). */
  policies: () => PolicySet;
  clock: () => Date;
  /** Deadline for one workload's lookups; then pending images count as `timeout`. */
  timeoutMs: number;
  /** Verdicts kept per decision (`limits.maxVerdicts`). */
  maxVerdicts?: number;
}

export interface WorkloadEvaluation {
  ref: WorkloadRef;
  /** Why admission would not review it (an excluded namespace, …): no classification then. */
  skipped?: string;
  classification?: WorkloadClassification;
  results: ImageResult[];
  decision?: PolicyDecision;
  /** Names of the policies whose `match` selects the workload, sorted. */
  matchedPolicies: string[];
  limits?: LimitReached[];
  /** When it was evaluated. */
  at: Date;
}

export class BadWorkloadError extends Error {
  override name = 'BadWorkloadError';
}

function str(object: KubeObject, path: readonly string[]): string {
  const v = getPath(object, path);
  return typeof v === 'string' ? v : '';
}

/** The reference of a workload object from the API; throws BadWorkloadError when a field is missing. */
export function workloadRef(kind: WorkloadKind, object: KubeObject): WorkloadRef {
  const name = str(object, ['metadata', 'name']);
  const uid = str(object, ['metadata', 'uid']);
  const namespace = str(object, ['metadata', 'namespace']);
  if (!name) throw new BadWorkloadError(`${kind} without metadata.name`);
  if (!namespace) throw new BadWorkloadError(`${kind} ${name} without metadata.namespace`);
  if (!uid) throw new BadWorkloadError(`${kind} ${namespace}/${name} without metadata.uid`);
  const group = WORKLOAD_GROUPS[kind];
  const apiVersion = str(object, ['apiVersion']) || (group ? `${group}/v1` : 'v1');
  return { apiVersion, kind, namespace, name, uid };
}

/** Builds the evaluator once; call it per workload. */
export function workloadEvaluator(deps: EvaluateDependencies): (kind: WorkloadKind, object: KubeObject) => Promise<WorkloadEvaluation> {
  const ports = enforcementDependencies({
    policies: deps.policies,
    clock: deps.clock,
    settings: {
      prefix: deps.settings.prefix,
      breakGlass: { enabled: false, stackroxKey: false, allowedUsers: [], allowedGroups: [], namespaces: [], valuePattern: '^$' },
      ignoreBreakGlass: true,
      ...(deps.maxVerdicts !== undefined ? { maxVerdicts: deps.maxVerdicts } : {}),
    },
  });
  return async (kind, object) => {
    const ref = workloadRef(kind, object);
    const at = deps.clock();
    // List items carry no apiVersion/kind: the request's group must still name the workload's.
    const typed = object.apiVersion === ref.apiVersion && object.kind === kind ? object : { ...object, apiVersion: ref.apiVersion, kind };
    const review = syntheticCreateReview({ kind, object: typed, name: ref.name, namespace: ref.namespace, uid: `aibom-inventory-${ref.uid}`, username: INVENTORY_USER });
    const outcome = await admit(review, 'validate', {
      lookup: deps.lookup,
      settings: deps.settings,
      signal: AbortSignal.timeout(deps.timeoutMs),
      evaluatePolicy: ports.evaluatePolicy,
    });
    const matchedPolicies = deps
      .policies()
      .policies.filter((p) => policyMatches(p, { kind, request: review.request }))
      .map((p) => p.metadata.name)
      .sort();
    const evaluation: WorkloadEvaluation = { ref, results: outcome.results, matchedPolicies, at };
    if (outcome.skipped) evaluation.skipped = outcome.skipped;
    if (outcome.classification) evaluation.classification = outcome.classification;
    if (outcome.policy) evaluation.decision = outcome.policy;
    if (outcome.limits) evaluation.limits = outcome.limits;
    return evaluation;
  };
}
