// Prometheus metrics of the webhook, on a Registry the caller owns (never prom-client's global one,
// so tests and several servers in one process do not share counters). Typed recorders keep label
// values to closed sets: no image, pod or namespace names ever become label values.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Endpoint } from '../admission/index.js';
import { isWorkloadKind } from '../contracts/workload.js';

/** How an admission request ended. */
export type AdmissionOutcomeLabel = 'allowed' | 'denied' | 'skipped' | 'bad-request' | 'error' | 'deadline';

const OPERATIONS = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

export interface AdmissionObservation {
  webhook: Endpoint;
  /** Request operation; anything else is recorded as `unknown`. */
  operation?: string | undefined;
  /** Workload kind; kinds we do not handle are recorded as `other`, unparsed requests as `unknown`. */
  kind?: string | undefined;
  outcome: AdmissionOutcomeLabel;
  seconds: number;
}

export interface WebhookMetrics {
  readonly registry: Registry;
  observeAdmission(observation: AdmissionObservation): void;
  /** Marks a request in flight; call the returned function once when it is answered. */
  startRequest(webhook: Endpoint): () => void;
  /** A response went out after the apiserver's deadline (or the safety net answered instead of the core). */
  deadlineMissed(webhook: Endpoint): void;
  /** A certificate reload: `ok` or `rejected` (the old certificate stays in use). */
  certificateReload(result: 'ok' | 'rejected'): void;
  /** The serving certificate in use now expires at this time (Unix seconds). */
  certificateInUse(notAfterSeconds: number): void;
}

// Admission latency spans cache hits (sub-millisecond) to registry round trips near the deadline.
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 8, 10];

export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  const duration = new Histogram({
    name: 'aibom_admission_duration_seconds',
    help: 'Time from request received to response written, by webhook, operation, kind and outcome.',
    labelNames: ['webhook', 'operation', 'kind', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'aibom_admission_requests_in_flight',
    help: 'Admission requests being handled.',
    labelNames: ['webhook'] as const,
    registers: [registry],
  });
  const deadlineMisses = new Counter({
    name: 'aibom_admission_deadline_misses_total',
    help: 'Admission responses that could not be computed before the request deadline.',
    labelNames: ['webhook'] as const,
    registers: [registry],
  });
  const certReloads = new Counter({
    name: 'aibom_tls_certificate_reloads_total',
    help: 'Serving certificate reload attempts, by result.',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const notAfter = new Gauge({
    name: 'aibom_tls_certificate_expiry_timestamp_seconds',
    help: 'When the serving certificate in use expires (notAfter, Unix seconds); follows reloads.',
    registers: [registry],
  });
  for (const webhook of ['mutate', 'validate'] as const) {
    inFlight.labels({ webhook }).set(0);
    deadlineMisses.labels({ webhook }).inc(0);
  }
  return {
    registry,
    observeAdmission(o) {
      const operation = o.operation && OPERATIONS.has(o.operation) ? o.operation : 'unknown';
      const kind = o.kind === undefined ? 'unknown' : isWorkloadKind(o.kind) ? o.kind : 'other';
      duration.labels({ webhook: o.webhook, operation, kind, outcome: o.outcome }).observe(o.seconds);
    },
    startRequest(webhook) {
      inFlight.labels({ webhook }).inc();
      let done = false;
      return () => {
        if (done) return;
        done = true;
        inFlight.labels({ webhook }).dec();
      };
    },
    deadlineMissed(webhook) {
      deadlineMisses.labels({ webhook }).inc();
    },
    certificateReload(result) {
      certReloads.labels({ result }).inc();
    },
    certificateInUse(seconds) {
      if (Number.isFinite(seconds)) notAfter.set(seconds);
    },
  };
}
