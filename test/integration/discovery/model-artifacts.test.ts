// Model artifacts pushed with the real `oras` CLI to the real local registry (Debian's
// docker-registry), looked up by the composed registry lookup and admitted (docs/model-artifacts.md).
// ModelPack and ModelKit are pushed with oras using their published media types (the `kit` and
// `modctl` CLIs are not built here); the Docker AI and Ollama layouts likewise.
import { expect } from 'chai';
import { admit } from '../../../src/admission/admit.js';
import { parseAdmissionReview } from '../../../src/admission/review.js';
import { composeLookup, type ComposedLookup } from '../../../src/discovery/compose.js';
import { admissionSettings } from '../../../src/config/index.js';
import { pushBlob, pushManifest, pushTinyImage, startLocalRegistry, type LocalRegistry } from '../../support/local-registry.js';
import { decodePatch } from '../../support/fixtures.js';
import { testConfig } from '../../support/server.js';
import { digestOf, manifestOf, SHAPES } from '../../support/model-artifacts.js';
import { orasPush } from '../../support/oras-push.js';
import { runCli } from '../../support/cli.js';

function podReview(volumeImage: string, serverImage: string) {
  return parseAdmissionReview({
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: {
      uid: 'u1', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'ml', operation: 'CREATE', userInfo: { username: 'alice' },
      object: {
        apiVersion: 'v1', kind: 'Pod', metadata: { name: 'server' },
        spec: {
          containers: [{ name: 'server', image: serverImage, volumeMounts: [{ name: 'model', mountPath: '/mnt/m', readOnly: true }] }],
          volumes: [{ name: 'model', image: { reference: volumeImage, pullPolicy: 'IfNotPresent' } }],
        },
      },
    },
  });
}

describe('model artifacts pushed with oras, recognised at admission', function () {
  this.timeout(120_000);
  let registry: LocalRegistry;
  let composed: ComposedLookup;
  let server: string;

  before(async () => {
    registry = await startLocalRegistry();
    composed = composeLookup(testConfig({ registries: { insecure: [registry.host] } }));
    server = `${registry.host}/runtime/server:1`;
    await pushTinyImage(registry.url, 'runtime/server', '1');
  });
  after(async () => {
    await composed?.close();
    await registry?.stop();
  });

  async function admitPod(volumeImage: string) {
    const outcome = await admit(podReview(volumeImage, server), 'mutate', { lookup: composed.lookup, settings: admissionSettings(testConfig()), signal: AbortSignal.timeout(20_000) });
    const ops = decodePatch(outcome.review);
    const labels = (ops.find((o) => o.path === '/metadata/labels')?.value ?? {}) as Record<string, string>;
    const annotations = (ops.find((o) => o.path === '/metadata/annotations')?.value ?? {}) as Record<string, string>;
    return { outcome, labels, annotations, models: JSON.parse(annotations['aibom.io/models'] ?? '[]') as Record<string, string>[] };
  }

  const cases = [
    { kind: 'modelpack', repo: 'models/qwen2', files: ['model.safetensors'], expected: { name: 'qwen2-0.5b-instruct', version: '1.2', license: 'Apache-2.0', format: 'safetensors', purl: 'pkg:huggingface/Qwen/Qwen2-0.5B-Instruct', supplier: 'Example Labs' } },
    { kind: 'modelkit', repo: 'models/fraud', files: ['model.tar.gz', 'data.tar.gz'], expected: { name: 'fraud-xgb', version: '3.0.1', license: 'Apache-2.0', format: 'onnx' } },
    { kind: 'docker-ai', repo: 'ai/llama3.2', files: ['model.gguf', 'LICENSE'], expected: { name: 'Llama 3.2 1B Instruct', format: 'gguf', license: 'llama3.2' } },
    { kind: 'ollama', repo: 'library/llama3.2', files: ['model', 'template', 'license'], expected: { name: 'llama3.2', format: 'gguf' } },
  ] as const;

  for (const c of cases) {
    it(`${c.kind}: a Pod mounting it as an image volume is labelled model, evidence=artifact, with the config's metadata`, async () => {
      const ref = `${registry.host}/${c.repo}:v1`;
      const pushed = await orasPush(ref, SHAPES[c.kind], [...c.files]);
      expect(pushed.manifest.config.mediaType).to.equal(SHAPES[c.kind].configMediaType);
      const { outcome, labels, models } = await admitPod(ref);
      expect(labels, JSON.stringify(outcome.results.map((r) => r.findings.detail))).to.deep.include({ 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'model', 'aibom.io/evidence': 'artifact' });
      expect(models).to.have.length(1);
      expect(models[0]).to.deep.include({ ...c.expected, container: 'model', image: ref, digest: pushed.digest });
      const artifact = outcome.results.find((r) => r.image === ref)!.findings.artifact!;
      expect([artifact.kind, artifact.configDigest]).to.deep.equal([c.kind, pushed.manifest.config.digest]);
    });
  }

  it('aibom inspect shows the artifact: its family, media type, config and models', async () => {
    const ref = `${registry.host}/models/inspected:v1`;
    const pushed = await orasPush(ref, SHAPES.modelkit, ['model.tar.gz', 'data.tar.gz']);
    const json = await runCli(['inspect', ref, '--json', '--insecure-registry', registry.host]);
    expect(json.code, json.stderr).to.equal(0);
    const report = JSON.parse(json.stdout) as { outcome: string; artifact?: Record<string, unknown> };
    expect(report.outcome).to.equal('model');
    expect(report.artifact).to.deep.equal({ kind: 'modelkit', mediaType: 'application/vnd.kitops.modelkit.manifest.v1+json', configDigest: pushed.manifest.config.digest, models: ['fraud-xgb@3.0.1'], datasets: ['transactions-2024'], findings: [] });
    const human = await runCli(['inspect', ref, '--insecure-registry', registry.host]);
    expect(human.stdout).to.match(/artifact: modelkit {2}application\/vnd\.kitops\.modelkit\.manifest\.v1\+json {2}config sha256:[0-9a-f]{64} {2}models: fraud-xgb@3\.0\.1 {2}datasets: transactions-2024/);
  });

  it('no layer is downloaded: a weight layer deleted from the registry does not matter', async () => {
    const ref = `${registry.host}/models/gone:v1`;
    const pushed = await orasPush(ref, SHAPES.modelpack, ['model.safetensors']);
    const layer = digestOf(SHAPES.modelpack.layers[0]!.content);
    const del = await fetch(`${registry.url}/v2/models/gone/blobs/${layer}`, { method: 'DELETE' });
    expect(del.status).to.equal(202);
    const { labels, models } = await admitPod(ref);
    expect(labels['aibom.io/evidence']).to.equal('artifact');
    expect(models[0]).to.deep.include({ name: 'qwen2-0.5b-instruct', digest: pushed.digest });
  });

  it('a hostile config (lying size, not JSON, over the cap, wrong media type) leaves a model named by the repository, with the reason', async () => {
    const text = JSON.stringify(SHAPES.modelpack.config);
    const config = await pushBlob(registry.url, 'models/liar', text);
    const layer = await pushBlob(registry.url, 'models/liar', 'w');
    const manifest = { ...manifestOf(SHAPES.modelpack), config: { mediaType: SHAPES.modelpack.configMediaType, digest: config.digest, size: 10 }, layers: [{ mediaType: 'application/vnd.cncf.model.weight.v1.raw', digest: layer.digest, size: 1 }] };
    await pushManifest(registry.url, 'models/liar', 'v1', manifest, 'application/vnd.oci.image.manifest.v1+json');
    const notJson = await pushBlob(registry.url, 'models/broken', '{"descriptor":');
    const l2 = await pushBlob(registry.url, 'models/broken', 'w');
    await pushManifest(registry.url, 'models/broken', 'v1', { ...manifestOf(SHAPES.modelpack), config: { mediaType: SHAPES.modelpack.configMediaType, ...notJson }, layers: [{ mediaType: 'application/vnd.cncf.model.weight.v1.raw', ...l2 }] }, 'application/vnd.oci.image.manifest.v1+json');
    const huge = await pushBlob(registry.url, 'models/huge', JSON.stringify({ descriptor: { name: 'x'.repeat(2 * 1024 * 1024) } }));
    const l3 = await pushBlob(registry.url, 'models/huge', 'w');
    await pushManifest(registry.url, 'models/huge', 'v1', { ...manifestOf(SHAPES.modelpack), config: { mediaType: SHAPES.modelpack.configMediaType, ...huge }, layers: [{ mediaType: 'application/vnd.cncf.model.weight.v1.raw', ...l3 }] }, 'application/vnd.oci.image.manifest.v1+json');
    // The family's artifactType with a config of another media type: the config is not read.
    const other = await pushBlob(registry.url, 'models/wrongtype', text);
    const l4 = await pushBlob(registry.url, 'models/wrongtype', 'w');
    await pushManifest(registry.url, 'models/wrongtype', 'v1', { ...manifestOf(SHAPES.modelpack), config: { mediaType: 'application/octet-stream', ...other }, layers: [{ mediaType: 'application/vnd.cncf.model.weight.v1.raw', ...l4 }] }, 'application/vnd.oci.image.manifest.v1+json');
    for (const [repo, code] of [['liar', 'artifact-config-unread'], ['broken', 'artifact-config-invalid'], ['huge', 'artifact-config-unread'], ['wrongtype', 'artifact-config-unread']] as const) {
      const ref = `${registry.host}/models/${repo}:v1`;
      const { outcome, labels, models } = await admitPod(ref);
      expect(labels['aibom.io/ai-kind'], repo).to.equal('model');
      expect(models.map((m) => m.name), repo).to.deep.equal([repo]);
      expect(outcome.results.find((r) => r.image === ref)!.findings.artifact!.findings.map((f) => f.code), repo).to.deep.equal([code]);
    }
  });

  it('an ordinary image is not a model artifact: no-bom, evidence none', async () => {
    const ref = `${registry.host}/runtime/server:1`;
    const { labels } = await admitPod(ref);
    expect(labels).to.deep.include({ 'aibom.io/ai-bearing': 'false', 'aibom.io/evidence': 'none' });
  });
});
