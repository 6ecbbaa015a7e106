import { expect } from 'chai';
import { parsePolicyText, PolicyError } from '../../../src/policy/parse.js';
import { evaluatePolicies, decide } from '../../../src/policy/evaluate.js';
import { exceptionUses, isExpired } from '../../../src/policy/exceptions.js';
import type { AIModelPolicyInput } from '../../../src/policy/schema.js';
import { contextFor, deployment, found, inventory, model, NOW, policyDoc } from './support.js';

const LLM = '127.0.0.1:5000/ml/llm:1.0';
const LLM_NORMALISED = '127.0.0.1:5000/ml/llm:1.0';
const WEB = '127.0.0.1:5000/web/frontend:3';

const MIT_MODEL = found(inventory([model({ name: 'granite', group: 'ibm-granite', version: '3.1', license: 'MIT', purl: 'pkg:huggingface/ibm-granite/granite@3.1' })]));

type Exception = NonNullable<AIModelPolicyInput['spec']['exceptions']>[number];

function licencePolicy(exceptions: Exception[], extraRules: AIModelPolicyInput['spec']['rules'] = {}) {
  return policyDoc('licences', { mode: 'Enforce', rules: { licenses: { allow: ['Apache-2.0'] }, ...extraRules }, exceptions });
}

async function chat(namespace = 'ml', name = 'chat') {
  return contextFor(deployment(name, namespace, [{ name: 'llm', image: LLM }]), { [LLM]: MIT_MODEL });
}

describe('policy/exceptions', () => {
  describe('schema', () => {
    const base = (exception: string): string => `apiVersion: aibom.io/v1alpha1
kind: AIModelPolicy
metadata: {name: p}
spec:
  mode: Enforce
  rules: {requireHashes: true}
  exceptions:
  - ${exception}
`;
    it('accepts a ticketed exception with matchers and an RFC 3339 expiry', () => {
      const [loaded] = parsePolicyText(base('{ticket: "https://jira.example.com/SEC-1", expires: "2026-07-01T00:00:00Z", namespaces: [ml], models: ["granite*"]}'), 'p.yaml');
      expect(loaded!.policy.spec.exceptions).to.deep.equal([{ ticket: 'https://jira.example.com/SEC-1', expires: '2026-07-01T00:00:00Z', namespaces: ['ml'], models: ['granite*'] }]);
    });

    const refused: [string, string, RegExp][] = [
      ['no ticket', '{namespaces: [ml]}', /exceptions\[0\]\.ticket: required/],
      ['no matcher', '{ticket: T-1}', /at least one of namespaces, workloads, images, models/],
      ['a date without time', '{ticket: T-1, namespaces: [ml], expires: "2026-07-01"}', /RFC 3339/],
      ['an unknown field', '{ticket: T-1, namespaces: [ml], until: tomorrow}', /exceptions\[0\]\.until: unknown field/],
      ['an unknown rule', '{ticket: T-1, namespaces: [ml], rules: [licences]}', /exceptions\[0\]\.rules\[0\]/],
    ];
    for (const [what, text, message] of refused) {
      it(`refuses ${what}`, () => {
        expect(() => parsePolicyText(base(text), 'p.yaml')).to.throw(PolicyError, message);
      });
    }
  });

  it('exempts matching verdicts: kept, effect audit, naming the exception', async () => {
    const p = licencePolicy([{ name: 'granite-pilot', ticket: 'SEC-1', namespaces: ['ml'], expires: '2026-07-01T00:00:00Z' }]);
    const verdicts = evaluatePolicies([p], await chat(), NOW);
    expect(verdicts).to.have.length(1);
    expect(verdicts[0]).to.include({ rule: 'licenses', effect: 'audit', originalEffect: 'deny' });
    expect(verdicts[0]!.exception).to.deep.equal({ policy: 'licences', index: 0, name: 'granite-pilot', ticket: 'SEC-1', expires: '2026-07-01T00:00:00Z' });
    const decision = decide(verdicts);
    expect(decision.allowed).to.equal(true);
    expect(JSON.parse(decision.auditAnnotations['policy-verdicts']!)[0]).to.include({ exception: 'SEC-1', effect: 'audit' });
    expect(exceptionUses(verdicts)).to.deep.equal([{ policy: 'licences', index: 0, name: 'granite-pilot', ticket: 'SEC-1', expires: '2026-07-01T00:00:00Z', status: 'applied', verdicts: 1 }]);
  });

  it('stops applying once expired, and says it would have matched', async () => {
    const p = licencePolicy([{ ticket: 'SEC-2', namespaces: ['ml'], expires: '2026-05-31T23:59:59Z' }]);
    const verdicts = evaluatePolicies([p], await chat(), NOW);
    expect(verdicts[0]).to.include({ effect: 'deny' });
    expect(verdicts[0]!.exception).to.equal(undefined);
    expect(verdicts[0]!.expiredException).to.include({ ticket: 'SEC-2' });
    expect(exceptionUses(verdicts).map((u) => u.status)).to.deep.equal(['expired']);
    // The instant of expiry counts as expired.
    expect(isExpired({ ticket: 't', namespaces: ['x'], expires: NOW.toISOString() }, NOW)).to.equal(true);
    expect(isExpired({ ticket: 't', namespaces: ['x'], expires: '2026-06-01T02:00:00+02:00' }, NOW)).to.equal(true);
    expect(isExpired({ ticket: 't', namespaces: ['x'], expires: '2026-06-01T02:00:01+02:00' }, NOW)).to.equal(false);
  });

  it('an expired exception does not hide a later active one', async () => {
    const p = licencePolicy([
      { ticket: 'OLD', namespaces: ['ml'], expires: '2026-01-01T00:00:00Z' },
      { ticket: 'NEW', namespaces: ['ml'], expires: '2026-12-01T00:00:00Z' },
    ]);
    const [v] = evaluatePolicies([p], await chat(), NOW);
    expect(v!.exception?.ticket).to.equal('NEW');
  });

  const matchers: [string, Exception, boolean][] = [
    ['namespace glob', { ticket: 't', namespaces: ['m?'] }, true],
    ['other namespace', { ticket: 't', namespaces: ['prod'] }, false],
    ['workload kind and name', { ticket: 't', workloads: [{ kind: 'Deployment', name: 'ch*' }] }, true],
    ['workload name only (any kind)', { ticket: 't', workloads: [{ name: 'chat' }] }, true],
    ['workload of another kind', { ticket: 't', workloads: [{ kind: 'StatefulSet', name: 'chat' }] }, false],
    ['image glob on the normalised reference', { ticket: 't', images: ['127.0.0.1:5000/ml/*'] }, true],
    ['other image', { ticket: 't', images: ['127.0.0.1:5000/web/*'] }, false],
    ['model name', { ticket: 't', models: ['ibm-granite/granite'] }, true],
    ['model name@version, any case', { ticket: 't', models: ['IBM-Granite/Granite@3.*'] }, true],
    ['model purl without version', { ticket: 't', models: ['pkg:huggingface/ibm-granite/granite'] }, true],
    ['other model', { ticket: 't', models: ['llama*'] }, false],
    ['the rule', { ticket: 't', namespaces: ['ml'], rules: ['licenses'] }, true],
    ['another rule only', { ticket: 't', namespaces: ['ml'], rules: ['requireHashes'] }, false],
    ['all matchers (AND): one fails', { ticket: 't', namespaces: ['ml'], models: ['llama*'] }, false],
  ];
  for (const [what, exception, applies] of matchers) {
    it(`${applies ? 'applies' : 'does not apply'}: ${what}`, async () => {
      const [v] = evaluatePolicies([licencePolicy([exception])], await chat(), NOW);
      expect(v!.effect).to.equal(applies ? 'audit' : 'deny');
    });
  }

  it('a model exception never covers findings that are not about a model', async () => {
    const p = licencePolicy([{ ticket: 't', models: ['*'] }], { requireDigest: true });
    const verdicts = evaluatePolicies([p], await chat(), NOW);
    expect(verdicts.map((v) => [v.rule, v.effect])).to.deep.equal([['requireDigest', 'deny'], ['licenses', 'audit']]);
  });

  it('an image exception covers a workload-level finding only when it covers every image', async () => {
    const policy = (images: string[]) => policyDoc('digests', { mode: 'Enforce', rules: { requireBOM: true }, exceptions: [{ ticket: 't', images }] });
    const ctx = await contextFor(deployment('chat', 'ml', [{ name: 'llm', image: LLM }, { name: 'web', image: WEB }]), { [LLM]: found(inventory([])), [WEB]: found(inventory([])) });
    const heuristic = { ...ctx, classification: { aiBearing: 'true' as const, evidence: 'heuristic' as const, heuristics: ['vllm args'] } };
    expect(evaluatePolicies([policy([LLM_NORMALISED])], heuristic, NOW)[0]).to.include({ reason: 'no-ai-in-bom', effect: 'deny' });
    expect(evaluatePolicies([policy(['127.0.0.1:5000/*'])], heuristic, NOW)[0]).to.include({ reason: 'no-ai-in-bom', effect: 'audit' });
  });

  it("applies only to its own policy's verdicts", async () => {
    const excepted = licencePolicy([{ ticket: 't', namespaces: ['ml'] }]);
    const other = policyDoc('hashes', { mode: 'Enforce', rules: { requireHashes: true } });
    const verdicts = evaluatePolicies([excepted, other], await chat(), NOW);
    expect(verdicts.map((v) => [v.policy, v.effect])).to.deep.equal([['hashes', 'deny'], ['licences', 'audit']]);
  });
});
