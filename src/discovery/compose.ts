// The one composition of the image lookup (docs/discovery.md "Lookup chain"): `--bom` file
// overrides first, then the configured discovery sources in order (`discovery.sources`). An OCI
// layout passes the images it does not hold to the next source; the registry (the lookup service
// over every attachment source, build-lookup.ts) ends the chain. `aibom serve`, every CLI command
// and the tests build their lookup here, so they all find the same BOMs.
import type { ImageLookup } from '../contracts/lookup.js';
import { ConfigError, createTrustSource, readTrustInput, type Config, type TrustSource } from '../config/index.js';
import { buildTrustSet, TrustConfigError } from '../trust/index.js';
import { ReferenceError } from '../contracts/image-reference.js';
import { registryClientFromConfig, type RegistryClient } from '../registry/index.js';
import { buildImageLookup } from './build-lookup.js';
import type { BomParser } from './bom-parser.js';
import type { Clock } from './clock.js';
import { fileLookup, type BomMapping } from './file-lookup.js';
import { layoutLookup } from './layout-lookup.js';
import type { LookupService } from './lookup-service.js';
import type { LookupMetrics } from './metrics-port.js';
import { PlatformFilterError } from './platforms.js';

export interface LookupWiring {
  /** `--bom IMAGE=FILE` overrides. */
  bomMappings?: readonly BomMapping[];
  /** false: the chain never reaches a registry (`review --no-registry`; `check` without `--registry`). */
  registry?: boolean;
  /** The registry client to use (its owner closes it); default: one built from `registries.*`, closed by `close()`. */
  client?: RegistryClient;
  metrics?: LookupMetrics;
  /** Remarks that are not statuses (a skipped referrer, a rejected statement), for the debug log. */
  onNote?: (image: string, note: string) => void;
  clock?: Clock;
  /** Where BOM bytes become inventories (`aibom serve`: a worker pool for big BOMs); default in-thread. */
  parseBom?: BomParser;
  /** What BOM signatures are verified against; default: `trust.*` of the configuration (docs/trust.md). */
  trust?: TrustSource;
}

export interface ComposedLookup {
  lookup: ImageLookup;
  /** The registry client, when the chain reaches a registry. */
  client?: RegistryClient;
  /** The registry lookup service (caches, single-flight), when the chain reaches a registry. */
  registry?: LookupService;
  /** The trust BOMs are verified against; `follow` it to the policies in force (their trustedSigners). */
  trust: TrustSource;
  /** Closes the registry client this composition built. */
  close(): Promise<void>;
}

/** The end of a chain whose sources do not hold the image. */
const noSource: ImageLookup = async () => ({ status: 'error:not-found', boms: [], detail: 'no discovery source configured for this image' });
const registryOff: ImageLookup = async () => ({ status: 'error:not-found', boms: [], detail: 'registry lookups are off for this run; map the image with --bom' });

/**
 * Throws ConfigError for bad `discovery.*` values, BomMappingError for unreadable `--bom` files and
 * CredentialFileError for bad registry credential files.
 */
export function composeLookup(config: Config, wiring: LookupWiring = {}): ComposedLookup {
  const trust = wiring.trust ?? trustSourceOf(config);
  wiring = { ...wiring, trust };
  let client: RegistryClient | undefined;
  let ownsClient = false;
  let registry: LookupService | undefined;
  let chain: ImageLookup = noSource;
  try {
    for (const source of [...config.discovery.sources].reverse()) {
      if (source === 'registry') {
        if (wiring.registry === false) {
          chain = registryOff;
          continue;
        }
        if (!client) {
          client = wiring.client ?? registryClientFromConfig(config, wiring.metrics?.registryRequest ? { onExchange: wiring.metrics.registryRequest.bind(wiring.metrics) } : {});
          ownsClient = wiring.client === undefined;
        }
        registry = registryLookup(config, client, wiring);
        chain = registry;
      } else {
        const dir = config.discovery.layoutDir;
        if (!dir) throw new ConfigError('discovery.sources includes "layout" but discovery.layoutDir is not set');
        chain = layoutLookup({ dir, maxBomBytes: config.limits.maxBomBytes, maxReferrers: config.limits.maxReferrers }, chain);
      }
    }
    const lookup = fileLookup(wiring.bomMappings ?? [], chain, config.limits.maxBomBytes);
    const composed: ComposedLookup = { lookup, trust, close: async () => (ownsClient ? client?.close() : undefined) };
    if (client) composed.client = client;
    if (registry) composed.registry = registry;
    return composed;
  } catch (err) {
    if (ownsClient) void client?.close();
    throw err;
  }
}

function registryLookup(config: Config, client: RegistryClient, wiring: LookupWiring): LookupService {
  try {
    return buildImageLookup(config, {
      client,
      ...(wiring.metrics ? { metrics: wiring.metrics } : {}),
      ...(wiring.onNote ? { onNote: wiring.onNote } : {}),
      ...(wiring.clock ? { clock: wiring.clock } : {}),
      ...(wiring.parseBom ? { parseBom: wiring.parseBom } : {}),
      ...(wiring.trust ? { trust: wiring.trust } : {}),
    });
  } catch (err) {
    if (err instanceof PlatformFilterError) throw new ConfigError(err.message);
    if (err instanceof ReferenceError) throw new ConfigError(`discovery.cosignRepository: ${err.message}`);
    throw err;
  }
}

/** The trust source of `trust.*`; a bad key, root or policy file is a ConfigError naming it. */
function trustSourceOf(config: Config): TrustSource {
  try {
    const input = readTrustInput(config.trust);
    buildTrustSet(input); // fail now, naming the file, rather than at the first lookup
    return createTrustSource(input);
  } catch (err) {
    if (err instanceof TrustConfigError) throw new ConfigError(err.message);
    throw err;
  }
}
