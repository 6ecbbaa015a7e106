// The loop closes: an image whose layer holds model files, on the real Debian registry →
// `aibom scan IMAGE --attach` (layers streamed, BOM attached as a referrer by the sha256-<hex> tag
// index) → the webhook, wired as `aibom serve` wires it, labels a Pod using that image with the
// scanned models.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { Registry } from 'prom-client';
import { composeLookup, type ComposedLookup } from '../../../src/discovery/compose.js';
import { createLookupMetrics } from '../../../src/metrics/lookup-metrics.js';
import { silentLogger } from '../../../src/server/log.js';
import { startService, type RunningService } from '../../../src/server/service.js';
import { decodePatch, metadataFromPatch, post } from '../../../scripts/lib/admission-client.js';
import { imageConfig, pushBlob, pushImageManifest, startLocalRegistry, type LocalRegistry } from '../../support/local-registry.js';
import { tempDir, testCertificates, testConfig } from '../../support/server.js';
import { runCli } from '../../support/cli.js';
import { modelFixtures } from '../../support/model-fixtures.js';
import { admissionReview, podObject } from '../../support/admission-review.js';

async function layerOf(files: Record<string, Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, body] of Object.entries(files)) pack.entry({ name, size: body.length }, body);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

describe('aibom scan IMAGE --attach closes the loop with the webhook', function () {
  this.timeout(60_000);
  const tmp = tempDir('scan-loop');
  let registry: LocalRegistry;
  let service: RunningService;
  let composed: ComposedLookup | undefined;
  let ca: Buffer;

  before(async () => {
    registry = await startLocalRegistry();
    const certs = await testCertificates(tmp.dir);
    ca = certs.caBytes;
    const config = testConfig({ registries: { insecure: [registry.host] } });
    const prom = new Registry();
    // As `aibom serve` wires it (src/cli/commands/serve.ts).
    composed = composeLookup(config, { metrics: createLookupMetrics(prom) });
    service = await startService({ config, tlsCertFile: certs.serving.cert, tlsKeyFile: certs.serving.key, lookup: composed.lookup, log: silentLogger(), registry: prom });
  });

  after(async () => {
    await service?.shutdown('test over', 0);
    await composed?.close();
    await registry?.stop();
    tmp.remove();
  });

  it('scans the layers, attaches the ML-BOM, and the Pod is labelled with the scanned models', async () => {
    const { dir } = modelFixtures();
    const gguf = readFileSync(path.join(dir, 'formats/gguf/tiny-llama.Q8_0.gguf'));
    const layer1 = await layerOf({ 'models/llm/tiny.gguf': gguf, 'models/old/model.safetensors': readFileSync(path.join(dir, 'formats/safetensors/model.safetensors')), 'app/main.py': Buffer.from('print(1)\n') });
    // The second layer deletes the old model (a whiteout): it must not be in the BOM.
    const layer2 = await layerOf({ 'models/old/.wh.model.safetensors': Buffer.alloc(0), 'models/onnx/model.onnx': readFileSync(path.join(dir, 'formats/onnx/model.onnx')) });
    const l1 = await pushBlob(registry.url, 'ml/scanned', layer1);
    const l2 = await pushBlob(registry.url, 'ml/scanned', layer2);
    const config = await pushBlob(registry.url, 'ml/scanned', imageConfig(l1.digest, `scan-${process.hrtime.bigint()}`));
    const manifest = { ...(await import('../../support/local-registry.js')).imageManifest(config, l1) } as { layers: object[] };
    manifest.layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l2 });
    const { pushManifest } = await import('../../support/local-registry.js');
    const image = await pushManifest(registry.url, 'ml/scanned', 'v1', manifest, 'application/vnd.oci.image.manifest.v1+json');
    void pushImageManifest;

    const scan = await runCli(['scan', `${registry.host}/ml/scanned:v1`, '--attach', '--json', '--no-progress', '--insecure-registry', registry.host]);
    expect(scan.code, scan.stderr).to.equal(0);
    const summary = JSON.parse(scan.stdout) as { models: { name: string; format: string; sha256?: string }[]; attached: { subject: { digest: string }; via: string }; target: { digest: string } };
    expect(summary.models.map((m) => [m.name, m.format]).sort()).to.deep.equal([['Tiny Llama Fixture', 'gguf'], ['fixture_graph', 'onnx']]);
    expect(summary.target.digest).to.equal(image.digest);
    expect(summary.attached.subject.digest).to.equal(image.digest);
    expect(summary.attached.via).to.equal('tag');
    const { createHash } = await import('node:crypto');
    expect(summary.models.find((m) => m.format === 'gguf')!.sha256).to.equal(createHash('sha256').update(gguf).digest('hex'));

    const review = admissionReview(podObject('p', [`${registry.host}/ml/scanned:v1`]), { uid: 'u1', namespace: 'team-a' });
    const reply = await post({ port: service.webhook.port, path: '/mutate?timeout=10s', ca, body: JSON.stringify(review) });
    expect(reply.status, reply.body).to.equal(200);
    const { labels, annotations } = metadataFromPatch(decodePatch(JSON.parse(reply.body).response.patch));
    expect(labels['aibom.io/ai-kind'], JSON.stringify(annotations)).to.equal('model');
    const models = JSON.parse(annotations['aibom.io/models']!) as { name: string; format?: string; license?: string }[];
    expect(models.map((m) => [m.name, m.format]).sort()).to.deep.equal([['Tiny Llama Fixture', 'gguf'], ['fixture_graph', 'onnx']]);
    expect(models.find((m) => m.format === 'gguf')!.license).to.equal('Apache-2.0');
  });
});
