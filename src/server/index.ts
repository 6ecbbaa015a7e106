// The public entry of server/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { CertificateError } from './certificates.js';
export { defaultServingNames, generateDevCertificates } from './dev-certs.js';
export { createLogger } from './log.js';
export { startService } from './service.js';
