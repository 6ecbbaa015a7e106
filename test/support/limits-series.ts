// Measuring how admission time grows (docs/limits.md; issue 22): the real `aibom serve` as a child
// with the Deployment's NODE_OPTIONS, an Enforce policy, the big-review registry on loopback, and
// series of reviews at n = 1k, 2k, 4k, 8k (models in one image's BOM, or containers of distinct
// images). Each sample is a fresh image set (nothing cached), answered over TLS; the server's CPU
// time (/proc, user + system, its BOM-parsing workers included) is the robust measure on a shared
// machine, the wall time is reported with it, and /healthz is probed from another process meanwhile.
import { deploymentNodeOptions } from '../../scripts/lib/deployment.js';
import { procStats, SOURCE_ENTRY, startServe, type ServeOptions, type ServeProcess } from './serve-process.js';
import { tempDir, testCertificates } from './server.js';
import { admitTimed, median, modelsBom, probeHealth, ratios, review, WorkloadRegistry, writePolicyDir, type Target } from './limits-workloads.js';

export interface LimitsServer {
  serve: ServeProcess;
  registry: WorkloadRegistry;
  target: Target;
  stop(): Promise<number | null>;
}

/** `aibom serve` (production NODE_OPTIONS, policies, the loopback registry); `env` adds AIBOM_* settings. */
export async function startLimitsServer(env: Record<string, string> = {}, more: Pick<ServeOptions, 'onLogLine' | 'unsetEnv'> & { entry?: string } = {}): Promise<LimitsServer> {
  const tmp = tempDir('limits');
  const certs = await testCertificates(tmp.dir);
  const registry = await new WorkloadRegistry().start();
  const nodeFlags = deploymentNodeOptions().split(/\s+/).filter(Boolean);
  const serve = await startServe({
    entry: more.entry ?? SOURCE_ENTRY, certFile: certs.serving.cert, keyFile: certs.serving.key, insecureRegistries: [registry.host], nodeFlags, logLevel: 'info',
    env: { AIBOM_POLICIES_DIR: writePolicyDir(`${tmp.dir}/policies`), ...env },
    ...(more.onLogLine ? { onLogLine: more.onLogLine } : {}),
    ...(more.unsetEnv ? { unsetEnv: more.unsetEnv } : {}),
  });
  return {
    serve,
    registry,
    target: { port: serve.port, adminPort: serve.adminPort, ca: certs.caBytes },
    async stop() {
      const code = await serve.stop();
      await registry.stop();
      tmp.remove();
      return code;
    },
  };
}

export type SeriesKind = 'models' | 'containers';

export interface SeriesPoint {
  n: number;
  /** Median server CPU time per admission (ms). */
  cpuMs: number;
  /** Median answer time over TLS (ms). */
  wallMs: number;
  /** Slowest /healthz answer while the samples of this n were processed (ms). */
  healthzMaxMs: number;
  healthzP99Ms: number;
  /** HTTP statuses and `allowed` of the answers. */
  answers: string[];
}

export interface Series {
  kind: SeriesKind;
  path: string;
  points: SeriesPoint[];
  cpuRatios: number[];
  wallRatios: number[];
  /** Least-squares slope of log2(cpu) over log2(n): 1 is linear, 2 quadratic; 2^slope is the growth per doubling. */
  cpuSlope: number;
}

/** The least-squares slope of log2(y) over log2(x). */
export function logSlope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log2);
  const ly = ys.map(Math.log2);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i]! - mx) * (ly[i]! - my);
    den += (lx[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

let seeds = 0;
const cpuOf = (pid: number): number => {
  const s = procStats(pid);
  return s.cpuUserMs + s.cpuSystemMs;
};

/** The images of one sample: one image whose BOM lists n models, or n distinct images without BOMs. */
function sampleImages(server: LimitsServer, kind: SeriesKind, n: number): string[] {
  const seed = `${kind}-${n}-${++seeds}-${process.pid}`;
  return kind === 'models' ? [server.registry.image('models', seed, modelsBom(n, seed))] : server.registry.images('containers', seed, n);
}

/** Admission time at each n (fresh images per sample), with the ratios between consecutive n. */
export async function series(server: LimitsServer, kind: SeriesKind, path: string, ns: readonly number[], samples = 5): Promise<Series> {
  const points: SeriesPoint[] = [];
  // One unmeasured admission first: the first one pays for compiling the code paths.
  await admitTimed(server.target, path, review(sampleImages(server, kind, ns[0]!)).body);
  for (const n of ns) {
    const bodies = Array.from({ length: samples }, () => review(sampleImages(server, kind, n)).body);
    const probe = probeHealth(server.target.adminPort);
    await probe.ready;
    const cpu: number[] = [];
    const wall: number[] = [];
    const answers: string[] = [];
    for (const body of bodies) {
      const c0 = cpuOf(server.serve.child.pid!);
      const { reply, ms } = await admitTimed(server.target, path, body);
      cpu.push(cpuOf(server.serve.child.pid!) - c0);
      wall.push(ms);
      answers.push(`${reply.status}${reply.status === 200 ? `:${String((JSON.parse(reply.body) as { response?: { allowed?: boolean } }).response?.allowed)}` : ''}`);
    }
    const health = await probe.stop();
    points.push({ n, cpuMs: median(cpu), wallMs: median(wall), healthzMaxMs: health.max, healthzP99Ms: health.p99, answers });
  }
  // A ratio over a base of a few ms says nothing: bases under 20 ms count as 20 ms.
  const floor = (v: number): number => Math.max(v, 20);
  const cpu = points.map((p) => floor(p.cpuMs));
  return { kind, path, points, cpuRatios: ratios(cpu), wallRatios: ratios(points.map((p) => floor(p.wallMs))), cpuSlope: logSlope(ns, cpu) };
}

export interface WorstCase {
  /** Containers in the review (the first limits.maxImagesPerReview of distinct images with a BOM of limits.maxModelsPerBom models). */
  containers: number;
  bodyBytes: number;
  path: string;
  /** The first answer (every lookup a registry round trip, every BOM parsed). */
  coldMs: number;
  coldStatus: number;
  /** Answers once the lookups are cached (after up to 5 unmeasured answers): the admission's own work. */
  warmMs: number[];
  warmCpuMs: number[];
  healthzMaxMs: number;
  healthzP99Ms: number;
  healthzP90Ms: number;
  healthzCount: number;
}

/** The biggest review the default caps allow, on `path`: cold once, then `samples` warm answers under a /healthz probe. */
export async function worstCase(server: LimitsServer, path: string, options: { images: number; modelsPerBom: number; containers: number; samples?: number }): Promise<WorstCase> {
  const seed = `worst-${++seeds}-${process.pid}`;
  const withBoms = server.registry.images('worst', seed, options.images, modelsBom(options.modelsPerBom, seed), options.images);
  const rest = server.registry.images('worst-rest', seed, options.containers - options.images);
  const images = [...withBoms, ...rest];
  const first = review(images);
  const cold = await admitTimed(server.target, path, first.body);
  // Until every lookup is cached: on a loaded machine the first answers may come from lookups cut at
  // their deadline (not cached as findings), with the lookups still going on behind them.
  for (let i = 0; i < 5; i++) {
    const again = await admitTimed(server.target, path, review(images).body);
    if (again.reply.status === 200 && !again.reply.body.includes('lookup timeout') && again.ms < 2000) break;
  }
  const warmMs: number[] = [];
  const warmCpuMs: number[] = [];
  const probe = probeHealth(server.target.adminPort);
  await probe.ready;
  for (let i = 0; i < (options.samples ?? 5); i++) {
    const c0 = cpuOf(server.serve.child.pid!);
    warmMs.push((await admitTimed(server.target, path, review(images).body)).ms);
    warmCpuMs.push(cpuOf(server.serve.child.pid!) - c0);
  }
  const health = await probe.stop();
  return {
    containers: images.length, bodyBytes: first.body.length, path, coldMs: cold.ms, coldStatus: cold.reply.status,
    warmMs, warmCpuMs, healthzMaxMs: health.max, healthzP99Ms: health.p99, healthzP90Ms: health.p90, healthzCount: health.count,
  };
}
