import { expect } from 'chai';
import { skipReason, type SkipSettings } from '../../../src/admission/skip.js';
import type { AdmissionRequest } from '../../../src/contracts/admission-review.js';
import { defaultSettings, loadReview } from '../../support/fixtures.js';

function request(fixture: string, change: (r: AdmissionRequest) => void = () => undefined): AdmissionRequest {
  const r = loadReview(fixture).request;
  change(r);
  return r;
}

describe('admission/skip', () => {
  const settings: SkipSettings = { ...defaultSettings(), isNamespaceOptedOut: (ns) => ns === 'opted-out' };
  const table: [label: string, req: () => AdmissionRequest, reason: RegExp | undefined][] = [
    ['a Pod CREATE is reviewed', () => request('pod-create'), undefined],
    ['a Deployment UPDATE is reviewed', () => request('deployment-update-image'), undefined],
    ['pods/ephemeralcontainers is reviewed', () => request('pod-ephemeralcontainers-update'), undefined],
    ['DELETE', () => request('pod-delete'), /operation DELETE/],
    ['CONNECT', () => request('pod-create', (r) => { r.operation = 'CONNECT'; }), /operation CONNECT/],
    ['pods/status', () => request('pod-update', (r) => { r.subResource = 'status'; }), /subresource pods\/status/],
    ['deployments/scale', () => request('deployment-update-image', (r) => { r.subResource = 'scale'; }), /subresource deployments\/scale/],
    ['pods/exec (CONNECT-free subresource)', () => request('pod-update', (r) => { r.subResource = 'exec'; }), /subresource pods\/exec/],
    ['a kind without a pod spec', () => request('pod-create', (r) => { r.kind = { group: '', version: 'v1', kind: 'Service' }; }), /kind Service/],
    ['a CRD called Deployment in another group', () => request('deployment-create', (r) => { r.kind = { group: 'example.com', version: 'v1', kind: 'Deployment' }; }), /kind example\.com\/Deployment/],
    ['a Pod in the wrong group', () => request('pod-create', (r) => { r.kind = { group: 'apps', version: 'v1', kind: 'Pod' }; }), /kind apps\/Pod/],
    ['kube-system', () => request('pod-create', (r) => { r.namespace = 'kube-system'; }), /namespace kube-system is excluded/],
    ['kube-public', () => request('pod-create', (r) => { r.namespace = 'kube-public'; }), /excluded/],
    ['kube-node-lease', () => request('pod-create', (r) => { r.namespace = 'kube-node-lease'; }), /excluded/],
    ['the webhook\'s own namespace', () => request('pod-create', (r) => { r.namespace = 'aibom-system'; }), /namespace aibom-system is excluded/],
    ['a namespace labelled aibom.io/webhook=disabled', () => request('pod-create', (r) => { r.namespace = 'opted-out'; }), /opted out/],
    ['a mirror pod', () => request('pod-create-mirror'), /mirror pods/],
    ['an UPDATE of a mirror pod', () => request('pod-create-mirror', (r) => { r.operation = 'UPDATE'; }), /mirror pods/],
    ['an UPDATE without object', () => request('pod-update', (r) => { delete r.object; }), /no object/],
  ];
  for (const [label, req, reason] of table) {
    it(`${label} → ${reason ? `skipped (${reason.source})` : 'reviewed'}`, () => {
      const got = skipReason(req(), settings);
      if (reason) expect(got).to.match(reason);
      else expect(got).to.equal(undefined);
    });
  }

  it('the mirror-pod annotation only counts on Pods', () => {
    const r = request('deployment-create', (q) => {
      ((q.object as { metadata: { annotations: Record<string, string> } }).metadata.annotations)['kubernetes.io/config.mirror'] = 'x';
    });
    expect(skipReason(r, settings)).to.equal(undefined);
  });
});
