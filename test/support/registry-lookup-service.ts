// The admission-grade registry lookup exactly as `aibom serve` composes it (discovery/build-lookup.ts:
// the lookup service over every attachment source), with the registry client built from the config.
import type { Registry } from 'prom-client';
import { buildRegistryClient } from '../../src/cli/registry-flags.js';
import type { Config } from '../../src/config/schema.js';
import { buildImageLookup } from '../../src/discovery/build-lookup.js';
import type { LookupService } from '../../src/discovery/lookup-service.js';
import { createLookupMetrics } from '../../src/metrics/lookup-metrics.js';
import type { RegistryClient } from '../../src/oci/registry-client.js';

export interface RegistryLookupStack {
  lookup: LookupService;
  client: RegistryClient;
  close(): Promise<void>;
}

export function registryLookupService(config: Config, options: { metricsRegistry?: Registry } = {}): RegistryLookupStack {
  const client = buildRegistryClient(config);
  const lookup = buildImageLookup(config, { client, ...(options.metricsRegistry ? { metrics: createLookupMetrics(options.metricsRegistry) } : {}) });
  return { lookup, client, close: () => client.close() };
}
