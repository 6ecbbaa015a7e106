// Who can create a Pod carrying `kubernetes.io/config.mirror` (issue #22, item 6), asked of the real
// apiserver with RBAC + Node authorisation and the NodeRestriction admission plugin, as production
// clusters run: what the apiserver itself guarantees is what a skip rule may rely on. A recorder
// webhook of the tests' own shows the userInfo each request carries.
import { join } from 'node:path';
import { expect } from 'chai';
import { issue, writeKubeconfig } from '../../scripts/cluster/pki.js';
import { getObject, kubectl, kubectlRaw } from './support/e2e.js';
import { useSuite } from './support/images.js';
import { startTestWebhook, webhookConfiguration, type Review, type TestWebhook } from './support/test-webhook.js';

const NODE = 'e2e-node-1';
const MIRROR = 'kubernetes.io/config.mirror';

function mirrorPod(name: string, ns: string, image: string, nodeName: string, owner?: { uid: string }): string {
  return JSON.stringify({
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: ns, annotations: { [MIRROR]: 'e2e', 'kubernetes.io/config.source': 'file' }, ...(owner ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: owner.uid, controller: true }] } : {}) },
    spec: { nodeName, containers: [{ name: 'c', image }] },
  });
}

describe('e2e: who can create a mirror pod (kubernetes.io/config.mirror)', function () {
  this.timeout(120_000);
  const t = useSuite('e2e-mirror', { 'e2e.aibom.io/record': 'true' });
  let recorder: TestWebhook;
  let nodeKubeconfig: string;
  let nodeUid: string;
  const seen = (name: string): Review['request']['userInfo'] | undefined => recorder.reviews.find((r) => r.request.name === name)?.request.userInfo;

  before(async function () {
    this.timeout(300_000);
    recorder = await startTestWebhook(t.e.state, 'recorder');
    await kubectl(t.e, ['apply', '-f', '-'], webhookConfiguration('ValidatingWebhookConfiguration', 'e2e-recorder', recorder, { 'e2e.aibom.io/record': 'true' }, { failurePolicy: 'Ignore' }));
    // A Node object (no kubelet behind it) and the client certificate a kubelet of that node would have.
    await kubectl(t.e, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } }));
    nodeUid = (await getObject(t.e, 'node', NODE)).metadata.uid!;
    const pair = issue(t.e.state.pki.ca, join(t.e.state.stateDir, 'pki'), NODE, { cn: `system:node:${NODE}`, groups: ['system:nodes'] });
    nodeKubeconfig = join(t.e.state.stateDir, `${NODE}.kubeconfig`);
    writeKubeconfig(nodeKubeconfig, t.e.state.apiserver, t.e.state.pki.ca.cert, pair, `system:node:${NODE}`);
    // mallory may create Pods in the namespace, nothing more.
    await kubectl(t.e, ['create', 'role', 'pod-creator', '-n', t.ns, '--verb=create', '--resource=pods']);
    await kubectl(t.e, ['create', 'rolebinding', 'mallory-pods', '-n', t.ns, '--role=pod-creator', '--user=mallory']);
  });

  after(async () => {
    await kubectl(t.e, ['delete', 'validatingwebhookconfiguration', 'e2e-recorder', '--ignore-not-found']);
    await kubectl(t.e, ['delete', 'node', NODE, '--ignore-not-found']);
    await recorder?.close();
  });

  it('any user allowed to create Pods can create one with the mirror annotation (only spec.nodeName is required)', async () => {
    const out = await kubectlRaw(t.e, ['create', '--as=mallory', '-f', '-'], mirrorPod('by-mallory', t.ns, t.img.mitModel, 'no-such-node'));
    expect(out.code, out.stderr).to.equal(0);
    const pod = await getObject(t.e, 'pod', 'by-mallory', t.ns);
    expect(pod.metadata.annotations?.[MIRROR]).to.equal('e2e');
    expect(seen('by-mallory')).to.deep.include({ username: 'mallory' });
    expect(seen('by-mallory')?.groups).to.deep.equal(['system:authenticated']);
    // The apiserver's one check on a user's mirror pod: spec.nodeName.
    const noNode = await kubectlRaw(t.e, ['create', '--as=mallory', '-f', '-'], JSON.stringify({ ...JSON.parse(mirrorPod('no-node', t.ns, t.img.mitModel, 'x')), spec: { containers: [{ name: 'c', image: t.img.mitModel }] } }));
    expect(noNode.stderr).to.include('must set spec.nodeName if mirror pod annotation is set');
  });

  it('a node (system:node:<name>, group system:nodes) can create only mirror pods bound to itself and owned by its Node', async () => {
    const asNode = (args: string[], input: string): Promise<{ code: number; stderr: string }> => kubectlRaw(t.e, [`--kubeconfig=${nodeKubeconfig}`, ...args], input);
    const ok = await asNode(['create', '-f', '-'], mirrorPod('by-node', t.ns, t.img.mitModel, NODE, { uid: nodeUid }));
    expect(ok.code, ok.stderr).to.equal(0);
    const user = seen('by-node')!;
    expect(user.username).to.equal(`system:node:${NODE}`);
    expect(user.groups).to.include('system:nodes');

    const notMirror = await asNode(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'plain-by-node', namespace: t.ns }, spec: { nodeName: NODE, containers: [{ name: 'c', image: t.img.plain }] } }));
    expect(notMirror.stderr).to.include(`node "${NODE}" can only create mirror pods`);
    const otherNode = await asNode(['create', '-f', '-'], mirrorPod('for-other-node', t.ns, t.img.plain, 'another-node', { uid: nodeUid }));
    expect(otherNode.stderr).to.include(`node "${NODE}" can only create pods with spec.nodeName set to itself`);
    const noOwner = await asNode(['create', '-f', '-'], mirrorPod('unowned', t.ns, t.img.plain, NODE));
    expect(noOwner.stderr).to.include('can only create pods with an owner reference set to itself');
  });
});
