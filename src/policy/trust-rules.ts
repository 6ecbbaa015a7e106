// The trust rules of an AIModelPolicy (docs/trust.md), pure: they read the verdicts discovery
// cached with each BOM (trust, signers, reason) and never verify anything themselves.
// - requireSignedBOM: every matched image carries at least one BOM, and every BOM is `verified` —
//   by one of the policy's trustedSigners when it lists them. Unsigned and invalid BOMs are refused.
// - trustedSigners (alone): a signed BOM (verified or invalid) must be verified by one of them.
// Images whose lookup failed are onLookupFailure's business, not these rules'.
import { createHash } from 'node:crypto';
import type { FoundBom } from '../contracts/lookup.js';
import { isLookupFailure } from '../contracts/lookup.js';
import type { PolicyContext, RuleFinding } from '../contracts/policy.js';
import { parsePublicKey } from '../trust/index.js';
import { describeSigner, type Signer } from '../contracts/trust.js';
import type { PolicyRules, TrustedSignerEntry } from './schema.js';

type Matcher = (signer: Signer) => boolean;

// Policies are immutable once loaded: their signer matchers are built once per entry list.
const matchers = new WeakMap<readonly TrustedSignerEntry[], Matcher[]>();

function matcherOf(entry: TrustedSignerEntry): Matcher {
  if ('key' in entry) {
    // The loader has put the key file's PEM in place (config/trust-files.ts) and checked it parses.
    const fingerprint = parsePublicKey(entry.key, 'trustedSigners key').fingerprint;
    return (s) => s.method === 'key' && s.fingerprint === fingerprint;
  }
  if ('issuer' in entry) {
    let subject: RegExp;
    try {
      subject = new RegExp(entry.subjectRegExp, 'u');
    } catch {
      return () => false;
    }
    const root = entry.trustedRoot ? `sha256:${createHash('sha256').update(entry.trustedRoot).digest('hex')}` : undefined;
    return (s) => s.method === 'keyless' && s.issuer === entry.issuer && s.subject !== undefined && subject.test(s.subject) && (root === undefined || s.root === root);
  }
  return (s) => s.method === 'notary' && s.trustPolicy === entry.notaryTrustPolicy;
}

function matchersOf(entries: readonly TrustedSignerEntry[]): Matcher[] {
  let list = matchers.get(entries);
  if (!list) {
    list = entries.map(matcherOf);
    matchers.set(entries, list);
  }
  return list;
}

export function describeTrustedSigners(entries: readonly TrustedSignerEntry[] | undefined): string {
  if (!entries || entries.length === 0) return 'a configured key, keyless identity or Notary trust policy';
  return entries
    .map((e) => ('key' in e ? `key sha256:${parsePublicKey(e.key, 'key').fingerprint.slice(7, 19)}…` : 'issuer' in e ? `${e.issuer} /${e.subjectRegExp}/` : `Notary trust policy ${e.notaryTrustPolicy}`))
    .join(', ');
}

const SIGN_FIX = 'sign the BOM with a trusted key or identity (cosign attest --key …, cosign sign --key … of the BOM artifact, notation sign), and configure the verifier (--key / trust.keys, trustedSigners)';

function bomText(b: FoundBom): string {
  return `BOM ${b.digest.slice(0, 19)}… (${b.source})`;
}

/** Both trust rules for one policy's context; `rules.requireSignedBOM` / `rules.trustedSigners` decide which apply. */
export function trustRules(ctx: PolicyContext, rules: Pick<PolicyRules, 'requireSignedBOM' | 'trustedSigners'>): RuleFinding[] {
  const trusted = rules.trustedSigners ? matchersOf(rules.trustedSigners) : undefined;
  const byTrusted = (b: FoundBom): boolean => (b.signers ?? []).some((s) => !trusted || trusted.some((m) => m(s)));
  const expected = describeTrustedSigners(rules.trustedSigners);
  const findings: RuleFinding[] = [];
  for (const r of ctx.results) {
    if (isLookupFailure(r.findings.status) || r.sourceOnly) continue;
    const all = [...r.findings.boms, ...(r.findings.invalidBoms ?? [])];
    for (const use of r.uses) {
      const at = { container: use.container, image: r.image };
      if (rules.requireSignedBOM && all.length === 0) {
        findings.push({ rule: 'requireSignedBOM', reason: 'no-bom', severity: 'violation', ...at, message: `image ${r.image} carries no BOM; requireSignedBOM expects one verified by ${expected}`, fix: `attach a signed AI BOM (cosign attest --key … --type cyclonedx --predicate BOM IMAGE) — ${SIGN_FIX}` });
        continue;
      }
      for (const b of all) {
        if (b.trust === 'verified') {
          if (!byTrusted(b)) {
            findings.push({ rule: 'trustedSigners', reason: 'untrusted-signer', severity: 'violation', ...at, message: `${bomText(b)} is signed by ${(b.signers ?? []).map(describeSigner).join(', ')}, not by a trusted signer of this policy (${expected})`, fix: SIGN_FIX });
          }
        } else if (b.trust === 'invalid') {
          if (rules.requireSignedBOM || trusted) {
            findings.push({ rule: rules.requireSignedBOM ? 'requireSignedBOM' : 'trustedSigners', reason: 'invalid-signature', severity: 'violation', ...at, message: `${bomText(b)} has an invalid signature: ${b.trustReason ?? 'it does not verify'}; expected a signature by ${expected}`, fix: SIGN_FIX });
          }
        } else if (rules.requireSignedBOM) {
          const why = b.trustReason ? ` (${b.trustReason})` : '';
          findings.push({ rule: 'requireSignedBOM', reason: 'unsigned', severity: 'violation', ...at, message: `${bomText(b)} is unsigned${why}; requireSignedBOM expects a signature by ${expected}`, fix: SIGN_FIX });
        }
      }
    }
  }
  return findings;
}
