// A second mutating webhook (the tests' own sidecar injector, called after ours: configurations run in
// name order) adds a container; the apiserver re-invokes ours (reinvocationPolicy: IfNeeded) and the
// injected image is looked up and labelled.
import { expect } from 'chai';
import { aiLabels, getObject, kubectl, models } from './support/e2e.js';
import { useSuite } from './support/images.js';
import { startTestWebhook, webhookConfiguration, type TestWebhook } from './support/test-webhook.js';

describe('e2e: reinvocation after another mutating webhook', function () {
  this.timeout(120_000);
  const t = useSuite('e2e-reinvoke', { 'e2e.aibom.io/inject': 'sidecar' });
  let injector: TestWebhook;

  before(async function () {
    this.timeout(300_000);
    injector = await startTestWebhook(t.e.state, 'sidecar-injector', (review) => {
      const containers = review.request.object?.spec?.containers ?? [];
      if (containers.some((c) => c.name === 'sidecar')) return undefined;
      return { patch: [{ op: 'add', path: '/spec/containers/-', value: { name: 'sidecar', image: t.img.sidecar } }] };
    });
    await kubectl(t.e, ['apply', '-f', '-'], webhookConfiguration('MutatingWebhookConfiguration', 'zz-e2e-sidecar-injector', injector, { 'e2e.aibom.io/inject': 'sidecar' }, { reinvocationPolicy: 'Never' }));
  });

  after(async () => {
    await kubectl(t.e, ['delete', 'mutatingwebhookconfiguration', 'zz-e2e-sidecar-injector', '--ignore-not-found']);
    await injector?.close();
  });

  it('the injected sidecar image is labelled: ours ran again after the injector', async () => {
    await kubectl(t.e, ['run', 'app', '-n', t.ns, `--image=${t.img.plain}`, '--restart=Never']);
    const pod = await getObject(t.e, 'pod', 'app', t.ns);
    const containers = (pod.spec as { containers: Array<{ name: string; image: string }> }).containers;
    expect(containers.map((c) => c.name)).to.deep.equal(['app', 'sidecar']);
    // Without reinvocation the labels would describe the plain image only (ai-bearing=false).
    expect(aiLabels(pod.metadata)).to.deep.equal({ 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'agent', 'aibom.io/evidence': 'bom' });
    expect(new Set(models(pod.metadata).map((m) => m.image))).to.deep.equal(new Set([t.img.sidecar]));
    expect(JSON.parse(pod.metadata.annotations!['aibom.io/lookup']!)).to.deep.equal({ [t.img.plain]: 'none', [t.img.sidecar]: 'found' });
    expect(injector.reviews.filter((r) => r.request.name === 'app')).to.have.length(1);
  });
});
