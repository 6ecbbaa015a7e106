// What the policy engine says about one workload: verdicts, each naming its policy, rule, container and
// model, with a message and how to fix it. Break-glass and exceptions (the next step) act on verdicts:
// an exception removes matching ones (policy + rule + model/container), an authorised break-glass turns
// `deny` effects into `audit` ones and marks the object bypassed — the types below carry what they need.
import type { PolicyMode } from './schema.js';

// `limits` is not written in a policy: every policy has it (the admission reached a cap of the
// webhook's `limits.*` configuration, so part of the workload was not checked; docs/limits.md).
export const RULE_NAMES = [
  'limits', 'requireBOM', 'licenses', 'sources', 'formats', 'modelCard', 'maxSafetyRisk', 'requireHashes', 'requireDigest',
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

/** Enforce denies violations and warns on warnings; Warn warns on both; Audit only records. */
export function effectOf(mode: PolicyMode, severity: Severity): Effect {
  if (mode === 'Audit') return 'audit';
  if (mode === 'Warn') return 'warn';
  return severity === 'violation' ? 'deny' : 'warn';
}

const EFFECT_RANK: Record<Effect, number> = { deny: 3, warn: 2, audit: 1 };

/** The strictest effect among the verdicts (deny > warn > audit), or undefined when there are none. */
export function strictestEffect(verdicts: readonly Verdict[]): Effect | undefined {
  let best: Effect | undefined;
  for (const v of verdicts) if (!best || EFFECT_RANK[v.effect] > EFFECT_RANK[best]) best = v.effect;
  return best;
}

/** `policy/rule` `container "c"` `model m`: who the verdict is about, for messages. */
export function verdictSubject(v: Verdict): string {
  const parts: string[] = [];
  if (v.container !== undefined) parts.push(`container "${v.container}"`);
  if (v.model !== undefined) parts.push(`model ${v.model}`);
  else if (v.image !== undefined) parts.push(`image ${v.image}`);
  return parts.length > 0 ? parts.join(', ') : 'workload';
}

/** One line: `[policy/rule] container "c", model m: message. Fix: fix` */
export function formatVerdict(v: Verdict): string {
  return `[${v.policy}/${v.rule}] ${verdictSubject(v)}: ${v.message}. Fix: ${v.fix}`;
}

const RULE_RANK = new Map<string, number>(RULE_NAMES.map((r, i) => [r, i]));
const cmp = (a = '', b = ''): number => (a < b ? -1 : a > b ? 1 : 0);

/** The stable order of verdicts: effect (strictest first), policy, rule, container, model, message. */
export function compareVerdicts(a: Verdict, b: Verdict): number {
  return (
    EFFECT_RANK[b.effect] - EFFECT_RANK[a.effect] ||
    cmp(a.policy, b.policy) ||
    (RULE_RANK.get(a.rule) ?? 0) - (RULE_RANK.get(b.rule) ?? 0) ||
    cmp(a.container, b.container) ||
    cmp(a.model, b.model) ||
    cmp(a.message, b.message)
  );
}

/** Stable order: effect (strictest first), policy, rule, container, model, message. */
export function sortVerdicts(verdicts: readonly Verdict[]): Verdict[] {
  return [...verdicts].sort(compareVerdicts);
}
