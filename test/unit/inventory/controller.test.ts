// The inventory controller against an in-memory apiserver (test/support/fake-kube.ts): workloads that
// exist before it starts get reports, owned objects do not, a restart writes nothing, a change writes
// one status, a bad object is skipped, 410 Gone re-lists, failures back off and recover; the Lease lets
// one of two candidates lead and hands over on release. The real apiserver: test/e2e/inventory.test.ts.
import { expect } from 'chai';
import { admissionSettings } from '../../../src/config/index.js';
import { defaultConfig } from '../../../src/config/schema.js';
import { buildReport, InventoryController, keptOfWorkload, workloadEvaluator } from '../../../src/inventory/index.js';
import { abortableSleep, runWithLeaderElection, type ReflectorLog } from '../../../src/k8s/index.js';
import { EMPTY_POLICY_SET } from '../../../src/policy/index.js';
import { FakeKube } from '../../support/fake-kube.js';
import { IMAGES } from '../../support/images.js';
import { standardLookup } from '../../support/world.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const DEPLOYMENTS = 'apis/apps/v1/deployments';
const REPLICASETS = 'apis/apps/v1/replicasets';
const PODS = 'api/v1/pods';
const CRONJOBS = 'apis/batch/v1/cronjobs';
const REPORTS = 'apis/aibom.io/v1alpha1/aiworkloadreports';
const SUMMARIES = 'apis/aibom.io/v1alpha1/aiinventorysummaries';

const warnings: object[] = [];
const log: ReflectorLog = { debug: () => {}, info: () => {}, warn: (o, msg) => warnings.push({ ...o, msg }) };

function podSpec(image: string): Obj {
  return { containers: [{ name: 'main', image }] };
}

function deployment(name: string, image: string, namespace = 'ml'): Obj {
  return { metadata: { name, namespace }, spec: { template: { metadata: {}, spec: podSpec(image) } } };
}

async function eventually(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function controller(kube: FakeKube, over: { resyncMs?: number } = {}): InventoryController {
  const evaluate = workloadEvaluator({ lookup: standardLookup().lookup, settings: admissionSettings(defaultConfig()), policies: () => EMPTY_POLICY_SET, clock: () => new Date(), timeoutMs: 2000 });
  return new InventoryController({
    api: kube, evaluate, report: { prefix: 'aibom.io' }, log, clock: () => new Date(), sleep: abortableSleep,
    resyncMs: over.resyncMs ?? 3_600_000, concurrency: 3, summaryIntervalMs: 20,
  });
}

/** A cluster with a Deployment (its ReplicaSet and Pods), a bare Pod, a CronJob and two bad objects. */
function cluster(): FakeKube {
  const kube = new FakeKube();
  const d = kube.put(DEPLOYMENTS, deployment('granite', IMAGES.model));
  const rs = kube.put(REPLICASETS, { metadata: { name: 'granite-abc', namespace: 'ml', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'granite', uid: d.metadata.uid, controller: true }] }, spec: { template: { spec: podSpec(IMAGES.model) } } });
  for (const n of ['1', '2']) kube.put(PODS, { metadata: { name: `granite-abc-${n}`, namespace: 'ml', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'granite-abc', uid: rs.metadata.uid, controller: true }] }, spec: podSpec(IMAGES.model) });
  kube.put(PODS, { metadata: { name: 'web', namespace: 'default' }, spec: podSpec(IMAGES.plain) });
  kube.put(CRONJOBS, { metadata: { name: 'reindex', namespace: 'ml' }, spec: { jobTemplate: { spec: { template: { spec: podSpec(IMAGES.agent) } } } } });
  kube.put(DEPLOYMENTS, { metadata: { name: 'no-uid', namespace: 'ml', uid: '' }, spec: {} });
  kube.put(DEPLOYMENTS, { metadata: { namespace: 'ml' }, spec: {} });
  return kube;
}

function writes(kube: FakeKube): number {
  return (kube.requests.create ?? 0) + (kube.requests.update ?? 0) + (kube.requests.patch ?? 0) + (kube.requests.delete ?? 0);
}

describe('inventory/controller (in-memory apiserver)', function () {
  this.timeout(60_000);
  let stop: AbortController;
  let running: Promise<void>[];

  beforeEach(() => {
    stop = new AbortController();
    running = [];
    warnings.length = 0;
  });
  afterEach(async () => {
    stop.abort();
    await Promise.all(running);
  });

  function start(c: InventoryController, signal = stop.signal): InventoryController {
    running.push(c.run(signal));
    return c;
  }

  it('workloads that existed before it started get one report each, top-level only, owned by the workload; bad objects are skipped with a reason', async () => {
    const kube = cluster();
    const c = start(controller(kube));
    await eventually(() => kube.items(REPORTS).filter((r) => r.status).length === 3, 'three reports with a status');
    const reports = Object.fromEntries(kube.items(REPORTS).map((r) => [`${r.metadata.namespace}/${r.metadata.name}`, r]));
    expect(Object.keys(reports).sort()).to.deep.equal(['default/pod-web', 'ml/cronjob-reindex', 'ml/deployment-granite']);
    const d = kube.items(DEPLOYMENTS).find((x) => x.metadata.name === 'granite')!;
    expect(reports['ml/deployment-granite']!.metadata.ownerReferences).to.deep.equal([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'granite', uid: d.metadata.uid, controller: true }]);
    expect(reports['ml/deployment-granite']!.status).to.deep.include({ aiBearing: 'true', aiKind: 'model' });
    expect(reports['ml/cronjob-reindex']!.status.aiKind).to.equal('agent');
    expect(reports['default/pod-web']!.status.aiBearing).to.equal('false');
    // New report: create + status; nothing else was written apart from the summary.
    expect(c.stats).to.deep.include({ created: 3, statusWrites: 3, skipped: 1 });
    expect(warnings.some((w) => /without metadata.uid/.test(JSON.stringify(w)))).to.equal(true);
    expect(warnings.some((w) => /without metadata.name/.test(JSON.stringify(w)))).to.equal(true);
    await eventually(() => kube.items(SUMMARIES)[0]?.status?.workloads === 3, 'the summary');
    expect(kube.items(SUMMARIES)[0]!.status.aiBearing).to.deep.equal({ true: 2, false: 1, unknown: 0 });
  });

  it('a restart against the same cluster writes nothing; a changed image writes one status; a deleted workload loses its report', async () => {
    const kube = cluster();
    const first = new AbortController();
    const a = controller(kube);
    running.push(a.run(first.signal));
    await eventually(() => kube.items(REPORTS).filter((r) => r.status).length === 3 && kube.items(SUMMARIES).length === 1, 'first pass');
    await new Promise((r) => setTimeout(r, 100));
    first.abort();
    const before = writes(kube);
    const b = start(controller(kube));
    await eventually(() => b.stats.unchanged === 3, 'the second controller compares three reports');
    await new Promise((r) => setTimeout(r, 100));
    expect(writes(kube) - before, `writes after a restart: ${kube.log.slice(-20).join('\n')}`).to.equal(0);

    const d = kube.items(DEPLOYMENTS).find((x) => x.metadata.name === 'granite')!;
    d.spec.template.spec.containers[0].image = IMAGES.agent;
    kube.put(DEPLOYMENTS, d);
    await eventually(() => b.stats.statusWrites === 1, 'one status write');
    expect(b.stats.created).to.equal(0);
    expect(kube.items(REPORTS).find((r) => r.metadata.name === 'deployment-granite')!.status.aiKind).to.equal('agent');

    kube.remove(DEPLOYMENTS, 'ml', 'granite');
    await eventually(() => !kube.items(REPORTS).some((r) => r.metadata.name === 'deployment-granite'), 'the report goes with the workload');
    await eventually(() => kube.items(SUMMARIES)[0]?.status?.workloads === 2, 'the summary counts two');
  });

  it('410 Gone after a compaction re-lists and sees what changed meanwhile; a failing apiserver is retried with back-off', async () => {
    const kube = cluster();
    const c = start(controller(kube));
    await eventually(() => kube.items(REPORTS).filter((r) => r.status).length === 3, 'first pass');
    const listsBefore = kube.requests.list ?? 0;
    kube.failing = () => true;
    kube.endWatches();
    await new Promise((r) => setTimeout(r, 200));
    kube.put(DEPLOYMENTS, deployment('later', IMAGES.dataset));
    kube.compact();
    kube.failing = () => false;
    await eventually(() => kube.items(REPORTS).some((r) => r.metadata.name === 'deployment-later' && r.status), 'the report of a workload created while the watch was down', 10_000);
    expect(kube.requests.list ?? 0).to.be.greaterThan(listsBefore);
    expect(warnings.some((w) => /ECONNREFUSED/.test(JSON.stringify(w)))).to.equal(true);
    expect(c.stats.errors).to.equal(0);
  });

  it('a report deleted by hand while its workload lives is written again', async () => {
    const kube = cluster();
    start(controller(kube));
    await eventually(() => kube.items(REPORTS).filter((r) => r.status).length === 3, 'first pass');
    kube.remove(REPORTS, 'default', 'pod-web');
    await eventually(() => kube.items(REPORTS).some((r) => r.metadata.name === 'pod-web' && r.status), 'pod-web again');
  });

  it('the store keeps what evaluation reads (no managedFields, no status): the same report as from the full object', async () => {
    const full: Obj = {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'd', namespace: 'ml', uid: 'u', resourceVersion: '7', annotations: { a: 'b' }, managedFields: [{ manager: 'kubectl', fieldsV1: { big: 'x'.repeat(1000) } }] },
      spec: { replicas: 3, selector: { matchLabels: { app: 'd' } }, template: { metadata: { annotations: { t: 'u' } }, spec: podSpec(IMAGES.model) } },
      status: { replicas: 3, conditions: [{ type: 'Available' }] },
    };
    const kept = keptOfWorkload('Deployment', full);
    expect(kept).to.deep.equal({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ml', uid: 'u', resourceVersion: '7', annotations: { a: 'b' } }, spec: { template: full.spec.template } });
    const evaluate = workloadEvaluator({ lookup: standardLookup().lookup, settings: admissionSettings(defaultConfig()), policies: () => EMPTY_POLICY_SET, clock: () => new Date(0), timeoutMs: 2000 });
    const a = buildReport(await evaluate('Deployment', full), { prefix: 'aibom.io' })!;
    const b = buildReport(await evaluate('Deployment', kept), { prefix: 'aibom.io' })!;
    expect(b.status!.statusHash).to.equal(a.status!.statusHash);
    expect(keptOfWorkload('CronJob', { metadata: { name: 'c' }, spec: { schedule: 'x', jobTemplate: { spec: {} } } }).spec).to.deep.equal({ jobTemplate: { spec: {} } });
    expect(keptOfWorkload('Pod', { metadata: { name: 'p' }, spec: { nodeName: 'n' }, status: { phase: 'Pending' } })).to.not.have.property('status');
  });

  it('leader election: one of two candidates leads; when it stops, the other takes over', async () => {
    const kube = new FakeKube();
    const leading: string[] = [];
    const candidate = (identity: string, signal: AbortSignal): Promise<void> =>
      runWithLeaderElection({ api: kube, namespace: 'aibom-system', name: 'aibom-inventory', identity, durationSeconds: 5, renewDeadlineSeconds: 4, retrySeconds: 0.05, clock: () => new Date(), sleep: abortableSleep, log }, signal, async (term) => {
        leading.push(identity);
        await new Promise<void>((resolve) => term.addEventListener('abort', () => resolve(), { once: true }));
        leading.splice(leading.indexOf(identity), 1);
      });
    const stopA = new AbortController();
    running.push(candidate('a', stopA.signal));
    await eventually(() => leading.length === 1, 'a leads');
    running.push(candidate('b', stop.signal));
    await new Promise((r) => setTimeout(r, 300));
    expect(leading).to.deep.equal(['a']);
    stopA.abort();
    await eventually(() => leading.length === 1 && leading[0] === 'b', 'b takes over');
    const lease = kube.items('apis/coordination.k8s.io/v1/leases')[0]!;
    expect(lease.spec.holderIdentity).to.equal('b');
    expect(lease.spec.renewTime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });
});
