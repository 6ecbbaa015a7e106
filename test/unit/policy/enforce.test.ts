import { expect } from 'chai';
import { admit } from '../../../src/admission/admit.js';
import { parseAdmissionReview } from '../../../src/admission/review.js';
import { type AdmissionReview } from '../../../src/contracts/admission-review.js';
import type { WorkloadKind } from '../../../src/contracts/workload.js';
import { builtInControllerOwner, enforce, enforcementDependencies, bypassOf, type EnforcementSettings } from '../../../src/policy/enforce.js';
import { effectiveKinds, evaluatePolicies } from '../../../src/policy/evaluate.js';
import { policySet } from '../../../src/policy/policy-set.js';
import { contextForReview, found, inventory, mapLookup, model, NOW, policyDoc, settings as admissionSettings } from './support.js';
import { admissionReview } from '../../support/admission-review.js';

const LLM = '127.0.0.1:5000/ml/llm:1.0';
const LLM2 = '127.0.0.1:5000/ml/llm:2.0';
const TICKET = 'https://tickets.example.com/INC-7';
const MIT_MODEL = found(inventory([model({ name: 'granite', version: '3.1', license: 'MIT' })]));
const FINDINGS = { [LLM]: MIT_MODEL, [LLM2]: MIT_MODEL };

const settings: EnforcementSettings = {
  prefix: 'aibom.io',
  breakGlass: { enabled: true, stackroxKey: false, allowedUsers: ['alice'], allowedGroups: ['sre'], namespaces: ['*'], valuePattern: '^https?://\\S+$' },
};

const enforcing = policySet([policyDoc('licences', { mode: 'Enforce', match: { kinds: ['Pod'] }, rules: { licenses: { allow: ['Apache-2.0'] } } })]);

const GROUPS: Partial<Record<WorkloadKind, string>> = { Pod: '', ReplicationController: '', Deployment: 'apps', ReplicaSet: 'apps', StatefulSet: 'apps', DaemonSet: 'apps', Job: 'batch', CronJob: 'batch' };

interface ObjectOptions {
  name?: string;
  generateName?: string;
  image?: string;
  annotations?: Record<string, string>;
  templateAnnotations?: Record<string, string>;
  owner?: { apiVersion: string; kind: string; name: string; controller?: boolean };
  deletionTimestamp?: string;
  replicas?: number;
}

function object(kind: WorkloadKind, o: ObjectOptions = {}): Record<string, unknown> {
  const metadata: Record<string, unknown> = { namespace: 'ml', annotations: o.annotations ?? {} };
  if (o.name !== undefined || o.generateName === undefined) metadata.name = o.name ?? 'chat';
  if (o.generateName !== undefined) metadata.generateName = o.generateName;
  if (o.owner) metadata.ownerReferences = [{ uid: '5f0c0f6e-0000-4000-8000-000000000001', controller: o.owner.controller ?? true, ...o.owner }];
  if (o.deletionTimestamp) metadata.deletionTimestamp = o.deletionTimestamp;
  const podSpec = { containers: [{ name: 'llm', image: o.image ?? LLM }] };
  const apiVersion = GROUPS[kind] ? `${GROUPS[kind]}/v1` : 'v1';
  if (kind === 'Pod') return { apiVersion, kind, metadata, spec: podSpec };
  const template = { metadata: { annotations: o.templateAnnotations ?? {} }, spec: podSpec };
  if (kind === 'CronJob') return { apiVersion, kind, metadata, spec: { schedule: '@daily', jobTemplate: { spec: { template } } } };
  return { apiVersion, kind, metadata, spec: { replicas: o.replicas ?? 1, selector: {}, template } };
}

function review(kind: WorkloadKind, obj: Record<string, unknown>, user = 'bob', more: { operation?: 'CREATE' | 'UPDATE'; oldObject?: Record<string, unknown>; groups?: string[]; dryRun?: boolean } = {}): AdmissionReview {
  return parseAdmissionReview(admissionReview(obj, {
    uid: '0d1f5a8e-0000-4000-8000-00000000000a', namespace: 'ml', operation: more.operation ?? 'CREATE', user, userUid: 'u-1',
    groups: more.groups ?? ['system:authenticated'], dryRun: more.dryRun ?? false, group: GROUPS[kind],
    ...(more.oldObject ? { oldObject: more.oldObject } : {}),
  }));
}

async function decision(r: AdmissionReview, set = enforcing) {
  return enforce(await contextForReview(r, FINDINGS), set, settings, NOW);
}

describe('policy/enforce', () => {
  describe('kinds', () => {
    it('a policy listing a kind also applies to the kinds that create it', () => {
      expect([...effectiveKinds(['Pod'])].sort()).to.deep.equal(['ClusterServingRuntime', 'CronJob', 'DaemonSet', 'Deployment', 'InferenceService', 'Job', 'LLMInferenceService', 'Model', 'Pod', 'ReplicaSet', 'ReplicationController', 'ServingRuntime', 'StatefulSet', 'Workspace']);
      expect([...effectiveKinds(['Job'])].sort()).to.deep.equal(['CronJob', 'Job']);
      expect([...effectiveKinds(['ReplicaSet'])].sort()).to.deep.equal(['Deployment', 'ReplicaSet']);
      expect([...effectiveKinds(['Deployment'])]).to.deep.equal(['Deployment']);
    });

    it('so a Deployment is denied at its own admission by a rule written for Pods', async () => {
      const d = await decision(review('Deployment', object('Deployment')));
      expect(d.allowed).to.equal(false);
      expect(d.result).to.equal('denied');
      expect(d.message).to.match(/^denied by AI model policy \(Deployment ml\/chat\): \[licences\/licenses\] container "llm", model granite@3\.1: .*Fix: .*aibom\.io\/break-glass/);
    });

    it('and a CronJob too, but not a Deployment under a policy for Jobs', async () => {
      const jobs = policySet([policyDoc('jobs', { mode: 'Enforce', match: { kinds: ['Job'] }, rules: { licenses: { allow: ['Apache-2.0'] } } })]);
      expect((await decision(review('CronJob', object('CronJob')), jobs)).allowed).to.equal(false);
      expect((await decision(review('Deployment', object('Deployment')), jobs)).allowed).to.equal(true);
    });
  });

  describe('modes', () => {
    for (const [mode, allowed, result] of [['Enforce', false, 'denied'], ['Warn', true, 'warned'], ['Audit', true, 'audited']] as const) {
      it(`${mode}: ${result}`, async () => {
        const set = policySet([policyDoc('p', { mode, rules: { licenses: { allow: ['Apache-2.0'] } } })]);
        const d = await decision(review('Deployment', object('Deployment')), set);
        expect([d.allowed, d.result]).to.deep.equal([allowed, result]);
        expect(d.warnings.length > 0).to.equal(mode === 'Warn');
        expect(d.auditAnnotations['policy-set']).to.equal(set.hash);
      });
    }

    it('nothing to say: allowed', async () => {
      const d = await decision(review('Deployment', object('Deployment')), policySet([]));
      expect(d.result).to.equal('allowed');
      expect(d.auditAnnotations['policy-set']).to.match(/^sha256:[0-9a-f]{64}$/);
    });
  });

  describe('break-glass', () => {
    const glass = { 'aibom.io/break-glass': TICKET };

    it('from an allowed user: admitted, denials audited, the ticket recorded', async () => {
      const d = await decision(review('Deployment', object('Deployment', { annotations: glass }), 'alice'));
      expect([d.allowed, d.result, d.bypassed]).to.deep.equal([true, 'bypassed', true]);
      expect(d.verdicts.map((v) => [v.effect, v.waived, v.originalEffect])).to.deep.equal([['audit', 'break-glass', 'deny']]);
      expect(d.auditAnnotations).to.include({ 'break-glass': TICKET, 'break-glass-result': 'honoured' });
      expect(d.warnings[0]).to.contain(TICKET);
    });

    it('from an allowed group, on the pod template', async () => {
      const d = await decision(review('Deployment', object('Deployment', { templateAnnotations: glass }), 'carol', { groups: ['sre'] }));
      expect(d.result).to.equal('bypassed');
    });

    it('from another user: denied with the reason and what it would bypass', async () => {
      const d = await decision(review('Deployment', object('Deployment', { annotations: glass }), 'mallory'));
      expect(d.allowed).to.equal(false);
      expect(d.message).to.match(/^break-glass refused \(Deployment ml\/chat\): user mallory is not allowed to use break-glass .* It would also be denied by AI model policy/);
      expect(d.auditAnnotations).to.include({ 'break-glass-result': `refused: ${(d.breakGlass as { reason: string }).reason}`, 'policy-decision': 'deny' });
    });

    it('refused on an object that violates nothing: still denied (a kept annotation must have been judged)', async () => {
      const d = await decision(review('Deployment', object('Deployment', { annotations: glass }), 'mallory'), policySet([]));
      expect(d.allowed).to.equal(false);
      expect(d.message).to.contain('nothing in this object needs it');
    });

    it('honoured but not needed: admitted, recorded as unused, not bypassed', async () => {
      const d = await decision(review('Deployment', object('Deployment', { annotations: glass }), 'alice'), policySet([]));
      expect([d.allowed, d.result, d.bypassed]).to.deep.equal([true, 'allowed', false]);
      expect(d.auditAnnotations['break-glass-result']).to.equal('honoured-unused');
    });
  });

  describe('objects made by the built-in controllers', () => {
    const rsOwner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'chat-7d9f' };
    const pod = (owner = rsOwner) => object('Pod', { generateName: 'chat-7d9f-', owner });

    it('a Pod the ReplicaSet controller creates for its ReplicaSet is audited, not denied', async () => {
      const d = await decision(review('Pod', pod(), 'system:serviceaccount:kube-system:replicaset-controller'));
      expect([d.allowed, d.result, d.waiver?.reason]).to.deep.equal([true, 'audited', 'controller-created']);
      expect(d.verdicts[0]).to.include({ effect: 'audit', waived: 'controller-created', originalEffect: 'deny' });
      expect(d.auditAnnotations.waived).to.equal('controller-created');
    });

    it('a bare Pod with a fake ownerReference from a user is still denied, named by its generateName', async () => {
      const d = await decision(review('Pod', pod(), 'bob'));
      expect(d.allowed).to.equal(false);
      expect(d.message).to.contain('(Pod ml/chat-7d9f-*)');
    });

    const cases: [string, WorkloadKind, string, ObjectOptions['owner'], boolean][] = [
      ['the controller manager itself', 'Pod', 'system:kube-controller-manager', rsOwner, true],
      ['the Deployment controller making a ReplicaSet', 'ReplicaSet', 'system:serviceaccount:kube-system:deployment-controller', { apiVersion: 'apps/v1', kind: 'Deployment', name: 'chat' }, true],
      ['the CronJob controller making a Job', 'Job', 'system:serviceaccount:kube-system:cronjob-controller', { apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly' }, true],
      ['a controller making something it does not make', 'Pod', 'system:serviceaccount:kube-system:job-controller', rsOwner, false],
      ['an owner of the right kind in another group', 'Pod', 'system:serviceaccount:kube-system:replicaset-controller', { apiVersion: 'example.com/v1', kind: 'ReplicaSet', name: 'x' }, false],
      ['an ownerReference that is not the controller', 'Pod', 'system:serviceaccount:kube-system:replicaset-controller', { ...rsOwner, controller: false }, false],
      ['a look-alike service account in another namespace', 'Pod', 'system:serviceaccount:default:replicaset-controller', rsOwner, false],
    ];
    for (const [what, kind, user, owner, recognised] of cases) {
      it(`${recognised ? 'recognises' : 'does not recognise'} ${what}`, async () => {
        const r = review(kind, object(kind, { owner }), user);
        expect(builtInControllerOwner(r.request, kind, r.request.object) !== undefined).to.equal(recognised);
        expect((await decision(r)).allowed).to.equal(recognised);
      });
    }
  });

  describe('deletion and updates', () => {
    it('never denies an object being deleted', async () => {
      const obj = object('Deployment', { deletionTimestamp: '2026-05-31T10:00:00Z' });
      const d = await decision(review('Deployment', obj, 'bob', { operation: 'UPDATE', oldObject: object('Deployment') }));
      expect([d.allowed, d.waiver?.reason]).to.deep.equal([true, 'deleting']);
    });

    it('an UPDATE that changes neither images nor break-glass is audited only (no warnings)', async () => {
      const warnSet = policySet([policyDoc('w', { mode: 'Warn', rules: { licenses: { allow: ['Apache-2.0'] } } }), ...enforcing.policies]);
      const d = await decision(review('Deployment', object('Deployment', { replicas: 5 }), 'bob', { operation: 'UPDATE', oldObject: object('Deployment') }), warnSet);
      expect([d.allowed, d.result, d.waiver?.reason, d.warnings]).to.deep.equal([true, 'audited', 'unchanged', []]);
    });

    it('an UPDATE that changes an image is evaluated', async () => {
      const d = await decision(review('Deployment', object('Deployment', { image: LLM2 }), 'bob', { operation: 'UPDATE', oldObject: object('Deployment') }));
      expect(d.allowed).to.equal(false);
    });

    it('an UPDATE that adds a break-glass is evaluated (and refused for a user not allowed)', async () => {
      const obj = object('Deployment', { annotations: { 'aibom.io/break-glass': TICKET } });
      const d = await decision(review('Deployment', obj, 'bob', { operation: 'UPDATE', oldObject: object('Deployment') }));
      expect(d.allowed).to.equal(false);
      expect(d.message).to.match(/^break-glass refused/);
    });
  });

  describe('the bypassed label (mutating path)', () => {
    const glass = { 'aibom.io/break-glass': TICKET };
    async function bypassed(r: AdmissionReview, set = enforcing): Promise<boolean> {
      return (bypassOf(await contextForReview(r, FINDINGS), set, settings, NOW)) !== undefined;
    }

    it('only when an authorised break-glass is what admits the object', async () => {
      expect(await bypassed(review('Deployment', object('Deployment', { annotations: glass }), 'alice'))).to.equal(true);
      expect(await bypassed(review('Deployment', object('Deployment', { annotations: glass }), 'alice'), policySet([]))).to.equal(false);
      expect(await bypassed(review('Deployment', object('Deployment', { annotations: glass }), 'mallory'))).to.equal(false);
      expect(await bypassed(review('Deployment', object('Deployment'), 'alice'))).to.equal(false);
    });

    it('inherited by the Pods a controller makes from the judged template, and kept by updates that leave it alone', async () => {
      const pod = object('Pod', { generateName: 'chat-', annotations: glass, owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'chat-1' } });
      expect(await bypassed(review('Pod', pod, 'system:serviceaccount:kube-system:replicaset-controller'))).to.equal(true);
      expect(await bypassed(review('Pod', pod, 'bob'))).to.equal(false);
      const kept = object('Deployment', { annotations: glass, replicas: 3 });
      expect(await bypassed(review('Deployment', kept, 'bob', { operation: 'UPDATE', oldObject: object('Deployment', { annotations: glass }) }))).to.equal(true);
      const changed = object('Deployment', { annotations: { 'aibom.io/break-glass': `${TICKET}-2` } });
      expect(await bypassed(review('Deployment', changed, 'bob', { operation: 'UPDATE', oldObject: object('Deployment', { annotations: glass }) }))).to.equal(false);
    });

    it('admit() labels the object through enforcementDependencies', async () => {
      const ports = enforcementDependencies({ policies: () => enforcing, settings, clock: () => NOW });
      const r = review('Deployment', object('Deployment', { annotations: glass }), 'alice');
      const mutate = await admit(r, 'mutate', { lookup: mapLookup(FINDINGS), settings: admissionSettings, signal: new AbortController().signal, bypass: ports.bypass });
      expect(mutate.bypass).to.deep.equal({ ticket: TICKET, result: 'honoured' });
      expect(JSON.stringify(mutate.patch)).to.match(/aibom\.io(~1|\/)bypassed"?[:,]"?(value":)?"true"/);
      const validate = await admit(r, 'validate', { lookup: mapLookup(FINDINGS), settings: admissionSettings, signal: new AbortController().signal, evaluatePolicy: ports.evaluatePolicy });
      expect(validate.review.response.allowed).to.equal(true);
      expect(validate.review.response.auditAnnotations).to.include({ 'break-glass': TICKET });
      const other = await admit(review('Deployment', object('Deployment', { annotations: glass }), 'bob'), 'mutate', { lookup: mapLookup(FINDINGS), settings: admissionSettings, signal: new AbortController().signal, bypass: ports.bypass });
      expect(JSON.stringify(other.patch)).not.to.contain('bypassed');
    });
  });

  it('an expired exception warns on its way out', async () => {
    const set = policySet([policyDoc('licences', { mode: 'Enforce', rules: { licenses: { allow: ['Apache-2.0'] } }, exceptions: [{ name: 'pilot', ticket: 'SEC-9', namespaces: ['ml'], expires: '2026-05-01T00:00:00Z' }] })]);
    const d = await decision(review('Deployment', object('Deployment')), set);
    expect(d.allowed).to.equal(false);
    expect(d.exceptions.map((e) => [e.name, e.status])).to.deep.equal([['pilot', 'expired']]);
    expect(d.warnings.join('\n')).to.contain('exception pilot (SEC-9) expired');
    expect(JSON.parse(d.auditAnnotations.exceptions!)).to.deep.equal([{ policy: 'licences', exception: 'pilot', ticket: 'SEC-9', status: 'expired' }]);
  });

  it('the same request and policies give the same verdicts as the bare engine, before waivers', async () => {
    const ctx = await contextForReview(review('Deployment', object('Deployment')), FINDINGS);
    expect(enforce(ctx, enforcing, settings, NOW).verdicts).to.deep.equal(evaluatePolicies(enforcing.policies, ctx, NOW));
  });
});
