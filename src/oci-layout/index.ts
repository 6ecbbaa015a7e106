// The public entry of oci-layout/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { LayoutError, OciLayout, isIndexMediaType, type Manifest } from './layout.js';
