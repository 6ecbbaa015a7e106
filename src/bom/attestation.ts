// Unwrapping attestations (in-toto attestation framework v1, DSSE, Sigstore bundle v0.3): Sigstore bundle → DSSE envelope → in-toto Statement →
// predicate. Pure: the registry code calls this on a fetched layer, checks `subjectDigests` against the
// image digest (docs/discovery.md "Attachment sources": a BOM counts only for its subject), then parses the predicate.
import type { JsonRecord } from './util.js';
import { isRecord, own, str } from './util.js';

export const IN_TOTO_STATEMENT_TYPES = ['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1'] as const;

/** What a predicate type says the predicate is; matched by prefix (`https://cyclonedx.org/bom/v1.4` …). */
export type PredicateKind = 'cyclonedx' | 'spdx2' | 'spdx3' | 'other';

export function predicateKind(predicateType: string): PredicateKind {
  const t = predicateType.trim();
  if (t.startsWith('https://cyclonedx.org/bom')) return 'cyclonedx';
  if (t.startsWith('https://spdx.dev/Document/v3')) return 'spdx3';
  if (t.startsWith('https://spdx.dev/Document')) return 'spdx2';
  return 'other';
}

export interface UnwrappedStatement {
  statementType: string;
  predicateType: string;
  predicateKind: PredicateKind;
  /** The predicate as found (an object, or a JSON string some tools write). */
  predicate: unknown;
  /** Every subject digest as `alg:hex` (lower-case alg), e.g. `sha256:abc…`. */
  subjectDigests: string[];
  /** Subject names as written (informative only). */
  subjectNames: string[];
  /** How it was wrapped, outermost first. */
  envelope: ('sigstore-bundle' | 'dsse' | 'statement')[];
}

export type UnwrapResult = { ok: true; statement: UnwrappedStatement } | { ok: false; error: string };

export function isInTotoStatement(doc: unknown): doc is JsonRecord {
  if (!isRecord(doc)) return false;
  const t = str(own(doc, '_type'));
  return t !== undefined && t.startsWith('https://in-toto.io/Statement/') && 'predicateType' in doc;
}

export function isDsseEnvelope(doc: unknown): doc is JsonRecord {
  return isRecord(doc) && typeof own(doc, 'payload') === 'string' && typeof own(doc, 'payloadType') === 'string';
}

export function isSigstoreBundle(doc: unknown): doc is JsonRecord {
  if (!isRecord(doc)) return false;
  const mt = str(own(doc, 'mediaType'));
  return (mt !== undefined && mt.startsWith('application/vnd.dev.sigstore.bundle')) || isDsseEnvelope(own(doc, 'dsseEnvelope'));
}

/**
 * Unwraps a Sigstore bundle, a DSSE envelope or a bare in-toto Statement (already JSON-parsed).
 * `parse` turns decoded payload text into a value (the caller's bounded JSON parser).
 */
export function unwrapStatement(doc: unknown, parse: (text: string) => unknown = JSON.parse, maxPayloadBytes = 16 * 1024 * 1024): UnwrapResult {
  const envelope: UnwrappedStatement['envelope'] = [];
  let current: unknown = doc;
  if (isSigstoreBundle(current)) {
    envelope.push('sigstore-bundle');
    const inner = own(current, 'dsseEnvelope');
    if (!isDsseEnvelope(inner)) return { ok: false, error: 'Sigstore bundle without a DSSE envelope (message signatures carry no BOM)' };
    current = inner;
  }
  if (isDsseEnvelope(current)) {
    envelope.push('dsse');
    const payloadType = str(own(current, 'payloadType')) ?? '';
    if (!/^application\/vnd\.in-toto\+json/i.test(payloadType)) return { ok: false, error: `DSSE payloadType ${JSON.stringify(payloadType.slice(0, 100))} is not an in-toto statement` };
    const payload = own(current, 'payload') as string;
    if (payload.length > Math.ceil((maxPayloadBytes * 4) / 3) + 4) return { ok: false, error: 'DSSE payload is larger than the BOM size limit' };
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload.replace(/\s+/g, ''))) return { ok: false, error: 'DSSE payload is not base64' };
    const text = Buffer.from(payload, 'base64').toString('utf8');
    try {
      current = parse(text);
    } catch (err) {
      return { ok: false, error: `DSSE payload is not JSON: ${(err as Error).message}` };
    }
  }
  if (!isInTotoStatement(current)) return { ok: false, error: 'not an in-toto statement (no _type https://in-toto.io/Statement/… with predicateType)' };
  envelope.push('statement');
  const statementType = str(own(current, '_type')) ?? '';
  const predicateType = str(own(current, 'predicateType')) ?? '';
  const subjectDigests: string[] = [];
  const subjectNames: string[] = [];
  const subjects = own(current, 'subject');
  if (Array.isArray(subjects)) {
    for (const s of subjects.slice(0, 1000)) {
      if (!isRecord(s)) continue;
      const name = str(own(s, 'name'));
      if (name) subjectNames.push(name);
      const digest = own(s, 'digest');
      if (!isRecord(digest)) continue;
      for (const alg of Object.keys(digest)) {
        const hex = str(digest[alg]);
        if (hex && /^[A-Za-z0-9_+=-]{1,256}$/.test(hex)) subjectDigests.push(`${alg.toLowerCase()}:${hex.toLowerCase()}`);
      }
    }
  }
  return {
    ok: true,
    statement: { statementType, predicateType, predicateKind: predicateKind(predicateType), predicate: own(current, 'predicate'), subjectDigests, subjectNames, envelope },
  };
}

/** True when the statement names `digest` (`sha256:<hex>`) as a subject. */
export function statementCoversDigest(statement: UnwrappedStatement, digest: string): boolean {
  return statement.subjectDigests.includes(digest.toLowerCase());
}
