// The public entry of classify/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { detectAiHeuristically, type HeuristicOptions } from './heuristics.js';
export { classifyImage, imageEvidence } from './image.js';
export { classifyInventory } from './inventory.js';
export { classifyWorkload } from './workload.js';
export { modelFromHuggingFaceId, specModels, STORAGE_INITIALIZER_SOURCE_URI } from './spec-models.js';
