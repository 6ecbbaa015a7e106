// What the caps of one admission cost (docs/limits.md, issue 22), through the real `aibom serve`
// (child process, the Deployment's NODE_OPTIONS, an Enforce policy) over TLS, against the loopback
// big-review registry (test/support/limits-workloads.ts):
//   1. models in one image's BOM, n = 1k…8k, model caps raised to 8192 (all read, all examined);
//   2. containers of distinct images, n = 1k…8k, default caps (128 reviewed, the rest counted);
//   3. the worst review the default caps allow: 20k containers, the first 128 images each with a
//      BOM of 1000 models; cold once, then cached answers, /healthz probed from another process.
// Prints the server CPU and wall time per admission, the ratios per doubling, /healthz latency.
//
//   npm run bench:limits [-- --samples 5 --out bench/results/limits.json]
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { deploymentNodeOptions } from '../scripts/lib/deployment.js';
import { series, startLimitsServer, worstCase, type Series, type WorstCase } from '../test/support/limits-series.js';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '5' }, out: { type: 'string', default: 'bench/results/limits.json' } } });
const samples = Number(values.samples);
const NS = [1000, 2000, 4000, 8000];
const PATHS = ['/validate?timeout=10s', '/mutate?timeout=5s'];

function print(s: Series): void {
  console.log(`\n${s.kind} ${s.path}`);
  console.log('       n   cpu ms  wall ms  healthz max / p99 ms');
  for (const p of s.points) console.log(`${String(p.n).padStart(8)} ${p.cpuMs.toFixed(0).padStart(8)} ${p.wallMs.toFixed(0).padStart(8)}  ${p.healthzMaxMs.toFixed(0)} / ${p.healthzP99Ms.toFixed(0)}`);
  console.log(`  cpu ratio per doubling: ${s.cpuRatios.map((r) => r.toFixed(2)).join(' ')} (fitted ${(2 ** s.cpuSlope).toFixed(2)}); wall: ${s.wallRatios.map((r) => r.toFixed(2)).join(' ')}`);
}

const results: { models: Series[]; containers: Series[]; worst: WorstCase[] } = { models: [], containers: [], worst: [] };
const loadBefore = loadavg()[0]!;

const raised = await startLimitsServer({ AIBOM_LIMITS_MAX_MODELS_PER_BOM: '8192', AIBOM_LIMITS_MAX_MODELS_PER_REVIEW: '8192' });
try {
  for (const path of PATHS) {
    const s = await series(raised, 'models', path, NS, samples);
    print(s);
    results.models.push(s);
  }
} finally {
  await raised.stop();
}

const defaults = await startLimitsServer();
try {
  for (const path of PATHS) {
    const s = await series(defaults, 'containers', path, NS, samples);
    print(s);
    results.containers.push(s);
  }
  for (const path of PATHS) {
    const w = await worstCase(defaults, path, { images: 128, modelsPerBom: 1000, containers: 20_000, samples: Math.max(5, samples) });
    console.log(`\nworst case ${path}: ${w.containers} containers (${(w.bodyBytes / 1048576).toFixed(1)} MiB), 128 images × 1000 models`);
    console.log(`  cold ${w.coldMs.toFixed(0)} ms (HTTP ${w.coldStatus}); cached: ${w.warmMs.map((x) => x.toFixed(0)).join(' ')} ms, server CPU ${w.warmCpuMs.map((x) => x.toFixed(0)).join(' ')} ms`);
    console.log(`  /healthz meanwhile: max ${w.healthzMaxMs.toFixed(0)} ms, p99 ${w.healthzP99Ms.toFixed(0)} ms over ${w.healthzCount} probes`);
    results.worst.push(w);
  }
} finally {
  await defaults.stop();
}

const out = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model.trim(), node: process.version, loadAverage: { before: loadBefore, after: loadavg()[0] } },
  setup: { nodeOptions: deploymentNodeOptions(), samples, ns: NS, policy: 'one Enforce AIModelPolicy (licenses allow MIT) matching the reviews', registry: 'in-process OCI registry on loopback (test/support/limits-workloads.ts)' },
  ...results,
};
writeFileSync(values.out!, `${JSON.stringify(out, null, 2)}\n`);
console.log(`\nwrote ${values.out}`);
