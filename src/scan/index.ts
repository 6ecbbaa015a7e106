// The public entry of scan/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { PlatformError } from './platform.js';
export { ScanTargetError, renderBom, runScan, worstFindings, type OutputFormat } from './run-scan.js';
import type { scanRegistryImage as scanImage } from './registry-image.js';

/**
 * Scans an image from its registry (registry-image.ts), loading the registry client only when an
 * image is scanned: the other entries here serve local scans, which load no network code.
 */
export async function scanRegistryImage(...args: Parameters<typeof scanImage>): ReturnType<typeof scanImage> {
  return (await import('./registry-image.js')).scanRegistryImage(...args);
}
