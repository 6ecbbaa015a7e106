// admit(): every fixture end to end, the patch applied by an independent RFC 6902 implementation.
import { expect } from 'chai';
import { applyPatch } from 'rfc6902';
import { admit, type AdmitDependencies, type Endpoint } from '../../../src/admission/admit.js';
import type { AdmissionReview, KubeObject } from '../../../src/contracts/admission-review.js';
import type { ImageFindings } from '../../../src/contracts/lookup.js';
import { parseAdmissionReview } from '../../../src/admission/review.js';
import { bomFixture, decodePatch, defaultSettings, findings, foundBom, inventoryOf, loadReview, loadReviewJson, REVIEW_FIXTURES, type JsonPatchOp } from '../../support/fixtures.js';
import { annotationsSize, metadataProblems, TOTAL_ANNOTATION_SIZE_LIMIT } from '../../support/k8s-syntax.js';
import { IMAGES } from '../../support/images.js';
import { standardLookup } from '../../support/world.js';

const SKIPPED = new Set(['pod-delete', 'pod-create-mirror']);
const REVIEWED = REVIEW_FIXTURES.filter((n) => !SKIPPED.has(n));

function deps(overrides: Partial<AdmitDependencies> = {}): AdmitDependencies {
  return { lookup: standardLookup().lookup, settings: defaultSettings(), signal: new AbortController().signal, ...overrides };
}

async function run(review: AdmissionReview, endpoint: Endpoint = 'mutate', d: Partial<AdmitDependencies> = {}) {
  return admit(review, endpoint, deps(d));
}

/** Applies the response's patch with rfc6902 to a copy of the object; fails on any op error. */
function patched(object: KubeObject, ops: JsonPatchOp[]): KubeObject {
  const copy = structuredClone(object);
  const errors = applyPatch(copy, ops as Parameters<typeof applyPatch>[1]);
  const failed = errors.map((e, i) => (e ? `${ops[i]!.op} ${ops[i]!.path}: ${e.name}` : undefined)).filter(Boolean);
  expect(failed, 'every patch operation applies').to.deep.equal([]);
  return copy;
}

function templateMetadata(object: KubeObject, kind: string): Record<string, unknown> | undefined {
  const spec = object.spec as Record<string, unknown> | undefined;
  if (kind === 'Pod') return undefined;
  const template = kind === 'CronJob' ? ((spec?.jobTemplate as Record<string, unknown>)?.spec as Record<string, unknown>)?.template : spec?.template;
  return (template as Record<string, unknown> | undefined)?.metadata as Record<string, unknown> | undefined;
}

function stripOwned(object: unknown): unknown {
  // The object with every aibom.io/* label and annotation removed, for "nothing else changed".
  return JSON.parse(JSON.stringify(object), (key, value: unknown) => {
    if ((key === 'labels' || key === 'annotations') && value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) if (!k.startsWith('aibom.io/')) out[k] = v;
      return Object.keys(out).length > 0 ? out : undefined;
    }
    return value;
  });
}

describe('admission/admit', () => {
  describe('every reviewed fixture (mutate)', () => {
    for (const name of REVIEWED) {
      it(`${name}: the patch applies, gives valid labels/annotations and touches nothing else`, async () => {
        const review = loadReview(name);
        const outcome = await run(review);
        const response = outcome.review.response;
        expect(outcome.review.apiVersion).to.equal('admission.k8s.io/v1');
        expect(outcome.review.kind).to.equal('AdmissionReview');
        expect(response.uid).to.equal(review.request.uid);
        expect(response.allowed).to.equal(true);
        const ops = decodePatch(outcome.review);
        expect(response.patchType === 'JSONPatch').to.equal(ops.length > 0);
        expect(ops).to.deep.equal(JSON.parse(JSON.stringify(outcome.patch)));
        const object = review.request.object!;
        const after = patched(object, ops);
        expect(metadataProblems(after.metadata)).to.deep.equal([]);
        const tm = templateMetadata(after, review.request.kind.kind);
        if (tm) expect(metadataProblems(tm)).to.deep.equal([]);
        expect(stripOwned(after)).to.deep.equal(stripOwned(object));
        for (const op of ops) expect(op.path).to.match(/^\/(metadata|spec\/template\/metadata|spec\/jobTemplate\/spec\/template\/metadata)(\/|$)/);
        for (const w of response.warnings ?? []) expect(w.length).to.be.at.most(120);
        expect(response.auditAnnotations).to.include.keys('ai-bearing', 'evidence');
      });

      it(`${name}: two runs give byte-identical responses, and reviewing the patched object again changes nothing`, async () => {
        const first = JSON.stringify((await run(loadReview(name))).review);
        const second = JSON.stringify((await run(loadReview(name))).review);
        expect(second).to.equal(first);

        const json = loadReviewJson(name);
        const request = json.request as Record<string, unknown>;
        const once = patched(request.object as KubeObject, decodePatch(JSON.parse(first)));
        request.object = once;
        const again = await run(parseAdmissionReview(json));
        const ops = decodePatch(again.review);
        if (ops.length > 0) expect(patched(once, ops)).to.deep.equal(once);
      });

      it(`${name}: the validating endpoint never patches`, async () => {
        const outcome = await run(loadReview(name), 'validate');
        expect(outcome.review.response).to.not.have.any.keys('patch', 'patchType');
        expect(outcome.patch).to.deep.equal([]);
        expect(outcome.review.response.allowed).to.equal(true);
      });
    }
  });

  describe('classification of the fixtures', () => {
    const expected: Record<string, [bearing: string, kind: string | undefined, evidence: string]> = {
      'pod-create': ['true', 'model', 'bom'],
      'pod-update': ['true', 'model', 'bom'],
      'pod-create-forged': ['true', 'model', 'bom'],
      'pod-create-owned-by-replicaset': ['true', 'model', 'bom'],
      'pod-create-owned-by-job': ['true', 'model', 'bom'],
      'pod-create-sidecar': ['true', 'agent', 'bom'],
      'pod-create-image-volume': ['true', 'model', 'bom'],
      'pod-ephemeralcontainers-update': ['true', 'model', 'bom'],
      'deployment-create': ['true', 'model', 'bom'],
      'replicaset-create-owned': ['true', 'model', 'bom'],
      'replicationcontroller-create': ['false', undefined, 'none'],
      'statefulset-create': ['true', 'agent', 'bom'],
      'daemonset-create': ['false', undefined, 'none'],
      'daemonset-update': ['true', 'model', 'bom'],
      'job-create': ['true', 'model', 'bom'],
      'cronjob-create': ['true', 'model', 'bom'],
    };
    for (const [name, [bearing, kind, evidence]] of Object.entries(expected)) {
      it(`${name} → ai-bearing=${bearing} ai-kind=${kind ?? '(absent)'} evidence=${evidence}`, async () => {
        const outcome = await run(loadReview(name));
        const after = patched(loadReview(name).request.object!, decodePatch(outcome.review));
        const labels = (after.metadata as { labels: Record<string, string> }).labels;
        expect(labels['aibom.io/ai-bearing']).to.equal(bearing);
        expect(labels['aibom.io/ai-kind']).to.equal(kind);
        expect(labels['aibom.io/evidence']).to.equal(evidence);
      });
    }

    it('a dataset-only workload is ai-kind=dataset, evidence=bom, but not ai-bearing', async () => {
      const json = loadReviewJson('pod-create');
      const spec = ((json.request as Record<string, unknown>).object as { spec: { containers: { image: string }[] } }).spec;
      spec.containers[0]!.image = IMAGES.dataset;
      const outcome = await run(parseAdmissionReview(json));
      expect(outcome.classification).to.deep.include({ aiBearing: 'false', aiKind: 'dataset', evidence: 'bom' });
    });

    it('the image volume and the init containers (native sidecar) are looked up, each image once', async () => {
      const rec = standardLookup();
      await run(loadReview('pod-create-image-volume'), 'mutate', { lookup: rec.lookup });
      expect(rec.calls).to.deep.equal(['docker.io/vllm/vllm-openai:v0.6.0', IMAGES.modelArtifact]);
      const rec2 = standardLookup();
      await run(loadReview('pod-create-sidecar'), 'mutate', { lookup: rec2.lookup });
      expect(rec2.calls).to.deep.equal([IMAGES.agent, IMAGES.dataset, IMAGES.sidecar]);
    });

    it('references that normalise to the same image are looked up once', async () => {
      const json = loadReviewJson('pod-create');
      const spec = ((json.request as Record<string, unknown>).object as { spec: { containers: Record<string, unknown>[] } }).spec;
      spec.containers = [
        { name: 'a', image: 'nginx:1.27' },
        { name: 'b', image: 'docker.io/library/nginx:1.27' },
        { name: 'c', image: 'index.docker.io/library/nginx:1.27' },
      ];
      const rec = standardLookup();
      const outcome = await run(parseAdmissionReview(json), 'mutate', { lookup: rec.lookup });
      expect(rec.calls).to.deep.equal(['docker.io/library/nginx:1.27']);
      expect(outcome.results).to.have.length(1);
      expect(outcome.results[0]!.uses.map((u) => u.container)).to.deep.equal(['a', 'b', 'c']);
    });
  });

  describe('where patches go', () => {
    const specOps = (ops: JsonPatchOp[]): JsonPatchOp[] => ops.filter((o) => o.path.startsWith('/spec'));

    it('a Pod gets labels and annotations on metadata only', async () => {
      const ops = decodePatch((await run(loadReview('pod-create'))).review);
      expect(ops.map((o) => o.path)).to.deep.equal(['/metadata/labels/aibom.io~1ai-bearing', '/metadata/labels/aibom.io~1ai-kind', '/metadata/labels/aibom.io~1evidence', '/metadata/annotations']);
    });

    it('a top-level Deployment CREATE patches metadata and the pod template', async () => {
      const ops = decodePatch((await run(loadReview('deployment-create'))).review);
      expect(ops.some((o) => o.path.startsWith('/metadata/labels'))).to.equal(true);
      expect(specOps(ops).map((o) => o.path)).to.include.members(['/spec/template/metadata/labels/aibom.io~1ai-bearing', '/spec/template/metadata/annotations']);
    });

    for (const name of ['job-create', 'statefulset-create', 'daemonset-create', 'replicationcontroller-create']) {
      it(`${name}: a top-level CREATE labels the pod template`, async () => {
        const ops = decodePatch((await run(loadReview(name))).review);
        expect(specOps(ops).some((o) => o.path.startsWith('/spec/template/metadata/labels'))).to.equal(true);
      });
    }

    it('a CronJob labels its job template\'s pod template', async () => {
      const ops = decodePatch((await run(loadReview('cronjob-create'))).review);
      expect(specOps(ops).every((o) => o.path.startsWith('/spec/jobTemplate/spec/template/metadata/'))).to.equal(true);
      expect(specOps(ops)).to.have.length.above(0);
    });

    for (const name of ['replicaset-create-owned', 'replicaset-update-owned', 'job-create-owned-by-cronjob']) {
      it(`${name}: an owned workload gets metadata operations and no template operations`, async () => {
        const ops = decodePatch((await run(loadReview(name))).review);
        expect(ops.filter((o) => o.path.startsWith('/metadata'))).to.have.length.above(0);
        expect(specOps(ops)).to.deep.equal([]);
      });
    }

    it('an annotation-only Deployment UPDATE gets no template operations even when the lookup result changed', async () => {
      // The template says model (from CREATE); the registry now says the image is an agent.
      const rec = standardLookup({ [IMAGES.model]: agentFindings() });
      const outcome = await run(loadReview('deployment-update-annotations'), 'mutate', { lookup: rec.lookup });
      const ops = decodePatch(outcome.review);
      expect(outcome.classification?.aiKind).to.equal('agent');
      expect(ops).to.deep.include({ op: 'replace', path: '/metadata/labels/aibom.io~1ai-kind', value: 'agent' });
      expect(specOps(ops)).to.deep.equal([]);
    });

    it('a Deployment UPDATE that changes an image re-labels the template', async () => {
      const rec = standardLookup({ [IMAGES.modelNext]: agentFindings() });
      const ops = decodePatch((await run(loadReview('deployment-update-image'), 'mutate', { lookup: rec.lookup })).review);
      expect(ops).to.deep.include({ op: 'replace', path: '/spec/template/metadata/labels/aibom.io~1ai-kind', value: 'agent' });
    });

    for (const name of ['statefulset-update', 'replicationcontroller-update']) {
      it(`${name}: an UPDATE without image changes never touches the template`, async () => {
        const rec = standardLookup({ [IMAGES.agent]: findings('error:5xx'), [IMAGES.plain]: findings('timeout') });
        const ops = decodePatch((await run(loadReview(name), 'mutate', { lookup: rec.lookup })).review);
        expect(ops.filter((o) => o.path.startsWith('/metadata'))).to.have.length.above(0);
        expect(specOps(ops)).to.deep.equal([]);
      });
    }

    it('a Job UPDATE never touches spec.template, even when its images changed', async () => {
      const review = loadReview('job-update');
      const outcome = await run(review);
      expect(specOps(decodePatch(outcome.review))).to.deep.equal([]);
      expect(outcome.results.map((r) => r.image)).to.include(IMAGES.modelNext);
    });

    it('a CronJob UPDATE that changes an image re-labels the job template', async () => {
      const ops = decodePatch((await run(loadReview('cronjob-update'))).review);
      expect(specOps(ops)).to.have.length.above(0);
    });

    it('pods/ephemeralcontainers: classified and audited, no patch', async () => {
      const outcome = await run(loadReview('pod-ephemeralcontainers-update'));
      expect(outcome.review.response).to.not.have.any.keys('patch', 'patchType');
      expect(outcome.results.map((r) => r.image)).to.include('docker.io/library/busybox:1.36');
      expect(outcome.review.response.auditAnnotations).to.include({ 'ai-bearing': 'true', 'ai-kind': 'model' });
    });

    it('labelPodTemplates=false: a top-level CREATE gets metadata only', async () => {
      const ops = decodePatch((await run(loadReview('deployment-create'), 'mutate', { settings: defaultSettings({ labelPodTemplates: false }) })).review);
      expect(ops).to.have.length.above(0);
      expect(specOps(ops)).to.deep.equal([]);
    });

    it('a Deployment controlled by an operator (any controller owner) gets no template operations', async () => {
      const json = loadReviewJson('deployment-create');
      const object = (json.request as Record<string, unknown>).object as { metadata: Record<string, unknown> };
      object.metadata.ownerReferences = [{ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', name: 'granite', uid: '0b9f3c1e-1111-4222-8333-444455556666', controller: true, blockOwnerDeletion: true }];
      const ops = decodePatch((await run(parseAdmissionReview(json))).review);
      expect(ops).to.have.length.above(0);
      expect(specOps(ops)).to.deep.equal([]);
    });

    it('a non-controller ownerReference keeps a workload top-level', async () => {
      const json = loadReviewJson('deployment-create');
      const object = (json.request as Record<string, unknown>).object as { metadata: Record<string, unknown> };
      object.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'bundle', uid: '0b9f3c1e-1111-4222-8333-444455556667' }];
      expect(specOps(decodePatch((await run(parseAdmissionReview(json))).review))).to.have.length.above(0);
    });
  });

  describe('owned keys are recomputed, never trusted', () => {
    it('forged aibom.io labels and annotations are overwritten or removed; break-glass and unrelated keys stay', async () => {
      const review = loadReview('pod-create-forged');
      const outcome = await run(review);
      const after = patched(review.request.object!, decodePatch(outcome.review));
      const meta = after.metadata as { labels: Record<string, string>; annotations: Record<string, string> };
      expect(meta.labels).to.deep.equal({ app: 'forged', 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'model', 'aibom.io/evidence': 'bom' });
      expect(meta.annotations['aibom.io/break-glass']).to.equal('https://tickets.example.invalid/INC-4711');
      expect(meta.annotations['team.example.com/owner']).to.equal('ml-platform');
      expect(meta.annotations).to.not.have.property('aibom.io/models-omitted');
      expect(JSON.parse(meta.annotations['aibom.io/lookup']!)).to.deep.equal({ [IMAGES.model]: 'found' });
      const models = JSON.parse(meta.annotations['aibom.io/models']!) as { name: string }[];
      expect(models.map((m) => m.name)).to.deep.equal(['granite-docling-258M']);
    });

    it('the bypassed label is written only when the break-glass check says so', async () => {
      const review = loadReview('pod-create-forged');
      const outcome = await run(review, 'mutate', { bypass: () => ({ ticket: 'https://tickets.example.invalid/INC-4711', result: 'honoured' }) });
      const after = patched(review.request.object!, decodePatch(outcome.review));
      expect((after.metadata as { labels: Record<string, string> }).labels['aibom.io/bypassed']).to.equal('true');
    });

    it('a forged "no AI" label on a template is corrected on CREATE', async () => {
      const json = loadReviewJson('deployment-create');
      const tmpl = (((json.request as Record<string, unknown>).object as Record<string, Record<string, Record<string, Record<string, unknown>>>>).spec!.template!.metadata!);
      tmpl.labels = { ...(tmpl.labels as Record<string, string>), 'aibom.io/ai-bearing': 'false' };
      const ops = decodePatch((await run(parseAdmissionReview(json))).review);
      expect(ops).to.deep.include({ op: 'replace', path: '/spec/template/metadata/labels/aibom.io~1ai-bearing', value: 'true' });
    });
  });

  describe('lookup failures', () => {
    it('a failed lookup labels the workload unknown, admits it and warns', async () => {
      const rec = standardLookup({ [IMAGES.model]: findings('error:auth') });
      const outcome = await run(loadReview('pod-create'), 'mutate', { lookup: rec.lookup });
      expect(outcome.review.response.allowed).to.equal(true);
      expect(outcome.classification).to.deep.include({ aiBearing: 'unknown', evidence: 'none' });
      expect(outcome.review.response.warnings).to.deep.equal([`aibom: BOM lookup error:auth for ${IMAGES.model}; AI status unknown`]);
    });

    it('BOM evidence of a model wins over a failed lookup of another image', async () => {
      const rec = standardLookup({ [IMAGES.sidecar]: findings('timeout') });
      const outcome = await run(loadReview('deployment-create'), 'mutate', { lookup: rec.lookup });
      expect(outcome.classification).to.deep.include({ aiBearing: 'true', aiKind: 'model' });
      expect(outcome.review.response.warnings).to.have.length(1);
    });

    it('a lookup still running at the deadline counts as timeout (mutate never waits past it)', async () => {
      const controller = new AbortController();
      const never = (): Promise<never> => new Promise(() => undefined);
      const pending = run(loadReview('pod-create'), 'mutate', { lookup: never, signal: controller.signal });
      controller.abort();
      const outcome = await pending;
      expect(outcome.results[0]!.findings.status).to.equal('timeout');
      expect(outcome.classification?.aiBearing).to.equal('unknown');
      const after = patched(loadReview('pod-create').request.object!, decodePatch(outcome.review));
      expect((after.metadata as { annotations: Record<string, string> }).annotations['aibom.io/lookup']).to.equal(JSON.stringify({ [IMAGES.model]: 'timeout' }));
    });

    it('at the deadline, lookups that answered keep their findings and only those still running are timeout', async () => {
      const controller = new AbortController();
      const standard = standardLookup().lookup;
      const lookup: AdmitDependencies['lookup'] = (image, options) => (image === IMAGES.sidecar ? new Promise(() => undefined) : standard(image, options));
      const pending = run(loadReview('deployment-create'), 'mutate', { lookup, signal: controller.signal });
      await new Promise((resolve) => setImmediate(resolve));
      controller.abort();
      const outcome = await pending;
      const statuses = Object.fromEntries(outcome.results.map((r) => [r.image, r.findings.status]));
      expect(statuses).to.deep.equal({ [IMAGES.model]: 'found', [IMAGES.sidecar]: 'timeout' });
      expect(outcome.classification).to.deep.include({ aiBearing: 'true', aiKind: 'model' });
    });

    it('a lookup that throws is an error status, not a crash', async () => {
      const outcome = await run(loadReview('pod-create'), 'mutate', { lookup: () => Promise.reject(new Error('boom')) });
      expect(outcome.results[0]!.findings.status).to.match(/^error:/);
      expect(outcome.review.response.allowed).to.equal(true);
    });

    it('an unparseable image is error:invalid without a lookup; warnings stay ≤120 characters without control characters', async () => {
      const json = loadReviewJson('pod-create');
      const spec = ((json.request as Record<string, unknown>).object as { spec: { containers: Record<string, unknown>[] } }).spec;
      const bad = `UPPER/${'x'.repeat(150)}\n:tag`;
      spec.containers.push({ name: 'bad', image: bad });
      const rec = standardLookup();
      const outcome = await run(parseAdmissionReview(json), 'mutate', { lookup: rec.lookup });
      expect(rec.calls).to.deep.equal([IMAGES.model]);
      const warnings = outcome.review.response.warnings ?? [];
      expect(warnings).to.have.length(1);
      expect(warnings[0]!.length).to.be.at.most(120);
      // eslint-disable-next-line no-control-regex
      expect(warnings[0]).to.not.match(/[\u0000-\u001f]/);
      expect(outcome.classification?.aiBearing).to.equal('true');
    });
  });

  describe('size bounds', () => {
    async function bigReview(otherBytes: number, models: number) {
      const json = loadReviewJson('pod-create');
      const meta = ((json.request as Record<string, unknown>).object as { metadata: Record<string, unknown> }).metadata;
      meta.annotations = { 'bulk.example.com/blob': 'x'.repeat(otherBytes - 'bulk.example.com/blob'.length) };
      const inventory = { format: 'cyclonedx' as const, models: Array.from({ length: models }, (_, i) => ({ name: `model-${String(i).padStart(4, '0')}-${'n'.repeat(40)}`, version: '1.0', datasets: [], hashes: [], externalReferences: [] })), datasets: [], agents: [], findings: [], reasons: [] };
      const rec = standardLookup({ [IMAGES.model]: findings('found', [{ digest: `sha256:${'c'.repeat(64)}`, mediaType: 'application/vnd.cyclonedx+json', source: 'referrers', trust: 'unsigned', inventory }], `sha256:${'d'.repeat(64)}`) });
      const review = parseAdmissionReview(json);
      const outcome = await run(review, 'mutate', { lookup: rec.lookup });
      const after = patched(review.request.object!, decodePatch(outcome.review));
      return (after.metadata as { annotations: Record<string, string> }).annotations;
    }

    it('an object already carrying 250 KiB of annotations stays under 256 KiB; models-omitted counts the rest', async () => {
      const annotations = await bigReview(250 * 1024, 400);
      expect(annotationsSize(annotations)).to.be.at.most(TOTAL_ANNOTATION_SIZE_LIMIT);
      const kept = (annotations['aibom.io/models'] ? (JSON.parse(annotations['aibom.io/models']) as unknown[]).length : 0) + (annotations['aibom.io/boms'] ? (JSON.parse(annotations['aibom.io/boms']) as unknown[]).length : 0);
      // 400 model entries + 1 BOM entry were due.
      expect(Number(annotations['aibom.io/models-omitted'])).to.equal(401 - kept);
      expect(Number(annotations['aibom.io/models-omitted'])).to.be.greaterThan(0);
      expect(annotations['aibom.io/lookup']).to.equal(JSON.stringify({ [IMAGES.model]: 'found' }));
    });

    it('an object at the limit gets no annotations beyond it', async () => {
      const annotations = await bigReview(TOTAL_ANNOTATION_SIZE_LIMIT - 10, 5);
      expect(annotationsSize(annotations)).to.equal(TOTAL_ANNOTATION_SIZE_LIMIT - 10);
    });

    it('the configured cap bounds our annotations on a small object', async () => {
      const annotations = await bigReview(100, 2000);
      const ours = Object.fromEntries(Object.entries(annotations).filter(([k]) => k.startsWith('aibom.io/')));
      expect(annotationsSize(ours)).to.be.at.most(defaultSettings().maxAnnotationBytes);
      expect(Number(ours['aibom.io/models-omitted'])).to.be.greaterThan(0);
    });
  });

  describe('skipped requests', () => {
    it('DELETE and mirror pods are admitted untouched', async () => {
      for (const name of ['pod-delete', 'pod-create-mirror']) {
        const rec = standardLookup();
        const outcome = await run(loadReview(name), 'mutate', { lookup: rec.lookup });
        expect(outcome.skipped, name).to.be.a('string');
        expect(outcome.review.response, name).to.deep.equal({ uid: loadReview(name).request.uid, allowed: true });
        expect(rec.calls, name).to.deep.equal([]);
      }
    });
  });
});

function agentFindings(): ImageFindings {
  return findings('found', [foundBom(inventoryOf(bomFixture('agent.cdx.json')))], `sha256:${'9'.repeat(64)}`);
}
