// The audit record: one JSON object per admission decision, written as one log line
// (docs/policy.md "Audit log"). Pure: built from the request, the core's outcome (which carries the
// policy decision and any bypass) and numbers the edge measured. Never a secret: userInfo keeps username, uid and groups; `extra` (which can carry
// credential ids and tokens) is reduced to its key names; no object body, no annotations other than
// the break-glass ticket, no lookup detail text (it can quote registry error bodies).
import { truncate } from '../contracts/json-guards.js';
import { describeSigner } from '../contracts/trust.js';
import type { AdmissionOutcome, Endpoint } from '../admission/index.js';
import type { AdmissionRequest } from '../contracts/admission-review.js';
import { imageModels, modelLabel } from '../contracts/model-identity.js';
import type { DecisionResult } from '../contracts/policy.js';

export const AUDIT_RECORD_VERSION = 1;

export interface AuditImage {
  image: string;
  digest?: string;
  status: string;
  containers: string[];
  models: string[];
  /** Each BOM's trust (docs/trust.md); present when the image has BOMs. */
  boms?: AuditBom[];
  /** SLSA provenance: builder, source repository, trust. */
  provenance?: { builder?: string; sourceRepository?: string; trust: string }[];
}

export interface AuditBom {
  digest: string;
  source: string;
  trust: string;
  /** Who signed it (verified). */
  signer?: string;
  /** Why it is invalid, or why its signatures could not be judged. */
  reason?: string;
}

export interface AuditVerdict {
  policy: string;
  rule: string;
  effect: string;
  reason: string;
  container?: string;
  model?: string;
  exception?: string;
  waived?: string;
}

export interface AuditRecord {
  audit: typeof AUDIT_RECORD_VERSION;
  /** ISO time of the decision. */
  time: string;
  webhook: Endpoint;
  uid: string;
  dryRun: boolean;
  user: { username: string; uid?: string; groups: string[]; extraKeys?: string[] };
  object: { kind: string; namespace: string; name: string; operation: string; subResource?: string };
  /** `allowed | denied | warned | audited | bypassed` (validate), `labelled | bypassed` (mutate), `skipped`. */
  verdict: DecisionResult | 'labelled' | 'skipped';
  /** The strictest verdict's policy and rule, when there is one. */
  policy?: string;
  rule?: string;
  message?: string;
  aiBearing?: string;
  aiKind?: string;
  images: AuditImage[];
  models: string[];
  verdicts: AuditVerdict[];
  breakGlass?: { ticket: string; result: string };
  exceptions?: { policy: string; exception: string; ticket: string; status: string }[];
  waived?: string;
  policySet?: string;
  durationMs: number;
}

export interface AuditInput {
  webhook: Endpoint;
  request: AdmissionRequest;
  outcome: AdmissionOutcome;
  durationMs: number;
  now: Date;
  /** The active policy set's hash, for decisions made without the engine (mutate). */
  policySet?: string;
}

const MAX_TEXT = 2048;
const MAX_LIST = 100;
/** Request- and registry-derived names (uid, user, object, image, container, model): docs/limits.md "Logs". */
const MAX_FIELD = 256;

function clip(text: string, max = MAX_TEXT): string {
  return truncate(text, max);
}

/** A record field: every string a requester or a BOM can choose is bounded. */
function field(text: string): string {
  return clip(text, MAX_FIELD);
}

/** One image of the record: its lookup status, containers, models, BOMs with their trust, provenance. */
function auditImage(r: AdmissionOutcome['results'][number]): AuditImage {
  const img: AuditImage = {
    image: field(r.image),
    status: r.findings.status,
    containers: r.uses.slice(0, MAX_LIST).map((u) => field(u.container)),
    models: [...new Set([...imageModels(r.findings), ...(r.specModels ?? []).map((x) => x.model)].map(modelLabel))].slice(0, MAX_LIST).map(field),
  };
  if (r.findings.digest) img.digest = r.findings.digest;
  const boms = [...r.findings.boms, ...(r.findings.invalidBoms ?? [])].slice(0, MAX_LIST).map((b) => {
    const entry: AuditBom = { digest: b.digest, source: b.source, trust: b.trust };
    if (b.signers?.[0]) entry.signer = describeSigner(b.signers[0]);
    if (b.trustReason) entry.reason = clip(b.trustReason, 512);
    return entry;
  });
  if (boms.length > 0) img.boms = boms;
  if (r.findings.provenance?.length) {
    img.provenance = r.findings.provenance.slice(0, MAX_LIST).map((p) => {
      const entry: { builder?: string; sourceRepository?: string; trust: string } = { trust: p.trust };
      if (p.builder) entry.builder = clip(p.builder, 512);
      if (p.sourceRepository) entry.sourceRepository = clip(p.sourceRepository, 512);
      return entry;
    });
  }
  return img;
}

export function auditRecord(input: AuditInput): AuditRecord {
  const { request: req, outcome } = input;
  const user: AuditRecord['user'] = { username: field(req.userInfo.username), groups: req.userInfo.groups.slice(0, MAX_LIST).map(field) };
  if (req.userInfo.uid) user.uid = field(req.userInfo.uid);
  const extraKeys = Object.keys(req.userInfo.extra ?? {}).sort();
  if (extraKeys.length > 0) user.extraKeys = extraKeys.slice(0, MAX_LIST).map(field);

  const object: AuditRecord['object'] = { kind: field(req.kind.kind), namespace: field(req.namespace), name: field(outcome.name ?? req.name), operation: req.operation };
  if (req.subResource) object.subResource = field(req.subResource);

  const images: AuditImage[] = outcome.results.slice(0, MAX_LIST).map(auditImage);
  const models = [...new Set(images.flatMap((i) => i.models))].sort().slice(0, MAX_LIST);

  const record: AuditRecord = {
    audit: AUDIT_RECORD_VERSION,
    time: input.now.toISOString(),
    webhook: input.webhook,
    uid: field(req.uid),
    dryRun: req.dryRun,
    user,
    object,
    verdict: outcome.skipped ? 'skipped' : input.webhook === 'mutate' ? (outcome.bypass ? 'bypassed' : 'labelled') : outcome.review.response.allowed ? 'allowed' : 'denied',
    images,
    models,
    verdicts: [],
    durationMs: Math.round(input.durationMs * 10) / 10,
  };
  if (outcome.classification) {
    record.aiBearing = outcome.classification.aiBearing;
    if (outcome.classification.aiKind) record.aiKind = outcome.classification.aiKind;
  }
  const status = outcome.review.response.status;
  if (status && !outcome.review.response.allowed) record.message = clip(status.message);
  if (input.policySet) record.policySet = input.policySet;

  const decision = outcome.policy;
  if (decision) {
    record.verdict = decision.result;
    record.policySet = decision.policySet;
    record.verdicts = decision.verdicts.slice(0, MAX_LIST).map((v) => {
      const a: AuditVerdict = { policy: v.policy, rule: v.rule, effect: v.effect, reason: v.reason };
      if (v.container !== undefined) a.container = v.container;
      if (v.model !== undefined) a.model = v.model;
      if (v.exception) a.exception = clip(v.exception.ticket, 256);
      if (v.waived) a.waived = v.waived;
      return a;
    });
    const top = decision.verdicts.find((v) => v.originalEffect === 'deny') ?? decision.verdicts[0];
    if (top) {
      record.policy = top.policy;
      record.rule = top.rule;
    }
    const bg = decision.breakGlass;
    if (bg.requested) {
      record.breakGlass = { ticket: clip(bg.ticket, 1024), result: decision.waiver ? `not-needed: ${decision.waiver.reason}` : bg.honoured ? (decision.bypassed ? 'honoured' : 'honoured-unused') : `refused: ${bg.reason}` };
    }
    if (decision.exceptions.length > 0) {
      record.exceptions = decision.exceptions.slice(0, MAX_LIST).map((e) => ({ policy: e.policy, exception: e.name ?? String(e.index), ticket: clip(e.ticket, 256), status: e.status }));
    }
    if (decision.waiver) record.waived = decision.waiver.reason;
  } else if (outcome.bypass) {
    // Honoured for this user, or inherited (controller-made from a judged owner, kept by an update).
    record.breakGlass = { ticket: clip(outcome.bypass.ticket, 1024), result: outcome.bypass.result };
  }
  return record;
}

/** Whether a decision gets an audit line: every reviewed validating request, and each bypass label. */
export function isAudited(webhook: Endpoint, outcome: AdmissionOutcome): boolean {
  if (outcome.skipped) return false;
  return webhook === 'validate' || outcome.bypass !== undefined;
}
