// A BOM's verdict from what it carries itself (docs/trust.md): an attestation's DSSE envelope or
// Sigstore bundle, judged from the layer's bytes; and the verdict's place on the BOM. No fetching
// here (signatures.ts reads the signatures of artifact manifests).
import type { FoundBom } from '../../contracts/lookup.js';
import { baseMediaType, type Descriptor } from '../../contracts/oci-manifest.js';
import { COSIGN_CERTIFICATE_ANNOTATION, dsseEnvelopeOf, judge, UNSIGNED, verifyDsseWithKeys, verifySigstoreBundle, type SignatureCheck, type SignatureFormat, type TrustSet, type TrustState, type TrustVerdict } from '../../trust/index.js';

/** What verification needs from the lookup: the trust set, the time, and a metrics hook. */
export interface TrustContext {
  set: TrustSet;
  now(): Date;
  /** One BOM's verdict, with the time its verification took (CPU and signature reads). */
  verified?(format: SignatureFormat | 'none', trust: TrustState, seconds: number): void;
  /** Monotonic milliseconds for the metric. */
  clock?: { now(): number };
}

export const SIGSTORE_BUNDLE = 'application/vnd.dev.sigstore.bundle';

export function applyVerdict(bom: { trust: FoundBom['trust']; signers?: FoundBom['signers']; trustReason?: string }, verdict: TrustVerdict): void {
  bom.trust = verdict.trust;
  if (verdict.signers.length > 0) bom.signers = verdict.signers;
  if (verdict.reason) bom.trustReason = verdict.reason;
}

export function timed<T extends TrustVerdict>(trust: TrustContext, verdict: T, started: number): T {
  const ms = trust.clock ? Math.max(0, trust.clock.now() - started) : 0;
  trust.verified?.(verdict.format ?? 'none', verdict.trust, ms / 1000);
  return verdict;
}

/**
 * The verdict on an attestation layer (DSSE envelope or Sigstore bundle) whose statement discovery
 * has found to name `subjects`. A bare statement (BuildKit) carries no signature: unsigned.
 */
export function envelopeVerdict(trust: TrustContext, layer: Descriptor, bytes: Buffer, subjects: readonly string[]): TrustVerdict {
  const started = trust.clock?.now() ?? 0;
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return timed(trust, { trust: 'invalid', signers: [], reason: 'attestation is not JSON' }, started);
  }
  const record = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>) : {};
  let check: SignatureCheck | undefined;
  if (baseMediaType(layer.mediaType).startsWith(SIGSTORE_BUNDLE) || 'verificationMaterial' in record) {
    check = verifySigstoreBundle(doc, trust.set, { subjects });
  } else {
    const envelope = dsseEnvelopeOf(doc);
    if (envelope) {
      if (layer.annotations?.[COSIGN_CERTIFICATE_ANNOTATION]) envelope.hasCertificate = true;
      check = verifyDsseWithKeys(envelope, trust.set);
    }
  }
  return timed(trust, check ? judge([check]) : UNSIGNED, started);
}

/** A statement that names another digest, with trust on: shown as invalid, never counted. */
export function misdirectedVerdict(named: readonly string[], expected: string): TrustVerdict {
  return { trust: 'invalid', signers: [], format: 'dsse', reason: `the attestation's statement is about ${named.slice(0, 3).join(', ') || 'no digest'}, not ${expected}` };
}

