// The public entry of bom/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { predicateKind, unwrapStatement } from './attestation.js';
export { isProvenancePredicate, readProvenance, type Provenance } from './provenance.js';
export { isNoLicense, normalizeLicenseExpression, normalizeLicenseId } from './license.js';
export type { BomLimits } from './limits.js';
export { readBom, type BomReadResult, type ReadBomOptions } from './read.js';
export { PARSER_VERSION } from './version.js';
export { readModelArtifact, recognizeModelArtifact, type ReadArtifactInput, type RecognizedArtifact } from './artifacts/index.js';
