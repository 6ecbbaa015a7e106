// The load generator, in its own process (so its CPU is not the server's): autocannon over real TLS
// with keep-alive connections, one AdmissionReview body per request (round-robin over the given
// bodies), every answer checked. Latencies come from autocannon's per-response timings (float ms,
// recorded here in µs) rather than its integer-millisecond histogram.
import autocannon from 'autocannon';
import { createHistogram } from 'node:perf_hooks';
import { decodePatch, metadataFromPatch } from '../../scripts/lib/admission-client.js';
import type { ChildMessage, ParentMessage } from './ipc.js';

export interface LoadSpec {
  url: string;
  ca: string;
  bodies: string[];
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  durationSec?: number;
  amount?: number;
  /** Fixed rate (requests per second over all connections); max throughput when absent. */
  rate?: number;
  /** For webhook answers: the `aibom.io/ai-bearing` label every answer must set. */
  expectAiBearing?: string;
  /** Answers are echoes of the request (the ceiling server): not checked as AdmissionReviews. */
  echo?: boolean;
  timeoutSec?: number;
}

export interface LoadResult {
  requests: number;
  durationMs: number;
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Everything that is not a good answer: transport errors, timeouts, non-2xx, invalid bodies. */
  errors: number;
  transportErrors: number;
  timeouts: number;
  non2xx: number;
  invalid: number;
  /** Answers carrying the deadline fallback warning. */
  deadlineMisses: number;
  /** Valid answers whose ai-bearing label was not the expected one (e.g. `unknown` after a failed lookup). */
  unexpectedLabel: number;
  sampleProblems: string[];
}

function check(spec: LoadSpec, status: number, body: string, tally: { invalid: number; deadline: number; unexpected: number; problems: string[] }): void {
  if (status !== 200 || spec.echo) return;
  const problem = (what: string): void => {
    tally.invalid++;
    if (tally.problems.length < 5) tally.problems.push(`${what}: ${body.slice(0, 200)}`);
  };
  let review: { response?: { uid?: unknown; allowed?: unknown; patch?: string; patchType?: unknown; warnings?: unknown } };
  try {
    review = JSON.parse(body) as typeof review;
  } catch {
    problem('not JSON');
    return;
  }
  const r = review.response;
  if (!r || typeof r.uid !== 'string' || r.allowed !== true) return problem('not an allowed AdmissionReview response');
  if (Array.isArray(r.warnings) && r.warnings.some((w) => typeof w === 'string' && w.includes('deadline'))) tally.deadline++;
  if (spec.expectAiBearing !== undefined) {
    const labels = metadataFromPatch(decodePatch(r.patch)).labels;
    if (labels['aibom.io/ai-bearing'] !== spec.expectAiBearing) {
      tally.unexpected++;
      if (tally.problems.length < 5) tally.problems.push(`ai-bearing ${labels['aibom.io/ai-bearing']}`);
    }
  }
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const hist = createHistogram({ lowest: 1, highest: 600_000_000, figures: 3 });
  const tally = { invalid: 0, deadline: 0, unexpected: 0, problems: [] as string[] };
  let next = 0;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const options: Parameters<typeof autocannon>[0] = {
      url: spec.url,
      connections: spec.connections,
      timeout: spec.timeoutSec ?? 10,
      servername: 'localhost',
      tlsOptions: { ca: spec.ca, servername: 'localhost' },
      requests: [{
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: spec.bodies[next++ % spec.bodies.length] as string }),
        onResponse: (status, body) => check(spec, status, body, tally),
      }],
    };
    if (spec.amount !== undefined) options.amount = spec.amount;
    else options.duration = spec.durationSec ?? 5;
    if (spec.rate !== undefined) options.overallRate = spec.rate;
    const instance = autocannon(options, (err, result) => {
      if (err) return reject(err);
      const durationMs = performance.now() - started;
      const ms = (µs: number): number => Math.round(µs) / 1000;
      const requests = result.requests.total;
      const transportErrors = result.errors - result.timeouts;
      resolve({
        requests,
        durationMs: Math.round(durationMs),
        rps: Math.round((requests / (result.duration || durationMs / 1000)) * 10) / 10,
        latencyMs: { p50: ms(hist.percentile(50)), p90: ms(hist.percentile(90)), p99: ms(hist.percentile(99)), max: ms(hist.max), mean: ms(hist.mean) },
        errors: result.errors + result.non2xx + tally.invalid,
        transportErrors,
        timeouts: result.timeouts,
        non2xx: result.non2xx,
        invalid: tally.invalid,
        deadlineMisses: tally.deadline,
        unexpectedLabel: tally.unexpected,
        sampleProblems: tally.problems,
      });
    });
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => hist.record(Math.max(1, Math.round(responseTime * 1000))));
  });
}

// As a child process: one `run` message, one `result` answer, exit.
if (process.send) {
  process.once('message', (m: ParentMessage) => {
    if (m.type !== 'run') return;
    runLoad(m.spec as LoadSpec).then(
      (result) => process.send!({ type: 'result', result } satisfies ChildMessage, () => process.exit(0)),
      (err: unknown) => process.send!({ type: 'error', message: String(err) } satisfies ChildMessage, () => process.exit(1)),
    );
  });
}
