// What each design of docs/design/approaches.md costs in a real control plane (scripts/cluster:
// kube-apiserver v1.37.2, etcd, kube-controller-manager, our webhook registered from deploy/):
//   (A) AI metadata as labels + annotations on the workload, as our webhook writes them at admission;
//   (B) one AIWorkloadReport object per workload (bench/approaches/aiworkloadreport.crd.yaml), holding
//       what the annotations hold, owned by the workload;
//   (C) labels only on the workload + the report (what the design builds).
// Measured at N workloads (Deployments, replicas 0, one image with a model BOM), read from etcd itself
// (its v3 gateway: bench/lib/etcd-gateway.ts): bytes per object, writes per key, and the store's
// revision (one per write) around each kind of change:
//   - a label change on a Deployment's pod template (a rollout: new ReplicaSets and Pods counted),
//   - a label + annotation change on the Deployment's metadata only (what the webhook does on UPDATE),
//   - a report status update.
// Writes bench/results/approaches.json.
//   npm run bench:approaches [-- --workloads 2000 --changes 200 --rollout 100 --pods 100]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../scripts/cluster/cluster.js';
import { runBench, withBenchCluster } from './lib/bench-cluster.js';
import { pushImagesWithBom } from '../test/support/bom-images.js';
import { EtcdGateway, type EtcdKey } from './lib/etcd-gateway.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const N = flag('workloads', 2000);
const CHANGES = Math.min(N, flag('changes', 200));
const ROLLOUT = flag('rollout', 100);
const PODS = flag('pods', 100);
// The inventory's CRD (issue #16) when it is in deploy/crds/, else the bench's own of the same shape.
const INVENTORY_CRD = join(repoRoot, 'deploy/crds/aiworkloadreport.yaml');
const CRD = existsSync(INVENTORY_CRD) ? INVENTORY_CRD : join(repoRoot, 'bench/approaches/aiworkloadreport.crd.yaml');
const KCM_PACE = ['--kube-api-qps=400', '--kube-api-burst=800', '--concurrent-deployment-syncs=20', '--concurrent-replicaset-syncs=20'];
const REPORTS = existsSync(INVENTORY_CRD) ? 'aibom.io' : 'bench.aibom.io';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

function deployment(name: string, image: string, replicas: number, labels: Record<string, string> = {}, annotations: Record<string, string> = {}, template: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): Json {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, labels: { app: name, ...labels }, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: {
      replicas, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, ...template.labels }, ...(template.annotations ? { annotations: template.annotations } : {}) }, spec: { containers: [{ name: 'model', image }] } },
    },
  };
}

/**
 * What the webhook wrote, as an AIWorkloadReport status: the fields of the inventory's report contract
 * (src/contracts/workload-report.ts, issue #16), filled from the webhook's annotations.
 */
function reportStatus(labels: Record<string, string>, annotations: Record<string, string>, now: string): Json {
  const models = JSON.parse(annotations['aibom.io/models'] ?? '[]') as Json[];
  const boms = JSON.parse(annotations['aibom.io/boms'] ?? '[]') as Json[];
  const lookup = JSON.parse(annotations['aibom.io/lookup'] ?? '{}') as Record<string, string>;
  const bomRefs = boms.map((b) => ({ digest: b.bom, source: b.source, trust: b.trust }));
  return {
    aiBearing: labels['aibom.io/ai-bearing'], aiKind: labels['aibom.io/ai-kind'], evidence: labels['aibom.io/evidence'],
    counts: { images: Object.keys(lookup).length, models: models.length, datasets: 0 },
    modelNames: models.map((m) => (m.version ? `${m.name}@${m.version}` : m.name)).join(', '),
    images: Object.entries(lookup).map(([image, status]) => ({ image, digest: boms.find((b) => b.image === image)?.digest, containers: ['model'], lookup: status, outcome: labels['aibom.io/ai-kind'] ?? 'no-bom' })),
    models: models.map((m) => ({ name: m.name, version: m.version, purl: m.purl, license: m.license, format: m.format, task: m.task, source: { purl: m.purl, supplier: m.supplier }, hasModelCard: true, images: [m.image], boms: bomRefs })),
    datasets: [],
    boms: boms.map((b, i) => ({ ...bomRefs[i], image: b.image, mediaType: b.mediaType, format: 'cyclonedx' })),
    policy: { policySet: 'sha256:' + '0'.repeat(64), outcome: 'pass', summary: { pass: 1, fail: 0, warn: 0, error: 0, skip: 0 }, results: [] },
    lastChecked: now,
    statusHash: 'sha256:' + '1'.repeat(64),
  };
}

interface Stored { objects: number; bytes: number; meanBytes: number; meanVersion: number }
function stored(keys: EtcdKey[]): Stored {
  const bytes = keys.reduce((a, k) => a + k.valueBytes, 0);
  return { objects: keys.length, bytes, meanBytes: round(bytes / Math.max(1, keys.length)), meanVersion: round(keys.reduce((a, k) => a + k.version, 0) / Math.max(1, keys.length), 2) };
}

async function main(): Promise<void> {
  await withBenchCluster('approaches', async ({ stateDir, cluster, state, kubectl }) => {
    const etcdUrl = /--listen-client-urls=(\S+)/.exec(cluster.group.started.find((r) => r.name === 'etcd')?.command ?? '')?.[1];
    if (!etcdUrl) throw new Error('etcd client URL not found in the harness records');
    const etcd = new EtcdGateway(etcdUrl);
    // The harness's kube-controller-manager talks to the apiserver at client-go's default 20 requests/s:
    // thousands of Deployments then take many minutes to get their ReplicaSets. Restart it with the same
    // flags plus a higher client rate and more workers (only the pace changes, not what it writes).
    const kcm = cluster.group.started.find((r) => r.name === 'kube-controller-manager');
    if (!kcm) throw new Error('kube-controller-manager not found in the harness records');
    const [kcmBin, ...kcmArgs] = kcm.command.split(' ');
    await cluster.group.stop('kube-controller-manager');
    cluster.group.start('kube-controller-manager', kcmBin!, [...kcmArgs, ...KCM_PACE], { detached: false });
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: readFileSync(state.pki.ca.cert), cert: readFileSync(state.pki.admin.cert), key: readFileSync(state.pki.admin.key) });
    const api = (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ ms: number; json: Json }> => new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = request(`${state.apiserver}${path}`, { method, agent, headers: { 'content-type': contentType } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          const ms = performance.now() - t0;
          if ((res.statusCode ?? 500) >= 300) return reject(new Error(`${method} ${path}: HTTP ${res.statusCode} ${text.slice(0, 300)}`));
          resolve({ ms, json: JSON.parse(text) as Json });
        });
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
    const merge = 'application/merge-patch+json';

    console.log('bench: one image with a model BOM on the docker-registry (tag fallback)');
    const bom = readFileSync(join(repoRoot, 'examples/boms/model.cdx.json'));
    const [img] = await pushImagesWithBom(`http://${state.fallbackRegistry}`, 'bench/approaches', 1, bom, { seed: String(Date.now()) });
    const image = img!.reference(state.fallbackRegistry);

    const ours = parseAllDocuments(await kubectl(['kustomize', join(stateDir, 'deploy')])).map((d) => d.toJS() as Json).filter((d) => String(d.kind).endsWith('WebhookConfiguration'));
    const register = async (on: boolean): Promise<void> => {
      if (on) await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: ours }));
      else await kubectl(['delete', 'mutatingwebhookconfiguration,validatingwebhookconfiguration', 'aibom-webhook', '--ignore-not-found']);
      await sleep(1500); // the apiserver's webhook informer picks the change up
    };
    await kubectl(['apply', '-f', CRD]);
    await kubectl(['wait', '--for=condition=Established', `crd/aiworkloadreports.${REPORTS}`, '--timeout=60s']);
    for (const ns of ['a-webhook', 'plain', 'labels', 'rollout', 'pods-plain', 'pods-webhook']) await kubectl(['create', 'namespace', ns]);

    const latencies: Record<string, number[]> = {};
    const timed = async (name: string, fn: () => Promise<{ ms: number }>): Promise<Json> => {
      const r = await fn();
      (latencies[name] ??= []).push(r.ms);
      return r;
    };
    const waitForReplicaSets = async (ns: string, count: number): Promise<void> => {
      for (let i = 0; i < 900; i++) {
        if ((await etcd.keys(`/registry/replicasets/${ns}/`, { keysOnly: true })).length >= count) return;
        await sleep(1000);
      }
      throw new Error(`${ns}: fewer than ${count} ReplicaSets after 15 min`);
    };

    // (A) through the webhook: Deployments created plain, labelled and annotated at admission.
    await register(true);
    console.log(`bench: ${N} Deployments through the webhook (a-webhook)`);
    for (let i = 0; i < N; i++) await timed('create-deployment-webhook', () => api('POST', '/apis/apps/v1/namespaces/a-webhook/deployments', deployment(`w-${i}`, image, 0)));
    for (let i = 0; i < PODS; i++) await timed('create-pod-webhook', () => api('POST', '/api/v1/namespaces/pods-webhook/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}` }, spec: { containers: [{ name: 'model', image }] } }));
    await waitForReplicaSets('a-webhook', N);
    const sample = (await api('GET', '/apis/apps/v1/namespaces/a-webhook/deployments/w-0')).json;
    const owned = (o: Record<string, string> = {}): Record<string, string> => Object.fromEntries(Object.entries(o).filter(([k]) => k.startsWith('aibom.io/')));
    const written = { labels: owned(sample.metadata.labels), annotations: owned(sample.metadata.annotations), templateLabels: owned(sample.spec.template.metadata.labels), templateAnnotations: owned(sample.spec.template.metadata.annotations) };
    if (written.labels['aibom.io/ai-bearing'] !== 'true') throw new Error(`the webhook did not label the Deployment: ${JSON.stringify(sample.metadata)}`);
    await register(false);

    // Without the webhook: plain Deployments (the baseline, and B's workloads), and labels only (C's workloads).
    console.log(`bench: ${N} plain Deployments, ${N} with labels only, ${N} AIWorkloadReports`);
    const uids: string[] = [];
    for (let i = 0; i < N; i++) uids.push((await timed('create-deployment-plain', () => api('POST', '/apis/apps/v1/namespaces/plain/deployments', deployment(`w-${i}`, image, 0)))).json.metadata.uid);
    for (let i = 0; i < N; i++) await timed('create-deployment-labels', () => api('POST', '/apis/apps/v1/namespaces/labels/deployments', deployment(`w-${i}`, image, 0, written.labels, {}, { labels: written.templateLabels })));
    for (let i = 0; i < PODS; i++) await timed('create-pod-plain', () => api('POST', '/api/v1/namespaces/pods-plain/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `p-${i}` }, spec: { containers: [{ name: 'model', image }] } }));
    // (B) a report per workload, as a controller writes it: create (spec), then the status subresource.
    const reportsPath = `/apis/${REPORTS}/v1alpha1/namespaces/plain/aiworkloadreports`;
    for (let i = 0; i < N; i++) {
      const now = new Date().toISOString();
      const t0 = performance.now();
      await api('POST', reportsPath, {
        apiVersion: `${REPORTS}/v1alpha1`, kind: 'AIWorkloadReport',
        metadata: { name: `deployment-w-${i}`, labels: written.labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: `w-${i}`, uid: uids[i], controller: true, blockOwnerDeletion: false }] },
        spec: { workload: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'plain', name: `w-${i}`, uid: uids[i] } },
      });
      await api('PATCH', `${reportsPath}/deployment-w-${i}/status`, { status: reportStatus(written.labels, written.annotations, now) }, merge);
      (latencies['write-report-create+status'] ??= []).push(performance.now() - t0);
    }
    await waitForReplicaSets('plain', N);
    await waitForReplicaSets('labels', N);
    await sleep(3000);

    // Storage, read from etcd.
    const prefixes: Record<string, string> = {
      'deployment-plain': '/registry/deployments/plain/', 'deployment-labels': '/registry/deployments/labels/', 'deployment-webhook': '/registry/deployments/a-webhook/',
      'replicaset-plain': '/registry/replicasets/plain/', 'replicaset-labels': '/registry/replicasets/labels/', 'replicaset-webhook': '/registry/replicasets/a-webhook/',
      'pod-plain': '/registry/pods/pods-plain/', 'pod-webhook': '/registry/pods/pods-webhook/',
      report: `/registry/${REPORTS}/aiworkloadreports/plain/`,
    };
    const storage: Record<string, Stored> = {};
    for (const [name, prefix] of Object.entries(prefixes)) storage[name] = stored(await etcd.keys(prefix));
    const d = (a: string, b: string): number => round(storage[a]!.meanBytes - storage[b]!.meanBytes);
    const perWorkload = {
      aLabelsAndAnnotations: { deployment: d('deployment-webhook', 'deployment-plain'), replicaSet: d('replicaset-webhook', 'replicaset-plain'), perPod: d('pod-webhook', 'pod-plain') },
      cLabelsOnly: { deployment: d('deployment-labels', 'deployment-plain'), replicaSet: d('replicaset-labels', 'replicaset-plain') },
      bReport: { report: storage.report!.meanBytes },
    };

    // Writes per change, from the store's revision (idle drift subtracted).
    const settle = async (): Promise<void> => {
      let last = await etcd.revision();
      let quietSince = Date.now();
      const until = Date.now() + 20_000;
      while (Date.now() < until && Date.now() - quietSince < 2500) {
        await sleep(250);
        const r = await etcd.revision();
        if (r !== last) [last, quietSince] = [r, Date.now()];
      }
    };
    await settle();
    const idle0 = await etcd.revision();
    const idleT0 = Date.now();
    await sleep(10_000);
    const driftPerSecond = ((await etcd.revision()) - idle0) / ((Date.now() - idleT0) / 1000);
    const change = async (name: string, count: number, ns: string, fn: (i: number) => Promise<unknown>): Promise<Json> => {
      await settle();
      const r0 = await etcd.revision();
      const t0 = Date.now();
      for (let i = 0; i < count; i++) await fn(i);
      await settle();
      const seconds = (Date.now() - t0) / 1000;
      const writes = (await etcd.revision()) - r0 - driftPerSecond * seconds;
      const touched = await etcd.keys('/registry/', { keysOnly: true, minModRevision: r0 + 1 });
      const byResource: Record<string, number> = {};
      for (const k of touched) {
        const resource = k.key.split('/')[2] === REPORTS ? 'aiworkloadreports' : k.key.split('/')[2]!;
        byResource[resource] = (byResource[resource] ?? 0) + 1;
      }
      const created = (prefix: string): number => touched.filter((k) => k.key.startsWith(prefix) && k.createRevision > r0).length;
      const row = { change: name, count, writesPerChange: round(writes / count, 2), keysTouchedPerChange: Object.fromEntries(Object.entries(byResource).map(([k, v]) => [k, round(v / count, 2)])), newReplicaSets: created(`/registry/replicasets/${ns}/`), newPods: created(`/registry/pods/${ns}/`), seconds: round(seconds) };
      console.log(`bench: ${name}: ${row.writesPerChange} writes per change, ${row.newReplicaSets} new ReplicaSets, ${row.newPods} new Pods`);
      return row;
    };
    console.log(`bench: ${ROLLOUT} Deployments with 1 replica (rollout)`);
    for (let i = 0; i < ROLLOUT; i++) await api('POST', '/apis/apps/v1/namespaces/rollout/deployments', deployment(`r-${i}`, image, 1, written.labels, {}, { labels: written.templateLabels }));
    for (let i = 0; i < 240 && (await etcd.keys('/registry/pods/rollout/', { keysOnly: true })).length < ROLLOUT; i++) await sleep(500);
    const podsBefore = (await etcd.keys('/registry/pods/rollout/', { keysOnly: true })).length;
    const changes = [
      await change('A: a label on the pod template (replicas 1)', ROLLOUT, 'rollout', (i) => api('PATCH', `/apis/apps/v1/namespaces/rollout/deployments/r-${i}`, { spec: { template: { metadata: { labels: { 'aibom.io/ai-kind': 'agent' } } } } }, merge)),
      await change('A: a label on metadata only (replicas 1)', ROLLOUT, 'rollout', (i) => api('PATCH', `/apis/apps/v1/namespaces/rollout/deployments/r-${i}`, { metadata: { labels: { 'aibom.io/evidence': 'heuristic' } } }, merge)),
      await change('A: labels + annotations on metadata only (as the webhook relabels on UPDATE)', CHANGES, 'a-webhook', (i) => api('PATCH', `/apis/apps/v1/namespaces/a-webhook/deployments/w-${i}`, { metadata: { labels: { 'aibom.io/ai-kind': 'agent' }, annotations: { 'aibom.io/models': written.annotations['aibom.io/models']!.replace('"name":"', '"name":"v2-') } } }, merge)),
      await change('B: a report status update', CHANGES, 'plain', (i) => api('PATCH', `${reportsPath}/deployment-w-${i}/status`, { status: { lastChecked: new Date().toISOString(), aiKind: 'agent' } }, merge)),
    ];
    const lat = Object.fromEntries(Object.entries(latencies).map(([k, v]) => [k, { n: v.length, p50Ms: round(quantile(v, 0.5), 2), p99Ms: round(quantile(v, 0.99), 2) }]));
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadAverage: loadavg().map((x) => round(x)) },
      setup: {
        workloads: N, changes: CHANGES, rollout: ROLLOUT, pods: PODS,
        kubernetes: `v1.37.2 (kube-apiserver, etcd v3.7.3 --unsafe-no-fsync, kube-controller-manager --controllers=* ${KCM_PACE.join(' ')})`,
        workload: 'Deployment, replicas 0, one container, one image with examples/boms/model.cdx.json on the Debian docker-registry',
        report: `${CRD.slice(repoRoot.length)} (${REPORTS}/v1alpha1, status subresource), status built from the webhook's annotations in the fields of src/contracts/workload-report.ts`,
        etcdRead: 'v3 gateway POST /v3/kv/range: value bytes as stored (protobuf for built-in kinds, JSON for custom resources)',
        driftWritesPerSecond: round(driftPerSecond, 2),
        rolloutPodsBefore: podsBefore,
      },
      written: { labelBytes: JSON.stringify(written.labels).length, annotationBytes: Object.entries(written.annotations).reduce((a, [k, v]) => a + k.length + v.length, 0), labels: written.labels, annotationKeys: Object.keys(written.annotations) },
      storage,
      perWorkload,
      changes,
      latency: lat,
    };
    console.log(JSON.stringify({ perWorkload, storage, changes, latency: lat }, null, 2));
    mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
    writeFileSync(join(repoRoot, 'bench/results/approaches.json'), JSON.stringify(results, null, 2) + '\n');
    console.log('wrote bench/results/approaches.json');
    agent.destroy();
  });
}

runBench(main);
