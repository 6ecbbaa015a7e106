// The trust a verification is made against, built once from configuration text (the config edge
// reads the files; nothing here touches the file system, the network or the clock):
// - public keys (cosign `--key`),
// - keyless identities — an OIDC issuer and a subject (exact or a regexp, as cosign's
//   `--certificate-oidc-issuer` / `--certificate-identity[-regexp]`) — checked under
// - Sigstore trusted roots (`trusted_root.json`: Fulcio CAs, Rekor and CT log keys, TSAs), so a
//   private Sigstore deployment works with no call to the public one,
// - Notary Project trust stores and a trust policy (notary.ts).
import { createHash } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { parsePublicKey, TrustConfigError, type TrustedKey } from './keys.js';
import { parseNotaryTrust, type NotaryTrust, type NotaryTrustInput } from './notary-policy.js';

export interface KeylessIdentity {
  /** Exact OIDC issuer (`--certificate-oidc-issuer`), or a regexp (`--certificate-oidc-issuer-regexp`). */
  issuer?: string;
  issuerRegExp?: RegExp;
  /** Exact subject (`--certificate-identity`), or a regexp (`--certificate-identity-regexp`). */
  subject?: string;
  subjectRegExp?: RegExp;
}

export interface SigstoreRoot {
  name: string;
  /** `sha256:<hex>` of the trusted_root.json text: recorded in keyless signers, matched by policies. */
  digest: string;
  material: TrustMaterial;
  /** A root with logs requires their evidence (one inclusion proof, one SCT), as cosign does. */
  tlogs: number;
  ctlogs: number;
}

export interface TrustSet {
  keys: TrustedKey[];
  identities: KeylessIdentity[];
  roots: SigstoreRoot[];
  notary?: NotaryTrust;
  /** `sha256:<hex>` over everything above: part of every cache key of verified findings. */
  fingerprint: string;
}

export interface IdentityInput {
  issuer?: string;
  issuerRegExp?: string;
  subject?: string;
  subjectRegExp?: string;
}

export interface TrustInput {
  /** PEM text of each key, with the name to report it by. */
  keys?: { name: string; pem: string }[];
  identities?: IdentityInput[];
  /** `trusted_root.json` text of each root. */
  trustedRoots?: { name: string; json: string }[];
  notary?: NotaryTrustInput;
}

/** True when the set can verify anything at all (otherwise trust is not evaluated). */
export function hasTrust(set: TrustSet | undefined): set is TrustSet {
  return !!set && (set.keys.length > 0 || set.roots.length > 0 || !!set.notary);
}

/** Builds the trust set; throws TrustConfigError naming what is wrong. */
export function buildTrustSet(input: TrustInput): TrustSet {
  const keys: TrustedKey[] = [];
  const seen = new Set<string>();
  for (const { name, pem } of input.keys ?? []) {
    const key = parsePublicKey(pem, name);
    if (!seen.has(key.fingerprint) && seen.add(key.fingerprint)) keys.push(key);
  }
  const identities = (input.identities ?? []).map(parseIdentity);
  const roots = (input.trustedRoots ?? []).map(({ name, json }) => parseTrustedRoot(json, name));
  if (identities.length > 0 && roots.length === 0) throw new TrustConfigError('keyless identities need a trusted root (--trusted-root FILE / trust.trustedRoots): there is no network call to public Sigstore at admission');
  const set: TrustSet = { keys, identities, roots, fingerprint: '' };
  if (input.notary) set.notary = parseNotaryTrust(input.notary);
  set.fingerprint = fingerprintOf(input, keys);
  return set;
}

function compile(pattern: string, what: string): RegExp {
  try {
    return new RegExp(pattern, 'u');
  } catch (err) {
    throw new TrustConfigError(`${what} ${JSON.stringify(pattern)} is not a valid regular expression: ${(err as Error).message}`);
  }
}

function parseIdentity(input: IdentityInput, index: number): KeylessIdentity {
  const where = `identity ${index + 1}`;
  const out: KeylessIdentity = {};
  if (input.issuer) out.issuer = input.issuer;
  if (input.issuerRegExp) out.issuerRegExp = compile(input.issuerRegExp, `${where}: issuerRegExp`);
  if (input.subject) out.subject = input.subject;
  if (input.subjectRegExp) out.subjectRegExp = compile(input.subjectRegExp, `${where}: subjectRegExp`);
  if (!out.issuer && !out.issuerRegExp) throw new TrustConfigError(`${where}: an OIDC issuer is required (--certificate-oidc-issuer or issuer), as cosign requires it`);
  if (!out.subject && !out.subjectRegExp) throw new TrustConfigError(`${where}: a subject is required (--certificate-identity[-regexp] or subjectRegExp), as cosign requires it`);
  return out;
}

/** Issuer and subject match as cosign matches them: exact strings, or a regexp search (write ^…$ to anchor). */
export function identityMatches(identity: KeylessIdentity, issuer: string | undefined, subject: string | undefined): boolean {
  if (issuer === undefined || subject === undefined) return false;
  const issuerOk = identity.issuer !== undefined ? identity.issuer === issuer : identity.issuerRegExp!.test(issuer);
  const subjectOk = identity.subject !== undefined ? identity.subject === subject : identity.subjectRegExp!.test(subject);
  return issuerOk && subjectOk;
}

export function describeIdentity(identity: KeylessIdentity): string {
  const issuer = identity.issuer ?? `/${identity.issuerRegExp?.source}/`;
  const subject = identity.subject ?? `/${identity.subjectRegExp?.source}/`;
  return `${issuer} ${subject}`;
}

export function parseTrustedRoot(json: string, name: string): SigstoreRoot {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    throw new TrustConfigError(`trusted root ${name}: not JSON: ${(err as Error).message}`);
  }
  let root: TrustedRoot;
  let material: TrustMaterial;
  try {
    root = TrustedRoot.fromJSON(doc);
    material = toTrustMaterial(root);
  } catch (err) {
    throw new TrustConfigError(`trusted root ${name}: not a Sigstore trusted_root.json: ${(err as Error).message}`);
  }
  if (material.certificateAuthorities.length === 0 && material.timestampAuthorities.length === 0 && material.tlogs.length === 0) {
    throw new TrustConfigError(`trusted root ${name}: names no certificate authority, timestamp authority or transparency log`);
  }
  return { name, digest: `sha256:${createHash('sha256').update(json).digest('hex')}`, material, tlogs: material.tlogs.length, ctlogs: material.ctlogs.length };
}

function fingerprintOf(input: TrustInput, keys: readonly TrustedKey[]): string {
  const hash = createHash('sha256');
  for (const k of keys) hash.update(`key\0${k.fingerprint}\0${k.name}\n`);
  for (const i of input.identities ?? []) hash.update(`id\0${i.issuer ?? ''}\0${i.issuerRegExp ?? ''}\0${i.subject ?? ''}\0${i.subjectRegExp ?? ''}\n`);
  for (const r of input.trustedRoots ?? []) hash.update(`root\0${r.name}\0${createHash('sha256').update(r.json).digest('hex')}\n`);
  if (input.notary) {
    hash.update(`notary-policy\0${createHash('sha256').update(input.notary.policyJson).digest('hex')}\n`);
    for (const s of input.notary.stores) hash.update(`store\0${s.type}:${s.name}\0${createHash('sha256').update(s.pem).digest('hex')}\n`);
  }
  return `sha256:${hash.digest('hex')}`;
}
