// prom-client recorders for the lookup service (discovery/metrics-port.ts). Registered on the
// Registry passed in (never the global one). Histograms, not summaries: they aggregate across
// replicas. Label values are closed sets; never image names or digests.
import type { Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { LookupMetrics } from '../discovery/index.js';

/** Seconds: from a cache hit (sub-millisecond) to the background deadline. */
const LOOKUP_BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Registry hosts named in `aibom_registry_requests_total`; more are "other" (label cardinality). */
export const MAX_REGISTRY_HOSTS = 50;
const REGISTRY_RESULTS = new Set(['1xx', '2xx', '3xx', '4xx', '5xx', 'auth', 'not-found', 'server', 'unavailable', 'rate-limited', 'digest-mismatch', 'blocked', 'too-large', 'invalid', 'timeout']);

// eslint-disable-next-line max-lines-per-function -- a flat list of metric definitions and their one-line recorders
export function createLookupMetrics(registry: Registry): LookupMetrics {
  const registers = [registry];
  const duration = new Histogram({
    name: 'aibom_lookup_duration_seconds',
    help: 'Time one caller waited for image findings, by purpose and how the answer was served (cache, shared in-flight work, new work).',
    labelNames: ['purpose', 'served'] as const,
    buckets: LOOKUP_BUCKETS,
    registers,
  });
  const lookups = new Counter({
    name: 'aibom_lookups_total',
    help: 'Image lookups answered, by purpose, how they were served and lookup status.',
    labelNames: ['purpose', 'served', 'status'] as const,
    registers,
  });
  const hits = new Counter({ name: 'aibom_lookup_cache_hits_total', help: 'Lookup cache hits.', labelNames: ['cache'] as const, registers });
  const misses = new Counter({ name: 'aibom_lookup_cache_misses_total', help: 'Lookup cache misses.', labelNames: ['cache'] as const, registers });
  const evictions = new Counter({
    name: 'aibom_lookup_cache_evictions_total',
    help: 'Entries evicted for room (capacity) or refused for being too large (oversize).',
    labelNames: ['cache', 'reason'] as const,
    registers,
  });
  const entries = new Gauge({ name: 'aibom_lookup_cache_entries', help: 'Entries in the lookup cache.', labelNames: ['cache'] as const, registers });
  const bytes = new Gauge({ name: 'aibom_lookup_cache_bytes', help: 'Estimated bytes held by the lookup cache.', labelNames: ['cache'] as const, registers });
  const started = new Counter({ name: 'aibom_lookup_background_started_total', help: 'Underlying lookups started (tag resolutions and digest lookups).', labelNames: ['kind'] as const, registers });
  const finished = new Counter({ name: 'aibom_lookup_background_finished_total', help: 'Underlying lookups finished, by status.', labelNames: ['kind', 'status'] as const, registers });
  const backgroundDuration = new Histogram({
    name: 'aibom_lookup_background_duration_seconds',
    help: 'Run time of underlying lookups.',
    labelNames: ['kind'] as const,
    buckets: LOOKUP_BUCKETS,
    registers,
  });
  const dropped = new Counter({
    name: 'aibom_lookup_background_dropped_total',
    help: 'Queued underlying lookups dropped before they started: every waiter left (abandoned) or their deadline passed (expired).',
    labelNames: ['kind', 'reason'] as const,
    registers,
  });
  const detached = new Counter({
    name: 'aibom_lookup_background_detached_total',
    help: 'Underlying lookups that outlived every request waiting for them and went on in the background.',
    labelNames: ['kind'] as const,
    registers,
  });
  const running = new Gauge({ name: 'aibom_lookup_background_in_flight', help: 'Underlying lookups running now.', registers });
  const queued = new Gauge({ name: 'aibom_lookup_background_queued', help: 'Underlying lookups waiting for a slot.', registers });
  const sourceDuration = new Histogram({
    name: 'aibom_lookup_source_duration_seconds',
    help: 'Time to probe one BOM attachment source, by source and outcome.',
    labelNames: ['source', 'outcome'] as const,
    buckets: LOOKUP_BUCKETS,
    registers,
  });

  const verifications = new Counter({
    name: 'aibom_trust_verifications_total',
    help: 'BOM signature verifications (first verifications; cached findings are not verified again), by signature format and result (verified, unsigned, invalid).',
    labelNames: ['format', 'result'] as const,
    registers,
  });
  const verificationDuration = new Histogram({
    name: 'aibom_trust_verification_duration_seconds',
    help: 'Time to judge one BOM: reading its signatures and verifying them, by signature format.',
    labelNames: ['format'] as const,
    buckets: LOOKUP_BUCKETS,
    registers,
  });

  const registryRequests = new Counter({
    name: 'aibom_registry_requests_total',
    help: `HTTP exchanges with registries, by registry host and result (2xx…5xx, or the error kind when none answered: timeout, unavailable, blocked, …). The first ${MAX_REGISTRY_HOSTS} hosts are named; later ones count as "other".`,
    labelNames: ['host', 'result'] as const,
    registers,
  });
  // Pod authors choose registry hosts: a bounded set of label values, whatever they write.
  const namedHosts = new Set<string>();
  const hostLabel = (host: string): string => {
    if (namedHosts.has(host)) return host;
    if (namedHosts.size >= MAX_REGISTRY_HOSTS) return 'other';
    namedHosts.add(host);
    return host;
  };

  return {
    registryRequest: (host, result) => registryRequests.inc({ host: hostLabel(host), result: REGISTRY_RESULTS.has(result) ? result : 'invalid' }),
    lookupCompleted(purpose, served, status, seconds) {
      duration.observe({ purpose, served }, seconds);
      lookups.inc({ purpose, served, status });
    },
    cacheHit: (cache) => hits.inc({ cache }),
    cacheMiss: (cache) => misses.inc({ cache }),
    cacheEvicted: (cache, reason) => evictions.inc({ cache, reason }),
    cacheSize(cache, n, b) {
      entries.set({ cache }, n);
      bytes.set({ cache }, b);
    },
    backgroundStarted: (kind) => started.inc({ kind }),
    backgroundFinished(kind, status, seconds) {
      finished.inc({ kind, status });
      backgroundDuration.observe({ kind }, seconds);
    },
    backgroundDropped: (kind, reason) => dropped.inc({ kind, reason }),
    backgroundDetached: (kind) => detached.inc({ kind }),
    backgroundLoad(r, q) {
      running.set(r);
      queued.set(q);
    },
    sourceProbed: (source, outcome, seconds) => sourceDuration.observe({ source, outcome }, seconds),
    trustVerified(format, result, seconds) {
      verifications.inc({ format, result });
      verificationDuration.observe({ format }, seconds);
    },
  };
}
