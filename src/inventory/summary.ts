// The cluster's counts from its reports: the AIInventorySummary status and `aibom inventory`'s totals.
import { emptyPolicySummary, POLICY_RESULTS, type AIWorkloadReport, type InventorySummary } from '../contracts/workload-report.js';

/** Counts over the reports that have a status (the others are not evaluated yet). */
export function summarizeReports(reports: readonly AIWorkloadReport[], now: Date): InventorySummary {
  const summary: InventorySummary = {
    workloads: 0,
    aiBearing: { true: 0, false: 0, unknown: 0 },
    kinds: {},
    namespaces: {},
    models: 0,
    datasets: 0,
    images: 0,
    workloadsFailing: 0,
    workloadsWarned: 0,
    policy: emptyPolicySummary(),
    licenses: {},
    lastUpdated: now.toISOString(),
  };
  const models = new Map<string, string>();
  const datasets = new Set<string>();
  const images = new Set<string>();
  for (const report of reports) {
    const status = report.status;
    if (!status) continue;
    const ref = report.spec.workload;
    summary.workloads++;
    summary.aiBearing[status.aiBearing]++;
    summary.kinds[ref.kind] = (summary.kinds[ref.kind] ?? 0) + 1;
    if (status.aiBearing === 'true') summary.namespaces[ref.namespace] = (summary.namespaces[ref.namespace] ?? 0) + 1;
    for (const m of status.models) models.set(m.purl ? `purl:${m.purl.toLowerCase()}` : `nv:${m.name.toLowerCase()}@${m.version ?? ''}`, m.license ?? 'NOASSERTION');
    for (const d of status.datasets) datasets.add(d.purl ? `purl:${d.purl.toLowerCase()}` : `nv:${d.name.toLowerCase()}@${d.version ?? ''}`);
    for (const i of status.images) images.add(i.digest ?? i.image);
    for (const r of POLICY_RESULTS) summary.policy[r] += status.policy.summary[r];
    if (status.policy.summary.fail > 0) summary.workloadsFailing++;
    if (status.policy.summary.warn > 0) summary.workloadsWarned++;
  }
  summary.models = models.size;
  summary.datasets = datasets.size;
  summary.images = images.size;
  for (const license of [...models.values()].sort()) summary.licenses[license] = (summary.licenses[license] ?? 0) + 1;
  return summary;
}
