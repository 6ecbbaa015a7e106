// The loop closes through the real apiserver: an image whose layers hold model files is pushed to the
// cluster's registry (go-containerregistry, OCI referrers API) → `aibom scan IMAGE --attach` (the CLI
// as users run it, bin/aibom.js) streams its layers and attaches the ML-BOM as a referrer → a Pod
// created with `kubectl run` is labelled by the webhook the apiserver calls, with the scanned models.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { imageConfig, pushBlob, pushManifest } from '../support/local-registry.js';
import { modelFixtures } from '../support/model-fixtures.js';
import { aiLabels, getObject, kubectl, runOk } from './support/e2e.js';
import { useSuite } from './support/images.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');

async function layerOf(files: Record<string, Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, body] of Object.entries(files)) pack.entry({ name, size: body.length }, body);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

describe('e2e: aibom scan IMAGE --attach, then the real apiserver admits a Pod with that image', function () {
  this.timeout(180_000);
  const t = useSuite('e2e-scan');

  it('the Pod is labelled with the models the scan found in the image layers', async () => {
    const { dir } = modelFixtures();
    const gguf = readFileSync(path.join(dir, 'formats/gguf/tiny-llama.Q8_0.gguf'));
    const onnx = readFileSync(path.join(dir, 'formats/onnx/model.onnx'));
    const reg = t.e.state.registry;
    const repo = 'e2e/scanned-models';
    // Two layers; the second deletes a model of the first (a whiteout): the scan must not report it.
    const layer1 = await layerOf({ 'models/llm/tiny.gguf': gguf, 'models/old/model.safetensors': readFileSync(path.join(dir, 'formats/safetensors/model.safetensors')), 'app/serve.py': Buffer.from('print(1)\n') });
    const layer2 = await layerOf({ 'models/old/.wh.model.safetensors': Buffer.alloc(0), 'models/onnx/model.onnx': onnx });
    const l1 = await pushBlob(`http://${reg}`, repo, layer1);
    const l2 = await pushBlob(`http://${reg}`, repo, layer2);
    const config = await pushBlob(`http://${reg}`, repo, imageConfig(l1.digest, `e2e-scan-${process.pid}-${Date.now()}`));
    const layerType = 'application/vnd.oci.image.layer.v1.tar+gzip';
    const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers: [{ mediaType: layerType, ...l1 }, { mediaType: layerType, ...l2 }] };
    const pushed = await pushManifest(`http://${reg}`, repo, 'v1', manifest, manifest.mediaType);
    const image = `${reg}/${repo}:v1`;

    const out = await runOk(t.e, process.execPath, [path.join(repoRoot, 'bin/aibom.js'), 'scan', image, '--attach', '--json', '--no-progress', '--insecure-registry', reg]);
    const summary = JSON.parse(out) as { models: { name: string; format: string; sha256?: string }[]; attached: { subject: { digest: string }; via: string } };
    expect(summary.models.map((m) => [m.name, m.format]).sort()).to.deep.equal([['Tiny Llama Fixture', 'gguf'], ['fixture_graph', 'onnx']]);
    expect(summary.models.find((m) => m.format === 'gguf')!.sha256).to.equal(createHash('sha256').update(gguf).digest('hex'));
    expect(summary.attached.subject.digest).to.equal(pushed.digest);
    expect(summary.attached.via).to.equal('api');

    await kubectl(t.e, ['run', 'scanned', '-n', t.ns, `--image=${image}`, '--restart=Never']);
    const pod = await getObject(t.e, 'pod', 'scanned', t.ns);
    expect(aiLabels(pod.metadata)).to.deep.equal({ 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'model', 'aibom.io/evidence': 'bom' });
    const models = JSON.parse(pod.metadata.annotations!['aibom.io/models']!) as { name: string; format?: string; license?: string }[];
    expect(models.map((m) => [m.name, m.format]).sort()).to.deep.equal([['Tiny Llama Fixture', 'gguf'], ['fixture_graph', 'onnx']]);
    expect(models.find((m) => m.format === 'gguf')!.license).to.equal('Apache-2.0');
  });
});
