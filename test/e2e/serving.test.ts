// Models that travel without a BOM, through the real kube-apiserver (docs/model-artifacts.md): a Pod
// mounting a ModelKit (pushed with the real oras) as an image volume, a KServe-shaped predictor Pod
// with a modelcar, and KServe InferenceService / LLMInferenceService objects under the REAL KServe CRDs,
// read at test time from the kserve Go module (`go mod download github.com/kserve/kserve@v0.16.0`,
// config/crd/full; never copied into this repository). The webhook rules for them are the ops of
// deploy/components/serving, applied to the running configurations.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { aiLabels, eventually, getObject, kubectl, kubectlRaw, models, webhookLog } from './support/e2e.js';
import { useSuite } from './support/images.js';
import { SHAPES } from '../support/model-artifacts.js';
import { orasPush } from '../support/oras-push.js';

const KSERVE = 'github.com/kserve/kserve@v0.16.0';
const CRDS = ['serving.kserve.io_inferenceservices.yaml', 'serving.kserve.io_servingruntimes.yaml', 'serving.kserve.io_clusterservingruntimes.yaml', 'llmisvc/serving.kserve.io_llminferenceservices.yaml'];
const run = promisify(execFile);

/** The module's directory in the Go module cache (downloaded once from the module proxy). */
async function kserveDir(): Promise<string> {
  const { stdout } = await run('go', ['mod', 'download', '-json', KSERVE], { cwd: '/tmp', timeout: 240_000, maxBuffer: 1 << 20 });
  const dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  if (!dir) throw new Error(`go mod download ${KSERVE} printed no Dir: ${stdout}`);
  return dir;
}

describe('e2e: model artifacts, KServe pods and CRs through the real apiserver', function () {
  this.timeout(300_000);
  const t = useSuite('e2e-serving');
  let modelkit: string;
  let modelkitDigest: string;

  before(async function () {
    this.timeout(600_000);
    const dir = await kserveDir();
    for (const crd of CRDS) await kubectl(t.e, ['apply', '--server-side', '-f', join(dir, 'config/crd/full', crd)]);
    // Polled, not `kubectl wait`: that fails while a just-created CRD has no status.conditions yet.
    for (const crd of ['inferenceservices', 'llminferenceservices', 'servingruntimes', 'clusterservingruntimes']) {
      await eventually(`crd ${crd} Established`, async () => {
        const obj = await getObject(t.e, 'crd', `${crd}.serving.kserve.io`);
        const conditions = ((obj.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
        return conditions.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
      }, 60_000);
    }
    const component = parseYaml(readFileSync(new URL('../../deploy/components/serving/kustomization.yaml', import.meta.url), 'utf8')) as { patches: { target: { kind: string }; patch: string }[] };
    for (const p of component.patches) {
      const resource = p.target.kind === 'MutatingWebhookConfiguration' ? 'mutatingwebhookconfiguration' : 'validatingwebhookconfiguration';
      await kubectl(t.e, ['patch', resource, 'aibom-webhook', '--type=json', '-p', JSON.stringify(parseYaml(p.patch))]);
    }
    modelkit = `${t.e.state.registry}/models/fraud-kit:3.0.1`;
    modelkitDigest = (await orasPush(modelkit, SHAPES.modelkit, ['model.tar.gz', 'data.tar.gz'])).digest;
  });

  after(async () => {
    if (!t.e) return;
    for (const crd of ['inferenceservices', 'servingruntimes', 'clusterservingruntimes', 'llminferenceservices']) await kubectlRaw(t.e, ['delete', 'crd', `${crd}.serving.kserve.io`, '--ignore-not-found', '--wait=false']);
  });

  it('a Pod mounting a ModelKit as an image volume: model, evidence=artifact, the Kitfile metadata, the mounting container', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kit-volume', namespace: t.ns }, spec: { containers: [{ name: 'server', image: t.img.plain, volumeMounts: [{ name: 'model', mountPath: '/models', readOnly: true }] }], volumes: [{ name: 'model', image: { reference: modelkit, pullPolicy: 'IfNotPresent' } }] } };
    await kubectl(t.e, ['apply', '-f', '-'], JSON.stringify(pod));
    const stored = await getObject(t.e, 'pod', 'kit-volume', t.ns);
    expect(aiLabels(stored.metadata)).to.deep.equal({ 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'model', 'aibom.io/evidence': 'artifact' });
    expect(models(stored.metadata)).to.deep.equal([{ name: 'fraud-xgb', version: '3.0.1', format: 'onnx', license: 'Apache-2.0', container: 'model', image: modelkit, digest: modelkitDigest, mountedBy: ['server'] }]);
  });

  it('a KServe-shaped predictor Pod with a modelcar: the modelcar image is the model', async () => {
    const pod = {
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'predictor-modelcar', namespace: t.ns, labels: { 'serving.kserve.io/inferenceservice': 'granite' }, annotations: { 'internal.serving.kserve.io/storage-initializer-sourceuri': `oci://${t.img.plain}` } },
      spec: {
        shareProcessNamespace: true,
        initContainers: [{ name: 'modelcar-init', image: t.img.plain, args: ['sh', '-c', 'echo'] }],
        containers: [{ name: 'kserve-container', image: t.img.plain2, args: ['--model_dir=/mnt/models'] }, { name: 'modelcar', image: t.img.plain, args: ['sh', '-c', 'sleep infinity'] }],
      },
    };
    await kubectl(t.e, ['apply', '-f', '-'], JSON.stringify(pod));
    const stored = await getObject(t.e, 'pod', 'predictor-modelcar', t.ns);
    expect(aiLabels(stored.metadata)).to.deep.include({ 'aibom.io/ai-bearing': 'true', 'aibom.io/evidence': 'heuristic' });
    const found = models(stored.metadata) as unknown as Record<string, unknown>[];
    expect(found.map((m) => [m.container, m.via])).to.deep.include.members([['modelcar', 'modelcar'], ['modelcar-init', 'modelcar']]);
  });

  it('an InferenceService (real CRD) with storageUri oci://ModelKit is labelled from the artifact', async () => {
    const isvc = { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'fraud', namespace: t.ns }, spec: { predictor: { model: { modelFormat: { name: 'onnx' }, storageUri: `oci://${modelkit}` } } } };
    await kubectl(t.e, ['apply', '-f', '-'], JSON.stringify(isvc));
    const stored = await getObject(t.e, 'inferenceservice', 'fraud', t.ns);
    expect(aiLabels(stored.metadata)).to.deep.equal({ 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'model', 'aibom.io/evidence': 'artifact' });
    expect(models(stored.metadata)).to.deep.equal([{ name: 'fraud-xgb', version: '3.0.1', format: 'onnx', license: 'Apache-2.0', container: 'predictor-model-model', image: modelkit, digest: modelkitDigest, mountedBy: ['predictor-model'] }]);
    expect(JSON.parse(stored.metadata.annotations!['aibom.io/lookup']!)).to.deep.equal({ [modelkit]: 'found' });
  });

  it('an InferenceService with hf:// and an LLMInferenceService: the pkg:huggingface purl, no credentials written', async () => {
    const isvc = { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'llama', namespace: t.ns }, spec: { predictor: { model: { modelFormat: { name: 'huggingface' }, storageUri: 'hf://meta-llama/Llama-3.2-1B-Instruct@9213176726f574b556790deb65791e0c5aa438b6' } } } };
    await kubectl(t.e, ['apply', '-f', '-'], JSON.stringify(isvc));
    const stored = await getObject(t.e, 'inferenceservice', 'llama', t.ns);
    expect(aiLabels(stored.metadata)).to.deep.include({ 'aibom.io/ai-bearing': 'true', 'aibom.io/evidence': 'heuristic' });
    expect(models(stored.metadata)).to.deep.equal([{ name: 'meta-llama/Llama-3.2-1B-Instruct', version: '9213176726f574b556790deb65791e0c5aa438b6', purl: 'pkg:huggingface/meta-llama/Llama-3.2-1B-Instruct@9213176726f574b556790deb65791e0c5aa438b6', container: 'predictor-model', image: 'hf://meta-llama/Llama-3.2-1B-Instruct@9213176726f574b556790deb65791e0c5aa438b6', digest: '', via: 'storage-uri' }]);
    const llm = { apiVersion: 'serving.kserve.io/v1alpha1', kind: 'LLMInferenceService', metadata: { name: 'qwen', namespace: t.ns }, spec: { model: { uri: 's3://AKIAE2E:s3cr3t@models/qwen2?X-Amz-Signature=x', name: 'qwen2' }, template: { containers: [{ name: 'main', image: t.img.plain2 }] } } };
    await kubectl(t.e, ['apply', '-f', '-'], JSON.stringify(llm));
    const storedLlm = await getObject(t.e, 'llminferenceservice', 'qwen', t.ns);
    expect(aiLabels(storedLlm.metadata)['aibom.io/ai-bearing']).to.equal('true');
    // The object's own last-applied-configuration holds the URI as the user wrote it; what the webhook
    // writes (its annotations) and logs never does.
    const ours = Object.fromEntries(Object.entries(storedLlm.metadata.annotations ?? {}).filter(([k]) => k.startsWith('aibom.io/')));
    expect(JSON.stringify(ours)).to.not.match(/s3cr3t|AKIAE2E|Signature/);
    expect(JSON.stringify(await webhookLog(t.e, (l) => l.name === 'qwen'))).to.not.match(/s3cr3t|AKIAE2E|Signature/);
    expect((await webhookLog(t.e, (l) => l.name === 'qwen')).length).to.be.greaterThan(0);
    expect(models(storedLlm.metadata).map((m) => [m.name, m.image])).to.deep.equal([['qwen2', 's3://models/qwen2']]);
  });
});
