// The product's lookup exactly as `aibom serve` composes it (discovery/compose.ts), either around a
// client a test built itself (retries, timeouts, CA, resolver, mirrors), or with the client built
// from the config too. A new one per call: nothing cached by an earlier call can hide what the
// registry does now.
import type { Registry } from 'prom-client';
import type { ImageLookup } from '../../src/contracts/lookup.js';
import type { Config } from '../../src/config/schema.js';
import { defaultConfig } from '../../src/config/schema.js';
import { composeLookup } from '../../src/discovery/compose.js';
import type { LookupService } from '../../src/discovery/lookup-service.js';
import { createLookupMetrics } from '../../src/metrics/lookup-metrics.js';
import type { RegistryClient } from '../../src/registry/client.js';

export interface ComposedLookupOptions {
  /** Overrides of `limits.*` (maxReferrers, maxLookupBytes, …). */
  limits?: Partial<Config['limits']>;
  onNote?: (image: string, note: string) => void;
}

/** The registry lookup service of the default configuration, around `client`. */
export function composedLookup(client: RegistryClient, options: ComposedLookupOptions = {}): LookupService {
  const config = defaultConfig();
  Object.assign(config.limits, options.limits);
  return composeLookup(config, { client, ...(options.onNote ? { onNote: options.onNote } : {}) }).registry!;
}

export interface RegistryLookupStack {
  /** The whole chain, as the server gets it. */
  chain: ImageLookup;
  /** Its registry lookup service (caches, `whenIdle`). */
  lookup: LookupService;
  client: RegistryClient;
  close(): Promise<void>;
}

/** The admission-grade lookup as `aibom serve` builds it from `config` (client included). */
export function registryLookupService(config: Config, options: { metricsRegistry?: Registry } = {}): RegistryLookupStack {
  const composed = composeLookup(config, options.metricsRegistry ? { metrics: createLookupMetrics(options.metricsRegistry) } : {});
  return { chain: composed.lookup, lookup: composed.registry!, client: composed.client!, close: () => composed.close() };
}
