// `aibom check`: each workload in the manifests goes through the same `admit()` the validating webhook
// runs, as a synthetic AdmissionReview CREATE, with the policy evaluator plugged in. Only the lookup and
// the clock differ from the server.
import type { AdmissionResponse } from '../contracts/admission-review.js';
import { admit, syntheticCreateReview, type AdmissionSettings } from '../admission/index.js';
import { isLookupFailure, type ImageLookup, type LookupStatus } from '../contracts/lookup.js';
import type { WorkloadClassification } from '../contracts/classification.js';
import { objectName, type WorkloadKind } from '../contracts/workload.js';
import { type DecisionOptions, enforcementDependencies, policySet, type AIModelPolicy } from '../policy/index.js';
import type { PolicyDecision, Verdict } from '../contracts/policy.js';
import { imageModels, modelLabel } from '../contracts/model-identity.js';
import { decisionExitCode, worstExitCode, type ExitCode } from './exit.js';
import { workloadKindOf, type ManifestObject } from './manifests.js';

export interface CheckImage {
  image: string;
  containers: string[];
  status: LookupStatus;
  /** Why the lookup failed, when it did. */
  detail?: string;
  digest?: string;
  models: string[];
}

export interface CheckedWorkload {
  manifest: ManifestObject;
  kind: WorkloadKind;
  name: string;
  namespace: string;
  /** Why the webhook would not review it (excluded namespace, …). */
  skipped?: string;
  allowed: boolean;
  outcome: PolicyDecision['outcome'] | 'skipped';
  verdicts: Verdict[];
  /** The validating decision (absent when the webhook would skip the workload). */
  decision?: PolicyDecision;
  classification?: WorkloadClassification;
  images: CheckImage[];
  response: AdmissionResponse;
}

export interface CheckDependencies {
  policies: readonly AIModelPolicy[];
  lookup: ImageLookup;
  settings: AdmissionSettings;
  clock: () => Date;
  /** Deadline per workload, as the validating webhook's. */
  timeoutMs: number;
  /** Namespace for objects that name none (kubectl's default). */
  namespace: string;
  decision?: DecisionOptions;
}

export async function checkWorkloads(objects: readonly ManifestObject[], deps: CheckDependencies): Promise<CheckedWorkload[]> {
  // The webhook's enforcement, minus break-glass: a manifest has no requesting user to authorise.
  const set = policySet(deps.policies);
  const evaluator = enforcementDependencies({
    policies: () => set,
    clock: deps.clock,
    settings: {
      prefix: deps.settings.prefix,
      breakGlass: { enabled: false, stackroxKey: false, allowedUsers: [], allowedGroups: [], namespaces: [], valuePattern: '^$' },
      ignoreBreakGlass: true,
      ...(deps.decision?.maxListed !== undefined ? { maxListed: deps.decision.maxListed } : {}),
    },
  }).evaluatePolicy;
  const out: CheckedWorkload[] = [];
  let n = 0;
  for (const manifest of objects) {
    const kind = workloadKindOf(manifest.object);
    if (!kind) continue;
    n++;
    const meta = manifest.object.metadata;
    const metaNs = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>).namespace : undefined;
    const namespace = typeof metaNs === 'string' && metaNs.length > 0 ? metaNs : deps.namespace;
    const name = objectName(manifest.object, `${kind.toLowerCase()}-${n}`);
    // Through the parser, so the synthetic request is exactly what the webhook would accept.
    const review = syntheticCreateReview({ kind, object: manifest.object, name, namespace, uid: `aibom-check-${n}`, username: 'aibom-check' });
    const outcome = await admit(review, 'validate', {
      lookup: deps.lookup,
      settings: deps.settings,
      signal: AbortSignal.timeout(deps.timeoutMs),
      evaluatePolicy: evaluator,
    });
    const decision = outcome.policy;
    const images: CheckImage[] = outcome.results.map((r) => {
      const img: CheckImage = {
        image: r.image,
        containers: r.uses.map((u) => u.container),
        status: r.findings.status,
        models: imageModels(r.findings).map(modelLabel),
      };
      if (r.findings.digest) img.digest = r.findings.digest;
      if (isLookupFailure(r.findings.status) && r.findings.detail) img.detail = r.findings.detail;
      return img;
    });
    const checked: CheckedWorkload = {
      manifest, kind, name, namespace,
      allowed: outcome.review.response.allowed,
      outcome: outcome.skipped ? 'skipped' : (decision?.outcome ?? 'pass'),
      verdicts: decision?.verdicts ?? [],
      images,
      response: outcome.review.response,
    };
    if (decision) checked.decision = decision;
    if (outcome.skipped) checked.skipped = outcome.skipped;
    if (outcome.classification) checked.classification = outcome.classification;
    out.push(checked);
  }
  return out;
}

/** The exit code of the run (src/cli/exit.ts): the most severe of the workloads' decisions. */
export function checkExitCode(workloads: readonly CheckedWorkload[]): ExitCode {
  return worstExitCode(workloads.map((w) => decisionExitCode(w.decision)));
}
