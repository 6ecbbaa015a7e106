// What the policy engine is given and what it answers (docs/policy.md): the context of one workload
// on the validating path, the verdicts each rule produces, and the decision for the request.
import type { AdmissionRequest, KubeObject } from './admission-review.js';
import type { ImageOutcome, WorkloadClassification } from './classification.js';
import type { ImageResult } from './lookup.js';
import type { ImageUse, WorkloadKind } from './workload.js';

export const POLICY_MODES = ['Enforce', 'Warn', 'Audit'] as const;
export type PolicyMode = (typeof POLICY_MODES)[number];

// `limits` is not written in a policy: every policy has it (the admission reached a cap of the
// webhook's `limits.*` configuration, so part of the workload was not checked; docs/limits.md).
export const RULE_NAMES = [
  'limits', 'requireBOM', 'licenses', 'sources', 'formats', 'modelCard', 'maxSafetyRisk', 'requireHashes', 'requireDigest',
  'maxBomAgeDays', 'onLookupFailure', 'requireSignedBOM', 'trustedSigners', 'requireProvenance',
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

/** One cap this admission reached. */
export interface LimitReached {
  /** The configuration key, e.g. `limits.maxImagesPerReview`. */
  limit: string;
  /** What was left out, one short sentence (it becomes a warning: ≤ ~100 characters). */
  message: string;
}

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
  /** Caps this admission reached (src/admission/limits.ts): each is a `limits` verdict of every matching policy. */
  limits?: readonly LimitReached[];
}

/** Why no verdict of a request may deny or warn (break-glass is reported separately). */
export interface RequestWaiver {
  reason: Exclude<Waiver, 'break-glass'>;
  detail: string;
}

/** Whether an object asks for break-glass, and whether this request may use it (policy/breakglass.ts). */
export type BreakGlassResult =
  | { requested: false }
  | { requested: true; honoured: true; key: string; ticket: string }
  | { requested: true; honoured: false; key: string; ticket: string; reason: string; refusal: BreakGlassRefusal };

/** Why a break-glass was refused: `user` is the only refusal a well-formed, permitted request gets. */
export type BreakGlassRefusal = 'disabled' | 'namespace' | 'config' | 'value' | 'user';

/** One exception a decision used, or would have used had it not expired. */
export interface ExceptionUse extends ExceptionRef {
  status: 'applied' | 'expired';
  /** How many verdicts it exempted (or would have). */
  verdicts: number;
}

/** What one validating decision was, as counted in metrics and written to the audit log. */
export type DecisionResult = 'allowed' | 'denied' | 'warned' | 'audited' | 'bypassed';

/** The validating decision for one request: what the webhook answers, and why (audit, metrics, CLI). */
export interface PolicyDecision {
  allowed: boolean;
  message?: string;
  warnings: string[];
  auditAnnotations: Record<string, string>;
  /** The first `limits.maxVerdicts` verdicts in the stable order (strictest first). */
  verdicts: Verdict[];
  /** The strictest effect, or `pass` when there is no verdict. */
  outcome: Effect | 'pass';
  /** Verdicts per effect, all of them (kept or not). */
  counts: Record<Effect, number>;
  /** Verdicts counted but not kept (over `limits.maxVerdicts`); absent when none. */
  omittedVerdicts?: number;
  result: DecisionResult;
  /** `sha256:…` of the policy set the decision was made with. */
  policySet: string;
  waiver?: RequestWaiver;
  breakGlass: BreakGlassResult;
  /** An honoured break-glass turned at least one denial into an audited verdict. */
  bypassed: boolean;
  exceptions: ExceptionUse[];
}

/**
 * Mutating path: an authorised break-glass is what admits the object, so it is labelled
 * `<prefix>/bypassed=true`. `honoured` for this requester; `inherited` when a built-in controller
 * copied it from an owner that was judged, or an UPDATE left it as it was.
 */
export interface Bypass {
  ticket: string;
  result: 'honoured' | 'inherited';
}
