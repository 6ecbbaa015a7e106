import { expect } from 'chai';
import { imageSignature, imageUses, pullSecretNames, uniqueImages } from '../../../src/contracts/pod-images.js';
import { isTopLevel, objectName, podSpecOf, podTemplatePath, workloadKindOf, WORKLOAD_KINDS } from '../../../src/contracts/workload.js';
import { loadReview } from '../../support/fixtures.js';
import { isServingKind } from '../../../src/contracts/serving.js';
import { IMAGES } from '../../support/images.js';

describe('contracts/workload and pod-images', () => {
  const specs: [fixture: string, kind: string, path: string[]][] = [
    ['pod-create', 'Pod', []],
    ['deployment-create', 'Deployment', ['spec', 'template']],
    ['replicaset-create-owned', 'ReplicaSet', ['spec', 'template']],
    ['replicationcontroller-create', 'ReplicationController', ['spec', 'template']],
    ['statefulset-create', 'StatefulSet', ['spec', 'template']],
    ['daemonset-create', 'DaemonSet', ['spec', 'template']],
    ['job-create', 'Job', ['spec', 'template']],
    ['cronjob-create', 'CronJob', ['spec', 'jobTemplate', 'spec', 'template']],
  ];
  for (const [fixture, kind, path] of specs) {
    it(`${kind}: the pod spec is at ${path.length ? path.join('.') + '.spec' : 'spec'}`, () => {
      const req = loadReview(fixture).request;
      const k = workloadKindOf(req.kind);
      expect(k).to.equal(kind);
      expect(podTemplatePath(k!)).to.deep.equal(path);
      expect(podSpecOf(k!, req.object)?.containers).to.be.an('array').with.length.above(0);
    });
  }

  it('every handled kind is covered above (the serving CRs in test/unit/contracts/serving.test.ts)', () => {
    expect(specs.map((s) => s[1]).sort()).to.deep.equal(WORKLOAD_KINDS.filter((k) => !isServingKind(k)).sort());
  });

  it('images come from containers, initContainers, ephemeralContainers and image volumes, in that order', () => {
    const spec = {
      volumes: [{ name: 'weights', image: { reference: IMAGES.modelArtifact } }, { name: 'empty', emptyDir: {} }],
      ephemeralContainers: [{ name: 'debug', image: IMAGES.debug }],
      initContainers: [{ name: 'init', image: IMAGES.dataset }, { name: 'sidecar', image: IMAGES.sidecar, restartPolicy: 'Always' }],
      containers: [{ name: 'main', image: IMAGES.model }, { name: 'noimage' }, 'junk'],
    };
    const uses = imageUses(spec);
    expect(uses.map((u) => [u.slot, u.container, u.normalized])).to.deep.equal([
      ['container', 'main', IMAGES.model],
      ['initContainer', 'init', IMAGES.dataset],
      ['initContainer', 'sidecar', IMAGES.sidecar],
      ['ephemeralContainer', 'debug', 'docker.io/library/busybox:1.36'],
      ['volume', 'weights', IMAGES.modelArtifact],
    ]);
    expect(uses.map((u) => u.index)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(uniqueImages(uses)).to.have.length(5);
  });

  it('an unparseable image keeps its reason and is not looked up', () => {
    const uses = imageUses({ containers: [{ name: 'x', image: 'Bad Image' }] });
    expect(uses[0]!.normalized).to.equal(undefined);
    expect(uses[0]!.invalid).to.be.a('string');
    expect(uniqueImages(uses)).to.deep.equal([]);
  });

  it('the image signature changes with images, not with other fields', () => {
    const a = { containers: [{ name: 'c', image: 'x:1', env: [] }] };
    expect(imageSignature(a)).to.equal(imageSignature({ containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: '1' } } }] }));
    expect(imageSignature(a)).to.not.equal(imageSignature({ containers: [{ name: 'c', image: 'x:2' }] }));
  });

  it('pull secret names come from the pod spec (the ServiceAccount plugin injected them)', () => {
    const req = loadReview('pod-create-owned-by-replicaset').request;
    expect(pullSecretNames(podSpecOf('Pod', req.object))).to.deep.equal(['regcred']);
  });

  it('ownership: controller ownerReferences make a workload owned', () => {
    expect(isTopLevel(loadReview('deployment-create').request.object)).to.equal(true);
    expect(isTopLevel(loadReview('replicaset-create-owned').request.object)).to.equal(false);
    expect(isTopLevel(loadReview('job-create-owned-by-cronjob').request.object)).to.equal(false);
    expect(isTopLevel(loadReview('job-create').request.object)).to.equal(true);
  });

  it('names: generateName with an empty name shows as a pattern', () => {
    expect(objectName(loadReview('pod-create-owned-by-replicaset').request.object, '')).to.equal('granite-docling-6f8b9c7d5-*');
    expect(objectName(loadReview('pod-create').request.object, '')).to.equal('granite');
  });
});
