// What trust verification says about one BOM (DESIGN.md "Annotations": `trust` is
// `unsigned | verified | invalid`), and who signed it. Pure types: the verifiers in this folder
// produce them, discovery caches them with the BOM, policy and annotations read them.

/**
 * - `verified`: a signature over exactly this BOM (or the artifact that carries it) verifies against
 *   the configured trust (a key, a keyless identity under a trusted root, a Notary trust policy).
 * - `unsigned`: nothing claims to sign it.
 * - `invalid`: something claims to sign it and does not verify — tampered bytes, a key or identity
 *   that is not trusted, a signature over another digest, an expired certificate. Never unsigned.
 */
export const TRUST_STATES = ['unsigned', 'verified', 'invalid'] as const;
export type TrustState = (typeof TRUST_STATES)[number];

/** How a signature is carried (the four conventions of SPECS.md §2.3–2.4 and Notary). */
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

export interface TrustVerdict {
  trust: TrustState;
  /** Everyone whose signature verified (verified only), in the order found. */
  signers: Signer[];
  /** The format of the signature that decided the verdict. */
  format?: SignatureFormat;
  /** Why it is `invalid` (or a remark on `verified`): short, for annotations and policy messages. */
  reason?: string;
}

/** One signature's check. */
export type SignatureCheck =
  | { ok: true; format: SignatureFormat; signer: Signer; remark?: string }
  | { ok: false; format: SignatureFormat; reason: string; /** what was found, e.g. `key sha256:ab…` */ found?: string };

export const UNSIGNED: TrustVerdict = Object.freeze({ trust: 'unsigned', signers: [] }) as TrustVerdict;

/** Short, stable text for a signer: `key cosign.pub (sha256:1f2e…)`, `https://issuer subject`, `notary CN=…`. */
export function describeSigner(signer: Signer): string {
  const short = signer.fingerprint.slice(0, 19);
  if (signer.method === 'key') return `key ${signer.key ?? short} (${short})`;
  if (signer.method === 'keyless') return `${signer.issuer ?? 'unknown issuer'} ${signer.subject ?? 'unknown subject'}`;
  return `notary ${signer.subject ?? short}${signer.trustPolicy ? ` (policy ${signer.trustPolicy})` : ''}`;
}

/**
 * The verdict of all signatures found for one BOM: none → unsigned; any that verifies → verified
 * (every verified signer listed); otherwise invalid with the first failure's reason.
 */
export function judge(checks: readonly SignatureCheck[]): TrustVerdict {
  if (checks.length === 0) return UNSIGNED;
  const passed = checks.filter((c): c is Extract<SignatureCheck, { ok: true }> => c.ok);
  if (passed.length > 0) {
    const first = passed[0]!;
    const verdict: TrustVerdict = { trust: 'verified', signers: passed.map((c) => c.signer), format: first.format };
    if (first.remark) verdict.reason = first.remark;
    return verdict;
  }
  const failed = checks[0] as Extract<SignatureCheck, { ok: false }>;
  return { trust: 'invalid', signers: [], format: failed.format, reason: failed.reason };
}
