// Policies × workload → verdicts → one admission decision. Pure: the clock is a parameter.
// Several policies combine; every verdict is kept (each names its policy and rule) and the strictest
// effect decides: any Enforce violation denies, otherwise the request is admitted with the Warn
// findings as warnings; Audit findings only reach the audit annotations.
import type { PolicyContext } from '../contracts/policy.js';
import type { WorkloadKind } from '../contracts/workload.js';
import { applyExceptions, type ExceptionTarget } from './exceptions.js';
import { matchesAny } from '../contracts/glob.js';
import { bomAgeRule, formatRule, hashesRule, licenseRule, lookupFailureRule, modelCardRule, modelSubjects, requireBomRule, requireDigestRule, safetyRiskRule, sourceRule, type RuleFinding } from './rules.js';
import type { AIModelPolicy } from './schema.js';
import { effectOf, formatVerdict, sortVerdicts, strictestEffect, verdictSubject } from './verdict.js';
import { type Verdict } from '../contracts/policy.js';

/**
 * The kinds whose controllers create objects of each kind: a Pod is made by any pod-owning workload,
 * a ReplicaSet by a Deployment, a Job by a CronJob.
 */
const CREATED_BY: Readonly<Partial<Record<WorkloadKind, readonly WorkloadKind[]>>> = {
  Pod: ['Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'],
  ReplicaSet: ['Deployment'],
  Job: ['CronJob'],
};

/**
 * The kinds a policy applies to: the kinds it lists and every kind that creates them, transitively. A
 * rule written for Pods is checked when the Deployment is applied (so `kubectl apply` fails there, not
 * in a ReplicaSet's events later); the Pods the controllers then make are audited, not denied
 * (src/policy/enforce.ts).
 */
export function effectiveKinds(listed: readonly WorkloadKind[]): Set<WorkloadKind> {
  const out = new Set<WorkloadKind>();
  const visit = (kind: WorkloadKind): void => {
    if (out.has(kind)) return;
    out.add(kind);
    for (const owner of CREATED_BY[kind] ?? []) visit(owner);
  };
  for (const kind of listed) visit(kind);
  return out;
}

/** Whether the policy's `match` selects this workload (namespace globs, exclusions, kinds). */
export function policyMatches(policy: AIModelPolicy, ctx: Pick<PolicyContext, 'kind' | 'request'>): boolean {
  const match = policy.spec.match;
  const ns = ctx.request.namespace;
  if (!effectiveKinds(match.kinds).has(ctx.kind)) return false;
  if (!matchesAny(match.namespaces, ns)) return false;
  return !matchesAny(match.excludeNamespaces, ns);
}

/** Every finding of one policy on one workload, before mode and name are attached. */
function findingsOf(policy: AIModelPolicy, ctx: PolicyContext, now: Date): RuleFinding[] {
  const rules = policy.spec.rules;
  const out: RuleFinding[] = [];
  if (rules.onLookupFailure === 'deny') out.push(...lookupFailureRule(ctx));
  if (rules.requireBOM) out.push(...requireBomRule(ctx));
  if (rules.requireDigest) out.push(...requireDigestRule(ctx));
  if (rules.maxBomAgeDays !== undefined) out.push(...bomAgeRule(ctx, rules.maxBomAgeDays, now));
  for (const subject of modelSubjects(ctx.results)) {
    if (rules.licenses) out.push(...licenseRule(subject, rules.licenses));
    if (rules.sources) out.push(...sourceRule(subject, rules.sources));
    if (rules.formats) out.push(...formatRule(subject, rules.formats));
    if (rules.modelCard) out.push(...modelCardRule(subject, rules.modelCard));
    if (rules.maxSafetyRisk) out.push(...safetyRiskRule(subject, rules.maxSafetyRisk));
    if (rules.requireHashes) out.push(...hashesRule(subject));
  }
  return out;
}

export function exceptionTarget(ctx: Pick<PolicyContext, 'kind' | 'name' | 'request' | 'results'>): ExceptionTarget {
  return { namespace: ctx.request.namespace, kind: ctx.kind, name: ctx.name, images: ctx.results.map((r) => r.image) };
}

/**
 * All verdicts of all matching policies on one workload, in a stable order (strictest first). Each
 * policy's exceptions are applied to its own verdicts: exempted ones stay, with effect `audit`.
 */
export function evaluatePolicies(policies: readonly AIModelPolicy[], ctx: PolicyContext, now: Date): Verdict[] {
  const verdicts: Verdict[] = [];
  const target = exceptionTarget(ctx);
  for (const policy of policies) {
    if (!policyMatches(policy, ctx)) continue;
    const mode = policy.spec.mode;
    const own: Verdict[] = findingsOf(policy, ctx, now).map((f) => ({ ...f, policy: policy.metadata.name, mode, effect: effectOf(mode, f.severity) }));
    verdicts.push(...applyExceptions(policy, own, target, now));
  }
  return sortVerdicts(verdicts);
}

export interface DecisionOptions {
  /** The break-glass annotation key named in denial messages. */
  breakGlassAnnotation?: string;
  /** How many denials the message spells out before "and N more". */
  maxListed?: number;
  /** The workload named in denial messages (`Deployment ml/web`, `Pod ml/web-*`). */
  subject?: string;
}

/** What the verdicts alone decide (enforce.ts adds break-glass, waivers and exceptions to it). */
export interface VerdictDecision {
  allowed: boolean;
  message?: string;
  warnings: string[];
  auditAnnotations: Record<string, string>;
  verdicts: Verdict[];
  /** The strictest effect, or `pass` when there is no verdict. */
  outcome: 'deny' | 'warn' | 'audit' | 'pass';
}

export const DEFAULT_BREAK_GLASS_ANNOTATION = 'aibom.io/break-glass';
/** Audit annotation values stay small: the apiserver keeps them in every audit event. */
const MAX_AUDIT_VALUE = 4096;

/** Combines verdicts into the admission decision: the strictest wins. */
export function decide(verdicts: readonly Verdict[], options: DecisionOptions = {}): VerdictDecision {
  const sorted = sortVerdicts(verdicts);
  const denials = sorted.filter((v) => v.effect === 'deny');
  const warnings = sorted.filter((v) => v.effect === 'warn').map((v) => `aibom policy ${v.policy}/${v.rule}: ${verdictSubject(v)}: ${v.message}`);
  const effect = strictestEffect(sorted);
  const decision: VerdictDecision = {
    allowed: denials.length === 0,
    warnings,
    auditAnnotations: auditOf(sorted, effect),
    verdicts: sorted,
    outcome: effect ?? 'pass',
  };
  if (denials.length > 0) decision.message = denialMessage(denials, options);
  return decision;
}

function denialMessage(denials: readonly Verdict[], options: DecisionOptions): string {
  const max = options.maxListed ?? 3;
  const listed = denials.slice(0, max).map(formatVerdict);
  if (denials.length > max) listed.push(`and ${denials.length - max} more`);
  const key = options.breakGlassAnnotation ?? DEFAULT_BREAK_GLASS_ANNOTATION;
  const about = options.subject ? ` (${options.subject})` : '';
  return `denied by AI model policy${about}: ${listed.join(' | ')}. In an emergency, an authorised user can admit it with the annotation ${key}: <ticket URL>.`;
}

function auditOf(verdicts: readonly Verdict[], effect: Verdict['effect'] | undefined): Record<string, string> {
  const audit: Record<string, string> = { 'policy-decision': effect === 'deny' ? 'deny' : effect === 'warn' ? 'warn' : 'allow' };
  if (verdicts.length === 0) return audit;
  audit['policy-verdicts'] = longestFittingList(verdicts, compactVerdict, MAX_AUDIT_VALUE);
  return audit;
}

function compactVerdict(v: Verdict): Record<string, string> {
  const entry: Record<string, string> = { policy: v.policy, rule: v.rule, effect: v.effect, reason: v.reason };
  if (v.container !== undefined) entry.container = v.container;
  if (v.model !== undefined) entry.model = v.model;
  if (v.exception) entry.exception = v.exception.ticket;
  if (v.waived) entry.waived = v.waived;
  return entry;
}

/**
 * The JSON array of as many leading entries as fit in `max` characters, ending with
 * `{"omitted":"N"}` when some do not (or only that, when not even one entry fits). Linear: each entry
 * is serialised at most once, and only the entries that can still fit are (never the whole list).
 */
export function longestFittingList<T>(items: readonly T[], toEntry: (item: T) => object, max: number): string {
  const parts: string[] = [];
  let length = 2; // "[" and "]"
  let all = true;
  for (const item of items) {
    const part = JSON.stringify(toEntry(item));
    const next = length + part.length + (parts.length > 0 ? 1 : 0);
    if (next > max) {
      all = false;
      break;
    }
    parts.push(part);
    length = next;
  }
  if (all) return `[${parts.join(',')}]`;
  // Room for the omitted marker: drop entries from the end until it fits too.
  const marker = (kept: number): string => JSON.stringify({ omitted: String(items.length - kept) });
  while (parts.length > 0 && length + 1 + marker(parts.length).length > max) length -= parts.pop()!.length + (parts.length > 0 ? 1 : 0);
  return parts.length > 0 ? `[${parts.join(',')},${marker(parts.length)}]` : `[${marker(0)}]`;
}
