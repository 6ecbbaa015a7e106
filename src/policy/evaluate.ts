// Policies × workload → verdicts → one admission decision. Pure: the clock is a parameter.
// Several policies combine; every verdict is kept (each names its policy and rule) and the strictest
// effect decides: any Enforce violation denies, otherwise the request is admitted with the Warn
// findings as warnings; Audit findings only reach the audit annotations.
import type { PolicyContext, PolicyDecision, Verdict } from '../contracts/policy.js';
import type { WorkloadKind } from '../contracts/workload.js';
import { SERVING_KINDS } from '../contracts/serving.js';
import { applyException, type ExceptionTarget } from './exceptions.js';
import { matchesAny } from '../contracts/glob.js';
import { bomAgeRule, formatRule, hashesRule, licenseRule, limitsRule, lookupFailureRule, modelCardRule, modelSubjects, requireBomRule, requireDigestRule, safetyRiskRule, sourceRule, type ModelSubject, type RuleFinding } from './rules.js';
import { runSync } from '../contracts/slices.js';
import { DEFAULT_MAX_VERDICTS, VerdictCollector } from './verdict-collector.js';
import type { AIModelPolicy } from './schema.js';
import { effectOf, formatVerdict, sortVerdicts, verdictSubject } from './verdict.js';
import { trustRules } from './trust-rules.js';
import { provenanceRule } from './provenance-rules.js';
import { parseImageReference } from '../contracts/image-reference.js';

/**
 * The kinds whose controllers create objects of each kind: a Pod is made by any pod-owning workload,
 * a ReplicaSet by a Deployment, a Job by a CronJob.
 */
const CREATED_BY: Readonly<Partial<Record<WorkloadKind, readonly WorkloadKind[]>>> = {
  // The serving platforms' CRs make (or, for runtimes and Seldon Models, shape) the pods that serve a
  // model: a policy for Pods judges them too (contracts/serving.ts).
  Pod: ['Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', ...SERVING_KINDS],
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

/** `registry/repository` of a normalised reference (the raw string when it does not parse). */
function repositoryOf(image: string): string {
  try {
    const ref = parseImageReference(image);
    return `${ref.registry}/${ref.repository}`;
  } catch {
    return image;
  }
}

/** The context with only the images `match.registries` selects (every image with the default `*`). */
function registryScoped(ctx: PolicyContext, registries: readonly string[]): PolicyContext {
  if (registries.length === 1 && registries[0] === '*') return ctx;
  const keep = (image: string): boolean => matchesAny(registries, repositoryOf(image));
  return { ...ctx, results: ctx.results.filter((r) => keep(r.image)), uses: ctx.uses.filter((u) => keep(u.normalized ?? u.image)) };
}

/** The workload-level findings of one policy (the model-level ones are subjectFindings). */
function workloadFindings(policy: AIModelPolicy, ctx: PolicyContext, now: Date): RuleFinding[] {
  const rules = policy.spec.rules;
  const out: RuleFinding[] = limitsRule(ctx);
  if (rules.requireSignedBOM || rules.trustedSigners) out.push(...trustRules(ctx, rules));
  if (rules.requireProvenance) out.push(...provenanceRule(ctx, rules.requireProvenance));
  if (rules.onLookupFailure === 'deny') out.push(...lookupFailureRule(ctx));
  if (rules.requireBOM) out.push(...requireBomRule(ctx));
  if (rules.requireDigest) out.push(...requireDigestRule(ctx));
  if (rules.maxBomAgeDays !== undefined) out.push(...bomAgeRule(ctx, rules.maxBomAgeDays, now));
  return out;
}

/** The findings of one policy's model rules on one model of one container. */
function subjectFindings(rules: AIModelPolicy['spec']['rules'], subject: ModelSubject, out: RuleFinding[]): void {
  if (rules.licenses) out.push(...licenseRule(subject, rules.licenses));
  if (rules.sources) out.push(...sourceRule(subject, rules.sources));
  if (rules.formats) out.push(...formatRule(subject, rules.formats));
  if (rules.modelCard) out.push(...modelCardRule(subject, rules.modelCard));
  if (rules.maxSafetyRisk) out.push(...safetyRiskRule(subject, rules.maxSafetyRisk));
  if (rules.requireHashes) out.push(...hashesRule(subject));
}

export function exceptionTarget(ctx: Pick<PolicyContext, 'kind' | 'name' | 'request' | 'results'>): ExceptionTarget {
  return { namespace: ctx.request.namespace, kind: ctx.kind, name: ctx.name, images: ctx.results.map((r) => r.image) };
}

/** Model subjects evaluated between two slice points (src/util/slices.ts). */
const SUBJECTS_PER_SLICE = 32;

/**
 * Every verdict of every matching policy, handed to `emit` as it is made (exceptions applied), in
 * slices: the generator yields between slices, so a caller can give the event loop a turn
 * (runSliced) or run it through (runSync). Linear in policies × (workload findings + subjects).
 */
export function* verdictSlices(policies: readonly AIModelPolicy[], whole: PolicyContext, now: Date, emit: (v: Verdict) => void): Generator<undefined, void, void> {
  const target = exceptionTarget(whole);
  let allSubjects: ModelSubject[] | undefined;
  const found: RuleFinding[] = [];
  for (const policy of policies) {
    if (!policyMatches(policy, whole)) continue;
    // match.registries narrows the images every rule of this policy looks at.
    const ctx = registryScoped(whole, policy.spec.match.registries);
    const mode = policy.spec.mode;
    const name = policy.metadata.name;
    const flush = (): void => {
      for (const f of found) emit(applyException(policy, { ...f, policy: name, mode, effect: effectOf(mode, f.severity) }, target, now));
      found.length = 0;
    };
    found.push(...workloadFindings(policy, ctx, now));
    flush();
    const own = ctx === whole ? (allSubjects ??= modelSubjects(whole.results)) : modelSubjects(ctx.results);
    const rules = policy.spec.rules;
    for (let i = 0; i < own.length; i++) {
      subjectFindings(rules, own[i]!, found);
      flush();
      if ((i + 1) % SUBJECTS_PER_SLICE === 0) yield;
    }
    yield;
  }
}

/**
 * All verdicts of all matching policies on one workload, in a stable order (strictest first). Each
 * policy's exceptions are applied to its own verdicts: exempted ones stay, with effect `audit`.
 */
export function evaluatePolicies(policies: readonly AIModelPolicy[], ctx: PolicyContext, now: Date): Verdict[] {
  const verdicts: Verdict[] = [];
  runSync(verdictSlices(policies, ctx, now, (v) => verdicts.push(v)));
  return sortVerdicts(verdicts);
}

export interface DecisionOptions {
  /** The break-glass annotation key named in denial messages. */
  breakGlassAnnotation?: string;
  /** How many denials the message spells out before "and N more". */
  maxListed?: number;
  /** The workload named in denial messages (`Deployment ml/web`, `Pod ml/web-*`). */
  subject?: string;
  /** Verdicts kept (`limits.maxVerdicts`); all count for the decision. */
  maxVerdicts?: number;
}

/** What the verdicts alone decide (enforce.ts adds break-glass, waivers and exceptions to it). */
export type VerdictDecision = Pick<PolicyDecision, 'allowed' | 'message' | 'warnings' | 'auditAnnotations' | 'verdicts' | 'outcome' | 'counts' | 'omittedVerdicts'>;

export const DEFAULT_BREAK_GLASS_ANNOTATION = 'aibom.io/break-glass';
/** Audit annotation values stay small: the apiserver keeps them in every audit event. */
const MAX_AUDIT_VALUE = 4096;
/** Policy warnings spelled out per decision; the rest are counted in one more warning. */
const MAX_POLICY_WARNINGS = 10;

/** Combines verdicts into the admission decision: the strictest wins. */
export function decide(verdicts: readonly Verdict[], options: DecisionOptions = {}): VerdictDecision {
  return decideCollected(new VerdictCollector(options.maxVerdicts ?? DEFAULT_MAX_VERDICTS).addAll(verdicts), options);
}

/** The decision from collected verdicts (counted in full, the first ones kept). */
export function decideCollected(collected: VerdictCollector, options: DecisionOptions = {}): VerdictDecision {
  const sorted = collected.sorted();
  const { counts } = collected;
  const denials = sorted.filter((v) => v.effect === 'deny');
  const warned = sorted.filter((v) => v.effect === 'warn');
  const warnings = warned.slice(0, MAX_POLICY_WARNINGS).map((v) => `aibom policy ${v.policy}/${v.rule}: ${verdictSubject(v)}: ${v.message}`);
  if (counts.warn > warnings.length) warnings.push(`aibom policy: ${counts.warn - warnings.length} more policy warnings not shown`);
  const effect = counts.deny > 0 ? 'deny' : counts.warn > 0 ? 'warn' : counts.audit > 0 ? 'audit' : undefined;
  const decision: VerdictDecision = {
    allowed: counts.deny === 0,
    warnings,
    auditAnnotations: auditOf(sorted, effect),
    verdicts: sorted,
    outcome: effect ?? 'pass',
    counts: { ...counts },
  };
  if (collected.omitted > 0) decision.omittedVerdicts = collected.omitted;
  if (counts.deny > 0) decision.message = denialMessage(denials, counts.deny, options);
  return decision;
}

function denialMessage(denials: readonly Verdict[], total: number, options: DecisionOptions): string {
  const max = options.maxListed ?? 3;
  const listed = denials.slice(0, max).map(formatVerdict);
  if (total > listed.length) listed.push(`and ${total - listed.length} more`);
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
