import { expect } from 'chai';
import { admit } from '../../../src/admission/admit.js';
import { parseAdmissionReview } from '../../../src/admission/review.js';
import { auditRecord, isAudited } from '../../../src/audit/record.js';
import { lineAuditSink } from '../../../src/audit/writer.js';
import { enforcementDependencies, type EnforcementSettings } from '../../../src/policy/enforce.js';
import { policySet } from '../../../src/policy/policy-set.js';
import { deployment, found, inventory, mapLookup, model, NOW, policyDoc, settings } from '../policy/support.js';
import { admissionReview } from '../../support/admission-review.js';

const LLM = '127.0.0.1:5000/ml/llm:1.0';
const SECRET = 'eyJhbGciOiJSUzI1NiIsImtpZCI6InNlY3JldC10b2tlbiJ9.c2VjcmV0.c2ln';
const enforcement: EnforcementSettings = {
  prefix: 'aibom.io',
  breakGlass: { enabled: true, stackroxKey: false, allowedUsers: ['alice'], allowedGroups: [], namespaces: ['*'], valuePattern: '^https?://\\S+$' },
};
const set = policySet([policyDoc('licences', { mode: 'Enforce', rules: { licenses: { allow: ['Apache-2.0'] } }, exceptions: [{ ticket: 'SEC-4', models: ['other*'] }] })]);
const ports = enforcementDependencies({ policies: () => set, settings: enforcement, clock: () => NOW });

function review(user: string, annotations: Record<string, string> = {}, dryRun = false) {
  const obj = deployment('chat', 'ml', [{ name: 'llm', image: LLM }]);
  (obj.metadata as Record<string, unknown>).annotations = annotations;
  return parseAdmissionReview(admissionReview(obj, {
    uid: '7c1d2e3f-0000-4000-8000-000000000001', namespace: 'ml', dryRun, user, userUid: 'uid-42', groups: ['system:authenticated'],
    extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${SECRET}`], 'token': [SECRET] },
  }));
}

async function record(user: string, annotations: Record<string, string> = {}, endpoint: 'validate' | 'mutate' = 'validate', dryRun = false) {
  const r = review(user, annotations, dryRun);
  const lookup = mapLookup({ [LLM]: found(inventory([model({ name: 'granite', version: '3.1', license: 'MIT' })])) });
  const outcome = await admit(r, endpoint, { lookup, settings, signal: new AbortController().signal, ...ports });
  return { outcome, record: auditRecord({ webhook: endpoint, request: r.request, outcome, durationMs: 12.345, now: NOW, policySet: set.hash }) };
}

describe('audit/record', () => {
  it('a denial: who, what, images and digests, models, verdict, policy, rule, policy set, duration', async () => {
    const { record: rec } = await record('bob');
    expect(rec).to.deep.include({
      audit: 1, time: NOW.toISOString(), webhook: 'validate', uid: '7c1d2e3f-0000-4000-8000-000000000001', dryRun: false,
      object: { kind: 'Deployment', namespace: 'ml', name: 'chat', operation: 'CREATE' },
      verdict: 'denied', policy: 'licences', rule: 'licenses', models: ['granite@3.1'], policySet: set.hash, durationMs: 12.3,
      aiBearing: 'true', aiKind: 'model',
    });
    expect(rec.images).to.deep.equal([{ image: LLM, digest: `sha256:${'d'.repeat(64)}`, status: 'found', containers: ['llm'], models: ['granite@3.1'], boms: [{ digest: `sha256:${'0'.repeat(64)}`, source: 'referrers', trust: 'unsigned' }] }]);
    expect(rec.message).to.match(/^denied by AI model policy \(Deployment ml\/chat\)/);
    expect(rec.user).to.deep.equal({ username: 'bob', uid: 'uid-42', groups: ['system:authenticated'], extraKeys: ['authentication.kubernetes.io/credential-id', 'token'] });
  });

  it('never carries a token or any userInfo.extra value', async () => {
    for (const [user, ann, endpoint] of [['bob', {}, 'validate'], ['alice', { 'aibom.io/break-glass': 'https://t.example/1' }, 'validate'], ['alice', { 'aibom.io/break-glass': 'https://t.example/1' }, 'mutate']] as const) {
      const lines: string[] = [];
      lineAuditSink((l) => lines.push(l))((await record(user, ann, endpoint)).record);
      expect(lines).to.have.length(1);
      expect(lines[0]!.endsWith('\n') && !lines[0]!.slice(0, -1).includes('\n')).to.equal(true);
      expect(lines[0]).not.to.contain(SECRET);
      expect(lines[0]).not.to.contain('JTI=');
    }
  });

  it('a break-glass: the ticket and the result, on both endpoints', async () => {
    const v = await record('alice', { 'aibom.io/break-glass': 'https://t.example/1' });
    expect(v.record).to.deep.include({ verdict: 'bypassed', breakGlass: { ticket: 'https://t.example/1', result: 'honoured' } });
    expect(v.record.verdicts[0]).to.include({ effect: 'audit', waived: 'break-glass' });
    const m = await record('alice', { 'aibom.io/break-glass': 'https://t.example/1' }, 'mutate');
    expect(isAudited('mutate', m.outcome)).to.equal(true);
    expect(m.record).to.deep.include({ webhook: 'mutate', verdict: 'bypassed', breakGlass: { ticket: 'https://t.example/1', result: 'honoured' } });
    const plain = await record('bob', {}, 'mutate');
    expect(isAudited('mutate', plain.outcome)).to.equal(false);
  });

  it('marks dry runs', async () => {
    expect((await record('bob', {}, 'validate', true)).record.dryRun).to.equal(true);
  });
});
