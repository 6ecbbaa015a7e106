// Signatures made with a key (cosign `--key`), in cosign's two legacy carriers:
// - a DSSE envelope (`cosign attest`, the `sha256-<hex>.att` tag or an in-toto referrer): each
//   signature is over the DSSE pre-authentication encoding of (payloadType, payload) [DSSE v1 protocol];
// - a simple-signing payload (`cosign sign`, the `sha256-<hex>.sig` tag or a cosign signature
//   referrer): the layer is the JSON payload naming `critical.image.docker-manifest-digest`, its
//   signature the layer annotation `dev.cosignproject.cosign/signature` (base64).
// Certificates in the legacy layout (keyless cosign < 3, with a Rekor SET in an annotation) are
// not verified here: keyless verification reads Sigstore bundles (sigstore-bundle.ts).
import { dsse } from '@sigstore/core';
import { decodeBase64, verifyWithKey, type TrustedKey } from './keys.js';
import type { TrustSet } from './material.js';
import type { SignatureCheck, Signer } from './types.js';

/** Annotations cosign writes on a signature or attestation layer (cosign pkg/oci/static). */
export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const COSIGN_CERTIFICATE_ANNOTATION = 'dev.sigstore.cosign/certificate';

const LEGACY_KEYLESS = "a certificate in cosign's legacy layout (keyless cosign < 3) is not verified: use Sigstore bundles (cosign ≥ 3) or a key";

export function keySigner(key: TrustedKey): Signer {
  return { method: 'key', fingerprint: key.fingerprint, key: key.name };
}

/** The configured key that verifies `signature` over `data`, if any. */
function keyThatVerifies(keys: readonly TrustedKey[], data: Buffer, signature: Buffer): TrustedKey | undefined {
  return keys.find((k) => verifyWithKey(k.key, data, signature));
}

function noKey(keys: readonly TrustedKey[], what: string): string {
  return keys.length === 0 ? `${what} is signed, but no key is configured (--key / trust.keys)` : `${what}: no configured key verifies the signature (tampered, or signed by another key)`;
}

export interface DsseEnvelopeInput {
  payloadType: string;
  /** The payload bytes (decoded from the envelope's base64). */
  payload: Buffer;
  /** base64 signatures as in the envelope. */
  signatures: string[];
  /** The layer carried a certificate annotation (legacy keyless). */
  hasCertificate?: boolean;
}

/** Reads a DSSE envelope's fields from parsed JSON; undefined when it is not one. */
export function dsseEnvelopeOf(doc: unknown): DsseEnvelopeInput | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const env = doc as Record<string, unknown>;
  if (typeof env.payloadType !== 'string') return undefined;
  const payload = decodeBase64(env.payload, 64 << 20);
  if (!payload) return undefined;
  const signatures = Array.isArray(env.signatures)
    ? env.signatures.flatMap((s) => (typeof s === 'object' && s !== null && typeof (s as { sig?: unknown }).sig === 'string' && (s as { sig: string }).sig !== '' ? [(s as { sig: string }).sig] : []))
    : [];
  return { payloadType: env.payloadType, payload, signatures };
}

/**
 * A DSSE envelope signed by a configured key. undefined = no signature at all (unsigned).
 * The statement's subject is not checked here: discovery checks it names the image.
 */
export function verifyDsseWithKeys(envelope: DsseEnvelopeInput, trust: TrustSet): SignatureCheck | undefined {
  if (envelope.signatures.length === 0) return envelope.hasCertificate ? { ok: false, format: 'dsse', reason: LEGACY_KEYLESS } : undefined;
  const pae = dsse.preAuthEncoding(envelope.payloadType, envelope.payload);
  for (const sig of envelope.signatures) {
    const bytes = decodeBase64(sig);
    if (!bytes) continue;
    const key = keyThatVerifies(trust.keys, pae, bytes);
    if (key) return { ok: true, format: 'dsse', signer: keySigner(key) };
  }
  if (envelope.hasCertificate) return { ok: false, format: 'dsse', reason: LEGACY_KEYLESS };
  return { ok: false, format: 'dsse', reason: noKey(trust.keys, 'DSSE envelope') };
}

export interface SimpleSigningInput {
  /** The payload layer's bytes (digest-verified by the registry client). */
  payload: Buffer;
  /** The `dev.cosignproject.cosign/signature` annotation. */
  signature: string | undefined;
  hasCertificate?: boolean;
}

const SIMPLE_SIGNING_TYPE = 'cosign container image signature';

/** The `docker-manifest-digest` a simple-signing payload names, or an error. */
export function simpleSigningDigest(payload: Buffer): { digest: string } | { error: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(payload.toString('utf8'));
  } catch {
    return { error: 'simple-signing payload is not JSON' };
  }
  const critical = (doc as { critical?: { type?: unknown; image?: { 'docker-manifest-digest'?: unknown } } } | null)?.critical;
  if (critical?.type !== SIMPLE_SIGNING_TYPE) return { error: `simple-signing payload type is not "${SIMPLE_SIGNING_TYPE}"` };
  const digest = critical.image?.['docker-manifest-digest'];
  if (typeof digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(digest)) return { error: 'simple-signing payload names no sha256 manifest digest' };
  return { digest };
}

/**
 * A cosign simple signature of `expectedDigest` (the artifact it was found for). The signature is
 * checked first, then what it signs: a valid signature of another digest (moved from another image's
 * `.sig` tag) is invalid, never unsigned.
 */
export function verifySimpleSigning(input: SimpleSigningInput, expectedDigest: string, trust: TrustSet): SignatureCheck | undefined {
  if (!input.signature) return input.hasCertificate ? { ok: false, format: 'cosign', reason: LEGACY_KEYLESS } : undefined;
  const sig = decodeBase64(input.signature);
  if (!sig) return { ok: false, format: 'cosign', reason: 'cosign signature annotation is not base64' };
  const key = keyThatVerifies(trust.keys, input.payload, sig);
  if (!key) return { ok: false, format: 'cosign', reason: input.hasCertificate ? LEGACY_KEYLESS : noKey(trust.keys, 'cosign signature') };
  const named = simpleSigningDigest(input.payload);
  if ('error' in named) return { ok: false, format: 'cosign', reason: named.error };
  if (named.digest !== expectedDigest) return { ok: false, format: 'cosign', reason: `cosign signature is over ${named.digest}, not ${expectedDigest} (moved from another artifact)`, found: `key ${key.name}` };
  return { ok: true, format: 'cosign', signer: keySigner(key) };
}
