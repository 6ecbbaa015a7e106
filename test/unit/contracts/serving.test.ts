// Serving platforms' CRs (docs/model-artifacts.md "Serving platforms"): each kind's model sources and
// containers as a pod spec; the admission labels the object, looks up oci:// sources as images, records
// other sources as models (credentials never kept), and policy judges them like Pods.
import { expect } from 'chai';
import { servingView, SERVING_KINDS } from '../../../src/contracts/serving.js';
import { podSpecOf, workloadKindOf } from '../../../src/contracts/workload.js';
import { imageUses } from '../../../src/contracts/pod-images.js';
import { admit } from '../../../src/admission/admit.js';
import { parseAdmissionReview } from '../../../src/admission/review.js';
import { decodePatch, defaultSettings, tableLookup } from '../../support/fixtures.js';
import { evaluatorOf, policyDoc } from '../policy/support.js';

const GVK: Record<string, [group: string, version: string, resource: string]> = {
  InferenceService: ['serving.kserve.io', 'v1beta1', 'inferenceservices'],
  ServingRuntime: ['serving.kserve.io', 'v1alpha1', 'servingruntimes'],
  ClusterServingRuntime: ['serving.kserve.io', 'v1alpha1', 'clusterservingruntimes'],
  LLMInferenceService: ['serving.kserve.io', 'v1alpha1', 'llminferenceservices'],
  Workspace: ['kaito.sh', 'v1beta1', 'workspaces'],
  Model: ['mlops.seldon.io', 'v1alpha1', 'models'],
};

function review(kind: string, body: Record<string, unknown>) {
  const [group, version, resource] = GVK[kind]!;
  return parseAdmissionReview({
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: { uid: 'u', kind: { group, version, kind }, resource: { group, version, resource }, namespace: 'ml', operation: 'CREATE', userInfo: { username: 'u' }, object: { apiVersion: `${group}/${version}`, kind, metadata: { name: 'x' }, ...body } },
  });
}

function metadataOf(out: Awaited<ReturnType<typeof admit>>): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  for (const o of decodePatch(out.review)) {
    if (o.path === '/metadata/labels') Object.assign(labels, o.value);
    if (o.path === '/metadata/annotations') Object.assign(annotations, o.value);
  }
  return { labels, annotations };
}

const ARTIFACT = { status: 'found' as const, boms: [], digest: `sha256:${'e'.repeat(64)}`, artifact: { kind: 'modelpack' as const, mediaType: 'application/vnd.cncf.model.manifest.v1+json', subjectDigest: `sha256:${'e'.repeat(64)}`, models: [{ name: 'granite-3b', version: '3.1', license: 'Apache-2.0', format: 'safetensors', datasets: [], hashes: [], externalReferences: [] }], datasets: [], findings: [] } };

describe('contracts/serving: the serving platforms\' CRs as pod specs', () => {
  it('every serving kind is a handled kind of its own group', () => {
    for (const kind of SERVING_KINDS) expect(workloadKindOf({ group: GVK[kind]![0], kind }), kind).to.equal(kind);
    expect(workloadKindOf({ group: 'example.com', kind: 'Model' })).to.equal(undefined);
  });

  it('InferenceService: predictor model storageUri oci:// → an image volume; framework keys and containers too', () => {
    const obj = { spec: { predictor: { model: { modelFormat: { name: 'huggingface' }, storageUri: 'oci://127.0.0.1:5000/m/granite:3.1' }, imagePullSecrets: [{ name: 'regcred' }] }, transformer: { containers: [{ name: 'kserve-container', image: '127.0.0.1:5000/t/pre:1' }] } } };
    const view = servingView('InferenceService', obj);
    expect(imageUses(view.podSpec).map((u) => [u.slot, u.container, u.normalized, u.mountedBy])).to.deep.equal([
      ['container', 'kserve-container', '127.0.0.1:5000/t/pre:1', undefined],
      ['volume', 'predictor-model-model', '127.0.0.1:5000/m/granite:3.1', ['predictor-model']],
    ]);
    expect(view.podSpec.imagePullSecrets).to.deep.equal([{ name: 'regcred' }]);
    const legacy = servingView('InferenceService', { spec: { predictor: { sklearn: { storageUri: 'gs://kfserving-examples/models/sklearn/1.0/model' } } } });
    expect(legacy.sources).to.deep.equal([{ container: 'predictor-sklearn', uri: 'gs://kfserving-examples/models/sklearn/1.0/model', via: 'storage-uri' }]);
  });

  it('ServingRuntime and ClusterServingRuntime: spec is a pod spec', () => {
    const spec = { supportedModelFormats: [{ name: 'sklearn', version: '1' }], containers: [{ name: 'kserve-container', image: 'kserve/sklearnserver:v0.14.0' }] };
    for (const kind of ['ServingRuntime', 'ClusterServingRuntime'] as const) expect(imageUses(podSpecOf(kind, { spec })).map((u) => u.normalized)).to.deep.equal(['docker.io/kserve/sklearnserver:v0.14.0']);
  });

  it('LLMInferenceService: spec.model.uri and spec.template', () => {
    const view = servingView('LLMInferenceService', { spec: { model: { uri: 'hf://meta-llama/Llama-3.2-1B@main', name: 'llama' }, template: { containers: [{ name: 'main', image: 'vllm/vllm-openai:v0.8.0' }] } } });
    expect(view.sources).to.deep.equal([{ container: 'model', uri: 'hf://meta-llama/Llama-3.2-1B@main', via: 'storage-uri' }]);
    expect(imageUses(view.podSpec).map((u) => u.container)).to.deep.equal(['main']);
  });

  it('KAITO Workspace: the preset name; Seldon Model: spec.storageUri', () => {
    expect(servingView('Workspace', { resource: { instanceType: 'Standard_NC12s_v3' }, inference: { preset: { name: 'phi-3-mini-4k-instruct' } } }).sources).to.deep.equal([{ container: 'inference', uri: 'phi-3-mini-4k-instruct', via: 'kaito-preset' }]);
    expect(servingView('Model', { spec: { storageUri: 's3://models/iris', requirements: ['sklearn'] } }).sources).to.deep.equal([{ container: 'model', uri: 's3://models/iris', via: 'storage-uri' }]);
  });
});

describe('admission of serving CRs', () => {
  const settings = defaultSettings();
  const signal = new AbortController().signal;

  it('an InferenceService with storageUri oci:// is looked up: model, evidence=artifact, labels on the object only', async () => {
    const lookup = tableLookup({ '127.0.0.1:5000/m/granite:3.1': ARTIFACT });
    const out = await admit(review('InferenceService', { spec: { predictor: { model: { modelFormat: { name: 'huggingface' }, storageUri: 'oci://127.0.0.1:5000/m/granite:3.1' } } } }), 'mutate', { lookup: lookup.lookup, settings, signal });
    expect(lookup.calls).to.deep.equal(['127.0.0.1:5000/m/granite:3.1']);
    const { labels, annotations } = metadataOf(out);
    expect(labels).to.deep.equal({ 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'model', 'aibom.io/evidence': 'artifact' });
    expect(JSON.parse(annotations['aibom.io/models']!)[0]).to.deep.include({ name: 'granite-3b', container: 'predictor-model-model', mountedBy: ['predictor-model'] });
    expect(out.patch.every((o) => o.path.startsWith('/metadata/'))).to.equal(true);
  });

  it('an InferenceService with hf://: the purl in the models annotation, no lookup, no lookup entry; credentials never written', async () => {
    const lookup = tableLookup({});
    const out = await admit(review('InferenceService', { spec: { predictor: { model: { modelFormat: { name: 'huggingface' }, storageUri: 'hf://meta-llama/Llama-3.2-1B@main' } } } }), 'mutate', { lookup: lookup.lookup, settings, signal });
    expect(lookup.calls).to.deep.equal([]);
    const { labels, annotations } = metadataOf(out);
    expect(labels).to.deep.include({ 'aibom.io/ai-bearing': 'true', 'aibom.io/evidence': 'heuristic' });
    expect(JSON.parse(annotations['aibom.io/models']!)).to.deep.equal([{ name: 'meta-llama/Llama-3.2-1B', version: 'main', purl: 'pkg:huggingface/meta-llama/Llama-3.2-1B@main', container: 'predictor-model', image: 'hf://meta-llama/Llama-3.2-1B@main', digest: '', via: 'storage-uri' }]);
    expect(annotations['aibom.io/lookup']).to.equal(undefined);
    const s3 = await admit(review('Model', { spec: { storageUri: 's3://AKIAEXAMPLE:s3cr3t@bucket/iris?X-Amz-Signature=zzz', requirements: ['sklearn'] } }), 'mutate', { lookup: lookup.lookup, settings, signal });
    expect(JSON.stringify(s3.review)).to.not.match(/AKIAEXAMPLE|s3cr3t|Signature/);
    expect(JSON.stringify(s3.review.response.auditAnnotations)).to.not.match(/s3cr3t/);
    expect(JSON.parse(metadataOf(s3).annotations['aibom.io/models']!)[0]).to.deep.include({ name: 'iris', image: 's3://bucket/iris' });
  });

  it('an unknown scheme is recorded as a source, not looked up', async () => {
    const lookup = tableLookup({});
    const out = await admit(review('Model', { spec: { storageUri: 'gopher://example.org/m' } }), 'mutate', { lookup: lookup.lookup, settings, signal });
    expect(lookup.calls).to.deep.equal([]);
    expect(JSON.parse(metadataOf(out).annotations['aibom.io/models']!)[0]).to.deep.include({ image: 'gopher://example.org/m' });
  });

  it('policy judges them like Pods: sources.purls and requireDigest (an hf:// source needs a revision)', async () => {
    const evaluatePolicy = evaluatorOf([
      policyDoc('hub', { mode: 'Enforce', rules: { sources: { purls: ['pkg:huggingface/ibm-granite/*'] } } }),
      policyDoc('pinned', { mode: 'Enforce', rules: { requireDigest: true } }),
    ]);
    const out = await admit(review('InferenceService', { spec: { predictor: { model: { modelFormat: { name: 'huggingface' }, storageUri: 'hf://meta-llama/Llama-3.2-1B' } } } }), 'validate', { lookup: tableLookup({}).lookup, settings, signal, evaluatePolicy });
    expect(out.review.response.allowed).to.equal(false);
    const rules = out.policy!.verdicts.map((v) => `${v.policy}/${v.rule}:${v.reason}`).sort();
    expect(rules).to.deep.equal(['hub/sources:not-approved', 'pinned/requireDigest:not-pinned']);
    const ok = await admit(review('InferenceService', { spec: { predictor: { model: { storageUri: 'hf://ibm-granite/granite-3.1-2b-instruct@0123456789abcdef0123456789abcdef01234567' } } } }), 'validate', { lookup: tableLookup({}).lookup, settings, signal, evaluatePolicy });
    expect(ok.review.response.allowed, JSON.stringify(ok.policy?.verdicts)).to.equal(true);
  });

  it('a model artifact behind oci:// is judged like a BOM model: licences, formats; requireBOM asks it for a BOM', async () => {
    const evaluatePolicy = evaluatorOf([
      policyDoc('lic', { mode: 'Enforce', rules: { licenses: { allow: ['MIT'] }, formats: { deny: ['safetensors'] } } }),
      policyDoc('bom', { mode: 'Enforce', rules: { requireBOM: true } }),
    ]);
    const out = await admit(review('InferenceService', { spec: { predictor: { model: { storageUri: 'oci://127.0.0.1:5000/m/granite:3.1' } } } }), 'validate', { lookup: tableLookup({ '127.0.0.1:5000/m/granite:3.1': ARTIFACT }).lookup, settings, signal, evaluatePolicy });
    expect(out.review.response.allowed).to.equal(false);
    expect(out.policy!.verdicts.map((v) => `${v.policy}/${v.rule}:${v.reason}`).sort()).to.deep.equal(['bom/requireBOM:no-bom', 'lic/formats:denied', 'lic/licenses:not-allowed']);
  });
});
