// WorkloadEvaluation → AIWorkloadReport (docs/inventory.md "The report"). Deterministic: the same
// evaluation gives the same object, lists sorted, sizes capped; statusHash() covers everything but the
// time, so the controller writes a report only when what it says changed.
import { createHash } from 'node:crypto';
import { classifyImage } from '../classify/index.js';
import type { FoundBom, ImageResult } from '../contracts/lookup.js';
import type { Signer } from '../contracts/trust.js';
import type { Verdict } from '../contracts/policy.js';
import {
  emptyPolicySummary, REPORT_API_VERSION, REPORT_KIND, type AIWorkloadReport, type AIWorkloadReportStatus, type PolicyResultValue, type ReportBom,
  type ReportBomRef, type ReportDataset, type ReportFinding, type ReportImage, type ReportModel, type ReportPolicy, type ReportPolicyResult, type WorkloadRef,
} from '../contracts/workload-report.js';
import { canonicalJson, EMPTY_POLICY_SET } from '../policy/index.js';
import type { WorkloadEvaluation } from './evaluate.js';

/** Caps on one report's lists (an object stays far below etcd's 1.5 MiB request limit). */
export interface ReportLimits {
  models: number;
  datasets: number;
  boms: number;
  findings: number;
  results: number;
}

export const DEFAULT_REPORT_LIMITS: ReportLimits = { models: 500, datasets: 500, boms: 200, findings: 50, results: 100 };

export interface ReportOptions {
  /** Label prefix (`aibom.io`). */
  prefix: string;
  limits?: ReportLimits;
}

const MAX_NAME = 253;

/** The report's name: `<kind>-<workload name>`, shortened with a hash when over 253 characters. */
export function reportName(ref: Pick<WorkloadRef, 'kind' | 'name'>): string {
  const name = `${ref.kind.toLowerCase()}-${ref.name}`;
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  return `${name.slice(0, MAX_NAME - 11).replace(/[-.]+$/, '')}-${hash}`;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function bomRef(b: FoundBom): ReportBomRef {
  return { digest: b.digest, source: b.source, trust: b.trust };
}

function signerText(s: Signer): string {
  return s.key ?? s.subject ?? s.fingerprint;
}

function identity(purl: string | undefined, name: string, version: string | undefined): string {
  return purl ? `purl:${purl.toLowerCase()}` : `nv:${name.toLowerCase()}@${version ?? ''}`;
}

function addRef(list: ReportBomRef[], ref: ReportBomRef): void {
  if (!list.some((r) => r.digest === ref.digest)) list.push(ref);
}

function addImage(list: string[], image: string): void {
  if (!list.includes(image)) list.push(image);
}

/** Each model once (by purl, else name@version), with every image and BOM that carries it. */
function modelsOf(results: readonly ImageResult[]): ReportModel[] {
  const byKey = new Map<string, ReportModel>();
  for (const r of results) {
    for (const b of r.findings.boms) {
      for (const m of b.inventory.models) {
        const key = identity(m.purl, m.name, m.version);
        let entry = byKey.get(key);
        if (!entry) {
          const source: ReportModel['source'] = {};
          if (m.purl) source.purl = m.purl;
          if (m.supplier) source.supplier = m.supplier;
          if (m.downloadLocation) source.downloadLocation = m.downloadLocation;
          entry = { name: m.group && !m.name.startsWith(`${m.group}/`) ? `${m.group}/${m.name}` : m.name, source, hasModelCard: m.hasModelCard === true, images: [], boms: [] };
          if (m.version) entry.version = m.version;
          if (m.purl) entry.purl = m.purl;
          if (m.license) entry.license = m.license;
          if (m.format) entry.format = m.format;
          if (m.task) entry.task = m.task;
          if (m.hashes.length > 0) entry.hashes = m.hashes.map((h) => ({ alg: h.alg, content: h.content }));
          byKey.set(key, entry);
        }
        addImage(entry.images, r.image);
        addRef(entry.boms, bomRef(b));
      }
    }
  }
  return sortEntries([...byKey.values()]);
}

function datasetsOf(results: readonly ImageResult[]): ReportDataset[] {
  const byKey = new Map<string, ReportDataset>();
  for (const r of results) {
    for (const b of r.findings.boms) {
      for (const d of b.inventory.datasets) {
        const key = identity(d.purl, d.name, d.version);
        let entry = byKey.get(key);
        if (!entry) {
          entry = { name: d.name, images: [], boms: [] };
          if (d.version) entry.version = d.version;
          if (d.purl) entry.purl = d.purl;
          if (d.license) entry.license = d.license;
          byKey.set(key, entry);
        }
        addImage(entry.images, r.image);
        addRef(entry.boms, bomRef(b));
      }
    }
  }
  return sortEntries([...byKey.values()]);
}

function sortEntries<T extends { name: string; version?: string; purl?: string; images: string[]; boms: ReportBomRef[] }>(list: T[]): T[] {
  for (const e of list) {
    e.images.sort(cmp);
    e.boms.sort((a, b) => cmp(a.digest, b.digest));
  }
  return list.sort((a, b) => cmp(a.name, b.name) || cmp(a.version ?? '', b.version ?? '') || cmp(a.purl ?? '', b.purl ?? ''));
}

function bomsOf(results: readonly ImageResult[]): ReportBom[] {
  const out: ReportBom[] = [];
  for (const r of results) {
    for (const b of [...r.findings.boms, ...(r.findings.invalidBoms ?? [])]) {
      const entry: ReportBom = { ...bomRef(b), image: r.image, mediaType: b.mediaType, format: b.inventory.format };
      if (b.inventory.specVersion) entry.specVersion = b.inventory.specVersion;
      if (b.inventory.created) entry.created = b.inventory.created;
      if (b.signers && b.signers.length > 0) entry.signers = b.signers.map(signerText);
      if (b.trustReason) entry.trustReason = b.trustReason;
      out.push(entry);
    }
  }
  return out.sort((a, b) => cmp(a.image, b.image) || cmp(a.digest, b.digest));
}

function findingsOf(results: readonly ImageResult[]): ReportFinding[] {
  const out: ReportFinding[] = [];
  const seen = new Set<string>();
  for (const r of results) {
    for (const b of r.findings.boms) {
      for (const f of b.inventory.findings) {
        const key = `${b.digest}\n${f.code}\n${f.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ code: f.code, severity: f.severity, message: f.message, bom: b.digest });
      }
    }
  }
  const rank = { error: 0, warning: 1, info: 2 } as const;
  return out.sort((a, b) => rank[a.severity] - rank[b.severity] || cmp(a.bom, b.bom) || cmp(a.code, b.code) || cmp(a.message, b.message));
}

/** In the workload's image order (containers, init containers, ephemeral containers, image volumes). */
function imagesOf(results: readonly ImageResult[]): ReportImage[] {
  return results.map((r) => {
    const img: ReportImage = { image: r.image, containers: r.uses.map((u) => u.container), lookup: r.findings.status, outcome: classifyImage(r.findings) };
    if (r.findings.digest) img.digest = r.findings.digest;
    return img;
  });
}

/**
 * A verdict as a PolicyReport result: a violation fails, a warning warns, a finding an exception
 * exempted is skipped, and a `limits` verdict (part of the workload was not checked) is an error.
 */
export function verdictResult(v: Verdict): PolicyResultValue {
  if (v.exception) return 'skip';
  if (v.rule === 'limits') return 'error';
  return v.severity === 'violation' ? 'fail' : 'warn';
}

function policyOf(evaluation: WorkloadEvaluation, cap: number): ReportPolicy {
  const decision = evaluation.decision;
  const summary = emptyPolicySummary();
  const results: ReportPolicyResult[] = [];
  const withVerdicts = new Set<string>();
  for (const v of decision?.verdicts ?? []) {
    withVerdicts.add(v.policy);
    const r: ReportPolicyResult = { policy: v.policy, rule: v.rule, result: verdictResult(v), message: v.message, source: 'aibom', effect: v.effect, mode: v.mode, fix: v.fix };
    if (v.container) r.container = v.container;
    if (v.image) r.image = v.image;
    if (v.model) r.model = v.model;
    results.push(r);
  }
  // A matching policy with no verdict passed; when verdicts were left out, nobody can tell which.
  if (!decision?.omittedVerdicts) {
    for (const p of evaluation.matchedPolicies) {
      if (!withVerdicts.has(p)) results.push({ policy: p, result: 'pass', message: 'no rule of the policy found anything', source: 'aibom' });
    }
  }
  for (const r of results) summary[r.result]++;
  const order: Record<PolicyResultValue, number> = { fail: 0, error: 1, warn: 2, skip: 3, pass: 4 };
  results.sort((a, b) => order[a.result] - order[b.result] || cmp(a.policy, b.policy) || cmp(a.rule ?? '', b.rule ?? '') || cmp(a.container ?? '', b.container ?? '') || cmp(a.model ?? '', b.model ?? '') || cmp(a.message, b.message));
  const policy: ReportPolicy = { policySet: decision?.policySet ?? EMPTY_POLICY_SET.hash, outcome: decision?.outcome ?? 'pass', summary, results: results.slice(0, cap) };
  const omitted = (decision?.omittedVerdicts ?? 0) + Math.max(0, results.length - cap);
  if (omitted > 0) policy.omittedResults = omitted;
  return policy;
}

/** sha256 of the status's canonical JSON without `lastChecked` and `statusHash`. */
export function statusHash(status: Omit<AIWorkloadReportStatus, 'statusHash' | 'lastChecked'> & { lastChecked?: string; statusHash?: string }): string {
  const { lastChecked: _time, statusHash: _hash, ...rest } = status;
  return `sha256:${createHash('sha256').update(canonicalJson(rest)).digest('hex')}`;
}

function capped<T>(list: T[], max: number, key: string, omitted: Record<string, number>): T[] {
  if (list.length <= max) return list;
  omitted[key] = list.length - max;
  return list.slice(0, max);
}

/** The report for one evaluated workload; undefined when admission would not review it (skipped). */
export function buildReport(evaluation: WorkloadEvaluation, options: ReportOptions): AIWorkloadReport | undefined {
  const c = evaluation.classification;
  if (evaluation.skipped || !c) return undefined;
  const limits = options.limits ?? DEFAULT_REPORT_LIMITS;
  const { ref, results } = evaluation;
  const omitted: Record<string, number> = {};
  const models = modelsOf(results);
  const datasets = datasetsOf(results);
  const names = models.map((m) => (m.version ? `${m.name}@${m.version}` : m.name)).join(',');
  const body: Omit<AIWorkloadReportStatus, 'statusHash' | 'lastChecked'> = {
    aiBearing: c.aiBearing,
    evidence: c.evidence,
    counts: { images: results.length, models: models.length, datasets: datasets.length },
    modelNames: names.length <= 120 ? names : `${names.slice(0, 117)}...`,
    images: imagesOf(results),
    models: capped(models, limits.models, 'models', omitted),
    datasets: capped(datasets, limits.datasets, 'datasets', omitted),
    boms: capped(bomsOf(results), limits.boms, 'boms', omitted),
    findings: capped(findingsOf(results), limits.findings, 'findings', omitted),
    policy: policyOf(evaluation, limits.results),
  };
  if (c.aiKind) body.aiKind = c.aiKind;
  if (c.heuristics.length > 0) body.heuristics = [...c.heuristics];
  if (evaluation.limits && evaluation.limits.length > 0) body.limits = evaluation.limits.map((l) => l.limit);
  if (Object.keys(omitted).length > 0) body.omitted = omitted;
  const status: AIWorkloadReportStatus = { ...body, lastChecked: evaluation.at.toISOString(), statusHash: statusHash(body) };
  // Only labels that never change for the workload: with the status subresource a status write
  // cannot touch metadata, and a second write per change is what statusHash exists to avoid. Select
  // on the status with the CRD's selectableFields (`--field-selector status.aiBearing=true`).
  const labels: Record<string, string> = { [`${options.prefix}/workload-kind`]: ref.kind };
  if (ref.name.length <= 63 && LABEL_VALUE.test(ref.name)) labels[`${options.prefix}/workload-name`] = ref.name;
  return {
    apiVersion: REPORT_API_VERSION,
    kind: REPORT_KIND,
    metadata: {
      name: reportName(ref),
      namespace: ref.namespace,
      labels,
      // The garbage collector deletes the report with its workload.
      ownerReferences: [{ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, controller: true }],
    },
    spec: { workload: { ...ref } },
    status,
  };
}
