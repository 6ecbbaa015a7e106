// The trust set a lookup verifies BOMs against: the configuration's (`trust.*`, CLI `--key` …) plus
// every trusted signer of the active AIModelPolicies (their keys, keyless identities and roots), so a
// policy's `trustedSigners` can be checked against what discovery verified. Rebuilt only when the
// policy set changes; its fingerprint is part of every findings cache key (docs/trust.md).
import type { AIModelPolicy } from '../policy/index.js';
import { buildTrustSet, hasTrust, type TrustInput, type TrustSet } from '../trust/index.js';

export interface TrustSource {
  /** The current trust set, or undefined when nothing is configured (trust is then not evaluated). */
  current(): TrustSet | undefined;
  /** Follow a policy set (the server's watched one, or the CLI's `--policy` files). */
  follow(policies: () => readonly AIModelPolicy[]): void;
}

/** The trust material the policies name, added to `base`. */
export function policyTrustInput(base: TrustInput, policies: readonly AIModelPolicy[]): TrustInput {
  const keys = [...(base.keys ?? [])];
  const identities = [...(base.identities ?? [])];
  const trustedRoots = [...(base.trustedRoots ?? [])];
  for (const policy of policies) {
    const name = policy.metadata.name;
    (policy.spec.rules.trustedSigners ?? []).forEach((entry, i) => {
      if ('key' in entry) keys.push({ name: `policy ${name} key ${i + 1}`, pem: entry.key });
      else if ('issuer' in entry) {
        identities.push({ issuer: entry.issuer, subjectRegExp: entry.subjectRegExp });
        if (entry.trustedRoot) trustedRoots.push({ name: `policy ${name} root ${i + 1}`, json: entry.trustedRoot });
      }
    });
  }
  const input: TrustInput = { ...base, keys, trustedRoots };
  // Identities verify nothing without a root; a keyless BOM is then `invalid` ("no trusted root").
  input.identities = trustedRoots.length > 0 ? identities : [];
  return input;
}

const NO_POLICIES: readonly AIModelPolicy[] = Object.freeze([]);

export function createTrustSource(base: TrustInput): TrustSource {
  // Asked on every lookup (cache keys): rebuilt only when the policy list itself changes.
  let policies: () => readonly AIModelPolicy[] = () => NO_POLICIES;
  let seen: readonly AIModelPolicy[] | undefined;
  let set: TrustSet | undefined;
  return {
    current() {
      const now = policies();
      if (now !== seen || seen === undefined) {
        seen = now;
        const built = buildTrustSet(policyTrustInput(base, now));
        set = hasTrust(built) ? built : undefined;
      }
      return set;
    },
    follow(next) {
      policies = next;
      seen = undefined;
    },
  };
}
