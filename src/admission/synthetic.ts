// A synthetic AdmissionReview CREATE for an object that did not come from the apiserver: a manifest
// (`aibom check`) or a workload already in the cluster (the inventory controller). It goes through
// the same parser as the webhook's requests, so admit() sees exactly what the webhook would accept.
import type { AdmissionReview, KubeObject } from '../contracts/admission-review.js';
import type { WorkloadKind } from '../contracts/workload.js';
import { parseAdmissionReview } from './review.js';

export interface SyntheticReviewInput {
  kind: WorkloadKind;
  object: KubeObject;
  name: string;
  namespace: string;
  uid: string;
  /** Who "sends" it (`aibom-check`, `aibom-inventory`); never a built-in controller's identity. */
  username: string;
}

/** The plural resource of a workload kind (`Deployment` → `deployments`). */
export function resourceOf(kind: WorkloadKind): string {
  return `${kind.toLowerCase()}s`;
}

/** `apps/v1` → {group: apps, version: v1}; `v1` → {group: '', version: v1}; absent → core v1. */
export function groupVersion(apiVersion: unknown): { group: string; version: string } {
  if (typeof apiVersion !== 'string' || apiVersion.length === 0) return { group: '', version: 'v1' };
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Throws ReviewParseError when the object cannot make a valid request. */
export function syntheticCreateReview(input: SyntheticReviewInput): AdmissionReview {
  const gv = groupVersion(input.object.apiVersion);
  return parseAdmissionReview({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: input.uid,
      kind: { ...gv, kind: input.kind },
      resource: { ...gv, resource: resourceOf(input.kind) },
      name: input.name,
      namespace: input.namespace,
      operation: 'CREATE',
      userInfo: { username: input.username, groups: [] },
      object: input.object,
      dryRun: true,
    },
  });
}
