// The public entry of registry/: what other rooms may use (scripts/lint/layers.js, docs/architecture.md).
export { artifactTypeForFormat, attachBom } from './attach.js';
export { RegistryClient, RegistryError, lookupStatusOf, type ManifestResult, type RepoRef } from './client.js';
export { CredentialFileError, CredentialStore } from './credentials.js';
export { judgeReferrer, listReferrers } from './referrers.js';
