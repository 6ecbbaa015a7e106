// The public entry of discovery/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { createBomWorkerPool } from './bom-parser.js';
export { buildImageLookup, type BuildLookupDeps } from './build-lookup.js';
export { composeLookup, type ComposedLookup, type LookupWiring } from './compose.js';
export { BomMappingError, parseBomMapping, type BomMapping } from './file-lookup.js';
export { layoutLookup } from './layout-lookup.js';
export type { LookupService } from './lookup-service.js';
export type { LookupMetrics } from './metrics-port.js';
export { PlatformFilterError, platformName } from './platforms.js';
export { isAttestationEntry } from './sources/buildkit.js';
