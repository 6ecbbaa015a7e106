// Notary Project signatures (notaryproject/specifications: signature-specification.md,
// signature-envelope-jws.md, signing-and-verification-workflow.md §Verification), JWS envelope
// (`application/jose+json`, notation's default), verified against a trust policy and its trust stores:
//   integrity   — the JWS signature verifies with the leaf certificate's key, alg matching the key;
//                 the payload's targetArtifact is the artifact the signature hangs off;
//   authenticity — the x5c chain is well formed and chains to a certificate of the policy's trust
//                 stores (ca: for notary.x509, signingAuthority: for notary.x509.signingAuthority),
//                 the leaf's subject matches a trusted identity;
//   authenticTimestamp — the chain is valid at `now` (notary.x509 with no timestamp countersignature)
//                 or at the authentic signing time (signingAuthority);
//   expiry      — `io.cncf.notary.expiry` has not passed;
//   revocation  — not checked: there is no network at admission (documented).
// Each check is enforced or logged as the policy's level (and overrides) say.
import { X509Certificate, constants, createHash, verify } from 'node:crypto';
import { X509Certificate as SigstoreCertificate } from '@sigstore/core';
import { decodeBase64 } from './keys.js';
import { policyFor, type NotaryCheck, type NotaryTrust, type NotaryTrustPolicy } from './notary-policy.js';
import type { SignatureCheck, Signer } from './types.js';

export const NOTARY_SIGNATURE_ARTIFACT = 'application/vnd.cncf.notary.signature';
export const JWS_MEDIA_TYPE = 'application/jose+json';
export const COSE_MEDIA_TYPE = 'application/cose';
const PAYLOAD_TYPE = 'application/vnd.cncf.notary.payload.v1+json';
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
const KNOWN_CRITICAL = new Set(['io.cncf.notary.signingScheme', 'io.cncf.notary.expiry', 'io.cncf.notary.authenticSigningTime']);

export interface NotaryExpectation {
  /** The artifact the signature hangs off: its digest (and size, when known). */
  digest: string;
  size?: number;
  /** `registry/repository` of the artifact, to select the trust policy. */
  scope: string;
  now: Date;
}

const FORMAT = 'notary' as const;
const fail = (reason: string): SignatureCheck => ({ ok: false, format: FORMAT, reason });

interface Jws {
  protectedB64: string;
  payloadB64: string;
  header: Record<string, unknown>;
  protected: Record<string, unknown>;
  payload: Record<string, unknown>;
  signature: Buffer;
  chain: X509Certificate[];
}

function parseJws(bytes: Buffer): Jws | string {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'JWS envelope is not JSON';
  }
  const env = doc as Record<string, unknown> | null;
  if (!env || typeof env.protected !== 'string' || typeof env.payload !== 'string' || typeof env.signature !== 'string') return 'not a flattened JWS JSON envelope (protected, payload, signature)';
  const header = (typeof env.header === 'object' && env.header !== null ? env.header : {}) as Record<string, unknown>;
  const signature = decodeBase64(env.signature);
  const protectedJson = decodeBase64(env.protected);
  const payloadJson = decodeBase64(env.payload);
  if (!signature || !protectedJson || !payloadJson) return 'JWS fields are not base64url';
  let prot: unknown;
  let payload: unknown;
  try {
    prot = JSON.parse(protectedJson.toString('utf8'));
    payload = JSON.parse(payloadJson.toString('utf8'));
  } catch {
    return 'JWS protected header or payload is not JSON';
  }
  if (typeof prot !== 'object' || prot === null || typeof payload !== 'object' || payload === null) return 'JWS protected header or payload is not an object';
  const x5c = Array.isArray(header.x5c) ? header.x5c : [];
  if (x5c.length === 0) return 'JWS header has no x5c certificate chain';
  const chain: X509Certificate[] = [];
  for (const c of x5c.slice(0, 10)) {
    const der = decodeBase64(c);
    if (!der) return 'x5c entry is not base64';
    try {
      chain.push(new X509Certificate(der));
    } catch {
      return 'x5c entry is not a certificate';
    }
  }
  return { protectedB64: env.protected, payloadB64: env.payload, header, protected: prot as Record<string, unknown>, payload: payload as Record<string, unknown>, signature, chain };
}

/** The JWS alg a leaf key must use (signature-specification.md §Algorithm selection). */
function algorithmFor(cert: X509Certificate): string | undefined {
  const key = cert.publicKey;
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return bits === 2048 ? 'PS256' : bits === 3072 ? 'PS384' : bits === 4096 ? 'PS512' : undefined;
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return curve === 'prime256v1' ? 'ES256' : curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : undefined;
  }
  return undefined;
}

function verifyJwsSignature(jws: Jws, alg: string): boolean {
  const data = Buffer.from(`${jws.protectedB64}.${jws.payloadB64}`, 'ascii');
  const hash = `sha${alg.slice(2)}`;
  const key = jws.chain[0]!.publicKey;
  try {
    if (alg.startsWith('PS')) return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 }, jws.signature);
    return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
  } catch {
    return false;
  }
}

function fingerprintOf(cert: X509Certificate): string {
  return `sha256:${createHash('sha256').update(cert.raw).digest('hex')}`;
}

/** node's `C=US\nST=WA\n…` → `C=US, ST=WA, …` */
function dnText(cert: X509Certificate): string {
  return cert.subject.split('\n').join(', ');
}

function dnMap(cert: X509Certificate): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of cert.subject.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq).trim().toUpperCase(), line.slice(eq + 1).trim());
  }
  return out;
}

function validAt(cert: X509Certificate, at: Date): boolean {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return Number.isFinite(from) && Number.isFinite(to) && at.getTime() >= from && at.getTime() <= to;
}

/** Certificate profile of the signing chain (signature-specification.md §Certificate requirements). */
function profileProblem(chain: readonly X509Certificate[]): string | undefined {
  const leaf = chain[0]!;
  if (leaf.ca) return 'the signing certificate is a CA certificate';
  let keyUsage;
  try {
    keyUsage = SigstoreCertificate.parse(leaf.raw).extKeyUsage;
  } catch {
    return 'the signing certificate cannot be read';
  }
  if (keyUsage && !keyUsage.digitalSignature) return 'the signing certificate has no digitalSignature key usage';
  const eku = leaf.keyUsage;
  if (eku && eku.length > 0 && !eku.includes(CODE_SIGNING)) return 'the signing certificate is not for code signing (extended key usage)';
  for (let i = 0; i + 1 < chain.length; i++) {
    const [child, parent] = [chain[i]!, chain[i + 1]!];
    if (!parent.ca) return `certificate ${i + 2} of the chain is not a CA`;
    if (!child.checkIssued(parent) || !child.verify(parent.publicKey)) return `certificate ${i + 1} of the chain is not issued by the next one`;
  }
  return undefined;
}

/** Does the chain end in (or under) a certificate of one of the policy's stores of `type`? */
function chainsToStore(chain: readonly X509Certificate[], policy: NotaryTrustPolicy, trust: NotaryTrust, type: string): boolean {
  const last = chain[chain.length - 1]!;
  for (const name of policy.trustStores) {
    if (!name.startsWith(`${type}:`)) continue;
    for (const anchor of trust.stores.get(name) ?? []) {
      if (chain.some((c) => c.raw.equals(anchor.raw))) return true;
      if (last.checkIssued(anchor) && last.verify(anchor.publicKey)) return true;
    }
  }
  return false;
}

function identityTrusted(policy: NotaryTrustPolicy, leaf: X509Certificate): boolean {
  if (policy.trustedIdentities === '*') return true;
  const subject = dnMap(leaf);
  return policy.trustedIdentities.some((dn) => [...dn].every(([k, v]) => subject.get(k) === v));
}

/**
 * One Notary signature envelope found for the artifact `expect.digest`. undefined: the policy says
 * skip (or audit, which never vouches), so it counts as no signature.
 */
export function verifyNotarySignature(bytes: Buffer, mediaType: string, trust: NotaryTrust | undefined, expect: NotaryExpectation): SignatureCheck | undefined {
  if (!trust) return fail('Notary signature found, but no Notary trust policy is configured (trust.notary)');
  const policy = policyFor(trust, expect.scope);
  if (!policy) return fail(`no Notary trust policy applies to ${expect.scope}`);
  if (policy.level === 'skip') return undefined;
  if (mediaType === COSE_MEDIA_TYPE) return fail('Notary COSE envelopes are not supported: sign with --signature-format jws');
  if (mediaType !== JWS_MEDIA_TYPE) return fail(`Notary signature envelope type ${mediaType} is not JWS`);
  const jws = parseJws(bytes);
  if (typeof jws === 'string') return fail(jws);

  // Integrity (always enforced).
  const prot = jws.protected;
  const leaf = jws.chain[0]!;
  const alg = algorithmFor(leaf);
  if (!alg) return fail('the signing certificate key is not RSA 2048/3072/4096 or ECDSA P-256/384/521');
  if (prot.alg !== alg) return fail(`JWS alg ${String(prot.alg)} does not match the signing key (${alg})`);
  if (prot.cty !== PAYLOAD_TYPE) return fail(`JWS cty ${String(prot.cty)} is not ${PAYLOAD_TYPE}`);
  const crit = Array.isArray(prot.crit) ? prot.crit : [];
  const unknownCritical = crit.find((c) => typeof c !== 'string' || !KNOWN_CRITICAL.has(c));
  if (unknownCritical !== undefined) return fail(`JWS critical header ${String(unknownCritical)} is not supported (verification plugins are not run)`);
  const scheme = prot['io.cncf.notary.signingScheme'];
  if (scheme !== 'notary.x509' && scheme !== 'notary.x509.signingAuthority') return fail(`signing scheme ${String(scheme)} is not supported`);
  if (!crit.includes('io.cncf.notary.signingScheme')) return fail('the signing scheme is not marked critical');
  if (!verifyJwsSignature(jws, alg)) return fail('the JWS signature does not verify with its signing certificate (tampered)');
  const target = jws.payload.targetArtifact as { digest?: unknown; size?: unknown } | undefined;
  if (typeof target?.digest !== 'string') return fail('the signed payload names no targetArtifact digest');
  if (target.digest !== expect.digest) return fail(`Notary signature is over ${target.digest}, not ${expect.digest} (moved from another artifact)`);
  if (expect.size !== undefined && typeof target.size === 'number' && target.size !== expect.size) return fail(`Notary signature names size ${target.size}, not ${expect.size}`);

  const remarks: string[] = [];
  // Each non-integrity check: enforce → invalid; log → a remark (audit: never vouches).
  const check = (name: NotaryCheck, problem: string | undefined): string | undefined => {
    if (!problem) return undefined;
    const action = policy.actions[name];
    if (action === 'enforce') return problem;
    if (action === 'log') remarks.push(`${name} not enforced by policy ${policy.name}: ${problem}`);
    return undefined;
  };

  const storeType = scheme === 'notary.x509' ? 'ca' : 'signingAuthority';
  const authenticity = profileProblem(jws.chain)
    ?? (chainsToStore(jws.chain, policy, trust, storeType) ? undefined : `the certificate chain does not lead to a trust store of policy ${policy.name} (${policy.trustStores.join(', ')})`)
    ?? (identityTrusted(policy, leaf) ? undefined : `signer ${dnText(leaf)} is not a trusted identity of policy ${policy.name}`);
  const authenticityFailure = check('authenticity', authenticity);
  if (authenticityFailure) return fail(authenticityFailure);

  let at = expect.now;
  if (scheme === 'notary.x509.signingAuthority') {
    const t = Date.parse(String(prot['io.cncf.notary.authenticSigningTime'] ?? ''));
    if (!Number.isFinite(t)) return fail('notary.x509.signingAuthority signature has no authentic signing time');
    at = new Date(t);
  }
  const expired = jws.chain.find((c) => !validAt(c, at));
  const timestampFailure = check('authenticTimestamp', expired ? `certificate ${dnText(expired)} is not valid at ${at.toISOString()} (valid ${expired.validFrom} – ${expired.validTo}): expired certificate` : undefined);
  if (timestampFailure) return fail(timestampFailure);

  const expiry = prot['io.cncf.notary.expiry'];
  const expiryMs = typeof expiry === 'string' ? Date.parse(expiry) : NaN;
  const expiryFailure = check('expiry', Number.isFinite(expiryMs) && expiryMs < expect.now.getTime() ? `the signature expired at ${expiry as string}` : undefined);
  if (expiryFailure) return fail(expiryFailure);

  if (policy.level === 'audit') return undefined;
  const signer: Signer = { method: 'notary', fingerprint: fingerprintOf(leaf), subject: dnText(leaf), trustPolicy: policy.name };
  const ok: SignatureCheck = { ok: true, format: FORMAT, signer };
  if (remarks.length > 0) ok.remark = remarks.join('; ');
  return ok;
}
