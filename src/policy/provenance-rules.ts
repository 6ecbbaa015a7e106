// requireProvenance (docs/trust.md "Provenance"): every matched image has a SLSA provenance
// attestation (read with `discovery.provenance: true`) whose builder and source repository match the
// policy's globs — and, with `signed: true`, that provenance is `verified`. Pure: it reads what
// discovery recorded. Images whose lookup failed are onLookupFailure's business.
import type { ProvenanceRecord } from '../contracts/lookup.js';
import { isLookupFailure } from '../contracts/lookup.js';
import { matchesAny } from '../contracts/glob.js';
import type { PolicyContext, RuleFinding } from '../contracts/policy.js';
import type { PolicyRules } from './schema.js';

type ProvenanceRule = NonNullable<PolicyRules['requireProvenance']>;

const FIX = 'attach SLSA provenance from the build (cosign attest --type slsaprovenance1 …, BuildKit --provenance), signed by a trusted key or identity; and set discovery.provenance: true';

/** Why one provenance record does not satisfy the rule, or undefined when it does. */
function mismatch(p: ProvenanceRecord, rule: ProvenanceRule): { reason: string; text: string } | undefined {
  if (rule.signed && p.trust !== 'verified') return { reason: p.trust === 'invalid' ? 'invalid-signature' : 'unsigned', text: p.trust === 'invalid' ? `its signature is invalid (${p.trustReason ?? 'it does not verify'})` : 'it is unsigned' };
  if (rule.builders.length > 0 && !matchesAny(rule.builders, p.builder ?? '')) return { reason: 'builder', text: `its builder ${p.builder ?? '(none)'} is not one of ${rule.builders.join(', ')}` };
  if (rule.sources.length > 0 && !matchesAny(rule.sources, p.sourceRepository ?? '')) return { reason: 'source', text: `its source ${p.sourceRepository ?? '(none)'} is not one of ${rule.sources.join(', ')}` };
  return undefined;
}

export function provenanceRule(ctx: PolicyContext, rule: ProvenanceRule): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const r of ctx.results) {
    if (isLookupFailure(r.findings.status)) continue;
    const records = r.findings.provenance ?? [];
    const problems = records.map((p) => ({ p, why: mismatch(p, rule) }));
    if (records.length > 0 && problems.some((x) => !x.why)) continue;
    for (const use of r.uses) {
      const at = { container: use.container, image: r.image };
      if (records.length === 0) {
        findings.push({ rule: 'requireProvenance', reason: 'no-provenance', severity: 'violation', ...at, message: `image ${r.image} has no SLSA provenance attestation`, fix: FIX });
        continue;
      }
      const { p, why } = problems[0]!;
      findings.push({ rule: 'requireProvenance', reason: why!.reason, severity: 'violation', ...at, message: `image ${r.image}: the provenance ${p.digest.slice(0, 19)}… (${p.source}) does not satisfy the policy: ${why!.text}`, fix: FIX });
    }
  }
  return findings;
}
