// Composition root of the lookup chain: `--bom` file overrides first, then the configured discovery
// sources in order (`discovery.sources`). A layout passes images it does not hold to the next
// source; the registry is the end of a chain. The registry lookup is a slot filled by whoever wires
// the process (`aibom serve`: buildImageLookup, docs/discovery.md); without it, registry images are
// `error:not-found`.
import type { ImageLookup } from '../contracts/lookup.js';
import { ConfigError, type Config } from '../config/index.js';
import { fileLookup, noSourceLookup, type BomMapping, layoutLookup } from '../discovery/index.js';

export interface LookupWiring {
  /** `--bom IMAGE=FILE` overrides. */
  bomMappings?: readonly BomMapping[];
  /** Builds the registry lookup from the configuration. */
  registry?: (config: Config) => ImageLookup;
}

/** Answers for registry images while no registry lookup is wired in. */
export const registryNotWired: ImageLookup = async () => ({ status: 'error:not-found', boms: [], detail: 'registry lookup not available in this build' });

export function buildLookup(config: Config, wiring: LookupWiring = {}): ImageLookup {
  let chain: ImageLookup = noSourceLookup;
  for (const source of [...config.discovery.sources].reverse()) {
    if (source === 'registry') {
      chain = wiring.registry ? wiring.registry(config) : registryNotWired;
    } else {
      const dir = config.discovery.layoutDir;
      if (!dir) throw new ConfigError('discovery.sources includes "layout" but discovery.layoutDir is not set');
      chain = layoutLookup({ dir, maxBomBytes: config.limits.maxBomBytes, maxReferrers: config.limits.maxReferrers }, chain);
    }
  }
  return fileLookup(wiring.bomMappings ?? [], chain, config.limits.maxBomBytes);
}
