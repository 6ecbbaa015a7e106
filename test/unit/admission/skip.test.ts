import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { requestingNode, skipReason, type SkipSettings } from '../../../src/admission/skip.js';
import { parseAdmissionReview } from '../../../src/admission/review.js';
import { type AdmissionRequest } from '../../../src/contracts/admission-review.js';
import { getPath } from '../../../src/contracts/workload.js';
import { defaultSettings, loadReview } from '../../support/fixtures.js';

/** A review kube-apiserver v1.37.2 really sent (scripts/fixtures/capture-mirror-reviews.sh). */
function captured(name: string): AdmissionRequest {
  return parseAdmissionReview(JSON.parse(readFileSync(new URL(`../../fixtures/admission/captured/${name}.json`, import.meta.url), 'utf8'))).request;
}

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
    ['a mirror pod its node\'s kubelet creates', () => request('pod-create-mirror'), /mirror pod of node worker-1, written by its kubelet/],
    ['an UPDATE of a mirror pod by its node', () => request('pod-create-mirror', (r) => { r.operation = 'UPDATE'; }), /mirror pod of node worker-1/],
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

  describe('mirror pods, on the requests kube-apiserver v1.37.2 sent (docs/mirror-pods.md)', () => {
    it('the kubelet\'s own request (system:node:n1, group system:nodes, nodeName n1, Node owner): skipped', () => {
      expect(skipReason(captured('mirror-create-by-node'), settings)).to.equal('mirror pod of node n1, written by its kubelet');
    });

    it('an ordinary user who may create Pods wrote the annotation (the apiserver admitted it): reviewed', () => {
      const r = captured('mirror-create-by-user');
      expect(r.userInfo.username).to.equal('mallory');
      expect(getPath(r.object, ['metadata', 'annotations'])).to.have.property('kubernetes.io/config.mirror');
      expect(skipReason(r, settings)).to.equal(undefined);
    });

    it('a user changing the image of a real mirror pod (the apiserver allows it): reviewed', () => {
      const r = captured('mirror-update-by-node');
      expect(r.operation).to.equal('UPDATE');
      expect(getPath(r.oldObject, ['metadata', 'annotations'])).to.have.property('kubernetes.io/config.mirror');
      expect(skipReason(r, settings)).to.equal(undefined);
    });

    it('a node writing a mirror pod bound to another node (possible without NodeRestriction): reviewed', () => {
      const r = captured('mirror-create-by-node-other-node');
      expect(requestingNode(r)).to.equal('n1');
      expect(skipReason(r, settings)).to.equal(undefined);
    });

    it('an admin impersonating the node is the node to the apiserver (impersonation is a privilege): skipped', () => {
      expect(skipReason(captured('mirror-create-impersonated-node'), settings)).to.match(/mirror pod of node n1/);
    });

    it('a node name alone is no node: system:node:<name> needs the group system:nodes', () => {
      const r = captured('mirror-create-by-node');
      r.userInfo.groups = ['system:authenticated'];
      expect(requestingNode(r)).to.equal(undefined);
      expect(skipReason(r, settings)).to.equal(undefined);
      r.userInfo = { username: 'system:node:', groups: ['system:nodes'] };
      expect(requestingNode(r)).to.equal(undefined);
    });
  });
});
