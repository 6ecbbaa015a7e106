// Pod shapes that name a model without a BOM (docs/model-artifacts.md "Pod shapes"): image volumes and
// their mounting containers, ModelPack CSI volumes, KServe modelcar and storage-initializer, model ids
// in args and env → pkg:huggingface purls in the same annotations and policy subjects as BOM models.
import { expect } from 'chai';
import { specModels } from '../../../src/classify/index.js';
import { imageUses } from '../../../src/contracts/pod-images.js';
import { parseModelUri, redactUri } from '../../../src/contracts/model-uri.js';
import { huggingFacePurl, parseHuggingFaceId } from '../../../src/contracts/huggingface.js';
import { admit } from '../../../src/admission/admit.js';
import { parseAdmissionReview } from '../../../src/admission/review.js';
import { modelSubjects } from '../../../src/policy/rules.js';
import { decodePatch, defaultSettings, tableLookup } from '../../support/fixtures.js';

function pod(spec: Record<string, unknown>, annotations: Record<string, string> = {}) {
  return parseAdmissionReview({
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: { uid: 'u', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'ml', operation: 'CREATE', userInfo: { username: 'u' }, object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations }, spec } },
  });
}

async function modelsOf(spec: Record<string, unknown>, annotations: Record<string, string> = {}) {
  const outcome = await admit(pod(spec, annotations), 'mutate', { lookup: tableLookup({}).lookup, settings: defaultSettings(), signal: new AbortController().signal });
  const ann: Record<string, string> = {};
  for (const o of decodePatch(outcome.review)) {
    if (o.path === '/metadata/annotations') Object.assign(ann, o.value);
    else if (o.path.startsWith('/metadata/annotations/')) ann[o.path.slice('/metadata/annotations/'.length).replace(/~1/g, '/').replace(/~0/g, '~')] = o.value as string;
  }
  return { outcome, models: JSON.parse(ann['aibom.io/models'] ?? '[]') as Record<string, unknown>[] };
}

describe('contracts: Hugging Face ids and model URIs', () => {
  it('org/name[@rev] → pkg:huggingface purl; paths, URLs and images are not ids', () => {
    expect(parseHuggingFaceId('meta-llama/Llama-3.1-8B-Instruct')).to.deep.equal({ org: 'meta-llama', name: 'Llama-3.1-8B-Instruct' });
    expect(huggingFacePurl('Qwen', 'Qwen2-7B', 'ABCDEF0123456789ABCDEF0123456789ABCDEF01')).to.equal('pkg:huggingface/Qwen/Qwen2-7B@abcdef0123456789abcdef0123456789abcdef01');
    for (const t of ['/models/llama', './x/y', 'vllm/vllm-openai:v0.6.0', 'a/b/c', 'https://x/y', 'llama3', '']) expect(parseHuggingFaceId(t), t).to.equal(undefined);
  });

  it('storage URIs: credentials, query and fragment never kept; hf:// → purl; oci:// → an image', () => {
    expect(redactUri('s3://AKIA:secret@bucket/models/x?X-Amz-Signature=abc#f')).to.equal('s3://bucket/models/x');
    expect(redactUri('https://user:pw@example.org/m.onnx?token=t')).to.equal('https://example.org/m.onnx');
    expect(parseModelUri('hf://google/gemma-2b@main')).to.deep.include({ scheme: 'hf', purl: 'pkg:huggingface/google/gemma-2b@main', revision: 'main' });
    expect(parseModelUri('oci://127.0.0.1:5000/m/x:1')).to.deep.include({ scheme: 'oci', image: '127.0.0.1:5000/m/x:1' });
    expect(parseModelUri('oci+native://127.0.0.1:5000/m/x:1')).to.deep.include({ scheme: 'oci+native', image: '127.0.0.1:5000/m/x:1' });
    expect(parseModelUri('ftp://x/y').scheme).to.equal('unknown');
    expect(parseModelUri('gopher:/nope').scheme).to.equal('unknown');
  });
});

describe('classify/spec-models: pod shapes', () => {
  it('image volumes and ModelPack CSI volumes are looked up, each with the containers that mount it', () => {
    const uses = imageUses({
      containers: [{ name: 'server', image: 'vllm/vllm-openai:v0.6.0', volumeMounts: [{ name: 'weights', mountPath: '/w' }, { name: 'csi', mountPath: '/c' }] }],
      initContainers: [{ name: 'warm', image: 'busybox:1', volumeMounts: [{ name: 'weights', mountPath: '/w' }] }],
      volumes: [
        { name: 'weights', image: { reference: '127.0.0.1:5000/m/a:1' } },
        { name: 'csi', csi: { driver: 'model.csi.modelpack.org', volumeAttributes: { modelRef: '127.0.0.1:5000/m/b:1' } } },
        { name: 'old', csi: { driver: 'model.csi.modelpack.org', volumeAttributes: { 'model.csi.modelpack.org/reference': '127.0.0.1:5000/m/c:1' } } },
        { name: 'other', csi: { driver: 'secrets-store.csi.k8s.io', volumeAttributes: { modelRef: '127.0.0.1:5000/m/d:1' } } },
      ],
    });
    expect(uses.filter((u) => u.slot === 'volume').map((u) => [u.container, u.normalized, u.mountedBy])).to.deep.equal([
      ['weights', '127.0.0.1:5000/m/a:1', ['server', 'warm']],
      ['csi', '127.0.0.1:5000/m/b:1', ['server']],
      ['old', '127.0.0.1:5000/m/c:1', undefined],
    ]);
  });

  it('model ids in args (--model X, --model=X, vllm serve X) and env (MODEL_ID, HF_MODEL_ID) → purls', () => {
    const found = specModels({
      podSpec: {
        containers: [
          { name: 'vllm', image: 'vllm/vllm-openai:v0.6.0', args: ['--model', 'meta-llama/Llama-3.1-8B-Instruct', '--port=8000'] },
          { name: 'tgi', image: 'ghcr.io/huggingface/text-generation-inference:2', args: ['--model-id=Qwen/Qwen2-7B@main'], env: [{ name: 'HF_MODEL_ID', value: 'google/gemma-2b' }, { name: 'MODEL_NAME', value: '/models/local' }] },
          { name: 'sh', image: 'vllm/vllm-openai:v0.6.0', command: ['sh', '-c', 'vllm serve mistralai/Mistral-7B-v0.1 --dtype auto'] },
        ],
      },
      podAnnotations: {},
    });
    expect(found.map((s) => [s.container, s.via, s.model.purl])).to.deep.equal([
      ['vllm', 'args', 'pkg:huggingface/meta-llama/Llama-3.1-8B-Instruct'],
      ['tgi', 'args', 'pkg:huggingface/Qwen/Qwen2-7B@main'],
      ['tgi', 'env', 'pkg:huggingface/google/gemma-2b'],
      ['sh', 'args', 'pkg:huggingface/mistralai/Mistral-7B-v0.1'],
    ]);
  });

  it('KServe storage-initializer: the source-URI annotation, credentials stripped', () => {
    const found = specModels({
      podSpec: { initContainers: [{ name: 'storage-initializer', image: 'kserve/storage-initializer:v0.14.0', args: ['s3://k:s@bucket/m', '/mnt/models'] }], containers: [{ name: 'kserve-container', image: 'kserve/sklearnserver:v0.14.0' }] },
      podAnnotations: { 'internal.serving.kserve.io/storage-initializer-sourceuri': 'hf://meta-llama/Llama-3.2-1B@main' },
    });
    expect(found.map((s) => [s.container, s.via, s.model.purl, s.model.downloadLocation])).to.deep.equal([['storage-initializer', 'storage-initializer', 'pkg:huggingface/meta-llama/Llama-3.2-1B@main', 'hf://meta-llama/Llama-3.2-1B@main']]);
    const s3 = specModels({ podSpec: { initContainers: [{ name: 'storage-initializer', image: 'kserve/storage-initializer:v0.14.0', args: ['s3://AKIA:secret@bucket/m?sig=1', '/mnt/models'] }], containers: [] }, podAnnotations: {} });
    expect(JSON.stringify(s3)).to.not.match(/secret|AKIA|sig=/);
    expect(s3[0]!.model.downloadLocation).to.equal('s3://bucket/m');
  });

  it('a KServe predictor pod with a modelcar: the modelcar image is the model when its lookup finds none', async () => {
    const { outcome, models } = await modelsOf({
      initContainers: [{ name: 'modelcar-init', image: '127.0.0.1:5000/models/granite:1.0', args: ['sh', '-c', 'echo ok'] }],
      containers: [
        { name: 'kserve-container', image: 'kserve/huggingfaceserver:v0.14.0', args: ['--model_dir=/mnt/models'] },
        { name: 'modelcar', image: '127.0.0.1:5000/models/granite:1.0', args: ['sh', '-c', 'ln -s /models /mnt/models && sleep infinity'] },
      ],
      shareProcessNamespace: true,
    }, { 'serving.kserve.io/deploymentMode': 'RawDeployment' });
    expect(outcome.classification).to.deep.include({ aiBearing: 'true', evidence: 'heuristic' });
    expect(models.map((m) => [m.name, m.version, m.container, m.via])).to.deep.equal([['granite', '1.0', 'modelcar', 'modelcar'], ['granite', '1.0', 'modelcar-init', 'modelcar']]);
  });

  it('spec models are policy subjects: a purl glob can match them', async () => {
    const { outcome } = await modelsOf({ containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.6.0', args: ['--model', 'meta-llama/Llama-3.1-8B-Instruct'] }] });
    expect(modelSubjects(outcome.results).map((s) => [s.container, s.model.purl])).to.deep.equal([['vllm', 'pkg:huggingface/meta-llama/Llama-3.1-8B-Instruct']]);
  });

  it('an env model id alone makes the workload AI-bearing (strong), a path does not', async () => {
    const a = await modelsOf({ containers: [{ name: 'app', image: 'example/app:1', env: [{ name: 'MODEL_ID', value: 'google/gemma-2b' }] }] });
    expect(a.outcome.classification).to.deep.include({ aiBearing: 'true', evidence: 'heuristic' });
    expect(a.models.map((m) => m.purl)).to.deep.equal(['pkg:huggingface/google/gemma-2b']);
    const b = await modelsOf({ containers: [{ name: 'app', image: 'example/app:1', env: [{ name: 'MODEL_ID', value: '/models/x' }] }] });
    expect(b.outcome.classification!.aiBearing).to.equal('false');
    expect(b.models).to.deep.equal([]);
  });
});
