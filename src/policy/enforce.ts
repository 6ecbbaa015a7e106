// Enforcement at admission: the policy verdicts of one request, plus what a real cluster needs around
// them — break-glass, objects being deleted, objects the built-in controllers create for an owner that
// was already evaluated, UPDATEs that change nothing the policy looks at. Pure: the policy set and the
// clock are parameters. The webhook, `aibom review --validate` and `aibom check` all go through
// `enforcementDependencies()`, so they give the same verdicts. Semantics: docs/enforcement.md.
import type { BreakGlassResult, Bypass, DecisionResult, PolicyContext, PolicyDecision, RequestWaiver, Verdict, Waiver } from '../contracts/policy.js';
import type { AdmissionRequest, KubeObject } from '../contracts/admission-review.js';
import { imageSignature } from '../contracts/pod-images.js';
import { runSliced, runSync, type Slicer, type Slices } from '../contracts/slices.js';
import { getPath, ownerReferences, podSpecOf, WORKLOAD_GROUPS, type OwnerReference, type WorkloadKind } from '../contracts/workload.js';
import { evaluateBreakGlass, type BreakGlassSettings } from './breakglass.js';
import { decideCollected, verdictSlices, type VerdictDecision } from './evaluate.js';
import { ExceptionUseCounter } from './exceptions.js';
import { DEFAULT_MAX_VERDICTS, VerdictCollector } from './verdict-collector.js';
import type { PolicySet } from './policy-set.js';

export interface EnforcementSettings {
  /** Label and annotation prefix (`aibom.io`): the break-glass key is `<prefix>/break-glass`. */
  prefix: string;
  breakGlass: BreakGlassSettings;
  /** `aibom check` has no requesting user: break-glass annotations are not evaluated there. */
  ignoreBreakGlass?: boolean;
  /** How many denials a message spells out. */
  maxListed?: number;
  /** Verdicts kept per decision (`limits.maxVerdicts`). */
  maxVerdicts?: number;
}

// ---------------------------------------------------------------------------------------------
// Built-in controllers

const SYSTEM_SERVICE_ACCOUNT = 'system:serviceaccount:kube-system:';
/** The kube-controller-manager's own identity when it runs without per-controller credentials. */
export const CONTROLLER_MANAGER_USER = 'system:kube-controller-manager';

/**
 * Which object each built-in controller creates, and for which owner kind (kube-controller-manager
 * with `--use-service-account-credentials`, the default of kubeadm and the managed offerings).
 */
const CONTROLLER_CREATES: Readonly<Record<string, readonly (readonly [child: WorkloadKind, owner: WorkloadKind])[]>> = {
  'replicaset-controller': [['Pod', 'ReplicaSet']],
  'replication-controller': [['Pod', 'ReplicationController']],
  'statefulset-controller': [['Pod', 'StatefulSet']],
  'daemon-set-controller': [['Pod', 'DaemonSet']],
  'job-controller': [['Pod', 'Job']],
  'deployment-controller': [['ReplicaSet', 'Deployment']],
  'cronjob-controller': [['Job', 'CronJob']],
};
const ALL_PAIRS = Object.values(CONTROLLER_CREATES).flat();

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The owner of an object a built-in controller is writing for it, or undefined. Recognised by who
 * sends the request (`userInfo.username`, set by the apiserver's authenticator), never by the
 * ownerReference alone: any user may write an ownerReference. The controller must be the one that
 * makes this kind for that owner kind (the ReplicaSet controller makes Pods owned by ReplicaSets).
 */
export function builtInControllerOwner(request: AdmissionRequest, kind: WorkloadKind, object: KubeObject | undefined): OwnerReference | undefined {
  const user = request.userInfo.username;
  const pairs = user === CONTROLLER_MANAGER_USER ? ALL_PAIRS : user.startsWith(SYSTEM_SERVICE_ACCOUNT) ? CONTROLLER_CREATES[user.slice(SYSTEM_SERVICE_ACCOUNT.length)] : undefined;
  if (!pairs) return undefined;
  const owner = ownerReferences(object).find((r) => r.controller);
  if (!owner) return undefined;
  const fits = pairs.some(([child, ownerKind]) => child === kind && owner.kind === ownerKind && groupOf(owner.apiVersion) === WORKLOAD_GROUPS[ownerKind]);
  return fits ? owner : undefined;
}

// ---------------------------------------------------------------------------------------------
// Waivers

function breakGlassAnnotation(kind: WorkloadKind, object: KubeObject | undefined, settings: EnforcementSettings, request: AdmissionRequest): string {
  if (!object) return '';
  const r = evaluateBreakGlass(request, kind, object, settings.prefix, settings.breakGlass);
  return r.requested ? `${r.key}=${r.ticket}` : '';
}

/** Whether an UPDATE leaves the images and the break-glass annotation as they were. */
function unchangedUpdate(ctx: PolicyContext, settings: EnforcementSettings): boolean {
  const req = ctx.request;
  if (req.operation !== 'UPDATE' || !req.oldObject) return false;
  if (imageSignature(ctx.podSpec) !== imageSignature(podSpecOf(ctx.kind, req.oldObject))) return false;
  return breakGlassAnnotation(ctx.kind, ctx.object, settings, req) === breakGlassAnnotation(ctx.kind, req.oldObject, settings, req);
}

/** Why this request's verdicts may only be audited, or undefined when they apply. */
export function waiverOf(ctx: PolicyContext, settings: EnforcementSettings): RequestWaiver | undefined {
  const deletion = getPath(ctx.object, ['metadata', 'deletionTimestamp']);
  if (typeof deletion === 'string' && deletion.length > 0) return { reason: 'deleting', detail: `the object is being deleted (deletionTimestamp ${deletion})` };
  const owner = builtInControllerOwner(ctx.request, ctx.kind, ctx.object);
  if (owner) {
    return { reason: 'controller-created', detail: `written by ${ctx.request.userInfo.username} for ${owner.kind} ${owner.name}, which was evaluated at its own admission` };
  }
  if (unchangedUpdate(ctx, settings)) return { reason: 'unchanged', detail: 'the update changes neither images nor the break-glass annotation' };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The decision

function subjectOf(ctx: PolicyContext): string {
  const ns = ctx.request.namespace;
  return `${ctx.kind} ${ns ? `${ns}/` : ''}${ctx.name || '(unnamed)'}`;
}

function waived(v: Verdict, reason: Waiver): Verdict {
  return { ...v, effect: 'audit', originalEffect: v.effect, waived: reason };
}

function resultOf(decision: VerdictDecision, bypassed: boolean): DecisionResult {
  if (!decision.allowed) return 'denied';
  if (bypassed) return 'bypassed';
  if (decision.counts.warn > 0) return 'warned';
  return decision.counts.deny + decision.counts.warn + decision.counts.audit > 0 ? 'audited' : 'allowed';
}

/** The validating decision for one request. */
export function enforce(ctx: PolicyContext, set: PolicySet, settings: EnforcementSettings, now: Date): PolicyDecision {
  return runSync(enforcementSlices(ctx, set, settings, now));
}

/** enforce(), in slices (src/contracts/slices.ts): the webhook runs it with runSliced. */
export function* enforcementSlices(ctx: PolicyContext, set: PolicySet, settings: EnforcementSettings, now: Date): Slices<PolicyDecision> {
  const waiver = waiverOf(ctx, settings);
  const breakGlass: BreakGlassResult = settings.ignoreBreakGlass ? { requested: false } : evaluateBreakGlass(ctx.request, ctx.kind, ctx.object, settings.prefix, settings.breakGlass);
  const glass = !waiver && breakGlass.requested && breakGlass.honoured;
  const collected = new VerdictCollector(settings.maxVerdicts ?? DEFAULT_MAX_VERDICTS);
  const exceptionCounter = new ExceptionUseCounter();
  // Denials before waivers: what an honoured break-glass admitted despite them.
  let rawDenials = 0;
  yield* verdictSlices(set.policies, ctx, now, (raw) => {
    if (raw.effect === 'deny') rawDenials++;
    let v = raw;
    if (waiver) {
      if (raw.effect !== 'audit') v = waived(raw, waiver.reason);
    } else if (glass && raw.effect === 'deny') v = waived(raw, 'break-glass');
    exceptionCounter.add(v);
    collected.add(v);
  });
  const bypassed = glass && rawDenials > 0;
  const subject = subjectOf(ctx);
  const decisionOptions = { breakGlassAnnotation: `${settings.prefix}/break-glass`, subject, ...(settings.maxListed !== undefined ? { maxListed: settings.maxListed } : {}) };
  const base = decideCollected(collected, decisionOptions);
  const exceptions = exceptionCounter.uses();
  const decision: PolicyDecision = { ...base, result: 'allowed', policySet: set.hash, breakGlass, bypassed, exceptions };
  if (waiver) decision.waiver = waiver;

  const audit = decision.auditAnnotations;
  audit['policy-set'] = set.hash;
  if (waiver) audit.waived = waiver.reason;
  if (breakGlass.requested) {
    audit['break-glass'] = breakGlass.ticket.slice(0, 1024);
    audit['break-glass-result'] = waiver ? `not-needed: ${waiver.reason}` : breakGlass.honoured ? (bypassed ? 'honoured' : 'honoured-unused') : `refused: ${breakGlass.reason}`;
  }
  if (exceptions.length > 0) {
    audit.exceptions = JSON.stringify(exceptions.slice(0, 20).map((e) => ({ policy: e.policy, exception: e.name ?? String(e.index), ticket: e.ticket.slice(0, 256), status: e.status })));
  }

  // A refused break-glass denies, whether or not anything else would: every break-glass annotation
  // that persists on an object was judged when it was set, which is what lets the objects made from
  // it (and later updates that leave it alone) inherit it (docs/enforcement.md "Break-glass").
  if (!waiver && breakGlass.requested && !breakGlass.honoured) {
    decision.allowed = false;
    audit['policy-decision'] = 'deny';
    const rest = base.message ? ` It would also be ${base.message}` : ` Remove the ${breakGlass.key} annotation: nothing in this object needs it.`;
    decision.message = `break-glass refused (${subject}): ${breakGlass.reason}.${rest}`;
  }
  if (bypassed && breakGlass.requested) {
    decision.warnings = [`aibom: break-glass ${breakGlass.ticket} admitted this despite ${rawDenials} policy denial(s); recorded for audit`, ...decision.warnings];
  }
  for (const e of exceptions) {
    if (e.status !== 'expired' || waiver) continue;
    decision.warnings.push(`aibom: policy ${e.policy} exception ${e.name ?? `#${e.index}`} (${e.ticket}) expired at ${e.expires ?? '?'}`);
  }
  decision.result = resultOf(decision, bypassed);
  return decision;
}

/**
 * Mutating path: whether to label the object `<prefix>/bypassed=true`. Only when an authorised
 * break-glass is what admits it: the policies would deny it without one (waivers aside), and the
 * annotation is honoured for the requester — or inherited: copied by a built-in controller from the
 * owner it judged, or left unchanged by an UPDATE (both were judged when set; a refusal denies).
 * The break-glass behind the label, or undefined when there is none to write.
 */
export function bypassOf(ctx: PolicyContext, set: PolicySet, settings: EnforcementSettings, now: Date): Bypass | undefined {
  return runSync(bypassSlices(ctx, set, settings, now));
}

/** bypassOf(), in slices; it stops at the first denial. */
export function* bypassSlices(ctx: PolicyContext, set: PolicySet, settings: EnforcementSettings, now: Date): Slices<Bypass | undefined> {
  if (settings.ignoreBreakGlass) return undefined;
  const bg = evaluateBreakGlass(ctx.request, ctx.kind, ctx.object, settings.prefix, settings.breakGlass);
  if (!bg.requested) return undefined;
  let authorised = bg.honoured;
  if (!bg.honoured && bg.refusal === 'user') {
    const req = ctx.request;
    const inheritedFromOwner = builtInControllerOwner(req, ctx.kind, ctx.object) !== undefined;
    const keptByUpdate =
      req.operation === 'UPDATE' && req.oldObject !== undefined &&
      breakGlassAnnotation(ctx.kind, req.oldObject, settings, req) === breakGlassAnnotation(ctx.kind, ctx.object, settings, req);
    authorised = inheritedFromOwner || keptByUpdate;
  }
  if (!authorised) return undefined;
  let denied = false;
  const evaluation = verdictSlices(set.policies, ctx, now, (v) => {
    if (v.effect === 'deny') denied = true;
  });
  for (let step = evaluation.next(); !step.done && !denied; step = evaluation.next()) yield;
  return denied ? { ticket: bg.ticket, result: bg.honoured ? 'honoured' : 'inherited' } : undefined;
}

/** The policy ports of `admit()` for both endpoints, over a (possibly changing) policy set. */
export interface EnforcementPorts {
  evaluatePolicy: (ctx: PolicyContext) => PolicyDecision;
  bypass: (ctx: PolicyContext) => Bypass | undefined;
  /** The same decisions in slices, giving the event loop a turn between them (the webhook). */
  evaluatePolicyInSlices: (ctx: PolicyContext, slice: Slicer) => Promise<PolicyDecision>;
  bypassInSlices: (ctx: PolicyContext, slice: Slicer) => Promise<Bypass | undefined>;
}

export function enforcementDependencies(options: { policies: () => PolicySet; settings: EnforcementSettings; clock: () => Date }): EnforcementPorts {
  const { policies, settings, clock } = options;
  return {
    evaluatePolicy: (ctx) => enforce(ctx, policies(), settings, clock()),
    bypass: (ctx) => bypassOf(ctx, policies(), settings, clock()),
    evaluatePolicyInSlices: (ctx, slice) => runSliced(enforcementSlices(ctx, policies(), settings, clock()), slice),
    bypassInSlices: (ctx, slice) => runSliced(bypassSlices(ctx, policies(), settings, clock()), slice),
  };
}
