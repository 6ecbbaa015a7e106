// The public entry of src/trust (docs/trust.md): verification over bytes, keys and trusted roots.
export { decodeBase64, parsePublicKey, sha256Hex, TrustConfigError, verifyWithKey, type TrustedKey } from './keys.js';
export { COSIGN_CERTIFICATE_ANNOTATION, COSIGN_SIGNATURE_ANNOTATION, dsseEnvelopeOf, simpleSigningDigest, verifyDsseWithKeys, verifySimpleSigning, type DsseEnvelopeInput, type SimpleSigningInput } from './keyed.js';
export { buildTrustSet, describeIdentity, hasTrust, identityMatches, parseTrustedRoot, type IdentityInput, type KeylessIdentity, type SigstoreRoot, type TrustInput, type TrustSet } from './material.js';
export { COSE_MEDIA_TYPE, JWS_MEDIA_TYPE, NOTARY_SIGNATURE_ARTIFACT, verifyNotarySignature, type NotaryExpectation } from './notary.js';
export { parseNotaryTrust, policyFor, type NotaryTrust, type NotaryTrustInput, type NotaryTrustPolicy, type TrustStoreType } from './notary-policy.js';
export { verifySigstoreBundle, type BundleExpectation } from './sigstore-bundle.js';
export { describeSigner, judge, TRUST_STATES, UNSIGNED, type SignatureCheck, type SignatureFormat, type Signer, type TrustState, type TrustVerdict } from './types.js';
