// Builds real PolicyContexts: a real AdmissionReview goes through `admit()` with a lookup answering
// from a map, and the context the validating path hands to the policy engine is captured.
import { admit, type AdmissionSettings } from '../../../src/admission/admit.js';
import type { PolicyContext, PolicyDecision } from '../../../src/contracts/policy.js';
import type { FoundBom, ImageFindings, ImageLookup } from '../../../src/contracts/lookup.js';
import { parseAdmissionReview } from '../../../src/admission/review.js';
import { emptyInventory, type AiInventory, type ModelRecord } from '../../../src/contracts/inventory.js';
import { policySchema, type AIModelPolicy, type AIModelPolicyInput } from '../../../src/policy/schema.js';
import { enforcementDependencies } from '../../../src/policy/enforce.js';
import { policySet } from '../../../src/policy/policy-set.js';
import { parseImageReference } from '../../../src/contracts/image-reference.js';
import { admissionReview } from '../../support/admission-review.js';

export const settings: AdmissionSettings = {
  prefix: 'aibom.io',
  excludedNamespaces: ['kube-system'],
  labelPodTemplates: true,
  maxAnnotationBytes: 65536,
  heuristics: { enabled: true, extraImagePatterns: [] },
};

export const NOW = new Date('2026-06-01T00:00:00Z');

export function model(fields: Partial<ModelRecord> & { name: string }): ModelRecord {
  return { datasets: [], hashes: [], externalReferences: [], ...fields };
}

export function inventory(models: ModelRecord[], created?: string): AiInventory {
  const inv = emptyInventory('cyclonedx', '1.6');
  inv.models = models;
  if (created) inv.created = created;
  return inv;
}

export function found(...inventories: AiInventory[]): ImageFindings {
  return {
    status: 'found',
    digest: `sha256:${'d'.repeat(64)}`,
    boms: inventories.map((inv, i): FoundBom => ({ digest: `sha256:${String(i).repeat(64)}`, mediaType: 'application/vnd.cyclonedx+json', source: 'referrers', trust: 'unsigned', inventory: inv })),
  };
}

export function mapLookup(byImage: Record<string, ImageFindings>): ImageLookup {
  const normalised = new Map(Object.entries(byImage).map(([k, v]) => [parseImageReference(k).normalized, v]));
  return async (image) => normalised.get(image) ?? { status: 'none', boms: [] };
}

export interface Container {
  name: string;
  image: string;
}

export function deployment(name: string, namespace: string, containers: Container[], initContainers: Container[] = []): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers, initContainers } } },
  };
}

export function reviewOf(object: Record<string, unknown>): ReturnType<typeof parseAdmissionReview> {
  return parseAdmissionReview(admissionReview(object, { uid: 'b8e1c6d2-0000-4000-8000-000000000001', user: 'alice' }));
}

/** The PolicyContext `admit()` builds on the validating path for this object and these findings. */
export async function contextFor(object: Record<string, unknown>, byImage: Record<string, ImageFindings>): Promise<PolicyContext> {
  return contextForReview(reviewOf(object), byImage);
}

export function policy(name: string, mode: 'Enforce' | 'Warn' | 'Audit', rules: AIModelPolicyInput['spec']['rules'], match?: AIModelPolicyInput['spec']['match']): AIModelPolicy {
  return policySchema.parse({ apiVersion: 'aibom.io/v1alpha1', kind: 'AIModelPolicy', metadata: { name }, spec: { mode, rules, ...(match ? { match } : {}) } });
}

/** The PolicyContext of any AdmissionReview (other users, operations, old objects). */
export async function contextForReview(review: ReturnType<typeof parseAdmissionReview>, byImage: Record<string, ImageFindings>): Promise<PolicyContext> {
  let captured: PolicyContext | undefined;
  await admit(review, 'validate', {
    lookup: mapLookup(byImage),
    settings,
    signal: new AbortController().signal,
    evaluatePolicy: (ctx) => {
      captured = ctx;
      return evaluatorOf([])(ctx);
    },
  });
  if (!captured) throw new Error('admit did not reach the policy engine');
  return captured;
}

/** A policy document with every field as written (exceptions included). */
export function policyDoc(name: string, spec: AIModelPolicyInput['spec']): AIModelPolicy {
  return policySchema.parse({ apiVersion: 'aibom.io/v1alpha1', kind: 'AIModelPolicy', metadata: { name }, spec });
}

/** The validating webhook's policy port over `policies` (no break-glass users), at NOW. */
export function evaluatorOf(policies: readonly AIModelPolicy[]): (ctx: PolicyContext) => PolicyDecision {
  const set = policySet(policies);
  return enforcementDependencies({
    policies: () => set,
    settings: { prefix: 'aibom.io', breakGlass: { enabled: false, stackroxKey: false, allowedUsers: [], allowedGroups: [], namespaces: [], valuePattern: '^$' } },
    clock: () => NOW,
  }).evaluatePolicy;
}
