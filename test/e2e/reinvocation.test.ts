// A second mutating webhook (the tests' own sidecar injector, called after ours: configurations run in
// name order) adds a container; the apiserver re-invokes ours (reinvocationPolicy: IfNeeded) and the
// injected image is looked up and labelled.
import { expect } from 'chai';
import { aiLabels, getObject, kubectl, models, namespace, useE2E, type E2E } from './support/e2e.js';
import { images, type Images } from './support/images.js';
import { startTestWebhook, webhookConfiguration, type TestWebhook } from './support/test-webhook.js';

describe('e2e: reinvocation after another mutating webhook', function () {
  this.timeout(120_000);
  const cluster = useE2E();
  let e: E2E;
  let img: Images;
  let ns: string;
  let injector: TestWebhook;

  before(async function () {
    this.timeout(300_000);
    e = cluster();
    img = await images(e);
    ns = await namespace(e, 'e2e-reinvoke', { 'e2e.aibom.io/inject': 'sidecar' });
    injector = await startTestWebhook(e.state, 'sidecar-injector', (review) => {
      const containers = review.request.object?.spec?.containers ?? [];
      if (containers.some((c) => c.name === 'sidecar')) return undefined;
      return { patch: [{ op: 'add', path: '/spec/containers/-', value: { name: 'sidecar', image: img.sidecar } }] };
    });
    await kubectl(e, ['apply', '-f', '-'], webhookConfiguration('MutatingWebhookConfiguration', 'zz-e2e-sidecar-injector', injector, { 'e2e.aibom.io/inject': 'sidecar' }, { reinvocationPolicy: 'Never' }));
  });

  after(async () => {
    await kubectl(e, ['delete', 'mutatingwebhookconfiguration', 'zz-e2e-sidecar-injector', '--ignore-not-found']);
    await injector?.close();
  });

  it('the injected sidecar image is labelled: ours ran again after the injector', async () => {
    await kubectl(e, ['run', 'app', '-n', ns, `--image=${img.plain}`, '--restart=Never']);
    const pod = await getObject(e, 'pod', 'app', ns);
    const containers = (pod.spec as { containers: Array<{ name: string; image: string }> }).containers;
    expect(containers.map((c) => c.name)).to.deep.equal(['app', 'sidecar']);
    // Without reinvocation the labels would describe the plain image only (ai-bearing=false).
    expect(aiLabels(pod.metadata)).to.deep.equal({ 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'agent', 'aibom.io/evidence': 'bom' });
    expect(new Set(models(pod.metadata).map((m) => m.image))).to.deep.equal(new Set([img.sidecar]));
    expect(JSON.parse(pod.metadata.annotations!['aibom.io/lookup']!)).to.deep.equal({ [img.plain]: 'none', [img.sidecar]: 'found' });
    expect(injector.reviews.filter((r) => r.request.name === 'app')).to.have.length(1);
  });
});
