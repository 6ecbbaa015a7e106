import { expect } from 'chai';
import { evaluateBreakGlass, type BreakGlassSettings } from '../../../src/policy/breakglass.js';
import type { AdmissionRequest, KubeObject } from '../../../src/contracts/admission-review.js';

const settings: BreakGlassSettings = {
  enabled: true,
  stackroxKey: false,
  allowedUsers: ['alice@example.com'],
  allowedGroups: ['sre-oncall'],
  namespaces: ['prod-*', 'ml'],
  valuePattern: '^https?://\\S+$',
};

function request(username: string, groups: string[] = [], namespace = 'ml'): AdmissionRequest {
  return {
    uid: 'u1', kind: { group: 'apps', version: 'v1', kind: 'Deployment' }, resource: { group: 'apps', version: 'v1', resource: 'deployments' },
    name: 'd', namespace, operation: 'CREATE', userInfo: { username, groups }, dryRun: false,
  };
}

function deployment(objectAnnotations: Record<string, string> = {}, templateAnnotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', annotations: objectAnnotations },
    spec: { template: { metadata: { annotations: templateAnnotations }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  };
}

describe('policy/breakglass', () => {
  const ticket = 'https://tickets.example.com/INC-42';

  it('is not requested without the annotation', () => {
    expect(evaluateBreakGlass(request('alice@example.com'), 'Deployment', deployment(), 'aibom.io', settings)).to.deep.equal({ requested: false });
  });

  it('is honoured for an allowed user, on the object', () => {
    const r = evaluateBreakGlass(request('alice@example.com'), 'Deployment', deployment({ 'aibom.io/break-glass': ticket }), 'aibom.io', settings);
    expect(r).to.deep.equal({ requested: true, honoured: true, key: 'aibom.io/break-glass', ticket });
  });

  it('is honoured for an allowed group, on the pod template', () => {
    const r = evaluateBreakGlass(request('bob', ['sre-oncall']), 'Deployment', deployment({}, { 'aibom.io/break-glass': ticket }), 'aibom.io', settings);
    expect(r.requested && r.honoured).to.equal(true);
  });

  const refusals: [string, AdmissionRequest, KubeObject, Partial<BreakGlassSettings>, RegExp][] = [
    ['another user', request('mallory'), deployment({ 'aibom.io/break-glass': ticket }), {}, /not allowed to use break-glass/],
    ['a namespace outside the list', request('alice@example.com', [], 'dev'), deployment({ 'aibom.io/break-glass': ticket }), {}, /namespace dev/],
    ['a value that is not a ticket link', request('alice@example.com'), deployment({ 'aibom.io/break-glass': 'because' }), {}, /ticket reference/],
    ['break-glass disabled', request('alice@example.com'), deployment({ 'aibom.io/break-glass': ticket }), { enabled: false }, /disabled/],
  ];
  for (const [name, req, obj, over, reason] of refusals) {
    it(`is refused for ${name}, with the reason`, () => {
      const r = evaluateBreakGlass(req, 'Deployment', obj, 'aibom.io', { ...settings, ...over });
      expect(r.requested).to.equal(true);
      if (!r.requested || r.honoured) throw new Error('expected a refusal');
      expect(r.reason).to.match(reason);
    });
  }

  it('reads the StackRox key only when enabled', () => {
    const obj = deployment({ 'admission.stackrox.io/break-glass': ticket });
    expect(evaluateBreakGlass(request('alice@example.com'), 'Deployment', obj, 'aibom.io', settings).requested).to.equal(false);
    const r = evaluateBreakGlass(request('alice@example.com'), 'Deployment', obj, 'aibom.io', { ...settings, stackroxKey: true });
    expect(r).to.include({ requested: true, honoured: true, key: 'admission.stackrox.io/break-glass' });
  });

  it('uses the configured prefix', () => {
    const r = evaluateBreakGlass(request('alice@example.com'), 'Deployment', deployment({ 'ai.corp.example/break-glass': ticket }), 'ai.corp.example', settings);
    expect(r.requested).to.equal(true);
  });
});
