// The public entry of audit/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { auditRecord, isAudited, type AuditRecord } from './record.js';
export { loggerAuditSink } from './writer.js';
