// The collections the inventory reads and the objects it writes, as API paths and typed requests.
import { REPORT_API_VERSION, REPORT_PLURAL, SUMMARY_KIND, SUMMARY_NAME, SUMMARY_PLURAL, type AIWorkloadReport, type AIWorkloadReportStatus, type InventorySummary } from '../contracts/workload-report.js';
import { WORKLOAD_GROUPS, type PodWorkloadKind } from '../contracts/workload.js';
import type { KubeApi } from './api.js';

export interface Collection {
  kind: string;
  apiVersion: string;
  /** All namespaces. */
  path: string;
}

const PLURAL: Record<PodWorkloadKind, string> = {
  Pod: 'pods', ReplicationController: 'replicationcontrollers', Deployment: 'deployments', ReplicaSet: 'replicasets',
  StatefulSet: 'statefulsets', DaemonSet: 'daemonsets', Job: 'jobs', CronJob: 'cronjobs',
};

export function workloadCollection(kind: PodWorkloadKind): Collection {
  const group = WORKLOAD_GROUPS[kind];
  const apiVersion = group ? `${group}/v1` : 'v1';
  return { kind, apiVersion, path: `${group ? `/apis/${group}` : '/api'}/v1/${PLURAL[kind]}` };
}

const base = `/apis/${REPORT_API_VERSION}`;
export const REPORTS: Collection = { kind: 'AIWorkloadReport', apiVersion: REPORT_API_VERSION, path: `${base}/${REPORT_PLURAL}` };

function reportPath(namespace: string, name?: string): string {
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${REPORT_PLURAL}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

export class WriteError extends Error {
  override name = 'WriteError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function reason(body: unknown): string {
  const b = body as { message?: string } | undefined;
  return typeof b?.message === 'string' ? b.message.slice(0, 300) : '';
}

/**
 * Creates a report. With the status subresource the apiserver drops `status` on create, so a new
 * report takes two writes (create, then status); a changed one takes one (writeReportStatus).
 * Answers the stored object; 409 (it exists) is a WriteError with status 409.
 */
export async function createReport(api: KubeApi, report: AIWorkloadReport): Promise<AIWorkloadReport> {
  const { status: _status, ...body } = report;
  const res = await api.request('POST', reportPath(report.metadata.namespace), body);
  if (res.status !== 201 && res.status !== 200) throw new WriteError(`create ${report.metadata.namespace}/${report.metadata.name}: ${res.status} ${reason(res.body)}`, res.status);
  return res.body as AIWorkloadReport;
}

/** Replaces the status of a stored report (optimistic: 409 when `stored` is not the latest version). */
export async function writeReportStatus(api: KubeApi, stored: AIWorkloadReport, status: AIWorkloadReportStatus): Promise<AIWorkloadReport> {
  const body = { apiVersion: stored.apiVersion, kind: stored.kind, metadata: stored.metadata, spec: stored.spec, status };
  const res = await api.request('PUT', `${reportPath(stored.metadata.namespace, stored.metadata.name)}/status`, body);
  if (res.status !== 200) throw new WriteError(`status of ${stored.metadata.namespace}/${stored.metadata.name}: ${res.status} ${reason(res.body)}`, res.status);
  return res.body as AIWorkloadReport;
}

export async function getReport(api: KubeApi, namespace: string, name: string): Promise<AIWorkloadReport | undefined> {
  const res = await api.request('GET', reportPath(namespace, name));
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new WriteError(`get ${namespace}/${name}: ${res.status} ${reason(res.body)}`, res.status);
  return res.body as AIWorkloadReport;
}

export async function deleteReport(api: KubeApi, namespace: string, name: string): Promise<void> {
  const res = await api.request('DELETE', reportPath(namespace, name));
  if (res.status !== 200 && res.status !== 202 && res.status !== 404) throw new WriteError(`delete ${namespace}/${name}: ${res.status} ${reason(res.body)}`, res.status);
}

/** Every report, all namespaces (paged), for `aibom inventory`. */
export async function listReports(api: KubeApi, namespace?: string): Promise<AIWorkloadReport[]> {
  const out: AIWorkloadReport[] = [];
  let cont = '';
  do {
    const q = new URLSearchParams({ limit: '500' });
    if (cont) q.set('continue', cont);
    const res = await api.request('GET', `${namespace ? reportPath(namespace) : REPORTS.path}?${q.toString()}`, undefined, { verb: 'list' });
    if (res.status !== 200) throw new WriteError(`list reports: ${res.status} ${reason(res.body)}`, res.status);
    const body = res.body as { items?: AIWorkloadReport[]; metadata?: { continue?: string } };
    out.push(...(body.items ?? []));
    cont = body.metadata?.continue ?? '';
  } while (cont);
  return out;
}

const summaryPath = `${base}/${SUMMARY_PLURAL}/${SUMMARY_NAME}`;

/** Writes the singleton's status (creating it first when absent). */
export async function writeSummary(api: KubeApi, status: InventorySummary): Promise<void> {
  let got = await api.request('GET', summaryPath);
  if (got.status === 404) {
    const created = await api.request('POST', `${base}/${SUMMARY_PLURAL}`, { apiVersion: REPORT_API_VERSION, kind: SUMMARY_KIND, metadata: { name: SUMMARY_NAME } });
    if (created.status !== 201 && created.status !== 409) throw new WriteError(`create summary: ${created.status} ${reason(created.body)}`, created.status);
    got = created.status === 201 ? created : await api.request('GET', summaryPath);
  }
  if (got.status !== 200 && got.status !== 201) throw new WriteError(`get summary: ${got.status} ${reason(got.body)}`, got.status);
  const stored = got.body as { metadata: Record<string, unknown> };
  const res = await api.request('PUT', `${summaryPath}/status`, { apiVersion: REPORT_API_VERSION, kind: SUMMARY_KIND, metadata: stored.metadata, status });
  if (res.status !== 200) throw new WriteError(`summary status: ${res.status} ${reason(res.body)}`, res.status);
}

export async function readSummary(api: KubeApi): Promise<InventorySummary | undefined> {
  const got = await api.request('GET', summaryPath);
  if (got.status === 404) return undefined;
  if (got.status !== 200) throw new WriteError(`get summary: ${got.status} ${reason(got.body)}`, got.status);
  return (got.body as { status?: InventorySummary }).status;
}

/** Every object of a collection (paged), typed with its kind; in one namespace when given. */
export async function listCollection(api: KubeApi, c: Collection, namespace?: string): Promise<Record<string, unknown>[]> {
  const path = namespace ? c.path.replace(/\/([a-z0-9]+)$/, `/namespaces/${encodeURIComponent(namespace)}/$1`) : c.path;
  const out: Record<string, unknown>[] = [];
  let cont = '';
  do {
    const q = new URLSearchParams({ limit: '500' });
    if (cont) q.set('continue', cont);
    const res = await api.request('GET', `${path}?${q.toString()}`, undefined, { verb: 'list' });
    if (res.status !== 200) throw new WriteError(`list ${path}: ${res.status} ${reason(res.body)}`, res.status);
    const body = res.body as { items?: Record<string, unknown>[]; metadata?: { continue?: string } };
    for (const item of body.items ?? []) out.push({ ...item, apiVersion: c.apiVersion, kind: c.kind });
    cont = body.metadata?.continue ?? '';
  } while (cont);
  return out;
}
