// The trust vocabulary (docs/trust.md): what a BOM's `trust` is and who signed it. Discovery
// records them with each BOM, policy and annotations read them, src/trust produces them.

/**
 * - `verified`: a signature over exactly this BOM (or the artifact that carries it) verifies against
 *   the configured trust (a key, a keyless identity under a trusted root, a Notary trust policy).
 * - `unsigned`: nothing claims to sign it.
 * - `invalid`: something claims to sign it and does not verify — tampered bytes, a key or identity
 *   that is not trusted, a signature over another digest, an expired certificate. Never unsigned.
 */
export const TRUST_STATES = ['unsigned', 'verified', 'invalid'] as const;
export type TrustState = (typeof TRUST_STATES)[number];

/** How a signature is carried (the four conventions of cosign and Notary, docs/trust.md). */
export type SignatureFormat =
  /** cosign's simple-signing payload in a `sha256-<hex>.sig` tag or a cosign signature referrer */
  | 'cosign'
  /** a DSSE envelope (cosign attest, legacy `.att` tag or in-toto referrer) */
  | 'dsse'
  /** a Sigstore bundle v0.1–v0.3 (cosign ≥ 3 sign/attest, sigstore-js) */
  | 'sigstore-bundle'
  /** a Notary Project signature (JWS) referrer */
  | 'notary';

export interface Signer {
  /** `key`: a configured public key; `keyless`: a certificate under a trusted root; `notary`: a Notary trust policy. */
  method: 'key' | 'keyless' | 'notary';
  /** `sha256:<hex>` of the public key's SubjectPublicKeyInfo (key) or of the leaf certificate's DER (keyless, notary). */
  fingerprint: string;
  /** The configured key's name (its file name, or `key-1`…). */
  key?: string;
  /** Keyless: the OIDC issuer recorded in the certificate. */
  issuer?: string;
  /** Keyless: the certificate's subject alternative name; Notary: the leaf certificate's subject DN. */
  subject?: string;
  /** Notary: the trust policy that admitted it. */
  trustPolicy?: string;
  /** Keyless: `sha256:<hex>` of the trusted_root.json the certificate chained to. */
  root?: string;
}

/** Short, stable text for a signer: `key cosign.pub (sha256:1f2e…)`, `https://issuer subject`, `notary CN=…`. */
export function describeSigner(signer: Signer): string {
  const short = signer.fingerprint.slice(0, 19);
  if (signer.method === 'key') return `key ${signer.key ?? short} (${short})`;
  if (signer.method === 'keyless') return `${signer.issuer ?? 'unknown issuer'} ${signer.subject ?? 'unknown subject'}`;
  return `notary ${signer.subject ?? short}${signer.trustPolicy ? ` (policy ${signer.trustPolicy})` : ''}`;
}
