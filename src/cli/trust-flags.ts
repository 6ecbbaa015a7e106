// Trust flags of the network commands, named as cosign names them (docs/trust.md):
//   --key FILE (repeatable)  --certificate-identity[-regexp] S  --certificate-oidc-issuer[-regexp] S
//   --trusted-root FILE (repeatable)  --notary-trust-policy FILE  --notary-trust-store TYPE:NAME=PATH (repeatable)
// They add to the configuration's `trust` section; composeLookup builds the trust source from it.
import type { Command } from 'commander';
import type { Config } from '../config/index.js';
import { collect, UsageError } from './exit.js';

export interface TrustFlagValues {
  key: string[];
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  certificateOidcIssuer?: string;
  certificateOidcIssuerRegexp?: string;
  trustedRoot: string[];
  notaryTrustPolicy?: string;
  notaryTrustStore: string[];
}

export function addTrustFlags(command: Command): Command {
  return command
    .option('--key <file>', 'public key (PEM) that signs BOMs, as cosign --key (repeatable)', collect, [])
    .option('--certificate-identity <subject>', 'keyless: the certificate subject, exact')
    .option('--certificate-identity-regexp <regexp>', 'keyless: a regular expression searched in the certificate subject')
    .option('--certificate-oidc-issuer <issuer>', 'keyless: the OIDC issuer, exact')
    .option('--certificate-oidc-issuer-regexp <regexp>', 'keyless: a regular expression searched in the OIDC issuer')
    .option('--trusted-root <file>', 'Sigstore trusted_root.json for keyless verification (repeatable; no network)', collect, [])
    .option('--notary-trust-policy <file>', 'Notary Project trust policy (trustpolicy.json, version 1.0)')
    .option('--notary-trust-store <type:name=path>', 'a Notary trust store: ca:NAME=FILE-or-DIR (repeatable)', collect, []);
}

/** The configuration with the trust flags added to `trust`. */
export function applyTrustFlags(config: Config, flags: Partial<TrustFlagValues>): Config {
  const identity: Config['trust']['identities'][number] = {};
  if (flags.certificateIdentity) identity.subject = flags.certificateIdentity;
  if (flags.certificateIdentityRegexp) identity.subjectRegExp = flags.certificateIdentityRegexp;
  if (flags.certificateOidcIssuer) identity.issuer = flags.certificateOidcIssuer;
  if (flags.certificateOidcIssuerRegexp) identity.issuerRegExp = flags.certificateOidcIssuerRegexp;
  const given = Object.keys(identity).length > 0;
  if (given && !identity.issuer && !identity.issuerRegExp) throw new UsageError('--certificate-identity[-regexp] needs --certificate-oidc-issuer (or --certificate-oidc-issuer-regexp), as in cosign');
  if (given && !identity.subject && !identity.subjectRegExp) throw new UsageError('--certificate-oidc-issuer needs --certificate-identity (or --certificate-identity-regexp), as in cosign');
  const stores = (flags.notaryTrustStore ?? []).map((spec) => {
    const m = /^(ca|signingAuthority|tsa):([^=]+)=(.+)$/.exec(spec);
    if (!m) throw new UsageError(`--notary-trust-store expects TYPE:NAME=PATH (TYPE ca, signingAuthority or tsa), got ${JSON.stringify(spec)}`);
    return { type: m[1] as 'ca' | 'signingAuthority' | 'tsa', name: m[2]!, path: m[3]! };
  });
  const trust = config.trust;
  return {
    ...config,
    trust: {
      keys: [...trust.keys, ...(flags.key ?? [])],
      identities: given ? [...trust.identities, identity] : trust.identities,
      trustedRoots: [...trust.trustedRoots, ...(flags.trustedRoot ?? [])],
      notary: { trustPolicy: flags.notaryTrustPolicy ?? trust.notary.trustPolicy, trustStores: [...trust.notary.trustStores, ...stores] },
    },
  };
}
