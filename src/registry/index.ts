// The public entry of registry/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { artifactTypeForFormat, attachBom } from './attach.js';
export type { AttachResult } from './attach.js';
export { RegistryClient } from './client.js';
export { CredentialFileError, CredentialStore } from './credentials.js';
export { RegistryError, lookupStatusOf } from './errors.js';
export { registryClientFromConfig } from './from-config.js';
export type { ManifestResult } from './manifests.js';
export { judgeReferrer, listReferrers } from './referrers.js';
export type { RepoRef } from './transport.js';
