// The public entry of metrics/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { createEnforcementMetrics, type EnforcementMetrics } from './enforcement-metrics.js';
export { createLookupMetrics } from './lookup-metrics.js';
export { createWebhookMetrics, type AdmissionOutcomeLabel, type WebhookMetrics } from './metrics.js';
