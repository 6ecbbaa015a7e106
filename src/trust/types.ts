// What trust verification says about one BOM (docs/labels-and-annotations.md: `trust` is
// `unsigned | verified | invalid`), and who signed it. Pure types: the verifiers in this folder
// produce them, discovery caches them with the BOM, policy and annotations read them.

import type { SignatureFormat, Signer, TrustState } from '../contracts/trust.js';

export { TRUST_STATES, describeSigner } from '../contracts/trust.js';
export type { SignatureFormat, Signer, TrustState } from '../contracts/trust.js';

export interface TrustVerdict {
  trust: TrustState;
  /** Everyone whose signature verified (verified only), in the order found. */
  signers: Signer[];
  /** The format of the signature that decided the verdict. */
  format?: SignatureFormat;
  /** Why it is `invalid` (or a remark on `verified`): short, for annotations and policy messages. */
  reason?: string;
}

/** One signature's check. */
export type SignatureCheck =
  | { ok: true; format: SignatureFormat; signer: Signer; remark?: string }
  | { ok: false; format: SignatureFormat; reason: string; /** what was found, e.g. `key sha256:ab…` */ found?: string };

export const UNSIGNED: TrustVerdict = Object.freeze({ trust: 'unsigned', signers: [] }) as TrustVerdict;

/**
 * The verdict of all signatures found for one BOM: none → unsigned; any that verifies → verified
 * (every verified signer listed); otherwise invalid with the first failure's reason.
 */
export function judge(checks: readonly SignatureCheck[]): TrustVerdict {
  if (checks.length === 0) return UNSIGNED;
  const passed = checks.filter((c): c is Extract<SignatureCheck, { ok: true }> => c.ok);
  if (passed.length > 0) {
    const first = passed[0]!;
    const verdict: TrustVerdict = { trust: 'verified', signers: passed.map((c) => c.signer), format: first.format };
    if (first.remark) verdict.reason = first.remark;
    return verdict;
  }
  const failed = checks[0] as Extract<SignatureCheck, { ok: false }>;
  return { trust: 'invalid', signers: [], format: failed.format, reason: failed.reason };
}
