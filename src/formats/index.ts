// The public entry of formats/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { HEAD_BYTES, detectFile, isCandidate, mayExpand } from './detect.js';
export { hubLocation } from './huggingface.js';
export { bufferSource, type ByteSource } from './source.js';
export { DEFAULT_FORMAT_LIMITS, SEVERITY_ORDER, atLeast, type CardFacts, type Confidence, type Detection, type FormatFinding, type FormatLimits, type MetaValue, type Severity } from './types.js';
