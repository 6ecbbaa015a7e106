// The public entry of mlbom/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { cycloneDxXml } from './cyclonedx-xml.js';
export { buildCycloneDx, metaString, type BomContext } from './cyclonedx.js';
export { groupModels, type ScannedFile, type ScannedModel } from './models.js';
export { buildSpdx3 } from './spdx3.js';
export type { ScanTarget } from './target.js';
