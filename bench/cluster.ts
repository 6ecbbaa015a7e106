// The webhook's cost as the apiserver sees it. One run, one local cluster (scripts/cluster): N Pods
// created through the real kube-apiserver, one at a time on a keep-alive connection, with
//   (a) no webhook registered,
//   (b) a bare allow-all webhook (node:https, answers `allowed: true`) registered exactly as ours —
//       the same MutatingWebhookConfiguration and ValidatingWebhookConfiguration from deploy/ (rules,
//       selectors, timeouts, reinvocation), only clientConfig pointing at it,
//   (c) ours with a warm cache (every Pod names one image whose BOM is already cached),
//   (d) ours uncached (every Pod names a new image digest with a BOM on the Debian docker-registry:
//       referrers probe, tag fallback, manifest and BOM fetched per Pod).
// Reports p50/p99 create latency of each and the ratios (c−a)/(b−a) and (d−a); writes
// bench/results/cluster.json. Targets: (c−a) ≤ 1.5 × (b−a) at p50; (d) far inside the 5 s timeout.
//   npm run bench:cluster [-- --pods 200 --rounds 4 --warmup 10]   (builds dist/ first: the webhook runs compiled, with the Deployment's NODE_OPTIONS)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot, type ClusterState } from '../scripts/cluster/cluster.js';
import { runBench, withBenchCluster } from './lib/bench-cluster.js';
import { pushImagesWithBom } from '../test/support/bom-images.js';
import { startTestWebhook } from '../test/e2e/support/test-webhook.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const N = flag('pods', 200);
const WARMUP = flag('warmup', 10);
/** The scenarios run in this many rounds (a b c d, a b c d, …) of N/ROUNDS Pods: load on a shared machine drifts. */
const ROUNDS = flag('rounds', 4);

interface Row {
  scenario: string;
  pods: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
  labelled: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  await withBenchCluster('cluster', async ({ stateDir, state, kubectl }) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: readFileSync(state.pki.ca.cert), cert: readFileSync(state.pki.admin.cert), key: readFileSync(state.pki.admin.key) });
    const createPod = (ns: string, name: string, image: string): Promise<{ ms: number; labelled: boolean }> => new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = request(`${state.apiserver}/api/v1/namespaces/${ns}/pods`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          const ms = performance.now() - t0;
          if (res.statusCode !== 201) return reject(new Error(`create ${ns}/${name}: HTTP ${res.statusCode} ${text.slice(0, 300)}`));
          const labels = (JSON.parse(text) as { metadata: { labels?: Record<string, string> } }).metadata.labels ?? {};
          resolve({ ms, labelled: labels['aibom.io/ai-bearing'] === 'true' });
        });
      });
      req.on('error', reject);
      req.end(JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'model', image }] } }));
    });
    const samples = new Map<string, { times: number[]; labelled: number }>();
    let podSeq = 0;
    /** One block of a scenario: WARMUP unmeasured Pods, then `count` measured ones. */
    const block = async (name: string, count: number, images: (i: number) => string): Promise<void> => {
      const ns = `bench-${name.slice(0, 1)}`;
      if (!samples.has(name)) {
        await kubectl(['create', 'namespace', ns]);
        samples.set(name, { times: [], labelled: 0 });
      }
      const s = samples.get(name)!;
      for (let i = 0; i < WARMUP; i++) await createPod(ns, `p-${podSeq++}`, images(N + (podSeq % WARMUP)));
      for (let i = 0; i < count; i++) {
        const r = await createPod(ns, `p-${podSeq++}`, images(s.times.length));
        s.times.push(r.ms);
        if (r.labelled) s.labelled++;
      }
    };
    const row = (name: string): Row => {
      const { times, labelled } = samples.get(name)!;
      const sorted = [...times].sort((x, y) => x - y);
      return { scenario: name, pods: sorted.length, p50Ms: round(quantile(sorted, 0.5)), p99Ms: round(quantile(sorted, 0.99)), meanMs: round(sorted.reduce((a, x) => a + x, 0) / sorted.length), maxMs: round(sorted.at(-1)!), labelled };
    };

    console.log(`bench: pushing ${N + WARMUP + 1} images with BOMs to the docker-registry`);
    const bom = readFileSync(join(repoRoot, 'examples/boms/model.cdx.json'));
    const seed = String(Date.now());
    const [cached] = await pushImagesWithBom(`http://${state.fallbackRegistry}`, 'bench/cached', 1, bom, { seed });
    const uncached = await pushImagesWithBom(`http://${state.fallbackRegistry}`, 'bench/uncached', N + WARMUP, bom, { seed, concurrency: 8 });
    const plain = `${state.fallbackRegistry}/bench/none@sha256:${'0'.repeat(64)}`;

    // Our two webhook configurations as applied (deploy/ + components/local), to re-point and restore.
    const ours = parseAllDocuments(await kubectl(['kustomize', join(stateDir, 'deploy')])).map((d) => d.toJS() as { kind: string; webhooks?: Array<{ clientConfig: Record<string, unknown> }> }).filter((d) => d.kind.endsWith('WebhookConfiguration'));

    const bare = await startTestWebhook(state as ClusterState, 'bare-allow-all');
    const bareConfigs = ours.map((c) => ({ ...c, webhooks: c.webhooks!.map((w) => ({ ...w, clientConfig: { url: `${bare.url}/${c.kind.startsWith('Mutating') ? 'mutate' : 'validate'}`, caBundle: bare.caBundle } })) }));
    const register = async (items: unknown[] | undefined): Promise<void> => {
      if (items) await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
      else await kubectl(['delete', 'mutatingwebhookconfiguration,validatingwebhookconfiguration', 'aibom-webhook', '--ignore-not-found']);
      // The apiserver's webhook informer picks the change up within a moment.
      await new Promise((r) => setTimeout(r, 1500));
    };
    const cachedRef = cached!.reference(state.fallbackRegistry);
    const perRound = Math.ceil(N / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      const count = Math.min(perRound, N - round * perRound);
      console.log(`bench: round ${round + 1}/${ROUNDS} (${count} Pods per scenario)`);
      await register(undefined);
      await block('a-no-webhook', count, () => plain);
      await register(bareConfigs);
      await block('b-bare-webhook', count, () => plain);
      await register(ours);
      await block('c-ours-cached', count, () => cachedRef);
      await block('d-ours-uncached', count, (i) => uncached[i]!.reference(state.fallbackRegistry));
    }
    await bare.close();
    const rows = ['a-no-webhook', 'b-bare-webhook', 'c-ours-cached', 'd-ours-uncached'].map(row);
    for (const r of rows) console.log(`bench: ${r.scenario}: p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms (${r.labelled}/${r.pods} labelled ai-bearing=true)`);
    agent.destroy();

    // Our server's own time per call, from its decision log (`ms`): what of (c−a) is spent inside it.
    const decisions = readFileSync(state.logs.webhook!, 'utf8').split('\n').filter((l) => l.includes('"admission decided"')).map((l) => JSON.parse(l) as { webhook: string; namespace: string; ms: number });
    const serverMs = (ns: string, webhook: string): number => {
      const ms = decisions.filter((x) => x.namespace === ns && x.webhook === webhook).map((x) => x.ms).sort((x, y) => x - y);
      return ms.length ? round(quantile(ms, 0.5)) : NaN;
    };
    const inServer = { cached: { mutateP50Ms: serverMs('bench-c', 'mutate'), validateP50Ms: serverMs('bench-c', 'validate') }, uncached: { mutateP50Ms: serverMs('bench-d', 'mutate'), validateP50Ms: serverMs('bench-d', 'validate') } };
    console.log(`bench: inside our server (p50 of its decision log): cached mutate ${inServer.cached.mutateP50Ms} ms + validate ${inServer.cached.validateP50Ms} ms; uncached mutate ${inServer.uncached.mutateP50Ms} ms + validate ${inServer.uncached.validateP50Ms} ms`);
    const [a, b, c, d] = rows as [Row, Row, Row, Row];
    const ratio = (q: 'p50Ms' | 'p99Ms'): number => round((c[q] - a[q]) / (b[q] - a[q]));
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version },
      setup: { pods: N, rounds: ROUNDS, warmupPerBlock: WARMUP, client: 'one keep-alive HTTPS connection, sequential POST /api/v1/namespaces/<ns>/pods, admin client certificate', kubernetes: 'v1.37.2 (kube-apiserver, etcd v3.7.3 --unsafe-no-fsync, kube-controller-manager)', registry: 'Debian docker-registry 2.8 (tag fallback)', webhookConfigurations: 'deploy/ (mutate 5 s + validate 8 s, both on pods)' },
      rows,
      inServer,
      ratios: { cachedOverBareP50: ratio('p50Ms'), cachedOverBareP99: ratio('p99Ms'), uncachedAddedP50Ms: round(d.p50Ms - a.p50Ms), uncachedAddedP99Ms: round(d.p99Ms - a.p99Ms) },
      targets: [
        { name: '(c−a)/(b−a) at p50 ≤ 1.5', value: ratio('p50Ms'), pass: ratio('p50Ms') <= 1.5 },
        { name: '(d) p99 far inside the 5 s mutate timeout (≤ 1 s)', value: d.p99Ms, pass: d.p99Ms <= 1000 },
        { name: 'every Pod of (c) and (d) labelled', value: c.labelled + d.labelled, pass: c.labelled === c.pods && d.labelled === d.pods },
      ],
    };
    console.log('\n| scenario | pods | p50 ms | p99 ms | mean ms | max ms |\n|:--|--:|--:|--:|--:|--:|');
    for (const r of rows) console.log(`| ${r.scenario} | ${r.pods} | ${r.p50Ms} | ${r.p99Ms} | ${r.meanMs} | ${r.maxMs} |`);
    console.log(`\n(c−a)/(b−a): p50 ${results.ratios.cachedOverBareP50}, p99 ${results.ratios.cachedOverBareP99}; (d−a): p50 ${results.ratios.uncachedAddedP50Ms} ms, p99 ${results.ratios.uncachedAddedP99Ms} ms`);
    for (const t of results.targets) console.log(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.value}`);
    mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
    writeFileSync(join(repoRoot, 'bench/results/cluster.json'), JSON.stringify(results, null, 2) + '\n');
    console.log('wrote bench/results/cluster.json');
  });
}

runBench(main);
