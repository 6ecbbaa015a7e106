// Verdicts (the types are in contracts/policy.ts): the effect a policy mode gives a finding, the
// strictest effect, the stable order, and the one-line text of a verdict.
import { RULE_NAMES, type Effect, type PolicyMode, type Severity, type Verdict } from '../contracts/policy.js';

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
