// The inventory controller (docs/inventory.md): list+watch every pod-owning kind in all namespaces and
// the reports themselves; each top-level workload (no controller ownerReference of a kind we handle:
// a ReplicaSet's Pods are covered by the Deployment above it) is evaluated exactly as admission would
// (evaluate.ts) and gets one AIWorkloadReport, owned by it. A report is written only when its
// statusHash changes: a restart, a resync or a re-list that changes nothing writes nothing, because
// the reports are watched too and compared before any write.
import { setMaxListeners } from 'node:events';
import type { AIWorkloadReport } from '../contracts/workload-report.js';
import { handledController, podSpecOf, POD_WORKLOAD_KINDS, type PodWorkloadKind, type WorkloadKind } from '../contracts/workload.js';
import { createReport, deleteReport, getReport, objectKey, readSummary, Reflector, REPORTS, workloadCollection, writeReportStatus, writeSummary, WriteError, type KubeApi, type KubeObject, type ReflectorLog } from '../k8s/index.js';
import { canonicalJson } from '../policy/index.js';
import { BadWorkloadError, type WorkloadEvaluation } from './evaluate.js';
import { buildReport, reportName, type ReportOptions } from './report.js';
import { summarizeReports } from './summary.js';

export interface ControllerOptions {
  api: KubeApi;
  evaluate: (kind: WorkloadKind, object: KubeObject) => Promise<WorkloadEvaluation>;
  report: ReportOptions;
  /** Every workload is re-evaluated this often (BOMs attached later, expired negative cache). */
  resyncMs: number;
  /** Workloads evaluated at once. */
  concurrency: number;
  /** The summary is rewritten at most this often, and only when a count changed. */
  summaryIntervalMs: number;
  log: ReflectorLog;
  clock: () => Date;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** Kinds watched (default all of WORKLOAD_KINDS). */
  kinds?: readonly PodWorkloadKind[];
}

export interface ControllerStats {
  evaluations: number;
  unchanged: number;
  created: number;
  statusWrites: number;
  deleted: number;
  skipped: number;
  errors: number;
  summaryWrites: number;
}

interface Work {
  kind: WorkloadKind;
  key: string;
  force: boolean;
}

const metaOf = (o: KubeObject): Record<string, unknown> => (typeof o.metadata === 'object' && o.metadata !== null ? (o.metadata as Record<string, unknown>) : {});

const KEPT_METADATA = ['name', 'namespace', 'uid', 'resourceVersion', 'generateName', 'ownerReferences', 'annotations', 'labels', 'deletionTimestamp'];

/**
 * What the controller keeps of a workload: what evaluation and ownership read (metadata without
 * managedFields, the pod template or the Pod's spec), never `status`.
 */
export function keptOfWorkload(kind: WorkloadKind, o: KubeObject): KubeObject {
  const m = metaOf(o);
  const metadata: Record<string, unknown> = {};
  for (const k of KEPT_METADATA) if (m[k] !== undefined) metadata[k] = m[k];
  const spec = o.spec as Record<string, unknown> | undefined;
  let keptSpec: unknown = spec;
  if (kind === 'CronJob') keptSpec = { jobTemplate: (spec?.jobTemplate as Record<string, unknown> | undefined) };
  else if (kind !== 'Pod') keptSpec = { template: spec?.template };
  return { apiVersion: o.apiVersion, kind: o.kind, metadata, spec: keptSpec };
}

/** What evaluation depends on: the pod spec, annotations (heuristics, break-glass) and identity. */
function fingerprint(kind: WorkloadKind, o: KubeObject): string {
  const m = metaOf(o);
  return JSON.stringify([m.uid, m.namespace, podSpecOf(kind, o) ?? null, m.annotations ?? null]);
}

export class InventoryController {
  readonly stats: ControllerStats = { evaluations: 0, unchanged: 0, created: 0, statusWrites: 0, deleted: 0, skipped: 0, errors: 0, summaryWrites: 0 };
  private readonly workloads = new Map<WorkloadKind, Reflector>();
  private readonly reports: Reflector;
  private readonly queue = new Map<string, Work>();
  private readonly busy = new Set<string>();
  private readonly evaluated = new Map<string, string>();
  private wakers: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private lastSummary = '';
  private summaryDue = false;

  constructor(private readonly o: ControllerOptions) {
    for (const kind of o.kinds ?? POD_WORKLOAD_KINDS) {
      const c = workloadCollection(kind);
      this.workloads.set(kind, new Reflector({
        api: o.api, path: c.path, kind: c.kind, apiVersion: c.apiVersion, log: o.log, sleep: o.sleep,
        transform: (object) => keptOfWorkload(kind, object),
        onEvent: (type, object) => this.onWorkload(kind, type, object),
      }));
    }
    this.reports = new Reflector({
      api: o.api, path: REPORTS.path, kind: REPORTS.kind, apiVersion: REPORTS.apiVersion, log: o.log, sleep: o.sleep,
      onEvent: (type, object) => this.onReport(type, object),
    });
  }

  /** Runs until the signal aborts (the leader's term). */
  async run(signal: AbortSignal): Promise<void> {
    // One listener per reflector, worker and sleep: more than Node's default warning threshold.
    setMaxListeners(64, signal);
    const loops = [this.reports, ...this.workloads.values()].map((r) => r.run(signal));
    // Reports first, so the first evaluations compare with what is stored instead of rewriting it.
    while (!signal.aborted && ![this.reports, ...this.workloads.values()].every((r) => r.hasSynced)) await this.o.sleep(50, signal);
    this.o.log.info({ kinds: [...this.workloads.keys()], reports: this.reports.store.size }, 'inventory: caches synced');
    const synced = Date.now();
    this.enqueueAll(false);
    void this.whenIdle().then(() => {
      if (!signal.aborted) this.o.log.info({ ms: Date.now() - synced, workloads: this.evaluated.size, ...this.stats, requests: { ...this.o.api.requests } }, 'inventory: initial pass done');
    });
    signal.addEventListener('abort', () => this.wakeAll(), { once: true });
    const workers = Array.from({ length: Math.max(1, this.o.concurrency) }, () => this.worker(signal));
    const resync = this.resyncLoop(signal);
    const summary = this.summaryLoop(signal);
    await Promise.all([...loops, ...workers, resync, summary]);
  }

  /** Resolves when the queue is empty and nothing is being evaluated. */
  whenIdle(): Promise<void> {
    if (this.queue.size === 0 && this.busy.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  get reportCount(): number {
    return this.reports.store.size;
  }

  private onWorkload(kind: WorkloadKind, type: string, object: KubeObject): void {
    const key = objectKey(object);
    if (!key) return;
    if (type === 'DELETED') {
      // The garbage collector deletes the report (its ownerReference); nothing to write.
      this.evaluated.delete(`${kind}/${key}`);
      this.summaryDue = true;
      return;
    }
    if (handledController(object)) return;
    this.enqueue({ kind, key, force: false });
  }

  private onReport(type: string, object: KubeObject): void {
    this.summaryDue = true;
    if (type !== 'DELETED') return;
    // A report deleted while its workload lives (by hand, or a stale one we replaced): write it again.
    const w = (object.spec as { workload?: { kind?: string; namespace?: string; name?: string } } | undefined)?.workload;
    const kind = w?.kind as WorkloadKind | undefined;
    if (!kind || !this.workloads.has(kind) || !w?.namespace || !w.name) return;
    const key = `${w.namespace}/${w.name}`;
    if (this.workloads.get(kind)!.store.has(key)) this.enqueue({ kind, key, force: true });
  }

  private enqueue(work: Work): void {
    const id = `${work.kind}/${work.key}`;
    const queued = this.queue.get(id);
    this.queue.set(id, { ...work, force: work.force || (queued?.force ?? false) });
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const w of this.wakers.splice(0)) w();
  }

  private enqueueAll(force: boolean): void {
    for (const [kind, r] of this.workloads) for (const [key, o] of r.store) if (!handledController(o)) this.enqueue({ kind, key, force });
  }

  private async worker(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const next = [...this.queue.entries()].find(([id]) => !this.busy.has(id));
      if (!next) {
        if (this.busy.size === 0) for (const w of this.idleWaiters.splice(0)) w();
        if (signal.aborted) break;
        await new Promise<void>((resolve) => this.wakers.push(resolve));
        continue;
      }
      const [id, work] = next;
      this.queue.delete(id);
      this.busy.add(id);
      try {
        await this.reconcile(work);
      } catch (err) {
        this.stats.errors++;
        this.o.log.warn({ workload: id, err: (err as Error).message }, 'inventory: reconcile failed (retried at the next change or resync)');
      } finally {
        this.busy.delete(id);
      }
    }
  }

  private async reconcile(work: Work): Promise<void> {
    const id = `${work.kind}/${work.key}`;
    const object = this.workloads.get(work.kind)?.store.get(work.key);
    if (!object || handledController(object)) return;
    const print = fingerprint(work.kind, object);
    if (!work.force && this.evaluated.get(id) === print) return;
    let evaluation: WorkloadEvaluation;
    try {
      evaluation = await this.o.evaluate(work.kind, object);
    } catch (err) {
      if (!(err instanceof BadWorkloadError)) throw err;
      this.stats.skipped++;
      this.o.log.warn({ workload: id, reason: err.message }, 'inventory: skipped a workload');
      return;
    }
    this.stats.evaluations++;
    const report = buildReport(evaluation, this.o.report);
    const ns = evaluation.ref.namespace;
    const name = reportName(evaluation.ref);
    let stored = this.reports.store.get(`${ns}/${name}`) as AIWorkloadReport | undefined;
    if (!report) {
      this.evaluated.set(id, print);
      if (stored) {
        await deleteReport(this.o.api, ns, name);
        this.stats.deleted++;
      }
      return;
    }
    if (stored && stored.spec?.workload?.uid !== evaluation.ref.uid) {
      // A report of an earlier workload with the same name that the garbage collector has not removed yet.
      await deleteReport(this.o.api, ns, name);
      this.stats.deleted++;
      stored = undefined;
    }
    if (stored?.status?.statusHash === report.status!.statusHash) {
      this.stats.unchanged++;
      this.evaluated.set(id, print);
      return;
    }
    if (!stored) {
      try {
        stored = await createReport(this.o.api, report);
        this.stats.created++;
      } catch (err) {
        if (!(err instanceof WriteError && err.status === 409)) throw err;
        stored = await getReport(this.o.api, ns, name);
        if (!stored) throw err;
      }
    }
    let written: AIWorkloadReport;
    try {
      written = await writeReportStatus(this.o.api, stored, report.status!);
    } catch (err) {
      if (!(err instanceof WriteError && err.status === 409)) throw err;
      const latest = await getReport(this.o.api, ns, name);
      if (!latest) throw err;
      written = await writeReportStatus(this.o.api, latest, report.status!);
    }
    this.stats.statusWrites++;
    // Our own view at once (the watch event follows), so a quick second look compares with it.
    this.reports.store.set(`${ns}/${name}`, written as unknown as KubeObject);
    this.evaluated.set(id, print);
    this.summaryDue = true;
    this.o.log.info({ workload: id, report: `${ns}/${name}`, aiBearing: report.status!.aiBearing, models: report.status!.counts.models, policy: report.status!.policy.outcome }, 'inventory: report written');
  }

  private async resyncLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.o.sleep(this.o.resyncMs, signal);
      if (signal.aborted) return;
      this.o.log.debug({}, 'inventory: resync');
      this.enqueueAll(true);
    }
  }

  private async summaryLoop(signal: AbortSignal): Promise<void> {
    this.summaryDue = true;
    while (!signal.aborted) {
      await this.whenIdle();
      if (this.summaryDue && !signal.aborted) {
        this.summaryDue = false;
        try {
          await this.writeSummaryIfChanged();
        } catch (err) {
          this.summaryDue = true;
          this.o.log.warn({ err: (err as Error).message }, 'inventory: summary write failed');
        }
      }
      await this.o.sleep(this.o.summaryIntervalMs, signal);
    }
  }

  private async writeSummaryIfChanged(): Promise<void> {
    const summary = summarizeReports([...this.reports.store.values()] as unknown as AIWorkloadReport[], this.o.clock());
    const { lastUpdated: _t, ...counts } = summary;
    const text = canonicalJson(counts);
    if (!this.lastSummary) {
      // After a restart: what is stored may already say this.
      const stored = await readSummary(this.o.api);
      if (stored) {
        const { lastUpdated: _s, ...storedCounts } = stored;
        this.lastSummary = canonicalJson(storedCounts);
      }
    }
    if (text === this.lastSummary) return;
    await writeSummary(this.o.api, summary);
    this.lastSummary = text;
    this.stats.summaryWrites++;
  }
}

