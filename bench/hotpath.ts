// In-process micro-benchmark of the cached /mutate path: the server's real request handler
// (src/server/webhook-server.ts, composed as in `aibom serve`: logger at info, prom-client metrics,
// enforcement/audit hook, the registry lookup service) driven without TLS or sockets, for the Pod
// with 3 containers whose lookups are cached (the same Pod and BOMs as bench/run.ts `cached`).
// It reports CPU µs per request for the whole handler and for its parts, so a change to the hot path
// can be measured without the noise of the load generator sharing the machine.
//
//   node --import tsx bench/hotpath.ts [--requests 20000] [--rounds 5] [--dump FILE]
//   node --import tsx bench/hotpath.ts --tls 5     # also: listening over TLS, load from bench/lib/load-child.ts for 5 s
//   node --import tsx --cpu-prof --cpu-prof-dir=bench/results bench/hotpath.ts   # then bench/profile-summary.ts
//
// --dump writes the body of one answer, to check that a change leaves responses byte-identical.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { admit, type AdmitDependencies } from '../src/admission/admit.js';
import { parseAdmissionReview } from '../src/admission/review.js';
import { applyRegistryFlags } from '../src/cli/registry-flags.js';
import { loadConfig } from '../src/config/load.js';
import { admissionSettings } from '../src/config/settings.js';
import { createLookupMetrics } from '../src/metrics/lookup-metrics.js';
import { createWebhookMetrics } from '../src/metrics/metrics.js';
import { loadTlsMaterial } from '../src/server/certificates.js';
import { composeLookup } from '../src/discovery/compose.js';
import { defaultServingNames, generateDevCertificates } from '../src/server/dev-certs.js';
import { createEnforcement } from '../src/server/enforcement.js';
import { createLogger } from '../src/server/log.js';
import { createWebhookServer } from '../src/server/webhook-server.js';
import { pushImagesWithBom } from '../test/support/bom-images.js';
import { corpusDir } from '../test/support/corpus.js';
import { startLocalRegistry } from '../test/support/local-registry.js';
import { forkChild } from './lib/ipc.js';
import { cpuPerCall, cpuUs, inject } from './lib/inject.js';
import type { LoadResult, LoadSpec } from './lib/load-child.js';
import { benchUid, podReview } from '../test/support/pod-review.js';
import { describeFailure } from '../scripts/lib/missing-component.js';

const { values: flags } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    dump: { type: 'string' },
    level: { type: 'string', default: 'info' },
    'handler-only': { type: 'boolean', default: false },
    tls: { type: 'string' },
  },
});
const REQUESTS = Number(flags.requests);
const ROUNDS = Number(flags.rounds);

async function timeIt(label: string, count: number, run: () => Promise<unknown> | unknown): Promise<number> {
  const results = (await cpuPerCall(count, ROUNDS, run)).sort((a, b) => a - b);
  const median = results[Math.floor(results.length / 2)]!;
  console.log(`${label.padEnd(44)} ${median.toFixed(1).padStart(7)} µs CPU (rounds: ${results.map((r) => r.toFixed(1)).join(' ')})`);
  return median;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'aibom-hotpath-'));
  const registry = await startLocalRegistry();
  const closers: (() => unknown)[] = [];
  try {
    const bom = (name: string): Buffer => readFileSync(join(corpusDir, name));
    const seed = 'hotpath';
    const [model] = await pushImagesWithBom(registry.url, 'bench/model-server', 1, bom('rhtpa__ibm-granite_granite-docling-258M_aibom.json'), { seed });
    const [data] = await pushImagesWithBom(registry.url, 'bench/data-loader', 1, bom('bom-examples-MLBOM-Dataset__bom.json'), { seed });
    const [plain] = await pushImagesWithBom(registry.url, 'bench/log-shipper', 1, bom('guac__alpine-cyclonedx.json'), { seed });
    // The registry's port changes from run to run: the dump names it REGISTRY, so dumps compare.
    const body = Buffer.from(podReview(benchUid(1), [model!, data!, plain!].map((i) => i.reference(registry.host))), 'utf8');

    const config = applyRegistryFlags(loadConfig({ env: { AIBOM_DISCOVERY_SOURCES: 'registry', AIBOM_LOG_LEVEL: flags.level! } }), { insecureRegistry: [registry.host] });
    const log = createLogger({ level: config.log.level, destination: pino.destination({ dest: '/dev/null', sync: true }) });
    const promRegistry = new Registry();
    const composed = composeLookup(config, { metrics: createLookupMetrics(promRegistry), onNote: () => undefined });
    const lookup = composed.lookup;
    const certs = await generateDevCertificates(join(work, 'certs'), defaultServingNames('aibom-webhook', 'aibom-system'));
    const metrics = createWebhookMetrics(promRegistry);
    const enforcement = createEnforcement({ config, log, registry: promRegistry });
    closers.push(() => composed.close(), () => enforcement.stop());
    const webhook = createWebhookServer({
      config, tls: await loadTlsMaterial(certs.serving.cert, certs.serving.key), lookup, settings: admissionSettings(config), log, metrics,
      evaluatePolicy: enforcement.ports.evaluatePolicy, bypass: enforcement.ports.bypass, onDecision: enforcement.onDecision,
    });
    const path = '/mutate?timeout=10s';
    const first = (await inject(webhook.server, path, body)).toString('utf8');
    const answer = first.slice(first.indexOf('\r\n\r\n') + 4);
    if (!answer.includes('"patch"')) throw new Error(`warming failed: ${first}`);
    if (flags.dump) {
      // The patch is base64: decoded, so the registry's port can be replaced inside it too.
      const patch = (JSON.parse(answer) as { response: { patch?: string } }).response.patch ?? '';
      const decoded = Buffer.from(patch, 'base64').toString('utf8');
      writeFileSync(`${flags.dump}.raw`, answer);
      writeFileSync(flags.dump, `${answer.replace(patch, 'PATCH')}\n${decoded}\n`.split(registry.host).join('REGISTRY'));
    }

    // Warm the JIT, then measure.
    for (let i = 0; i < 3000; i++) await inject(webhook.server, path, body);
    console.log(`cached /mutate, 3 containers; ${REQUESTS} requests × ${ROUNDS} rounds, log level ${config.log.level}`);
    await timeIt('whole handler (inject → response written)', REQUESTS, () => inject(webhook.server, path, body));

    if (flags.tls) {
      // The same server over real TLS with the bench's load generator in its own process: this
      // process's CPU per answered request, and how many TLS connections the load needed.
      let connections = 0;
      webhook.server.on('secureConnection', () => connections++);
      const address = await webhook.listen(0, '127.0.0.1');
      const spec: LoadSpec = { url: `https://127.0.0.1:${address.port}${path}`, ca: readFileSync(certs.ca.cert, 'utf8'), bodies: [body.toString('utf8')], connections: 10, durationSec: 1, expectAiBearing: 'true' };
      const runLoad = async (durationSec: number): Promise<LoadResult> => {
        const child = forkChild('./load-child.ts', []);
        const result = child.next('result');
        child.send({ type: 'run', spec: { ...spec, durationSec } });
        return (await result).result as LoadResult;
      };
      await runLoad(1);
      connections = 0;
      const start = cpuUs();
      const result = await runLoad(Number(flags.tls));
      const perRequest = (cpuUs() - start) / result.requests;
      console.log(`over TLS: ${result.requests} requests, ${result.rps} req/s, ${result.errors} errors, ${connections} new TLS connections; ${perRequest.toFixed(1)} µs CPU per request (this process, all threads)`);
      await webhook.close(0);
    }
    if (flags['handler-only']) return;
    const review = parseAdmissionReview(JSON.parse(body.toString('utf8')));
    const controller = new AbortController();
    const deps: AdmitDependencies = { lookup, settings: admissionSettings(config), signal: controller.signal, bypass: enforcement.ports.bypass };
    await timeIt('admit() alone', REQUESTS, () => admit(review, 'mutate', deps));
    await timeIt('JSON.parse + parseAdmissionReview', REQUESTS, () => parseAdmissionReview(JSON.parse(body.toString('utf8'))));
    const outcome = await admit(review, 'mutate', deps);
    await timeIt('JSON.stringify of the answer', REQUESTS, () => JSON.stringify(outcome.review));
    await timeIt('3 cached lookups', REQUESTS, () => Promise.all(outcome.results.map((r) => lookup(r.image, { signal: controller.signal, purpose: 'mutate', namespace: 'default', pullSecrets: [] }))));
    await timeIt('inject alone (no-op handler)', REQUESTS, () => inject({ emit: (_e: string, _req: IncomingMessage, res: ServerResponse) => { res.end('{}'); return true; } }, path, body));
  } finally {
    for (const close of closers) await close();
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench: ${describeFailure(err)}`);
  process.exitCode = 1;
});
