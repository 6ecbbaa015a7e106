// The public entry of scan/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { PlatformError } from './platform.js';
export { scanRegistryImage } from './registry-image.js';
export { ScanTargetError, renderBom, runScan, worstFindings, type OutputFormat } from './run-scan.js';
