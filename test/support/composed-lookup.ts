// The product's registry lookup (buildImageLookup: lookup service over every attachment source)
// around a client a test built itself (retries, timeouts, CA, resolver, mirrors). A new one per call:
// nothing cached by an earlier call can hide what the registry does now.
import type { Config } from '../../src/config/schema.js';
import { defaultConfig } from '../../src/config/schema.js';
import { buildImageLookup } from '../../src/discovery/build-lookup.js';
import type { LookupService } from '../../src/discovery/lookup-service.js';
import type { RegistryClient } from '../../src/oci/registry-client.js';

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
