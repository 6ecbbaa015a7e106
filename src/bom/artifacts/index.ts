// Model artifacts recognised by media type and read from their config (docs/model-artifacts.md).
export { MODELKIT, MODELPACK, DOCKER_AI, OLLAMA, recognizeModelArtifact, type RecognizedArtifact } from './media-types.js';
export { readModelArtifact, type ReadArtifactInput } from './read.js';
