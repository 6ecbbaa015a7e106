// The admission-grade lookup over the real registry client, composed the way the server will be:
// the lookup service (cache, single-flight, deadlines) in front of the registry lookup. Used by the
// benchmark's webhook child and the hostile-world suite until src/discovery/build-lookup.ts lands.
import type { Registry } from 'prom-client';
import type { ImageLookup } from '../../src/admission/lookup.js';
import { buildRegistryClient, buildRegistryLookup } from '../../src/cli/registry-flags.js';
import type { Config } from '../../src/config/schema.js';
import { monotonicClock } from '../../src/discovery/clock.js';
import { createLookupService, type LookupService } from '../../src/discovery/lookup-service.js';
import { createLookupMetrics } from '../../src/metrics/lookup-metrics.js';
import type { RegistryClient } from '../../src/oci/registry-client.js';

export interface RegistryLookupStack {
  lookup: LookupService;
  client: RegistryClient;
  close(): Promise<void>;
}

export function registryLookupService(config: Config, options: { metricsRegistry?: Registry } = {}): RegistryLookupStack {
  const client = buildRegistryClient(config);
  const underlying: ImageLookup = buildRegistryLookup(config, client);
  const lookup = createLookupService({
    async resolveDigest(ref, signal) {
      return (await client.resolve(ref, signal)).digest;
    },
    lookupDigest: (ref, signal) => underlying(`${ref.registry}/${ref.repository}@${ref.digest as string}`, { signal }),
    clock: monotonicClock,
    ...(options.metricsRegistry ? { metrics: createLookupMetrics(options.metricsRegistry) } : {}),
    options: config.cache,
  });
  return { lookup, client, close: () => client.close() };
}
