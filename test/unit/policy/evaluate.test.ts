import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { admit } from '../../../src/admission/admit.js';
import type { PolicyContext } from '../../../src/contracts/policy.js';
import { readBom } from '../../../src/bom/read.js';
import { decide, evaluatePolicies, longestFittingList, policyMatches } from '../../../src/policy/evaluate.js';
import type { AiInventory } from '../../../src/contracts/inventory.js';
import { contextFor, deployment, evaluatorOf, found, inventory, mapLookup, model, NOW, policy, reviewOf, settings } from './support.js';
import { corpusDir } from '../../support/corpus.js';

const CORPUS = corpusDir;
function corpus(file: string): AiInventory {
  const read = readBom(readFileSync(join(CORPUS, file)));
  if (!read.ok) throw new Error(`${file}: ${read.error}`);
  return read.inventory;
}

const LLM = '127.0.0.1:5000/ml/llm:1.0';
const SIDECAR = '127.0.0.1:5000/tools/proxy:2.1';

describe('policy/evaluate', () => {
  describe('requireBOM', () => {
    /** The pod-spec heuristics are not written yet: the classification they would give is set here. */
    function heuristic(ctx: PolicyContext): PolicyContext {
      return { ...ctx, classification: { aiBearing: 'true', evidence: 'heuristic', heuristics: ['image matches vllm/*'] } };
    }

    it('denies an AI-looking workload whose images carry no BOM, per container', async () => {
      const ctx = heuristic(await contextFor(deployment('chat', 'ml', [{ name: 'vllm', image: LLM }, { name: 'proxy', image: SIDECAR }]), {}));
      const verdicts = evaluatePolicies([policy('bom', 'Enforce', { requireBOM: true })], ctx, NOW);
      expect(verdicts.map((v) => [v.rule, v.container, v.effect])).to.deep.equal([
        ['requireBOM', 'proxy', 'deny'],
        ['requireBOM', 'vllm', 'deny'],
      ]);
      expect(verdicts[0]!.message).to.contain('image matches vllm/*');
    });

    it('reports a workload-level finding when the BOMs list no model', async () => {
      const ctx = heuristic(await contextFor(deployment('chat', 'ml', [{ name: 'vllm', image: LLM }]), { [LLM]: found(inventory([])) }));
      const verdicts = evaluatePolicies([policy('bom', 'Warn', { requireBOM: true })], ctx, NOW);
      expect(verdicts.map((v) => [v.rule, v.reason, v.container, v.effect])).to.deep.equal([['requireBOM', 'no-ai-in-bom', undefined, 'warn']]);
    });

    it('leaves images whose lookup failed to onLookupFailure', async () => {
      const ctx = heuristic(await contextFor(deployment('chat', 'ml', [{ name: 'vllm', image: LLM }]), { [LLM]: { status: 'timeout', boms: [] } }));
      expect(evaluatePolicies([policy('bom', 'Enforce', { requireBOM: true })], ctx, NOW)).to.deep.equal([]);
    });

    it('leaves workloads with BOM evidence or no AI alone', async () => {
      const withBom = await contextFor(deployment('chat', 'ml', [{ name: 'vllm', image: LLM }]), { [LLM]: found(inventory([model({ name: 'm' })])) });
      const plain = await contextFor(deployment('web', 'ml', [{ name: 'web', image: SIDECAR }]), {});
      const p = [policy('bom', 'Enforce', { requireBOM: true })];
      expect(evaluatePolicies(p, withBom, NOW)).to.deep.equal([]);
      expect(evaluatePolicies(p, plain, NOW)).to.deep.equal([]);
    });
  });

  describe('match', () => {
    const p = policy('m', 'Enforce', { requireHashes: true }, { namespaces: ['ml-*', 'research'], excludeNamespaces: ['ml-sandbox'], kinds: ['Deployment'] });
    const cases: [string, string, boolean][] = [
      ['ml-prod', 'Deployment', true],
      ['research', 'Deployment', true],
      ['ml-sandbox', 'Deployment', false],
      ['default', 'Deployment', false],
      ['ml-prod', 'Pod', false],
    ];
    for (const [namespace, kind, expected] of cases) {
      it(`${kind} in ${namespace}: ${expected ? 'applies' : 'does not apply'}`, async () => {
        const ctx = await contextFor(deployment('x', namespace, [{ name: 'c', image: LLM }]), { [LLM]: found(inventory([model({ name: 'm' })])) });
        expect(policyMatches(p, { ...ctx, kind: kind as PolicyContext['kind'] })).to.equal(expected);
        if (kind === 'Deployment') expect(evaluatePolicies([p], ctx, NOW).length).to.equal(expected ? 1 : 0);
      });
    }
  });

  describe('several policies: the strictest wins', () => {
    const bad = model({ name: 'llama', version: '3.1', license: 'llama3.1', purl: 'pkg:huggingface/meta-llama/Llama-3.1-8B@abc' });
    const rules = { licenses: { allow: ['Apache-2.0', 'MIT'] } };

    async function decisionFor(modes: ('Enforce' | 'Warn' | 'Audit')[]): Promise<ReturnType<typeof decide>> {
      const ctx = await contextFor(deployment('chat', 'ml', [{ name: 'server', image: LLM }]), { [LLM]: found(inventory([bad])) });
      return decide(evaluatePolicies(modes.map((m, i) => policy(`${m.toLowerCase()}-${i}`, m, rules)), ctx, NOW));
    }

    it('Enforce + Warn + Audit: denied, every policy named', async () => {
      const d = await decisionFor(['Audit', 'Warn', 'Enforce']);
      expect(d.allowed).to.equal(false);
      expect(d.outcome).to.equal('deny');
      expect(d.verdicts.map((v) => [v.policy, v.effect])).to.deep.equal([['enforce-2', 'deny'], ['warn-1', 'warn'], ['audit-0', 'audit']]);
      // The denial names rule, model and container, says how to fix it and that break-glass exists.
      expect(d.message).to.contain('[enforce-2/licenses]').and.contain('container "server"').and.contain('model llama@3.1');
      expect(d.message).to.contain('Fix: use a model under an accepted licence');
      expect(d.message).to.contain('aibom.io/break-glass: <ticket URL>');
      expect(d.warnings).to.have.length(1);
      expect(d.warnings[0]).to.match(/^aibom policy warn-1\/licenses: container "server", model llama@3.1: /);
      expect(d.auditAnnotations['policy-decision']).to.equal('deny');
      expect(JSON.parse(d.auditAnnotations['policy-verdicts']!)).to.have.length(3);
    });

    it('Warn + Audit: admitted with a warning', async () => {
      const d = await decisionFor(['Audit', 'Warn']);
      expect(d.allowed).to.equal(true);
      expect(d.outcome).to.equal('warn');
      expect(d.message).to.equal(undefined);
      expect(d.warnings).to.have.length(1);
      expect(d.auditAnnotations['policy-decision']).to.equal('warn');
    });

    it('Audit only: admitted silently, recorded in the audit annotations', async () => {
      const d = await decisionFor(['Audit']);
      expect(d.allowed).to.equal(true);
      expect(d.outcome).to.equal('audit');
      expect(d.warnings).to.deep.equal([]);
      expect(d.auditAnnotations['policy-decision']).to.equal('allow');
      expect(JSON.parse(d.auditAnnotations['policy-verdicts']!)).to.deep.equal([
        { policy: 'audit-0', rule: 'licenses', effect: 'audit', reason: 'not-allowed', container: 'server', model: 'llama@3.1' },
      ]);
    });

    it('no policy, or no finding: admitted, outcome pass', async () => {
      const d = await decisionFor([]);
      expect(d).to.deep.include({ allowed: true, outcome: 'pass', verdicts: [], warnings: [] });
      expect(d.auditAnnotations).to.deep.equal({ 'policy-decision': 'allow' });
    });

    it('keeps the denial message and audit annotation bounded', async () => {
      const many = Array.from({ length: 200 }, (_, i) => model({ name: `m${i}`, version: '1', license: 'GPL-3.0-only' }));
      const ctx = await contextFor(deployment('chat', 'ml', [{ name: 'server', image: LLM }]), { [LLM]: found(inventory(many)) });
      const d = decide(evaluatePolicies([policy('p', 'Enforce', rules)], ctx, NOW));
      expect(d.verdicts).to.have.length(200);
      expect(d.message).to.contain('and 197 more');
      expect(d.auditAnnotations['policy-verdicts']!.length).to.be.at.most(4096);
      expect(d.auditAnnotations['policy-verdicts']).to.contain('"omitted"');
    });
  });

  describe('longestFittingList (the audit annotation of many verdicts)', () => {
    /** The first version: drop one entry from the end and serialise again until it fits (quadratic). */
    function reference(entries: object[], max: number): string {
      let text = JSON.stringify(entries);
      let kept = entries.length;
      while (text.length > max && kept > 1) {
        kept--;
        text = JSON.stringify([...entries.slice(0, kept), { omitted: String(entries.length - kept) }]);
      }
      return text.length > max ? JSON.stringify([{ omitted: String(entries.length) }]) : text;
    }

    it('gives what dropping entries one by one from the end gives', () => {
      const entry = fc.record({ policy: fc.string({ maxLength: 40 }), rule: fc.constantFrom('licenses', 'sources'), model: fc.string({ maxLength: 120 }) });
      fc.assert(
        fc.property(fc.array(entry, { maxLength: 60 }), fc.integer({ min: 10, max: 2000 }), (entries, max) => {
          expect(longestFittingList(entries, (e) => e, max)).to.equal(reference(entries, max));
        }),
        { numRuns: 500 },
      );
    });

    it('serialises only the entries that can fit: 200,000 verdicts take no longer than a few thousand', () => {
      let serialised = 0;
      const items = Array.from({ length: 200_000 }, (_, i) => i);
      const text = longestFittingList(items, (i) => {
        serialised++;
        return { policy: 'p', rule: 'licenses', model: `m${i}` };
      }, 4096);
      expect(text.length).to.be.at.most(4096);
      expect(JSON.parse(text).at(-1)).to.have.property('omitted');
      expect(serialised).to.be.below(200);
    });
  });

  describe('plugged into admit() on the validating path', () => {
    const policies = [
      policy('sources', 'Enforce', { sources: { purls: ['pkg:huggingface/ibm-granite/*'] } }),
      policy('hashes', 'Warn', { requireHashes: true }),
    ];
    const evaluate = evaluatorOf(policies);

    it('denies with 403, the message and the warnings', async () => {
      const object = deployment('asr', 'ml', [{ name: 'asr', image: LLM }]);
      const out = await admit(reviewOf(object), 'validate', {
        lookup: mapLookup({ [LLM]: found(corpus('rhtpa__nvidia_canary-1b-v2_aibom.json')) }),
        settings,
        signal: new AbortController().signal,
        evaluatePolicy: evaluate,
      });
      const r = out.review.response;
      expect(r.allowed).to.equal(false);
      expect(r.status?.code).to.equal(403);
      // The model label is `group/name@version` once the parser reads the group (`nvidia/`).
      expect(r.status?.message).to.match(/\[sources\/sources\] container "asr", model (nvidia\/)?canary-1b-v2@1\.0/);
      expect(r.warnings?.some((w) => w.startsWith('aibom policy hashes/requireHashes'))).to.equal(true);
      expect(r.auditAnnotations?.['policy-decision']).to.equal('deny');
    });

    it('admits an approved model (corpus: IBM Granite) with a warning only', async () => {
      const object = deployment('docling', 'ml', [{ name: 'docling', image: LLM }]);
      const out = await admit(reviewOf(object), 'validate', {
        lookup: mapLookup({ [LLM]: found(corpus('rhtpa__ibm-granite_granite-docling-258M_aibom.json')) }),
        settings,
        signal: new AbortController().signal,
        evaluatePolicy: evaluate,
      });
      expect(out.review.response.allowed).to.equal(true);
      expect(out.review.response.auditAnnotations?.['policy-decision']).to.equal('warn');
    });

    it('never evaluates on the mutating path', async () => {
      let called = 0;
      const object = deployment('asr', 'ml', [{ name: 'asr', image: LLM }]);
      const out = await admit(reviewOf(object), 'mutate', {
        lookup: mapLookup({ [LLM]: { status: 'timeout', boms: [] } }),
        settings,
        signal: new AbortController().signal,
        evaluatePolicy: (ctx) => {
          called++;
          return evaluatorOf([policy('l', 'Enforce', { onLookupFailure: 'deny' })])(ctx);
        },
      });
      expect(called).to.equal(0);
      expect(out.review.response.allowed).to.equal(true);
    });
  });

  describe('corpus BOMs', () => {
    // readBom is a first cut (name, version, purl of CycloneDX models); these hold before and after the
    // full parsers land, which will only add fields.
    const rows: [file: string, rules: Parameters<typeof policy>[2], expected: { rule: string; reasons: string[] }[]][] = [
      ['rhtpa__ibm-granite_granite-docling-258M_aibom.json', { sources: { purls: ['pkg:huggingface/ibm-granite/*'], missing: 'deny' } }, []],
      ['rhtpa__nvidia_canary-1b-v2_aibom.json', { sources: { purls: ['pkg:huggingface/ibm-granite/*'], missing: 'deny' } }, [{ rule: 'sources', reasons: ['not-approved'] }]],
      ['trustify__test_structured_model_card.json', { sources: { purls: ['pkg:huggingface/nvidia/*'] } }, []],
      ['rhtpa__ibm-granite_granite-docling-258M_aibom.json', { modelCard: { require: ['version', 'purl'] } }, []],
      ['bom-examples-MLBOM-Model-Card-With-Dataset__bom.json', { modelCard: { require: ['purl'] } }, [{ rule: 'modelCard', reasons: ['incomplete'] }]],
      // Licence as written is `unknown` (+ a property) or a non-SPDX name: missing today, not-allowed once parsed.
      ['bxf12315-hf-aibom-generator__aibom.json', { licenses: { allow: ['Apache-2.0', 'MIT'], missing: 'deny' } }, [{ rule: 'licenses', reasons: ['missing', 'not-allowed'] }]],
      ['rhtpa__nvidia_canary-1b-v2_aibom.json', { licenses: { allow: ['Apache-2.0'], deny: ['cc-by-nc-4.0'], missing: 'deny' } }, [{ rule: 'licenses', reasons: ['missing', 'not-allowed'] }]],
      ['rhtpa__ibm-granite_granite-docling-258M_aibom.json', { licenses: { deny: ['cc-by-nc-4.0'], missing: 'allow' } }, []],
      ['guac__alpine-cyclonedx.json', { requireHashes: true, licenses: { allow: ['MIT'], missing: 'deny' }, modelCard: { require: ['task'] } }, []],
    ];
    for (const [file, rules, expected] of rows) {
      it(`${file}: ${JSON.stringify(rules)}`, async () => {
        const ctx = await contextFor(deployment('w', 'ml', [{ name: 'c', image: LLM }]), { [LLM]: found(corpus(file)) });
        const verdicts = evaluatePolicies([policy('p', 'Enforce', rules)], ctx, NOW);
        expect(verdicts.length).to.equal(expected.length);
        verdicts.forEach((v, i) => {
          expect(v.rule).to.equal(expected[i]!.rule);
          expect(expected[i]!.reasons).to.include(v.reason);
          expect(v.effect).to.equal('deny');
        });
      });
    }
  });
});
