// Notary Project trust stores and trust policy (notaryproject/specifications
// specs/trust-store-trust-policy.md, trust policy version 1.0, as `notation policy import` takes it):
//   {"version":"1.0","trustPolicies":[{"name", "registryScopes": ["reg/repo"|"*"],
//     "signatureVerification": {"level": strict|permissive|audit|skip, "override": {check: enforce|log|skip}},
//     "trustStores": ["ca:NAME"|"signingAuthority:NAME"], "trustedIdentities": ["*"|"x509.subject: DN"]}]}
// Parsed and validated here, from text; the config edge reads the files.
import { isRecord } from '../contracts/json-guards.js';
import { X509Certificate } from 'node:crypto';
import { TrustConfigError } from './keys.js';

export type NotaryCheck = 'integrity' | 'authenticity' | 'authenticTimestamp' | 'expiry' | 'revocation';
export type NotaryAction = 'enforce' | 'log' | 'skip';
export type NotaryLevel = 'strict' | 'permissive' | 'audit' | 'skip';
export type TrustStoreType = 'ca' | 'signingAuthority' | 'tsa';

export interface NotaryTrustPolicy {
  name: string;
  /** `registry/repository` strings, or `['*']`. */
  registryScopes: string[];
  level: NotaryLevel;
  actions: Record<NotaryCheck, NotaryAction>;
  /** `type:name` of each trust store. */
  trustStores: string[];
  /** `'*'`, or the DNs (attribute → value) one of which must be a subset of the leaf's subject. */
  trustedIdentities: '*' | Map<string, string>[];
}

export interface NotaryTrust {
  policies: NotaryTrustPolicy[];
  /** `type:name` → certificates. */
  stores: Map<string, X509Certificate[]>;
}

export interface NotaryTrustInput {
  /** The trust policy JSON text. */
  policyJson: string;
  /** Each trust store: its type, name and PEM certificates (one file or several, concatenated). */
  stores: { type: TrustStoreType; name: string; pem: string }[];
}

// The spec's table of what each level does with each check.
const LEVELS: Record<NotaryLevel, Record<NotaryCheck, NotaryAction>> = {
  strict: { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'enforce', expiry: 'enforce', revocation: 'enforce' },
  permissive: { integrity: 'enforce', authenticity: 'enforce', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' },
  audit: { integrity: 'enforce', authenticity: 'log', authenticTimestamp: 'log', expiry: 'log', revocation: 'log' },
  skip: { integrity: 'skip', authenticity: 'skip', authenticTimestamp: 'skip', expiry: 'skip', revocation: 'skip' },
};
const CHECKS: readonly NotaryCheck[] = ['integrity', 'authenticity', 'authenticTimestamp', 'expiry', 'revocation'];
const STORE_TYPES: readonly TrustStoreType[] = ['ca', 'signingAuthority', 'tsa'];

const stringList = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined);

export function parseNotaryTrust(input: NotaryTrustInput): NotaryTrust {
  const stores = new Map<string, X509Certificate[]>();
  for (const s of input.stores) {
    if (!STORE_TYPES.includes(s.type)) throw new TrustConfigError(`notary trust store ${s.name}: type ${s.type} is not one of ${STORE_TYPES.join(', ')}`);
    const certs = parseCertificates(s.pem, `notary trust store ${s.type}:${s.name}`);
    const key = `${s.type}:${s.name}`;
    stores.set(key, [...(stores.get(key) ?? []), ...certs]);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(input.policyJson);
  } catch (err) {
    throw new TrustConfigError(`notary trust policy: not JSON: ${(err as Error).message}`);
  }
  if (!isRecord(doc)) throw new TrustConfigError('notary trust policy: not a JSON object');
  if (doc.version !== '1.0') throw new TrustConfigError(`notary trust policy: version ${JSON.stringify(doc.version)} is not supported (1.0)`);
  if (!Array.isArray(doc.trustPolicies) || doc.trustPolicies.length === 0) throw new TrustConfigError('notary trust policy: trustPolicies must be a non-empty array');
  const policies = doc.trustPolicies.map((p, i) => parsePolicy(p, i, stores));
  const names = new Set<string>();
  const scopes = new Set<string>();
  for (const p of policies) {
    if (names.has(p.name)) throw new TrustConfigError(`notary trust policy: the name ${p.name} is used twice`);
    names.add(p.name);
    for (const scope of p.registryScopes) {
      if (scopes.has(scope)) throw new TrustConfigError(`notary trust policy: registry scope ${scope} is in more than one policy`);
      scopes.add(scope);
    }
  }
  return { policies, stores };
}

function parsePolicy(raw: unknown, index: number, stores: Map<string, X509Certificate[]>): NotaryTrustPolicy {
  if (!isRecord(raw)) throw new TrustConfigError(`notary trust policy ${index + 1}: not an object`);
  const name = typeof raw.name === 'string' && raw.name.trim() ? raw.name.trim() : undefined;
  if (!name) throw new TrustConfigError(`notary trust policy ${index + 1}: name is required`);
  const where = `notary trust policy ${name}`;
  const registryScopes = stringList(raw.registryScopes);
  if (!registryScopes || registryScopes.length === 0) throw new TrustConfigError(`${where}: registryScopes must list registry/repository scopes or "*"`);
  if (registryScopes.includes('*') && registryScopes.length > 1) throw new TrustConfigError(`${where}: "*" must be the only registry scope`);
  for (const s of registryScopes) if (s !== '*' && !/^[^\s/*]+(\/[^\s/*]+)+$/.test(s)) throw new TrustConfigError(`${where}: registry scope ${JSON.stringify(s)} is not registry/repository (wildcards other than "*" are not allowed)`);
  const verification = isRecord(raw.signatureVerification) ? raw.signatureVerification : undefined;
  const level = verification?.level;
  if (level !== 'strict' && level !== 'permissive' && level !== 'audit' && level !== 'skip') throw new TrustConfigError(`${where}: signatureVerification.level must be strict, permissive, audit or skip`);
  const actions = { ...LEVELS[level] };
  if (verification?.override !== undefined) {
    if (!isRecord(verification.override)) throw new TrustConfigError(`${where}: signatureVerification.override must be an object`);
    if (level === 'skip') throw new TrustConfigError(`${where}: level skip takes no override`);
    for (const [check, action] of Object.entries(verification.override)) {
      if (!CHECKS.includes(check as NotaryCheck)) throw new TrustConfigError(`${where}: override of unknown check ${check}`);
      if (check === 'integrity') throw new TrustConfigError(`${where}: integrity cannot be overridden`);
      if (action !== 'enforce' && action !== 'log' && action !== 'skip') throw new TrustConfigError(`${where}: override ${check} must be enforce, log or skip`);
      if (check === 'authenticity' && action === 'skip') throw new TrustConfigError(`${where}: authenticity cannot be skipped (use level skip)`);
      actions[check as NotaryCheck] = action;
    }
  }
  const trustStores = stringList(raw.trustStores) ?? [];
  const identities = stringList(raw.trustedIdentities) ?? [];
  if (level === 'skip') {
    if (trustStores.length > 0 || identities.length > 0) throw new TrustConfigError(`${where}: level skip takes no trustStores or trustedIdentities`);
    return { name, registryScopes, level, actions, trustStores: [], trustedIdentities: [] };
  }
  if (trustStores.length === 0) throw new TrustConfigError(`${where}: trustStores must name at least one store (ca:NAME)`);
  for (const s of trustStores) {
    const [type] = s.split(':');
    if (!s.includes(':') || (type !== 'ca' && type !== 'signingAuthority')) throw new TrustConfigError(`${where}: trust store ${JSON.stringify(s)} is not ca:NAME or signingAuthority:NAME`);
    if (!stores.has(s)) throw new TrustConfigError(`${where}: trust store ${s} is not configured`);
  }
  if (identities.length === 0) throw new TrustConfigError(`${where}: trustedIdentities must be ["*"] or x509.subject entries`);
  let trustedIdentities: NotaryTrustPolicy['trustedIdentities'];
  if (identities.includes('*')) {
    if (identities.length > 1) throw new TrustConfigError(`${where}: "*" must be the only trusted identity`);
    trustedIdentities = '*';
  } else {
    trustedIdentities = identities.map((id) => {
      const m = /^x509\.subject:\s*(.+)$/.exec(id.trim());
      if (!m) throw new TrustConfigError(`${where}: trusted identity ${JSON.stringify(id)} is not "x509.subject: <DN>"`);
      return parseDn(m[1]!, `${where}: trusted identity`);
    });
  }
  return { name, registryScopes, level, actions, trustStores, trustedIdentities };
}

/** `C=US, ST=WA, O=Org, CN=name` (or node's newline-separated form) → attribute → value. */
export function parseDn(text: string, what: string): Map<string, string> {
  const out = new Map<string, string>();
  // Commas inside a value are escaped as `\,` (RFC 4514).
  for (const part of text.split(/(?<!\\)[,\n]/)) {
    const t = part.trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    if (eq <= 0) throw new TrustConfigError(`${what}: ${JSON.stringify(t)} is not ATTRIBUTE=value`);
    const attr = t.slice(0, eq).trim().toUpperCase();
    if (out.has(attr)) throw new TrustConfigError(`${what}: attribute ${attr} appears twice`);
    out.set(attr, t.slice(eq + 1).trim().replace(/\\,/g, ','));
  }
  if (out.size === 0) throw new TrustConfigError(`${what}: empty distinguished name`);
  return out;
}

/** PEM blocks of certificates → X509Certificate[]; throws TrustConfigError when none or a bad one. */
export function parseCertificates(pem: string, what: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new TrustConfigError(`${what}: no PEM certificate`);
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (err) {
      throw new TrustConfigError(`${what}: certificate ${i + 1} is not readable: ${(err as Error).message}`);
    }
  });
}

/** The policy for `registry/repository`: the one naming it, else the `*` policy (spec §Selecting a trust policy). */
export function policyFor(trust: NotaryTrust, scope: string): NotaryTrustPolicy | undefined {
  return trust.policies.find((p) => p.registryScopes.includes(scope)) ?? trust.policies.find((p) => p.registryScopes.includes('*'));
}
