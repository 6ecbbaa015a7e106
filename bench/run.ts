// `npm run bench`: the webhook against its ceiling, on this machine, loopback only, load from a
// separate process (bench/lib/load-child.ts, autocannon). Scenarios:
//   echo         a bare node:https server echoing the AdmissionReview bytes (the ceiling);
//   echo-json    the same plus JSON.parse of the review and JSON.stringify of an answer (B0′);
//   cached       the real webhook (`aibom serve`, test/support/serve-process.ts), /mutate, a Pod with 3 containers
//                whose registry lookups are cached (warmed once through the real registry path);
//   uncached     every request a new digest on the real local registry (Debian docker-registry, no
//                referrers API: tag fallback); plus R (one raw GET round trip) and N (round trips
//                of one lookup, counted at the counting proxy);
//   singleflight 200 concurrent requests for one new image → registry fetches at the proxy;
//   memory       RSS with 10,000 distinct digests with parsed corpus BOMs cached (bench/lib/memory-child.ts).
// Prints a table and writes bench/results/latest.json (quick runs: bench/results/quick.json).
//
//   npm run bench                      full run (max throughput + fixed rate), about 2–3 minutes
//   npm run bench -- --quick           short run
//   npm run bench -- --rate 300        fixed-rate passes at 300 req/s (default 200)
//   npm run bench -- --connections 16  keep-alive connections for echo/cached (default 10)
//   npm run bench -- --profile         write a CPU profile of the webhook child to bench/results/
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'undici';
import { decodePatch, metadataFromPatch, post } from '../scripts/lib/admission-client.js';
import { defaultServingNames, generateDevCertificates } from '../src/server/dev-certs.js';
import { pushImagesWithBom, type BomImage } from '../test/support/bom-images.js';
import { corpusDir } from '../test/support/corpus.js';
import { startCountingProxy, type CountingProxy } from '../test/support/counting-proxy.js';
import { startLocalRegistry, type LocalRegistry } from '../test/support/local-registry.js';
import { benchUid, podReview } from '../test/support/pod-review.js';
import { forkChild, type Child, type ServerStats } from './lib/ipc.js';
import { startServe, type ServeProcess } from '../test/support/serve-process.js';
import type { LoadResult, LoadSpec } from './lib/load-child.js';
import type { MemoryResult } from './lib/memory-child.js';
import { describeFailure } from '../scripts/lib/missing-component.js';
import { deploymentNodeOptions } from '../scripts/lib/deployment.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rate: { type: 'string' },
    connections: { type: 'string' },
    profile: { type: 'boolean', default: false },
    out: { type: 'string' },
    'node-options': { type: 'string' },
  },
});
const quick = flags.quick === true;
const rate = flags.rate ? Number(flags.rate) : 200;
const connections = flags.connections ? Number(flags.connections) : 10;
if (!(rate > 0) || !(connections > 0)) throw new Error('--rate and --connections take positive numbers');
// NODE_OPTIONS of the shipped Deployment (deploy/deployment.yaml): the server and the memory child run with them.
const nodeOptions = (flags['node-options'] ?? deploymentNodeOptions()).split(/\s+/).filter(Boolean);
const T = quick
  ? { warmSec: 1, maxSec: 3, rateSec: 3, uncachedSec: 3, uncachedRate: 20, memoryDigests: 10_000 }
  : { warmSec: 2, maxSec: 10, rateSec: 8, uncachedSec: 10, uncachedRate: 20, memoryDigests: 10_000 };

const BOMS = {
  model: 'rhtpa__ibm-granite_granite-docling-258M_aibom.json',
  // An application with a model that depends on two datasets (CycloneDX 1.7). The corpus's dataset-only
  // BOM is not valid JSON (trailing commas), so it would make every cached answer carry a lookup error.
  agent: 'bom-examples-MLBOM-Model-Card-With-Dataset__bom.json',
  plain: 'guac__alpine-cyclonedx.json',
};

interface Row {
  scenario: string;
  mode: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  cpuMsPerAdmission: number;
  errors: number;
  deadlineMisses: number;
  rssMb: number;
  requests: number;
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;
const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;
const log = (text: string): void => void process.stderr.write(`bench: ${text}\n`);

async function load(spec: LoadSpec): Promise<LoadResult> {
  const child = forkChild('./load-child.ts', []);
  const result = child.next('result');
  child.send({ type: 'run', spec });
  return (await result).result as LoadResult;
}

/** One measured load run against a server child: server CPU and RSS around it. */
async function measure(scenario: string, mode: string, server: { stats(): Promise<ServerStats> }, spec: LoadSpec): Promise<{ row: Row; load: LoadResult }> {
  const before = await server.stats();
  const result = await load(spec);
  const after = await server.stats();
  const cpuMs = after.cpuUserMs + after.cpuSystemMs - before.cpuUserMs - before.cpuSystemMs;
  const row: Row = {
    scenario,
    mode,
    rps: result.rps,
    p50Ms: result.latencyMs.p50,
    p99Ms: result.latencyMs.p99,
    maxMs: result.latencyMs.max,
    cpuMsPerAdmission: round(cpuMs / Math.max(1, result.requests), 3),
    errors: result.errors,
    // Both views: the answers carrying the fallback warning, and the server's own counter.
    deadlineMisses: Math.max(result.deadlineMisses, after.deadlineMisses - before.deadlineMisses),
    rssMb: mb(after.rssBytes),
    requests: result.requests,
  };
  if (result.sampleProblems.length > 0) log(`${scenario}/${mode} problems: ${result.sampleProblems.join(' | ')}`);
  if (result.unexpectedLabel > 0) log(`${scenario}/${mode}: ${result.unexpectedLabel} answers with an unexpected ai-bearing label`);
  return { row, load: result };
}

async function startServer(script: string, args: string[], nodeFlags: string[] = []): Promise<{ child: Child; port: number }> {
  const child = forkChild(script, args, nodeFlags);
  const ready = await child.next('ready', 60_000);
  return { child, port: ready.port };
}

/** Median of `count` sequential keep-alive GETs of one manifest by digest (undici, like our client). */
async function rawRoundTrip(registry: LocalRegistry, image: BomImage, repository: string, count: number): Promise<number> {
  const agent = new Agent({ connections: 1 });
  const url = `${registry.url}/v2/${repository}/manifests/${image.image.digest}`;
  const times: number[] = [];
  try {
    for (let i = 0; i < count + 20; i++) {
      const started = performance.now();
      const res = await request(url, { dispatcher: agent, headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
      await res.body.arrayBuffer();
      if (res.statusCode !== 200) throw new Error(`raw GET: HTTP ${res.statusCode}`);
      if (i >= 20) times.push(performance.now() - started);
    }
  } finally {
    await agent.close();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function printTable(rows: Row[]): void {
  const head = ['scenario', 'mode', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'CPU ms/adm', 'errors', 'deadline', 'RSS MB'];
  const body = rows.map((r) => [r.scenario, r.mode, String(r.rps), r.p50Ms.toFixed(2), r.p99Ms.toFixed(2), r.maxMs.toFixed(1), r.cpuMsPerAdmission.toFixed(3), String(r.errors), String(r.deadlineMisses), String(r.rssMb)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(head));
  console.log(`|${widths.map((w, i) => (i < 2 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const b of body) console.log(line(b));
}

async function main(): Promise<void> {
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'aibom-bench-'));
  let registry: LocalRegistry | undefined;
  let proxy: CountingProxy | undefined;
  const children: Child[] = [];
  let serve: ServeProcess | undefined;
  try {
    // The webhook and the memory child run compiled (as in the image: tsc output on plain node), not
    // through tsx, whose loader thread alone costs tens of MB of RSS.
    log('compiling src/ and the memory child to bench/.dist (tsc)');
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'bench', 'tsconfig.build.json')], { stdio: 'inherit' });
    const dist = join(root, 'bench', '.dist');
    const certs = await generateDevCertificates(join(work, 'certs'), defaultServingNames('aibom-webhook', 'aibom-system'));
    const ca = readFileSync(certs.ca.cert, 'utf8');
    registry = await startLocalRegistry();
    proxy = await startCountingProxy(registry.url);
    const bom = (name: string): Buffer => readFileSync(join(corpusDir, name));
    const seed = `${Date.now()}`;

    // The registry state: 3 cached images, the uncached stream, the single-flight image, two for N.
    const uncachedCount = Math.ceil(T.uncachedRate * (T.uncachedSec + 4)) + 10;
    log(`pushing ${uncachedCount + 6} images with BOMs to the local registry`);
    const [cachedModel] = await pushImagesWithBom(registry.url, 'bench/model-server', 1, bom(BOMS.model), { seed });
    const [cachedAgent] = await pushImagesWithBom(registry.url, 'bench/triage-agent', 1, bom(BOMS.agent), { seed });
    const [cachedPlain] = await pushImagesWithBom(registry.url, 'bench/log-shipper', 1, bom(BOMS.plain), { seed });
    const uncached = await pushImagesWithBom(registry.url, 'bench/uncached', uncachedCount, bom(BOMS.model), { seed, concurrency: 8 });
    const [flight, countA, countB, depthImage] = await pushImagesWithBom(registry.url, 'bench/flight', 4, bom(BOMS.model), { seed });

    const cachedBody = podReview(benchUid(1), [cachedModel!, cachedAgent!, cachedPlain!].map((i) => i.reference(registry!.host)));
    const rows: Row[] = [];
    const loads: Record<string, LoadResult> = {};
    const url = (port: number, path: string): string => `https://127.0.0.1:${port}${path}`;
    const maxSpec = (port: number, path: string, body: string, echo: boolean): LoadSpec => ({ url: url(port, path), ca, bodies: [body], connections, durationSec: T.maxSec, echo, ...(echo ? {} : { expectAiBearing: 'true' }) });
    const rateSpec = (port: number, path: string, body: string, echo: boolean): LoadSpec => ({ ...maxSpec(port, path, body, echo), durationSec: T.rateSec, rate });

    // ---- echo: the ceiling
    log('echo: bare node:https');
    const echo = await startServer('./echo-child.ts', [certs.serving.cert, certs.serving.key]);
    children.push(echo.child);
    await load({ ...maxSpec(echo.port, '/mutate', cachedBody, true), durationSec: T.warmSec });
    for (const [mode, spec] of [['max', maxSpec(echo.port, '/mutate', cachedBody, true)], [`rate ${rate}/s`, rateSpec(echo.port, '/mutate', cachedBody, true)]] as const) {
      const m = await measure('echo', mode, echo.child, spec);
      rows.push(m.row);
      loads[`echo ${mode}`] = m.load;
    }
    await echo.child.stop();

    // ---- echo-json (B0′): the echo plus JSON.parse of the review and JSON.stringify of an answer
    log('echo-json: bare node:https + JSON.parse/stringify');
    const echoJson = await startServer('./echo-child.ts', [certs.serving.cert, certs.serving.key, 'json']);
    children.push(echoJson.child);
    await load({ ...maxSpec(echoJson.port, '/mutate', cachedBody, true), durationSec: T.warmSec });
    const ej = await measure('echo-json', 'max', echoJson.child, maxSpec(echoJson.port, '/mutate', cachedBody, true));
    rows.push(ej.row);
    await echoJson.child.stop();

    // ---- the webhook
    const profileDir = join(root, 'bench', 'results');
    const nodeFlags = [...nodeOptions, ...(flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
    const hook = await startServe({ entry: join(dist, 'src', 'cli', 'run.js'), certFile: certs.serving.cert, keyFile: certs.serving.key, insecureRegistries: [registry.host, proxy.host], nodeFlags });
    serve = hook;
    const warm = await post({ port: hook.port, path: '/mutate?timeout=10s', ca, body: cachedBody });
    const warmLabels = metadataFromPatch(decodePatch((JSON.parse(warm.body) as { response: { patch?: string } }).response.patch)).labels;
    if (warm.status !== 200 || warmLabels['aibom.io/ai-bearing'] !== 'true') throw new Error(`warming the cache failed: HTTP ${warm.status} ${warm.body.slice(0, 300)}`);

    log('cached: webhook /mutate, 3 containers, lookups cached');
    await load({ ...maxSpec(hook.port, '/mutate?timeout=10s', cachedBody, false), durationSec: T.warmSec });
    for (const [mode, spec] of [['max', maxSpec(hook.port, '/mutate?timeout=10s', cachedBody, false)], [`rate ${rate}/s`, rateSpec(hook.port, '/mutate?timeout=10s', cachedBody, false)]] as const) {
      const m = await measure('cached', mode, hook, spec);
      rows.push(m.row);
      loads[`cached ${mode}`] = m.load;
    }

    // ---- uncached: R, then a fixed-rate stream of new digests straight at the registry
    log('uncached: R (raw GET round trip), then a new digest per request');
    const rawRttMs = await rawRoundTrip(registry, cachedModel!, 'bench/model-server', quick ? 100 : 300);
    // Warm the uncached path first (JIT, the registry client's connections) with images of its own.
    const warmCount = 2 * T.uncachedRate;
    const uncachedBodies = uncached.map((img, i) => podReview(benchUid(10_000 + i), [img.reference(registry!.host)]));
    await load({ url: url(hook.port, '/mutate?timeout=10s'), ca, bodies: uncachedBodies.splice(0, warmCount), connections: 1, amount: warmCount, rate: T.uncachedRate, expectAiBearing: 'true' });
    const un = await measure('uncached', `rate ${T.uncachedRate}/s`, hook, { url: url(hook.port, '/mutate?timeout=10s'), ca, bodies: uncachedBodies, connections: 1, durationSec: T.uncachedSec, rate: T.uncachedRate, expectAiBearing: 'true' });
    if (un.load.requests > uncachedBodies.length) throw new Error(`uncached: ${un.load.requests} requests for ${uncachedBodies.length} new images: digests were reused`);
    rows.push(un.row);
    loads['uncached'] = un.load;

    // ---- N: round trips of one lookup, counted at the proxy (first contact with an origin probes
    // the referrers API once; after that the origin is known not to have it).
    const roundTripsOf = async (img: BomImage, uid: number): Promise<{ count: number; kinds: Record<string, number> }> => {
      proxy!.resetCounts();
      const reply = await post({ port: hook.port, path: '/mutate?timeout=10s', ca, body: podReview(benchUid(uid), [img.reference(proxy!.host)]) });
      if (reply.status !== 200) throw new Error(`N: HTTP ${reply.status}`);
      return { count: proxy!.requests.length, kinds: proxy!.counts() };
    };
    const firstContact = await roundTripsOf(countA!, 20_001);
    const steady = await roundTripsOf(countB!, 20_002);
    // Sequential depth: with every registry answer delayed by D ms, one lookup takes about depth × D.
    const D = 100;
    proxy.inject({}, { delayMs: D });
    const depthStarted = performance.now();
    const depthReply = await post({ port: hook.port, path: '/mutate?timeout=10s', ca, body: podReview(benchUid(20_003), [depthImage!.reference(proxy.host)]) });
    const sequentialRoundTrips = Math.floor((performance.now() - depthStarted) / D);
    proxy.clearFaults();
    if (depthReply.status !== 200) throw new Error(`depth: HTTP ${depthReply.status}`);

    // ---- single-flight: 200 concurrent requests for one new image, through the proxy
    log('singleflight: 200 concurrent requests for one new image');
    proxy.resetCounts();
    const flightBodies = Array.from({ length: 200 }, (_, i) => podReview(benchUid(30_000 + i), [flight!.reference(proxy!.host)]));
    const sf = await measure('singleflight', '200 at once', hook, { url: url(hook.port, '/mutate?timeout=10s'), ca, bodies: flightBodies, connections: 200, amount: 200, expectAiBearing: 'true' });
    rows.push(sf.row);
    loads['singleflight'] = sf.load;
    const subjectFetches = proxy.requests.filter((r) => r.kind === 'manifest-digest' && r.reference === flight!.image.digest).length;
    const flightRequests = proxy.requests.length;
    const exitCode = await hook.stop();
    if (exitCode !== 0) throw new Error(`aibom serve exited with ${exitCode} on SIGTERM`);

    // ---- memory
    log(`memory: ${T.memoryDigests} distinct digests with parsed corpus BOMs in the lookup cache`);
    const measureMemory = async (flagsForChild: string[]): Promise<MemoryResult> => {
      const memChild = forkChild(join(dist, 'bench', 'lib', 'memory-child.js'), [], ['--expose-gc', ...flagsForChild]);
      children.push(memChild);
      const memReply = memChild.next('result');
      memChild.send({ type: 'run', spec: { corpusDir, count: T.memoryDigests } });
      return (await memReply).result as MemoryResult;
    };
    const memory = await measureMemory(nodeOptions);
    // The same with a smaller young generation (V8 keeps up to 3 × 16 MB of semi-spaces committed).
    const SMALL_YOUNG_GEN = '--max-semi-space-size=2';
    const memorySmallYoungGen = nodeOptions.some((o) => o.startsWith('--max-semi-space-size')) ? undefined : await measureMemory([...nodeOptions, SMALL_YOUNG_GEN]);

    // ---- results
    const echoMax = rows.find((r) => r.scenario === 'echo' && r.mode === 'max')!;
    const echoRate = rows.find((r) => r.scenario === 'echo' && r.mode !== 'max')!;
    const cachedMax = rows.find((r) => r.scenario === 'cached' && r.mode === 'max')!;
    const cachedRate = rows.find((r) => r.scenario === 'cached' && r.mode !== 'max')!;
    const N = steady.count;
    const uncachedBound = N * rawRttMs + 2;
    const allRows = rows;
    const totalErrors = allRows.reduce((s, r) => s + r.errors, 0);
    const totalMisses = allRows.reduce((s, r) => s + r.deadlineMisses, 0);
    const targets = [
      { name: 'cached throughput ≥ 0.5× echo', value: round(cachedMax.rps / echoMax.rps), bound: 0.5, pass: cachedMax.rps >= 0.5 * echoMax.rps },
      { name: '(for reference) cached throughput vs echo-json (B0′)', value: round(cachedMax.rps / ej.row.rps), bound: 0.5, pass: cachedMax.rps >= 0.5 * ej.row.rps },
      { name: `cached p99 ≤ 2× echo p99 (fixed rate ${rate}/s)`, value: round(cachedRate.p99Ms / echoRate.p99Ms), bound: 2, pass: cachedRate.p99Ms <= 2 * echoRate.p99Ms },
      { name: 'cached p99 ≤ 2× echo p99 (max throughput)', value: round(cachedMax.p99Ms / echoMax.p99Ms), bound: 2, pass: cachedMax.p99Ms <= 2 * echoMax.p99Ms },
      { name: 'uncached p50 ≤ N·R + 2 ms', value: un.row.p50Ms, bound: round(uncachedBound), pass: un.row.p50Ms <= uncachedBound },
      { name: 'N ≤ 4 round trips per lookup (no referrers API)', value: N, bound: 4, pass: N <= 4 },
      { name: '(for reference) round trips in sequence ≤ 4', value: sequentialRoundTrips, bound: 4, pass: sequentialRoundTrips <= 4 },
      { name: 'one registry fetch per digest under concurrency', value: subjectFetches, bound: 1, pass: subjectFetches === 1 },
      { name: 'RSS ≤ 150 MB with 10k cached digests', value: memory.rssMb10k, bound: 150, pass: memory.rssMb10k <= 150 && memory.cachedEntries === memory.digests },
      { name: 'zero errors', value: totalErrors, bound: 0, pass: totalErrors === 0 },
      { name: 'zero deadline misses', value: totalMisses, bound: 0, pass: totalMisses === 0 },
    ];
    const results = {
      date: new Date().toISOString(),
      quick,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}` },
      setup: { connections, rate, serverNodeOptions: nodeOptions.join(' '), durations: T, logLevel: 'info (stderr to /dev/null)', registry: 'Debian docker-registry (distribution 2.8), no referrers API', cachedPod: '3 containers (model BOM, agent BOM with datasets, plain SBOM), digest references' },
      echo: { rps: echoMax.rps, p50Ms: echoMax.p50Ms, p99Ms: echoMax.p99Ms, maxMs: echoMax.maxMs, cpuMsPerRequest: echoMax.cpuMsPerAdmission, rssMb: echoMax.rssMb, errors: echoMax.errors + echoRate.errors, fixedRate: { rate, p50Ms: echoRate.p50Ms, p99Ms: echoRate.p99Ms, maxMs: echoRate.maxMs, cpuMsPerRequest: echoRate.cpuMsPerAdmission } },
      echoJson: { rps: ej.row.rps, p50Ms: ej.row.p50Ms, p99Ms: ej.row.p99Ms, cpuMsPerRequest: ej.row.cpuMsPerAdmission, errors: ej.row.errors },
      cached: { rps: cachedMax.rps, p50Ms: cachedMax.p50Ms, p99Ms: cachedMax.p99Ms, maxMs: cachedMax.maxMs, cpuMsPerAdmission: cachedMax.cpuMsPerAdmission, rssMb: cachedMax.rssMb, errors: cachedMax.errors + cachedRate.errors, deadlineMisses: cachedMax.deadlineMisses + cachedRate.deadlineMisses, fixedRate: { rate, p50Ms: cachedRate.p50Ms, p99Ms: cachedRate.p99Ms, maxMs: cachedRate.maxMs, cpuMsPerAdmission: cachedRate.cpuMsPerAdmission } },
      uncached: { rate: T.uncachedRate, requests: un.row.requests, p50Ms: un.row.p50Ms, p99Ms: un.row.p99Ms, maxMs: un.row.maxMs, cpuMsPerAdmission: un.row.cpuMsPerAdmission, rawRttMs: round(rawRttMs, 3), roundTrips: N, sequentialRoundTrips, roundTripsFirstContact: firstContact.count, roundTripKinds: steady.kinds, boundMs: round(uncachedBound, 3), errors: un.row.errors, deadlineMisses: un.row.deadlineMisses, unexpectedLabel: un.load.unexpectedLabel },
      singleflight: { concurrent: 200, registryFetches: subjectFetches, registryRequests: flightRequests, roundTripsPerLookup: N, p50Ms: sf.row.p50Ms, p99Ms: sf.row.p99Ms, maxMs: sf.row.maxMs, errors: sf.row.errors, deadlineMisses: sf.row.deadlineMisses },
      memory: { ...memory, ...(memorySmallYoungGen ? { withSmallYoungGeneration: { nodeFlags: memorySmallYoungGen.nodeFlags, rssMb10k: memorySmallYoungGen.rssMb10k, heapTotalMb: memorySmallYoungGen.after.heapTotal, heapUsedMb10k: memorySmallYoungGen.heapUsedMb10k } } : {}) },
      rows: allRows,
      targets,
      elapsedSec: Math.round((performance.now() - started) / 1000),
    };

    console.log(`\naibom-webhook benchmark — ${results.machine.cpus} CPUs (${results.machine.cpuModel}), node ${results.machine.node}, server NODE_OPTIONS: ${nodeOptions.join(' ') || '(none)'}${quick ? ' — QUICK run' : ''}\n`);
    printTable(allRows);
    console.log(`\nuncached: R = ${round(rawRttMs, 3)} ms (raw GET), N = ${N} round trips per lookup (${sequentialRoundTrips} in sequence; ${firstContact.count} on first contact with a registry), bound N·R + 2 = ${round(uncachedBound, 2)} ms`);
    console.log(`singleflight: ${subjectFetches} fetch of the image manifest, ${flightRequests} registry requests in all for 200 concurrent admissions`);
    console.log(`memory: ${memory.cachedEntries}/${memory.digests} digests cached (estimate ${memory.estimatedCacheMb} MB), RSS ${memory.rssMbBefore} → ${memory.rssMb10k} MB, heap ${memory.heapUsedMbBefore} → ${memory.heapUsedMb10k} MB after GC`);
    if (memorySmallYoungGen) console.log(`memory with ${SMALL_YOUNG_GEN}: RSS ${memorySmallYoungGen.rssMbBefore} → ${memorySmallYoungGen.rssMb10k} MB (heapTotal ${memorySmallYoungGen.after.heapTotal} MB)`);
    console.log('\ntargets:');
    for (const t of targets) console.log(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.name}: ${t.value} (bound ${t.bound})`);
    const out = flags.out ?? join(root, 'bench', 'results', quick ? 'quick.json' : 'latest.json');
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
    console.log(`\nwrote ${out} (${results.elapsedSec} s)`);
  } finally {
    for (const c of children) await c.stop().catch(() => undefined);
    await serve?.stop();
    await proxy?.close();
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${describeFailure(err)}`);
  process.exitCode = 1;
});
