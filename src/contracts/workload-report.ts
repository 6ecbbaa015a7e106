// The inventory's objects in the cluster (docs/inventory.md): one namespaced `AIWorkloadReport`
// (aibom.io/v1alpha1) per top-level workload, written by the inventory controller and owned by the
// workload (the garbage collector removes it with it), and one cluster-scoped `AIInventorySummary`
// singleton with the counts. Field names follow the webhook's annotations (docs/labels-and-annotations.md);
// where they overlap they map onto StackRox's `AIWorkload` record and the `policy` block has the shape
// of a Kyverno / wgpolicyk8s.io PolicyReport (`summary` + `results`), which Policy Reporter reads.
import type { AiBearing, AiKind, Evidence, ImageOutcome } from './classification.js';
import type { BomFormat, FindingSeverity, Hash } from './inventory.js';
import type { BomSource, BomTrust, LookupStatus } from './lookup.js';
import type { Effect, PolicyMode } from './policy.js';
import type { WorkloadKind } from './workload.js';

export const REPORT_GROUP = 'aibom.io';
export const REPORT_VERSION = 'v1alpha1';
export const REPORT_API_VERSION = `${REPORT_GROUP}/${REPORT_VERSION}`;
export const REPORT_KIND = 'AIWorkloadReport';
export const REPORT_PLURAL = 'aiworkloadreports';
export const SUMMARY_KIND = 'AIInventorySummary';
export const SUMMARY_PLURAL = 'aiinventorysummaries';
/** The one AIInventorySummary object (cluster-scoped). */
export const SUMMARY_NAME = 'cluster';

/** The workload a report is about (spec.workload): enough to find it and to own the report. */
export interface WorkloadRef {
  apiVersion: string;
  kind: WorkloadKind;
  namespace: string;
  name: string;
  uid: string;
}

/** One image of the workload (StackRox: the deployment's images). */
export interface ReportImage {
  /** Normalised reference (the raw string when it does not parse). */
  image: string;
  /** Resolved manifest digest, when the lookup got that far. */
  digest?: string;
  /** Containers (or image volumes) that run it, in spec order. */
  containers: string[];
  /** What the lookup answered (closed set, as `aibom.io/lookup`). */
  lookup: LookupStatus;
  /** The image's classification. */
  outcome: ImageOutcome;
}

/** Where a model or dataset was described: which BOM, how it was found, whether it is trusted. */
export interface ReportBomRef {
  /** Digest of the BOM blob. */
  digest: string;
  /** How it was found (referrers, tag-fallback, cosign-sbom, …). */
  source: BomSource;
  trust: BomTrust;
}

export interface ReportBom extends ReportBomRef {
  image: string;
  mediaType: string;
  format: BomFormat;
  specVersion?: string;
  /** When the BOM says it was made. */
  created?: string;
  /** Who signed it (trust `verified`): key ids, identities or certificate subjects. */
  signers?: string[];
  /** Why it is `invalid` (its models do not count). */
  trustReason?: string;
}

/** A model's provenance as the BOM states it (StackRox `storage_uri` ≈ `downloadLocation`). */
export interface ReportSource {
  purl?: string;
  supplier?: string;
  downloadLocation?: string;
}

export interface ReportModel {
  name: string;
  version?: string;
  purl?: string;
  /** One SPDX licence expression (as `aibom.io/models`). */
  license?: string;
  /** Model file format (StackRox `model_format`). */
  format?: string;
  task?: string;
  source: ReportSource;
  hashes?: Hash[];
  hasModelCard: boolean;
  /** Images (normalised) that carry it, sorted. */
  images: string[];
  /** The BOMs that describe it, sorted by digest. */
  boms: ReportBomRef[];
}

export interface ReportDataset {
  name: string;
  version?: string;
  purl?: string;
  license?: string;
  images: string[];
  boms: ReportBomRef[];
}

/** A parser finding of a BOM (a cap reached, a field that did not parse). */
export interface ReportFinding {
  code: string;
  severity: FindingSeverity;
  message: string;
  /** Digest of the BOM it is about. */
  bom: string;
}

/** Kyverno / wgpolicyk8s.io PolicyReport result values. */
export const POLICY_RESULTS = ['pass', 'fail', 'warn', 'error', 'skip'] as const;
export type PolicyResultValue = (typeof POLICY_RESULTS)[number];

/** One policy result, PolicyReport-shaped (`policy`, `rule`, `result`, `message`, `source`, `properties`). */
export interface ReportPolicyResult {
  policy: string;
  /** The rule (`licenses`, `sources`, …); absent for a policy's `pass`. */
  rule?: string;
  result: PolicyResultValue;
  message: string;
  /** Always `aibom`. */
  source: 'aibom';
  /** What the admission webhook would do with it in the policy's mode. */
  effect?: Effect;
  mode?: PolicyMode;
  container?: string;
  image?: string;
  model?: string;
  /** How to fix it. */
  fix?: string;
}

export type PolicySummary = Record<PolicyResultValue, number>;

export interface ReportPolicy {
  /** `sha256:…` of the policy set evaluated. */
  policySet: string;
  /** The strictest effect at admission (`pass` when there is no verdict). */
  outcome: Effect | 'pass';
  summary: PolicySummary;
  results: ReportPolicyResult[];
  /** Results counted in the summary but not listed (over the cap). */
  omittedResults?: number;
}

export interface AIWorkloadReportStatus {
  aiBearing: AiBearing;
  /** StackRox `workload_type` is the nearest field: `agent > model > dataset`. */
  aiKind?: AiKind;
  evidence: Evidence;
  heuristics?: string[];
  /** For `kubectl get` columns: how many images, models, datasets (before any cap). */
  counts: { images: number; models: number; datasets: number };
  /** For `kubectl get`: the models' `name@version`, comma-separated, shortened to 120 characters. */
  modelNames: string;
  images: ReportImage[];
  models: ReportModel[];
  datasets: ReportDataset[];
  boms: ReportBom[];
  findings: ReportFinding[];
  policy: ReportPolicy;
  /** The evaluation was cut short by a cap (`limits.*`): a partial view. */
  limits?: string[];
  /** Entries left out of a list to keep the object small (`models`, `boms`, `findings`, …): how many. */
  omitted?: Record<string, number>;
  /** When this status was evaluated (RFC 3339). An unchanged re-evaluation writes nothing. */
  lastChecked: string;
  /** statusHash() of this status: the controller writes only when it changes. */
  statusHash: string;
}

export interface AIWorkloadReport {
  apiVersion: typeof REPORT_API_VERSION;
  kind: typeof REPORT_KIND;
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
    resourceVersion?: string;
    uid?: string;
    creationTimestamp?: string;
  };
  spec: { workload: WorkloadRef };
  status?: AIWorkloadReportStatus;
}

/** The counts of the cluster's inventory (AIInventorySummary status; `aibom inventory` totals). */
export interface InventorySummary {
  workloads: number;
  aiBearing: Record<AiBearing, number>;
  /** Workloads per kind. */
  kinds: Partial<Record<WorkloadKind, number>>;
  /** AI-bearing workloads per namespace. */
  namespaces: Record<string, number>;
  /** Distinct models (by purl, else name@version) and datasets, distinct image digests. */
  models: number;
  datasets: number;
  images: number;
  /** Workloads whose policy summary has a `fail`, a `warn`; result totals over all reports. */
  workloadsFailing: number;
  workloadsWarned: number;
  policy: PolicySummary;
  /** Models per licence expression (`NOASSERTION` when none is stated). */
  licenses: Record<string, number>;
  lastUpdated: string;
}

export interface AIInventorySummary {
  apiVersion: typeof REPORT_API_VERSION;
  kind: typeof SUMMARY_KIND;
  metadata: { name: typeof SUMMARY_NAME; resourceVersion?: string };
  status?: InventorySummary;
}

export function emptyPolicySummary(): PolicySummary {
  return { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
}
