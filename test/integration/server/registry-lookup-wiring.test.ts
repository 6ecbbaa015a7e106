// The webhook wired as `aibom serve` wires it: the server's lookup chain with the composed registry
// lookup (every attachment source under the lookup service) and its prom-client metrics on the
// server's registry. A Pod whose image carries a cosign attestation on the real registry is labelled.
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { createLookupMetrics } from '../../../src/metrics/lookup-metrics.js';
import { composeLookup, type ComposedLookup } from '../../../src/discovery/compose.js';
import { silentLogger } from '../../../src/server/log.js';
import { startService, type RunningService } from '../../../src/server/service.js';
import { decodePatch, metadataFromPatch, post } from '../../../scripts/lib/admission-client.js';
import type { LocalRegistry } from '../../support/local-registry.js';
import { pushTinyImage, startLocalRegistry } from '../../support/local-registry.js';
import { CDX_PREDICATE, dsseEnvelope, modelBom, pushCosignAtt, statement } from '../../support/attachments.js';
import { tempDir, testCertificates, testConfig } from '../../support/server.js';
import { admissionReview, podObject } from '../../support/admission-review.js';

describe('webhook with the composed registry lookup', function () {
  this.timeout(30_000);
  const tmp = tempDir('wiring');
  let registry: LocalRegistry;
  let service: RunningService;
  let composed: ComposedLookup | undefined;
  let prom: Registry;
  let ca: Buffer;

  before(async () => {
    registry = await startLocalRegistry();
    const certs = await testCertificates(tmp.dir);
    ca = certs.caBytes;
    const config = testConfig({ registries: { insecure: [registry.host] } });
    prom = new Registry();
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

  it('labels a Pod from a cosign attestation found in the registry, and reports the source probes on /metrics', async () => {
    const image = await pushTinyImage(registry.url, 'ml/served', 'v1', `served-${process.hrtime.bigint()}`);
    await pushCosignAtt(registry.url, 'ml/served', image.digest, [{ predicateType: CDX_PREDICATE, body: dsseEnvelope(statement(image.digest, CDX_PREDICATE, JSON.parse(modelBom('served-model')))) }]);
    const review = admissionReview(podObject('p', [`${registry.host}/ml/served:v1`]), { uid: 'u1', namespace: 'team-a' });
    const reply = await post({ port: service.webhook.port, path: '/mutate?timeout=10s', ca, body: JSON.stringify(review) });
    expect(reply.status, reply.body).to.equal(200);
    const { labels, annotations } = metadataFromPatch(decodePatch(JSON.parse(reply.body).response.patch));
    expect(labels['aibom.io/ai-kind'], JSON.stringify(annotations)).to.equal('model');
    const boms = JSON.parse(annotations['aibom.io/boms']!) as { source: string; trust: string; digest: string }[];
    expect(boms.map((b) => [b.source, b.trust, b.digest])).to.deep.equal([['cosign-att', 'unsigned', image.digest]]);
    const metrics = await (await fetch(`http://127.0.0.1:${service.admin.port}/metrics`)).text();
    expect(metrics).to.match(/aibom_lookup_source_duration_seconds_count\{source="cosign-att",outcome="found"\} 1/);
    expect(metrics).to.match(/aibom_lookups_total\{purpose="mutate",served="new",status="found"\} 1/);
  });
});
