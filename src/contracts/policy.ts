// What the policy engine is given and what it answers (docs/policy.md): the context of one workload
// on the validating path, the verdicts each rule produces, and the decision for the request.
import type { AdmissionRequest, KubeObject } from './admission-review.js';
import type { ImageOutcome, WorkloadClassification } from './classification.js';
import type { ImageResult } from './lookup.js';
import type { ImageUse, WorkloadKind } from './workload.js';

export const POLICY_MODES = ['Enforce', 'Warn', 'Audit'] as const;
export type PolicyMode = (typeof POLICY_MODES)[number];

export const RULE_NAMES = [
  'requireBOM', 'licenses', 'sources', 'formats', 'modelCard', 'maxSafetyRisk', 'requireHashes', 'requireDigest',
  'maxBomAgeDays', 'onLookupFailure',
] as const;
export type RuleName = (typeof RULE_NAMES)[number];

/** How bad the finding is under the rule: a violation, or a warning (`missing: warn`, unknown age, …). */
export type Severity = 'violation' | 'warning';

/** What the finding does to the request: the mode decides it from the severity. */
export type Effect = 'deny' | 'warn' | 'audit';

/** What one rule found, before the policy's name and mode are attached. */
export interface RuleFinding {
  rule: RuleName;
  /** Finer reason within the rule (`denied`, `not-allowed`, `missing`, `unparsable`, `too-old`, …). */
  reason: string;
  severity: Severity;
  /** Container (or image volume) name; absent for workload-level findings. */
  container?: string;
  /** Normalised image reference. */
  image?: string;
  /** Model display name (`name@version`). */
  model?: string;
  modelPurl?: string;
  /** What is wrong, one sentence. */
  message: string;
  /** How to fix it, one sentence. */
  fix: string;
}

export interface Verdict extends RuleFinding {
  policy: string;
  mode: PolicyMode;
  effect: Effect;
  /** The policy exception that exempted this finding (its effect is then `audit`). */
  exception?: ExceptionRef;
  /** An exception that would have matched but has expired (the finding keeps its effect). */
  expiredException?: ExceptionRef;
  /** Why a `deny`/`warn` effect was turned into `audit` at admission (src/policy/enforce.ts). */
  waived?: Waiver;
  /** The effect before an exception or a waiver changed it. */
  originalEffect?: Effect;
}

/** One exception of one policy, as named in verdicts and audit records. */
export interface ExceptionRef {
  policy: string;
  /** Position in `spec.exceptions`. */
  index: number;
  name?: string;
  ticket: string;
  expires?: string;
}

/**
 * Why an admission did not apply a verdict's effect: an authorised break-glass, an object being
 * deleted, an object made by a built-in controller for an owner that was evaluated, or an UPDATE that
 * changed nothing the policy looks at.
 */
export type Waiver = 'break-glass' | 'deleting' | 'controller-created' | 'unchanged';

/** What the policy engine sees of a workload on the validating path. */
export interface PolicyContext {
  request: AdmissionRequest;
  kind: WorkloadKind;
  name: string;
  object: KubeObject;
  podSpec: Record<string, unknown> | undefined;
  uses: ImageUse[];
  results: ImageResult[];
  outcomes: Record<string, ImageOutcome>;
  classification: WorkloadClassification;
}

export interface PolicyDecision {
  allowed: boolean;
  message?: string;
  warnings: string[];
  auditAnnotations: Record<string, string>;
}
