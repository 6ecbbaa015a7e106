// The inventory controller at scale against the real apiserver (docs/inventory.md "Performance"): one
// local cluster (scripts/cluster), N workloads of mixed kinds (Deployments and StatefulSets with 0
// replicas, DaemonSets, CronJobs, bare Pods), 30 % naming an image with a BOM, over a few hundred
// distinct images on the Debian docker-registry (tag fallback). Then:
//   cold: the controller starts with empty caches and no reports → every report written;
//   warm: a second controller process starts over the same reports → every workload compared, none written;
//   idle: the warm controller's CPU over an idle window, and its RSS.
// Wall times come from the controller's own "initial pass done" log line (sync → queue drained).
//   node --import tsx bench/inventory.ts [-- --workloads 1000 --images 200 --idle-seconds 30]
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../scripts/cluster/cluster.js';
import { issue, writeKubeconfig } from '../scripts/cluster/pki.js';
import { runBench, withBenchCluster } from './lib/bench-cluster.js';
import { pushImagesWithBom } from '../test/support/bom-images.js';
import { pushTinyImage } from '../test/support/local-registry.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const N = flag('workloads', 1000);
const IMAGES = flag('images', 200);
const IDLE_S = flag('idle-seconds', 30);
const SA = 'system:serviceaccount:aibom-system:aibom-inventory';
const TICKS = 100; // USER_HZ

type Json = Record<string, unknown>;

function workload(i: number, ns: string, image: string): Json {
  const spec = { containers: [{ name: 'main', image }] };
  const meta = { name: `w-${i}`, namespace: ns, labels: { app: `w-${i}` } };
  const template = { metadata: { labels: { app: `w-${i}` } }, spec };
  switch (i % 5) {
    case 0: return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta, spec: { replicas: 0, selector: { matchLabels: { app: `w-${i}` } }, template } };
    case 1: return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta, spec: { replicas: 0, serviceName: `w-${i}`, selector: { matchLabels: { app: `w-${i}` } }, template } };
    case 2: return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta, spec: { selector: { matchLabels: { app: `w-${i}` } }, template } };
    case 3: return { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta, spec: { schedule: '0 0 1 1 *', jobTemplate: { spec: { template: { spec: { ...spec, restartPolicy: 'Never' } } } } } };
    default: return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec };
  }
}

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : 0;
}

interface Run {
  pid: number;
  pass: Promise<Json>;
  stop(): Promise<Json>;
}

function controller(kubeconfig: string, configFile: string, registry: string, identity: string): Run {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/aibom.js'), 'inventory-controller', '--kubeconfig', kubeconfig, '--config', configFile, '--insecure-registry', registry, '--identity', identity, '--lease-namespace', 'aibom-system', '--resync-seconds', '3600', '--concurrency', '8'],
    { cwd: repoRoot, env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=256 --max-semi-space-size=2', AIBOM_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let resolvePass!: (v: Json) => void;
  const pass = new Promise<Json>((r) => (resolvePass = r));
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    const line = err.split('\n').find((l) => l.includes('initial pass done'));
    if (line) resolvePass(JSON.parse(line) as Json);
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    pid: child.pid!,
    pass,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      return JSON.parse(/inventory controller stopped (.*)$/m.exec(out)?.[1] ?? '{}') as Json;
    },
  };
}

async function main(): Promise<void> {
  await withBenchCluster('inventory', async ({ stateDir, state, kubectl }) => {
    // Images: 30 % of them carry a model BOM (tag fallback on docker-registry), the rest none.
    const reg = state.fallbackRegistry;
    const bom = readFileSync(join(repoRoot, 'examples/boms/model.cdx.json'));
    const aiCount = Math.max(1, Math.round(IMAGES * 0.3));
    const ai = (await pushImagesWithBom(`http://${reg}`, 'bench/ai', aiCount, bom, { seed: `inv-${Date.now()}`, concurrency: 8 })).map((b) => b.reference(reg));
    const plain: string[] = [];
    for (let i = 0; i < IMAGES - aiCount; i++) plain.push(`${reg}/bench/plain@${(await pushTinyImage(`http://${reg}`, 'bench/plain', `p${i}`, `plain ${Date.now()} ${i}`)).digest}`);
    console.log(`bench: ${ai.length} images with a BOM, ${plain.length} without`);

    // Workloads in 10 namespaces, applied in chunks.
    const namespaces = Array.from({ length: 10 }, (_, i) => `bench-${i}`);
    for (const ns of namespaces) await kubectl(['create', 'namespace', ns]);
    const t0 = Date.now();
    const CHUNK = 200;
    for (let start = 0; start < N; start += CHUNK) {
      const items = [];
      for (let i = start; i < Math.min(N, start + CHUNK); i++) {
        const isAi = i % 10 < 3;
        items.push(workload(i, namespaces[i % namespaces.length]!, isAi ? ai[i % ai.length]! : plain[i % plain.length]!));
      }
      await kubectl(['apply', '--server-side', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    }
    console.log(`bench: ${N} workloads created in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    await kubectl(['apply', '-k', join(repoRoot, 'deploy/crds')]);
    await kubectl(['apply', '-f', join(repoRoot, 'deploy/inventory/rbac.yaml')]);
    await kubectl(['wait', '--for=condition=established', '--timeout=60s', 'crd/aiworkloadreports.aibom.io']);
    const dir = join(stateDir, 'inventory');
    mkdirSync(dir, { recursive: true });
    const cert = issue(state.pki.ca, dir, 'inventory', { cn: SA, groups: ['system:serviceaccounts'] });
    const kubeconfig = join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, state.apiserver, state.pki.ca.cert, cert, SA);

    const cold = controller(kubeconfig, state.webhook.configFile, reg, 'bench-cold');
    const coldPass = await cold.pass;
    const coldRss = rssMb(cold.pid);
    const coldStop = await cold.stop();
    console.log(`bench: cold pass ${JSON.stringify(coldPass)}`);

    const warm = controller(kubeconfig, state.webhook.configFile, reg, 'bench-warm');
    const warmPass = await warm.pass;
    await new Promise((r) => setTimeout(r, 5000));
    const ticks0 = cpuTicks(warm.pid);
    const tIdle = Date.now();
    await new Promise((r) => setTimeout(r, IDLE_S * 1000));
    const idleMillicores = Math.round(((cpuTicks(warm.pid) - ticks0) / TICKS / ((Date.now() - tIdle) / 1000)) * 1000 * 10) / 10;
    const warmRss = rssMb(warm.pid);
    const warmStop = await warm.stop();
    const reports = Number((await kubectl(['get', 'aiworkloadreports', '-A', '--no-headers'])).trim().split('\n').filter(Boolean).length);
    const result = {
      when: new Date().toISOString(), workloads: N, images: IMAGES, reports,
      cold: { ms: coldPass.ms, rssMb: coldRss, stats: coldStop.stats, requests: coldStop.requests },
      warm: { ms: warmPass.ms, rssMb: warmRss, idleMillicores, idleSeconds: IDLE_S, stats: warmStop.stats, requests: warmStop.requests },
    };
    console.log(JSON.stringify(result, null, 2));
    mkdirSync(join(repoRoot, 'bench/results'), { recursive: true });
    writeFileSync(join(repoRoot, 'bench/results/inventory.json'), `${JSON.stringify(result, null, 2)}\n`);
  });
}

runBench(main);
