// The product's registry lookup (buildImageLookup: the lookup service over every attachment source),
// either around a client a test built itself (retries, timeouts, CA, resolver, mirrors), or exactly
// as `aibom serve` composes it, with the client built from the config too. A new one per call:
// nothing cached by an earlier call can hide what the registry does now.
import type { Registry } from 'prom-client';
import { buildRegistryClient } from '../../src/cli/registry-flags.js';
import type { Config } from '../../src/config/schema.js';
import { defaultConfig } from '../../src/config/schema.js';
import { buildImageLookup } from '../../src/discovery/build-lookup.js';
import type { LookupService } from '../../src/discovery/lookup-service.js';
import { createLookupMetrics } from '../../src/metrics/lookup-metrics.js';
import type { RegistryClient } from '../../src/registry/client.js';

export interface ComposedLookupOptions {
  /** Overrides of `limits.*` (maxReferrers, maxLookupBytes, …). */
  limits?: Partial<Config['limits']>;
  onNote?: (image: string, note: string) => void;
}

export function composedLookup(client: RegistryClient, options: ComposedLookupOptions = {}): LookupService {
  const config = defaultConfig();
  Object.assign(config.limits, options.limits);
  return buildImageLookup(config, options.onNote ? { client, onNote: options.onNote } : { client });
}

export interface RegistryLookupStack {
  lookup: LookupService;
  client: RegistryClient;
  close(): Promise<void>;
}

/** The admission-grade lookup as `aibom serve` builds it from `config` (client included). */
export function registryLookupService(config: Config, options: { metricsRegistry?: Registry } = {}): RegistryLookupStack {
  const client = buildRegistryClient(config);
  const lookup = buildImageLookup(config, { client, ...(options.metricsRegistry ? { metrics: createLookupMetrics(options.metricsRegistry) } : {}) });
  return { lookup, client, close: () => client.close() };
}
