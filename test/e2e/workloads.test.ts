// Through the real kube-apiserver and controller-manager: every workload kind gets the documented
// labels and annotations on the stored object and its pod template, the controllers' Pods (made with
// generateName and ownerReferences) are labelled, repeated applies roll nothing out, every image slot
// is looked up, and a server-side dry run decides the same and stores nothing.
import { expect } from 'chai';
import { aiLabels, auditEvents, eventually, getObject, kubectl, kubectlRaw, models, namespace, template, webhookLog, type E2E, type K8sObject } from './support/e2e.js';
import { useSuite } from './support/images.js';

const MODEL = { 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'model', 'aibom.io/evidence': 'bom' };
const GRANITE = 'granite-docling-258M';

function podSpec(image: string): Record<string, unknown> {
  return { containers: [{ name: 'server', image }] };
}

function workload(kind: string, name: string, ns: string, image: string): Record<string, unknown> {
  const labels = { app: name };
  const tpl = { metadata: { labels }, spec: podSpec(image) };
  switch (kind) {
    case 'Deployment': return { apiVersion: 'apps/v1', kind, metadata: { name, namespace: ns }, spec: { replicas: 1, selector: { matchLabels: labels }, template: tpl } };
    case 'StatefulSet': return { apiVersion: 'apps/v1', kind, metadata: { name, namespace: ns }, spec: { replicas: 1, serviceName: name, selector: { matchLabels: labels }, template: tpl } };
    case 'DaemonSet': return { apiVersion: 'apps/v1', kind, metadata: { name, namespace: ns }, spec: { selector: { matchLabels: labels }, template: tpl } };
    case 'Job': return { apiVersion: 'batch/v1', kind, metadata: { name, namespace: ns }, spec: { template: { ...tpl, spec: { ...podSpec(image), restartPolicy: 'Never' } } } };
    case 'CronJob': return { apiVersion: 'batch/v1', kind, metadata: { name, namespace: ns }, spec: { schedule: '0 0 1 1 *', jobTemplate: { spec: { template: { ...tpl, spec: { ...podSpec(image), restartPolicy: 'Never' } } } } } };
    default: return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec: podSpec(image) };
  }
}

async function podsOf(e: E2E, ns: string, ownerKind: string, ownerPrefix: string): Promise<K8sObject[]> {
  const list = JSON.parse(await kubectl(e, ['get', 'pods', '-n', ns, '-o', 'json'])) as { items: K8sObject[] };
  return list.items.filter((p) => p.metadata.ownerReferences?.some((o) => o.kind === ownerKind && o.controller && o.name.startsWith(ownerPrefix)));
}

describe('e2e: workloads through the real apiserver', function () {
  this.timeout(120_000);
  const t = useSuite('e2e-workloads');

  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod']) {
    it(`a ${kind} is labelled on the stored object${kind === 'Pod' ? '' : ' and its pod template'}`, async () => {
      const name = `model-${kind.toLowerCase()}`;
      await kubectl(t.e, ['apply', '-f', '-'], JSON.stringify(workload(kind, name, t.ns, t.img.orasReferrers)));
      const stored = await getObject(t.e, kind.toLowerCase(), name, t.ns);
      expect(aiLabels(stored.metadata)).to.deep.equal(MODEL);
      expect(models(stored.metadata).map((m) => m.name)).to.deep.equal([GRANITE]);
      expect(JSON.parse(stored.metadata.annotations!['aibom.io/lookup']!)).to.deep.equal({ [t.img.orasReferrers]: 'found' });
      if (kind !== 'Pod') {
        expect(aiLabels(template(stored))).to.deep.equal(MODEL);
        expect(models(template(stored)).map((m) => m.name)).to.deep.equal([GRANITE]);
      }
    });
  }

  it("Pods made by the ReplicaSet, StatefulSet and Job controllers (generateName, ownerReferences) are labelled", async () => {
    const rsPods = await eventually('the Deployment\'s Pod', async () => {
      const pods = await podsOf(t.e, t.ns, 'ReplicaSet', 'model-deployment-');
      return pods.length > 0 ? pods : undefined;
    });
    const pod = rsPods[0]!;
    expect(pod.metadata.generateName).to.match(/^model-deployment-[a-z0-9]+-$/);
    expect(aiLabels(pod.metadata)).to.deep.equal(MODEL);
    expect(models(pod.metadata).map((m) => m.name)).to.deep.equal([GRANITE]);
    // The ReplicaSet (owned by the Deployment) is labelled on its metadata.
    const rs = await getObject(t.e, 'replicaset', pod.metadata.ownerReferences![0]!.name, t.ns);
    expect(aiLabels(rs.metadata)).to.deep.equal(MODEL);

    const stsPod = await eventually('model-statefulset-0', () => getObject(t.e, 'pod', 'model-statefulset-0', t.ns));
    expect(aiLabels(stsPod.metadata)).to.deep.equal(MODEL);
    const jobPods = await eventually('the Job\'s Pod', async () => {
      const pods = await podsOf(t.e, t.ns, 'Job', 'model-job');
      return pods.length > 0 ? pods : undefined;
    });
    expect(jobPods[0]!.metadata.generateName).to.equal('model-job-');
    expect(aiLabels(jobPods[0]!.metadata)).to.deep.equal(MODEL);

    // Who made them: the controllers' own service accounts, as the apiserver authenticated them.
    const creators = new Set((await auditEvents(t.e, (ev) => ev.verb === 'create' && ev.objectRef?.resource === 'pods' && ev.objectRef.namespace === t.ns && ev.stage === 'ResponseComplete')).map((ev) => ev.user.username));
    expect([...creators]).to.include.members(['system:serviceaccount:kube-system:replicaset-controller', 'system:serviceaccount:kube-system:statefulset-controller', 'system:serviceaccount:kube-system:job-controller']);
  });

  it('a Job made from the CronJob (kubectl create job --from) and its Pod are labelled', async () => {
    await kubectl(t.e, ['create', 'job', 'manual-run', '--from=cronjob/model-cronjob', '-n', t.ns]);
    const job = await getObject(t.e, 'job', 'manual-run', t.ns);
    expect(job.metadata.ownerReferences?.[0]?.kind).to.equal('CronJob');
    expect(aiLabels(job.metadata)).to.deep.equal(MODEL);
    const pods = await eventually('the manual Job\'s Pod', async () => {
      const p = await podsOf(t.e, t.ns, 'Job', 'manual-run');
      return p.length > 0 ? p : undefined;
    });
    expect(aiLabels(pods[0]!.metadata)).to.deep.equal(MODEL);
  });

  it('kubectl apply twice, and a server-side apply twice, leave the generation unchanged; a new image relabels', async () => {
    const manifest = (name: string, namespace = t.ns): string => JSON.stringify(workload('Deployment', name, namespace, t.img.orasReferrers));
    const generation = async (name: string, namespace = t.ns): Promise<number | undefined> => (await getObject(t.e, 'deployment', name, namespace)).metadata.generation;
    await kubectl(t.e, ['apply', '-f', '-'], manifest('stable'));
    await kubectl(t.e, ['apply', '-f', '-'], manifest('stable'));
    expect(await generation('stable'), 'no rollout from a repeated client-side apply').to.equal(1);
    const ssa = ['apply', '--server-side', '--field-manager=e2e-ssa', '-f', '-'];
    await kubectl(t.e, ssa, manifest('stable-ssa'));
    await kubectl(t.e, ssa, manifest('stable-ssa'));
    expect(await generation('stable-ssa'), 'no rollout from a repeated server-side apply').to.equal(1);
    const after = await getObject(t.e, 'deployment', 'stable-ssa', t.ns);
    expect(aiLabels(after.metadata)).to.deep.equal(MODEL);
    expect(aiLabels(template(after))).to.deep.equal(MODEL);

    // Moving one object from client-side to server-side apply bumps its generation with no webhook at
    // all (kubectl's field-manager migration): our patch must add nothing to that.
    const optedOut = await namespace(t.e, 'e2e-optout', { 'aibom.io/webhook': 'disabled' });
    for (const namespace of [t.ns, optedOut]) {
      await kubectl(t.e, ['apply', '-f', '-'], manifest('migrated', namespace));
      await kubectl(t.e, [...ssa, '--force-conflicts'], manifest('migrated', namespace));
    }
    expect(await generation('migrated', t.ns), 'the same generation as without the webhook').to.equal(await generation('migrated', optedOut));

    await kubectl(t.e, ['set', 'image', 'deployment/stable', `server=${t.img.plain}`, '-n', t.ns]);
    const changed = await getObject(t.e, 'deployment', 'stable', t.ns);
    expect(changed.metadata.generation).to.equal(2);
    expect(aiLabels(changed.metadata)).to.deep.equal({ 'aibom.io/ai-bearing': 'false', 'aibom.io/evidence': 'none' });
    expect(aiLabels(template(changed))).to.deep.equal({ 'aibom.io/ai-bearing': 'false', 'aibom.io/evidence': 'none' });
    expect(models(changed.metadata)).to.deep.equal([]);
    expect(JSON.parse(changed.metadata.annotations!['aibom.io/lookup']!)).to.deep.equal({ [t.img.plain]: 'none' });
  });

  it('an initContainer and an image volume (spec.volumes[].image) are looked up', async () => {
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'slots', namespace: t.ns },
      spec: {
        initContainers: [{ name: 'fetch', image: t.img.initModel }],
        containers: [{ name: 'app', image: t.img.plain, volumeMounts: [{ name: 'weights', mountPath: '/models' }] }],
        volumes: [{ name: 'weights', image: { reference: t.img.modelVolume, pullPolicy: 'IfNotPresent' } }],
      },
    };
    await kubectl(t.e, ['apply', '-f', '-'], JSON.stringify(pod));
    const stored = await getObject(t.e, 'pod', 'slots', t.ns);
    expect((stored.spec as { volumes: Array<{ image?: unknown }> }).volumes[0]!.image, 'the apiserver kept the image volume (ImageVolume on)').to.deep.include({ reference: t.img.modelVolume });
    expect(JSON.parse(stored.metadata.annotations!['aibom.io/lookup']!)).to.deep.equal({ [t.img.initModel]: 'found', [t.img.modelVolume]: 'found', [t.img.plain]: 'none' });
    expect(models(stored.metadata).map((m) => m.image).sort()).to.deep.equal([t.img.initModel, t.img.modelVolume].sort());
    expect(aiLabels(stored.metadata)).to.deep.equal(MODEL);
  });

  it('an ephemeral container added by kubectl debug (pods/ephemeralcontainers) is looked up', async () => {
    await kubectl(t.e, ['apply', '-f', '-'], JSON.stringify(workload('Pod', 'debug-me', t.ns, t.img.plain)));
    const debug = await kubectlRaw(t.e, ['debug', 'debug-me', '-n', t.ns, `--image=${t.img.debugTool}`, '--container=dbg', '--profile=general']);
    expect(debug.code, debug.stderr).to.equal(0);
    const stored = await getObject(t.e, 'pod', 'debug-me', t.ns);
    expect((stored.spec as { ephemeralContainers?: Array<{ image: string }> }).ephemeralContainers?.[0]?.image).to.equal(t.img.debugTool);
    // The webhook reviewed the subresource request and found the debug image's model (no patch there:
    // the apiserver drops metadata changes on pods/ephemeralcontainers).
    const events = await eventually('the audit event of the ephemeralcontainers update', async () => {
      const ev = await auditEvents(t.e, (a) => a.objectRef?.subresource === 'ephemeralcontainers' && a.objectRef.name === 'debug-me' && a.stage === 'ResponseComplete');
      return ev.length > 0 ? ev : undefined;
    });
    const annotations = events.at(-1)!.annotations ?? {};
    expect(annotations['mutate.aibom.io/models'] ?? annotations['validate.aibom.io/models']).to.include(GRANITE);
    const lines = await webhookLog(t.e, (l) => l.name === 'debug-me' && JSON.stringify(l.lookups ?? '').includes('e2e/debug-tool'));
    expect(lines.length, 'the webhook logged the ephemeralcontainers decision').to.be.greaterThan(0);
  });

  it('--dry-run=server gets the same decision and creates nothing', async () => {
    const manifest = JSON.stringify(workload('Deployment', 'dry', t.ns, t.img.orasReferrers));
    const out = JSON.parse(await kubectl(t.e, ['apply', '--dry-run=server', '-o', 'json', '-f', '-'], manifest)) as K8sObject;
    expect(aiLabels(out.metadata)).to.deep.equal(MODEL);
    expect(aiLabels(template(out))).to.deep.equal(MODEL);
    const get = await kubectlRaw(t.e, ['get', 'deployment', 'dry', '-n', t.ns]);
    expect(get.code).to.not.equal(0);
    expect(get.stderr).to.match(/NotFound|not found/);
    const dryLines = await webhookLog(t.e, (l) => l.name === 'dry' && l.msg === 'admission decided');
    expect(dryLines.length).to.be.greaterThan(0);
  });
});
