// Table tests: every rule, every mode. Contexts come from the real admit() path (support.ts).
import { expect } from 'chai';
import type { ImageFindings } from '../../../src/contracts/lookup.js';
import type { ModelRecord } from '../../../src/contracts/inventory.js';
import { evaluatePolicies } from '../../../src/policy/evaluate.js';
import type { AIModelPolicyInput } from '../../../src/policy/schema.js';
import type { Effect, Severity } from '../../../src/contracts/policy.js';
import { contextFor, deployment, found, inventory, model, NOW, policy } from './support.js';

type Rules = AIModelPolicyInput['spec']['rules'];
type Expected = [rule: string, reason: string, severity: Severity];

const IMAGE = '127.0.0.1:5000/ml/llm:1.0';
const PINNED = `127.0.0.1:5000/ml/llm@sha256:${'a'.repeat(64)}`;

interface Case {
  name: string;
  rules: Rules;
  /** The one model in the BOM of IMAGE (or findings for IMAGE, or nothing). */
  model?: Partial<ModelRecord>;
  findings?: ImageFindings;
  image?: string;
  expect: Expected[];
}

const granite = { name: 'granite-3.0-8b', version: '1.0', purl: 'pkg:huggingface/ibm-granite/granite-3.0-8b@1.0' };

const cases: Case[] = [
  // licences
  { name: 'licence allowed (Hugging Face id)', rules: { licenses: { allow: ['Apache-2.0'], deny: ['cc-by-nc-4.0'], missing: 'deny' } }, model: { license: 'apache-2.0' }, expect: [] },
  { name: 'licence denied', rules: { licenses: { allow: ['Apache-2.0'], deny: ['cc-by-nc-4.0'], missing: 'deny' } }, model: { license: 'CC-BY-NC-4.0' }, expect: [['licenses', 'denied', 'violation']] },
  { name: 'licence outside a non-empty allow list', rules: { licenses: { allow: ['Apache-2.0'], missing: 'deny' } }, model: { license: 'GPL-3.0-only' }, expect: [['licenses', 'not-allowed', 'violation']] },
  { name: 'licence OR with one allowed branch', rules: { licenses: { allow: ['Apache-2.0'] } }, model: { license: 'GPL-3.0-only OR Apache-2.0' }, expect: [] },
  { name: 'licence AND with a denied branch', rules: { licenses: { deny: ['llama3.1'] } }, model: { license: 'Apache-2.0 AND LicenseRef-llama3.1' }, expect: [['licenses', 'denied', 'violation']] },
  { name: 'licence missing, missing: deny', rules: { licenses: { allow: ['MIT'], missing: 'deny' } }, model: {}, expect: [['licenses', 'missing', 'violation']] },
  { name: 'licence "unknown", missing: deny', rules: { licenses: { allow: ['MIT'], missing: 'deny' } }, model: { license: 'unknown' }, expect: [['licenses', 'missing', 'violation']] },
  { name: 'licence missing, missing: warn', rules: { licenses: { allow: ['MIT'], missing: 'warn' } }, model: { license: 'NOASSERTION' }, expect: [['licenses', 'missing', 'warning']] },
  { name: 'licence missing, missing: allow', rules: { licenses: { allow: ['MIT'], missing: 'allow' } }, model: {}, expect: [] },
  { name: 'licence missing, default missing (warn)', rules: { licenses: { deny: ['MIT'] } }, model: {}, expect: [['licenses', 'missing', 'warning']] },
  { name: 'licence unparsable, missing: deny', rules: { licenses: { allow: ['MIT'], missing: 'deny' } }, model: { license: 'Apache License 2.0' }, expect: [['licenses', 'unparsable', 'violation']] },
  { name: 'licence unparsable, missing: allow is still reported', rules: { licenses: { allow: ['MIT'], missing: 'allow' } }, model: { license: 'MIT/X11' }, expect: [['licenses', 'unparsable', 'warning']] },
  // sources
  { name: 'purl glob matches', rules: { sources: { purls: ['pkg:huggingface/ibm-granite/*'], missing: 'deny' } }, model: granite, expect: [] },
  { name: 'purl without wildcard matches any version', rules: { sources: { purls: ['pkg:huggingface/ibm-granite/granite-3.0-8b'] } }, model: granite, expect: [] },
  { name: 'purl from elsewhere', rules: { sources: { purls: ['pkg:huggingface/ibm-granite/*'] } }, model: { purl: 'pkg:huggingface/nvidia/canary-1b-v2@1.0' }, expect: [['sources', 'not-approved', 'violation']] },
  { name: 'purl missing, missing: deny', rules: { sources: { purls: ['pkg:huggingface/ibm-granite/*'], missing: 'deny' } }, model: {}, expect: [['sources', 'missing', 'violation']] },
  { name: 'purl missing, missing: allow', rules: { sources: { purls: ['pkg:huggingface/*'], missing: 'allow' } }, model: {}, expect: [] },
  { name: 'download host matches', rules: { sources: { downloadHosts: ['huggingface.co', '*.hf.co'] } }, model: { downloadLocation: 'https://cdn-lfs.hf.co/repos/x' }, expect: [] },
  { name: 'download host elsewhere', rules: { sources: { downloadHosts: ['huggingface.co'] } }, model: { downloadLocation: 'https://models.example.net/x.gguf' }, expect: [['sources', 'not-approved', 'violation']] },
  { name: 'download location NOASSERTION is missing', rules: { sources: { downloadHosts: ['huggingface.co'], missing: 'warn' } }, model: { downloadLocation: 'NOASSERTION' }, expect: [['sources', 'missing', 'warning']] },
  { name: 'supplier matches case-insensitively', rules: { sources: { suppliers: ['IBM*'] } }, model: { supplier: 'ibm research' }, expect: [] },
  { name: 'supplier not approved', rules: { sources: { suppliers: ['IBM*'] } }, model: { supplier: 'Acme Models' }, expect: [['sources', 'not-approved', 'violation']] },
  { name: 'every configured source list must match', rules: { sources: { purls: ['pkg:huggingface/ibm-granite/*'], suppliers: ['IBM'] } }, model: { ...granite, supplier: 'Mallory' }, expect: [['sources', 'not-approved', 'violation']] },
  // formats
  { name: 'format denied', rules: { formats: { deny: ['pickle'] } }, model: { format: 'Pickle' }, expect: [['formats', 'denied', 'violation']] },
  { name: 'unsafe pickle found by a scan counts as pickle', rules: { formats: { deny: ['pickle'] } }, model: { format: 'pytorch', properties: { 'aibom:security:unsafe-pickle': 'os.system' } }, expect: [['formats', 'denied', 'violation']] },
  { name: 'format not denied', rules: { formats: { deny: ['pickle'] } }, model: { format: 'safetensors' }, expect: [] },
  { name: 'format outside allow', rules: { formats: { allow: ['safetensors', 'gguf'], deny: ['pickle'] } }, model: { format: 'onnx' }, expect: [['formats', 'not-allowed', 'violation']] },
  { name: 'format unknown with an allow list', rules: { formats: { allow: ['safetensors'] } }, model: {}, expect: [['formats', 'missing', 'warning']] },
  { name: 'format unknown without an allow list', rules: { formats: { deny: ['pickle'] } }, model: {}, expect: [] },
  // model card
  { name: 'model card complete', rules: { modelCard: { require: ['task', 'license', 'datasets'] } }, model: { task: 'text-generation', license: 'Apache-2.0', datasets: ['c4'] }, expect: [] },
  { name: 'model card incomplete', rules: { modelCard: { require: ['task', 'license', 'datasets'] } }, model: { task: 'text-generation', license: 'unknown' }, expect: [['modelCard', 'incomplete', 'violation']] },
  { name: 'model card SPDX 3 fields', rules: { modelCard: { require: ['typeOfModel', 'safetyRiskAssessment', 'limitation', 'domain'] } }, model: { typeOfModel: ['transformer'], safetyRiskAssessment: 'low', limitation: 'English only', domain: ['NOASSERTION'] }, expect: [['modelCard', 'incomplete', 'violation']] },
  // safety risk
  { name: 'safety risk at the level', rules: { maxSafetyRisk: { level: 'medium', missing: 'allow' } }, model: { safetyRiskAssessment: 'medium' }, expect: [] },
  { name: 'safety risk above the level', rules: { maxSafetyRisk: { level: 'medium' } }, model: { safetyRiskAssessment: 'serious' }, expect: [['maxSafetyRisk', 'too-risky', 'violation']] },
  { name: 'safety risk missing, missing: deny', rules: { maxSafetyRisk: { level: 'high', missing: 'deny' } }, model: {}, expect: [['maxSafetyRisk', 'missing', 'violation']] },
  { name: 'safety risk missing, missing: allow', rules: { maxSafetyRisk: { level: 'high', missing: 'allow' } }, model: {}, expect: [] },
  // hashes
  { name: 'hashes present', rules: { requireHashes: true }, model: { hashes: [{ alg: 'SHA-256', content: 'b'.repeat(64) }] }, expect: [] },
  { name: 'hashes absent', rules: { requireHashes: true }, model: {}, expect: [['requireHashes', 'no-hashes', 'violation']] },
  { name: 'hashes not required', rules: { requireHashes: false }, model: {}, expect: [] },
  // BOM age (NOW = 2026-06-01)
  { name: 'BOM recent', rules: { maxBomAgeDays: 365 }, findings: found(inventory([model({ name: 'm' })], '2026-01-01T00:00:00Z')), expect: [] },
  { name: 'BOM too old', rules: { maxBomAgeDays: 365 }, findings: found(inventory([model({ name: 'm' })], '2024-05-01T00:00:00Z')), expect: [['maxBomAgeDays', 'too-old', 'violation']] },
  { name: 'BOM without a timestamp', rules: { maxBomAgeDays: 30 }, findings: found(inventory([model({ name: 'm' })])), expect: [['maxBomAgeDays', 'no-timestamp', 'warning']] },
  { name: 'BOM with a broken timestamp', rules: { maxBomAgeDays: 30 }, findings: found(inventory([model({ name: 'm' })], 'last tuesday')), expect: [['maxBomAgeDays', 'no-timestamp', 'warning']] },
  // digests
  { name: 'image not pinned', rules: { requireDigest: true }, model: {}, expect: [['requireDigest', 'not-pinned', 'violation']] },
  { name: 'image pinned', rules: { requireDigest: true }, model: {}, image: PINNED, expect: [] },
  // lookup failures
  { name: 'lookup timeout, onLookupFailure: deny', rules: { onLookupFailure: 'deny' }, findings: { status: 'timeout', boms: [] }, expect: [['onLookupFailure', 'timeout', 'violation']] },
  { name: 'lookup error, onLookupFailure: deny', rules: { onLookupFailure: 'deny' }, findings: { status: 'error:auth', boms: [] }, expect: [['onLookupFailure', 'error:auth', 'violation']] },
  { name: 'lookup error, onLookupFailure: allow', rules: { onLookupFailure: 'allow' }, findings: { status: 'error:5xx', boms: [] }, expect: [] },
  { name: 'no BOM is not a lookup failure', rules: { onLookupFailure: 'deny' }, findings: { status: 'none', boms: [] }, expect: [] },
  // requireBOM (heuristics) is in its own tests below: the heuristics are not in yet.
];

const EFFECTS: Record<'Enforce' | 'Warn' | 'Audit', Record<Severity, Effect>> = {
  Enforce: { violation: 'deny', warning: 'warn' },
  Warn: { violation: 'warn', warning: 'warn' },
  Audit: { violation: 'audit', warning: 'audit' },
};

describe('policy/rules (table)', () => {
  for (const c of cases) {
    for (const mode of ['Enforce', 'Warn', 'Audit'] as const) {
      it(`${c.name} [${mode}]`, async () => {
        const image = c.image ?? IMAGE;
        const findings = c.findings ?? found(inventory([model({ name: 'llm', version: '1.0', ...c.model })]));
        const ctx = await contextFor(deployment('chat', 'ml', [{ name: 'server', image }]), { [image]: findings });
        const verdicts = evaluatePolicies([policy('p', mode, c.rules)], ctx, NOW);
        expect(verdicts.map((v) => [v.rule, v.reason, v.severity])).to.deep.equal(c.expect);
        for (const v of verdicts) {
          expect(v.policy).to.equal('p');
          expect(v.mode).to.equal(mode);
          expect(v.effect).to.equal(EFFECTS[mode][v.severity]);
          expect(v.container).to.equal('server');
          expect(v.message.length).to.be.greaterThan(10);
          expect(v.fix.length).to.be.greaterThan(10);
          if (!['maxBomAgeDays', 'requireDigest', 'onLookupFailure'].includes(v.rule)) expect(v.model).to.match(/@1\.0$/);
        }
      });
    }
  }
});
