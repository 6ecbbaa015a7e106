// Signed BOMs through the real apiserver (docs/trust.md): an AIModelPolicy with requireSignedBOM
// whose trustedSigners bring the suite's cosign key (the one `cosign generate-key-pair` made for the
// published images) — the running webhook verifies against it with no restart. kubectl apply admits
// the BOMs cosign attested with that key (bundle referrer, legacy .att tag), and denies an unsigned
// BOM (oras attach) and a BOM attested with another key, with the messages users see; the admitted
// Deployment's aibom.io/boms names the signer.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { pushTinyImage } from '../support/local-registry.js';
import { eventually, getObject, kubectlRaw, runOk, type E2E } from './support/e2e.js';
import { useSuite } from './support/images.js';

function deployment(name: string, ns: string, image: string): string {
  const labels = { app: name };
  return JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'llm', image }] } } } });
}

async function policyLoaded(e: E2E, name: string): Promise<void> {
  await eventually(`policy ${name} loaded`, async () => ((await (await fetch(`http://127.0.0.1:${e.state.webhook.adminPort}/statusz`)).text()).includes(name) ? true : undefined));
}

describe('e2e: requireSignedBOM through the apiserver', function () {
  this.timeout(180_000);
  const t = useSuite('e2e-signed');
  let otherKeySigned: string;
  let policyFile: string;

  before(async function () {
    this.timeout(300_000);
    const work = join(t.e.state.stateDir, 'boms');
    const suiteKey = readFileSync(join(work, 'cosign.pub'), 'utf8');
    // A BOM attested with a key nobody trusts.
    const otherDir = join(t.e.state.stateDir, 'other-key');
    const env = { COSIGN_PASSWORD: 'other', COSIGN_YES: 'true', TUF_ROOT: join(otherDir, 'tuf'), SIGSTORE_NO_CACHE: 'true' };
    mkdirSync(otherDir, { recursive: true });
    await runOk(t.e, 'cosign', ['generate-key-pair'], { cwd: otherDir, env });
    const image = await pushTinyImage(`http://${t.e.state.registry}`, 'e2e/other-key', '1.0', `other key ${Date.now()}`);
    otherKeySigned = `${t.e.state.registry}/e2e/other-key:1.0`;
    await runOk(t.e, 'cosign', ['attest', '--key', 'cosign.key', '--type', 'cyclonedx', '--tlog-upload=false', '--use-signing-config=false', '--allow-http-registry', '--yes', '--predicate', join(work, 'model.cdx.json'), `${t.e.state.registry}/e2e/other-key@${image.digest}`], { cwd: otherDir, env });

    policyFile = join(t.e.state.webhook.policiesDir, 'signed-boms.yaml');
    writeFileSync(policyFile, [
      'apiVersion: aibom.io/v1alpha1', 'kind: AIModelPolicy', 'metadata: { name: e2e-signed-boms }', 'spec:', '  mode: Enforce',
      `  match: { namespaces: [${JSON.stringify(t.ns)}] }`, '  rules:', '    requireSignedBOM: true', '    trustedSigners:', '      - key: |',
      ...suiteKey.trim().split('\n').map((l) => `          ${l}`), '',
    ].join('\n'));
    await policyLoaded(t.e, 'e2e-signed-boms');
  });
  after(() => {
    if (policyFile) rmSync(policyFile, { force: true });
  });

  it('admits BOMs attested with the trusted key (bundle referrer and legacy .att), naming the signer', async () => {
    for (const [name, image] of [['bundle', t.img.cosignBundle], ['att', t.img.cosignAtt]] as const) {
      const out = await kubectlRaw(t.e, ['apply', '-f', '-'], deployment(`signed-${name}`, t.ns, image));
      expect(out.code, `${name}: ${out.stderr}`).to.equal(0);
      const obj = await getObject(t.e, 'deployment', `signed-${name}`, t.ns);
      const boms = JSON.parse(obj.metadata.annotations?.['aibom.io/boms'] ?? '[]') as { trust: string; signer?: string }[];
      expect(boms.map((b) => b.trust), name).to.deep.equal(['verified']);
      expect(boms[0]!.signer, name).to.match(/^key policy e2e-signed-boms key 1 \(sha256:[0-9a-f]{12}\)$/);
    }
  });

  it('denies an unsigned BOM and a BOM signed by another key, with what was found and expected', async () => {
    const unsigned = await kubectlRaw(t.e, ['apply', '-f', '-'], deployment('unsigned', t.ns, t.img.orasReferrers));
    expect(unsigned.code).to.equal(1);
    expect(unsigned.stderr).to.include('admission webhook "validate.aibom.io" denied the request: denied by AI model policy');
    expect(unsigned.stderr).to.match(/\[e2e-signed-boms\/requireSignedBOM\] container "llm", image \S+\/e2e\/oras-model\S*: BOM sha256:[0-9a-f]{12}… \(referrers\) is unsigned; requireSignedBOM expects a signature by key sha256:[0-9a-f]{12}…/);

    const other = await kubectlRaw(t.e, ['apply', '-f', '-'], deployment('other-key', t.ns, otherKeySigned));
    expect(other.code).to.equal(1);
    expect(other.stderr).to.match(/\(sigstore-bundle\) has an invalid signature: no configured key verifies the bundle/);
    expect((await kubectlRaw(t.e, ['get', 'deployment', 'other-key', '-n', t.ns])).code).to.not.equal(0);
  });
});
