// Public keys as cosign uses them (`--key FILE`): ECDSA P-256/P-384/P-521, Ed25519 and RSA (≥ 2048
// bits) in PEM (SPKI `PUBLIC KEY`, PKCS#1 `RSA PUBLIC KEY`, or a certificate whose key is meant).
// Signatures are checked with node:crypto only; this module picks the digest each key type signs with.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ed25519ph } from '@noble/curves/ed25519.js';

export class TrustConfigError extends Error {
  override name = 'TrustConfigError';
}

export interface TrustedKey {
  /** What the configuration calls it (file name, or `key-1`…). */
  name: string;
  key: KeyObject;
  /** `sha256:<hex>` of the SubjectPublicKeyInfo DER. */
  fingerprint: string;
  /** base64 of the same digest: the `publicKey.hint` cosign writes into Sigstore bundles. */
  hint: string;
}

const EC_DIGEST: Record<string, string> = { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' };

/** Parses one PEM public key (or certificate). Throws TrustConfigError with a reason a user can act on. */
export function parsePublicKey(pem: string, name: string): TrustedKey {
  const text = pem.trim();
  if (!text.startsWith('-----BEGIN')) throw new TrustConfigError(`key ${name}: not a PEM public key (expected -----BEGIN PUBLIC KEY-----; KMS URIs are not supported)`);
  if (/-----BEGIN (ENCRYPTED |EC |RSA |)PRIVATE KEY-----/.test(text)) throw new TrustConfigError(`key ${name}: is a private key; give the public key (cosign.pub)`);
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch (err) {
    throw new TrustConfigError(`key ${name}: not a readable public key: ${(err as Error).message}`);
  }
  checkKeyType(key, name);
  const spki = key.export({ type: 'spki', format: 'der' });
  const digest = createHash('sha256').update(spki).digest();
  return { name, key, fingerprint: `sha256:${digest.toString('hex')}`, hint: digest.toString('base64') };
}

function checkKeyType(key: KeyObject, name: string): void {
  const type = key.asymmetricKeyType;
  if (type === 'ed25519') return;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
    if (!EC_DIGEST[curve]) throw new TrustConfigError(`key ${name}: ECDSA curve ${curve || 'unknown'} is not supported (P-256, P-384, P-521)`);
    return;
  }
  if (type === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new TrustConfigError(`key ${name}: RSA key of ${bits} bits is too short (at least 2048)`);
    return;
  }
  throw new TrustConfigError(`key ${name}: key type ${type ?? 'unknown'} is not supported (ECDSA, Ed25519, RSA)`);
}

/** The digest a cosign signature by this key is made over (null: Ed25519 signs the message itself). */
export function digestOf(key: KeyObject): string | null {
  if (key.asymmetricKeyType === 'ed25519') return null;
  if (key.asymmetricKeyType === 'ec') return EC_DIGEST[key.asymmetricKeyDetails?.namedCurve ?? ''] ?? 'sha256';
  return 'sha256';
}

/**
 * Does `signature` over `data` verify with `key` as cosign signs (ECDSA DER, Ed25519 — pure, or
 * Ed25519ph (RFC 8032 §5.1) as cosign ≥ 3 signs with Ed25519 keys —, RSA PKCS#1 v1.5 with SHA-256)?
 * Never throws: malformed signatures are false.
 */
export function verifyWithKey(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    if (verify(digestOf(key), data, key, signature)) return true;
    if (key.asymmetricKeyType !== 'ed25519' || signature.length !== 64) return false;
    // Node 20's OpenSSL 3.0 has no Ed25519ph: @noble/curves (audited) verifies it.
    const raw = Buffer.from(String(key.export({ format: 'jwk' }).x), 'base64url');
    return ed25519ph.verify(signature, data, raw);
  } catch {
    return false;
  }
}

/** base64 (standard or URL-safe, padding optional) → bytes, or undefined when it is not base64. */
export function decodeBase64(text: unknown, maxBytes = 1 << 20): Buffer | undefined {
  if (typeof text !== 'string') return undefined;
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length > Math.ceil((maxBytes * 4) / 3) + 4) return undefined;
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
