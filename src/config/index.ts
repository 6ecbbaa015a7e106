// The public entry of config/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { ConfigError, loadConfig, type DeepPartial } from './load.js';
export { loadPolicyFiles } from './policy-files.js';
export { PolicyWatcher, type PolicyWatchState } from './policy-watch.js';
export type { Config } from './schema.js';
export { admissionSettings, enforcementSettings } from './settings.js';
export { loadTrustSet, readTrustInput, resolveLoadedPolicies, resolvePolicyTrustFiles } from './trust-files.js';
export { createTrustSource, policyTrustInput, type TrustSource } from './trust-source.js';
