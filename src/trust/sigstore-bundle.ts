// Sigstore bundles (v0.1–v0.3: cosign ≥ 3 `sign`/`attest`, sigstore-js), verified with
// @sigstore/verify against the configured trust, with no network:
// - signed by a key (`verificationMaterial.publicKey`): each configured key in turn (its hint first);
//   transparency-log entries and timestamps, when present, are checked against the trusted roots;
// - keyless (`x509CertificateChain` / `certificate`): the certificate must chain to a CA of a
//   configured trusted_root.json and be valid at a verified timestamp (Rekor integrated time or
//   RFC 3161 TSA), with an inclusion proof when the root has logs and an SCT when it has CT logs,
//   as cosign requires; then its issuer and subject must match a configured identity.
// Then what it signs: a DSSE statement must name one of the expected digests; a message signature
// must be over the expected artifact.
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { Verifier, toSignedEntity, type SignedEntity, type TrustMaterial } from '@sigstore/verify';
import { dsse, type X509Certificate } from '@sigstore/core';
import { sha256Hex, verifyWithKey } from './keys.js';
import { keySigner } from './keyed.js';
import { describeIdentity, identityMatches, type TrustSet } from './material.js';
import type { SignatureCheck, Signer } from './types.js';

export interface BundleExpectation {
  /** Digests (`sha256:<hex>`) one of which the DSSE statement's subject must name. */
  subjects: readonly string[];
  /** For a message-signature bundle: the bytes that were signed (e.g. the artifact manifest). */
  artifact?: Buffer;
}

const FORMAT = 'sigstore-bundle' as const;

function fail(reason: string, found?: string): SignatureCheck {
  const check: SignatureCheck = { ok: false, format: FORMAT, reason };
  if (found) check.found = found;
  return check;
}

/** Verifies one bundle (already JSON-parsed). Never throws. */
export function verifySigstoreBundle(doc: unknown, trust: TrustSet, expect: BundleExpectation): SignatureCheck {
  let bundle: Bundle;
  let entity: SignedEntity;
  try {
    bundle = bundleFromJSON(doc);
    entity = withKeySignatures(toSignedEntity(bundle, bundle.content.$case === 'messageSignature' ? expect.artifact : undefined), bundle, expect.artifact);
  } catch (err) {
    return fail(`malformed Sigstore bundle: ${(err as Error).message}`);
  }
  if (bundle.content.$case === 'messageSignature' && !expect.artifact) return fail('a message-signature bundle names no artifact digest of its own here: only DSSE bundles are read');
  const signed = entity.key.$case === 'public-key' ? byKey(entity, bundle, trust) : byCertificate(entity, trust);
  if (!signed.ok) return signed;
  const covers = coversExpected(bundle, expect);
  if (covers) return fail(covers, signed.signer.method === 'key' ? `key ${signed.signer.key}` : `${signed.signer.issuer} ${signed.signer.subject}`);
  return signed;
}

/**
 * The entity with its signature check widened to what cosign signs with (keys.ts `verifyWithKey`:
 * Ed25519ph for Ed25519 keys, which @sigstore/verify's plain node:crypto call does not verify).
 */
function withKeySignatures(entity: SignedEntity, bundle: Bundle, artifact: Buffer | undefined): SignedEntity {
  const content = entity.signature;
  const signed = bundle.content.$case === 'dsseEnvelope'
    ? dsse.preAuthEncoding(bundle.content.dsseEnvelope.payloadType, bundle.content.dsseEnvelope.payload)
    : artifact;
  return {
    ...entity,
    signature: {
      signature: content.signature,
      compareSignature: (s) => content.compareSignature(s),
      compareDigest: (d) => content.compareDigest(d),
      verifySignature: (key) => content.verifySignature(key) || (signed !== undefined && verifyWithKey(key, signed, content.signature)),
    },
  };
}

/** The root's logs (for entries a keyed bundle may carry) with `key` as the only public key. */
function keyMaterial(trust: TrustSet, key: TrustMaterial['publicKey']): TrustMaterial {
  return {
    certificateAuthorities: [],
    timestampAuthorities: trust.roots.flatMap((r) => r.material.timestampAuthorities),
    tlogs: trust.roots.flatMap((r) => r.material.tlogs),
    ctlogs: [],
    publicKey: key,
  };
}

function byKey(entity: SignedEntity, bundle: Bundle, trust: TrustSet): SignatureCheck {
  if (trust.keys.length === 0) return fail('bundle is signed by a key, but no key is configured (--key / trust.keys)');
  const hint = entity.key.$case === 'public-key' ? entity.key.hint : '';
  const keys = [...trust.keys].sort((a, b) => Number(b.hint === hint) - Number(a.hint === hint));
  let last = '';
  for (const k of keys) {
    const verifier = new Verifier(keyMaterial(trust, () => ({ publicKey: k.key, validFor: () => true })), { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
    try {
      verifier.verify(entity);
      return { ok: true, format: FORMAT, signer: keySigner(k) };
    } catch (err) {
      last = (err as Error).message;
    }
  }
  const entries = bundle.verificationMaterial.tlogEntries.length;
  if (entries > 0 && trust.roots.length === 0) return fail('bundle carries transparency-log entries that cannot be checked: no trusted root is configured');
  return fail(`no configured key verifies the bundle (tampered, or signed by another key): ${last}`);
}

const OID_FULCIO_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

function byCertificate(entity: SignedEntity, trust: TrustSet): SignatureCheck {
  if (trust.roots.length === 0) return fail('bundle is signed keyless (a certificate), but no trusted root is configured (--trusted-root / trust.trustedRoots)');
  if (trust.identities.length === 0) return fail('bundle is signed keyless, but no identity is configured (--certificate-identity[-regexp] with --certificate-oidc-issuer)');
  const leaf = entity.key.$case === 'certificate' ? entity.key.certificate : undefined;
  const fingerprint = leaf ? `sha256:${sha256Hex(leaf.root.toDER())}` : 'unknown';
  let last = '';
  for (const root of trust.roots) {
    const verifier = new Verifier(root.material, {
      tlogThreshold: root.tlogs > 0 ? 1 : 0,
      ctlogThreshold: root.ctlogs > 0 ? 1 : 0,
      timestampThreshold: 1,
    });
    let signer;
    try {
      signer = verifier.verify(entity);
    } catch (err) {
      last = reasonOf(err);
      continue;
    }
    const issuer = signer.identity?.extensions?.issuer ?? issuerOf(leaf);
    const subject = signer.identity?.subjectAlternativeName;
    const who: Signer = { method: 'keyless', fingerprint, root: root.digest };
    if (issuer) who.issuer = issuer;
    if (subject) who.subject = subject;
    if (!trust.identities.some((id) => identityMatches(id, issuer, subject))) {
      return fail(`signed by ${issuer ?? 'an unknown issuer'} ${subject ?? 'with no subject'}, which matches no configured identity (${trust.identities.map(describeIdentity).join('; ')})`, `${issuer} ${subject}`);
    }
    return { ok: true, format: FORMAT, signer: who };
  }
  return fail(last || 'no trusted root verifies the bundle');
}

function issuerOf(cert: X509Certificate | undefined): string | undefined {
  const ext = cert?.extension(OID_FULCIO_ISSUER_V2);
  return ext?.valueObj.subs?.[0]?.value.toString('ascii');
}

/** A short reason from @sigstore/verify's errors (their causes say what failed). */
function reasonOf(err: unknown): string {
  const messages: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e instanceof Error && depth < 4; depth++) {
    if (!messages.includes(e.message)) messages.push(e.message);
    e = (e as { cause?: unknown }).cause;
  }
  const text = messages.join(': ');
  if (/expired|not valid.*date/i.test(text)) return `certificate was not valid at the signing time: ${text}`;
  return text;
}

/** undefined when the bundle signs what was expected; else why not. */
function coversExpected(bundle: Bundle, expect: BundleExpectation): string | undefined {
  if (bundle.content.$case === 'messageSignature') {
    const digest = bundle.content.messageSignature.messageDigest.digest;
    const want = expect.artifact ? sha256Hex(expect.artifact) : '';
    return Buffer.from(digest).toString('hex') === want ? undefined : `bundle signs sha256:${Buffer.from(digest).toString('hex')}, not the artifact (a bundle for another artifact)`;
  }
  const envelope = bundle.content.dsseEnvelope;
  let statement: unknown;
  try {
    statement = JSON.parse(Buffer.from(envelope.payload).toString('utf8'));
  } catch {
    return 'bundle payload is not JSON';
  }
  const subjects = (statement as { subject?: unknown })?.subject;
  const named: string[] = [];
  if (Array.isArray(subjects)) {
    for (const s of subjects) {
      const sha = (s as { digest?: { sha256?: unknown } } | null)?.digest?.sha256;
      if (typeof sha === 'string') named.push(`sha256:${sha.toLowerCase()}`);
    }
  }
  if (named.some((d) => expect.subjects.includes(d))) return undefined;
  return `bundle is about ${named.slice(0, 3).join(', ') || 'no digest'}, not ${expect.subjects.join(' or ')} (a bundle for another artifact)`;
}
