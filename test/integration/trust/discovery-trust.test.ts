// The composed registry lookup (buildImageLookup, as `aibom serve` wires it) with trust configured:
// BOMs attached and signed by the real tools on the Debian registry come back `verified` (with the
// signer), `unsigned` or `invalid` (listed apart, never classified), and keyless bundles from a
// loopback Sigstore verify against its trusted root. Trust off: everything stays `unsigned`.
import { expect } from 'chai';
import { Registry } from 'prom-client';
import type { ImageFindings } from '../../../src/contracts/lookup.js';
import { classifyImage } from '../../../src/classify/image.js';
import { registryClientFromConfig, type RegistryClient } from '../../../src/registry/index.js';
import { defaultConfig } from '../../../src/config/schema.js';
import { createTrustSource } from '../../../src/config/trust-source.js';
import { buildImageLookup } from '../../../src/discovery/build-lookup.js';
import { createLookupMetrics } from '../../../src/metrics/lookup-metrics.js';
import type { TrustInput } from '../../../src/trust/material.js';
import { BUNDLE, CDX, CDX_PREDICATE, modelBom, publishReferrersTag, pushReferrer, statement } from '../../support/attachments.js';
import { pushManifest, pushTinyImage, referrersTagOf, startLocalRegistry, type LocalRegistry } from '../../support/local-registry.js';
import { metricValue } from '../../support/metric-value.js';
import { readManifest } from '../../support/registry-read.js';
import { cosignAttest, cosignKeyPair, cosignSign, notaryPolicy, notationSign, notationTestSigner, orasAttach, removeKey, type CosignKey, type NotationSigner } from '../../support/signing-tools.js';
import { startSigstoreServices, type SigstoreServices } from '../../support/sigstore-services.js';

const REPO = 'ml/trusted';
const ISSUER = 'https://oidc.test.example';
const SUBJECT = 'https://ci.test.example/ml/model-builder';

describe('trust: the registry lookup verifies what it finds', function () {
  this.timeout(180_000);
  let registry: LocalRegistry;
  let client: RegistryClient;
  let alice: CosignKey;
  let mallory: CosignKey;
  let notary: NotationSigner;
  let sigstore: SigstoreServices;
  const images: Record<string, string> = {};
  const ref = (digest: string) => `${registry.host}/${REPO}@${digest}`;

  before(async () => {
    registry = await startLocalRegistry();
    [alice, mallory, notary, sigstore] = await Promise.all([cosignKeyPair('alice'), cosignKeyPair('mallory'), notationTestSigner('aibom.test'), startSigstoreServices()]);
    const config = defaultConfig();
    config.registries.insecure = [registry.host];
    client = registryClientFromConfig(config);

    // Each image carries one BOM, attached and signed one way.
    const push = async (name: string) => (images[name] = (await pushTinyImage(registry.url, REPO, name)).digest);
    await push('attested');
    await cosignAttest(alice, ref(images.attested!), modelBom('attested-model'));
    await push('attested-legacy-wrong-key');
    await cosignAttest(mallory, ref(images['attested-legacy-wrong-key']!), modelBom('mallory-model'), { legacy: true });
    await push('referrer-signed');
    await cosignSign(alice, ref(await orasAttach(ref(images['referrer-signed']!), CDX, modelBom('signed-referrer-model'))), { legacy: true });
    await push('referrer-unsigned');
    await orasAttach(ref(images['referrer-unsigned']!), CDX, modelBom('unsigned-model'));
    await push('notation');
    await notationSign(notary, ref(await orasAttach(ref(images.notation!), CDX, modelBom('notary-model'))));

    // A BOM artifact whose .sig was copied from another (signed) artifact.
    await push('moved-sig');
    await push('sig-source');
    const signedArtifact = await orasAttach(ref(images['sig-source']!), CDX, modelBom('second-signed-model'));
    await cosignSign(alice, ref(signedArtifact), { legacy: true });
    const movedArtifact = await orasAttach(ref(images['moved-sig']!), CDX, modelBom('swapped-model'));
    const sig = (await readManifest(registry.url, REPO, `${referrersTagOf(signedArtifact)}.sig`))!;
    await pushManifest(registry.url, REPO, `${referrersTagOf(movedArtifact)}.sig`, sig.json, sig.json.mediaType!);

    // An attestation copied from another image's .att tag.
    await push('moved-att');
    await push('att-source');
    await cosignAttest(alice, ref(images['att-source']!), modelBom('source-model'), { legacy: true });
    const att = (await readManifest(registry.url, REPO, `${referrersTagOf(images['att-source']!)}.att`))!;
    await pushManifest(registry.url, REPO, `${referrersTagOf(images['moved-att']!)}.att`, att.json, att.json.mediaType!);

    // Keyless: a bundle from the loopback Sigstore, attached as cosign ≥ 3 attaches it.
    const keyless = await push('keyless');
    const bundle = await sigstore.signStatement(JSON.stringify(statement(keyless, CDX_PREDICATE, JSON.parse(modelBom('keyless-model')))), { issuer: ISSUER, subject: SUBJECT });
    const subject = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: keyless, size: 0 };
    const manifest = (await readManifest(registry.url, REPO, keyless))!;
    subject.size = manifest.bytes.length;
    const referrer = await pushReferrer(registry.url, REPO, subject, { artifactType: BUNDLE, layers: [{ mediaType: BUNDLE, body: bundle }], annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': CDX_PREDICATE } });
    await publishReferrersTag(registry.url, REPO, keyless, [referrer]);
  });

  after(async () => {
    await client?.close();
    await registry?.stop();
    await sigstore?.stop();
    await Promise.all([alice, mallory, notary].filter(Boolean).map(removeKey));
  });

  const trustInput = (): TrustInput => ({
    keys: [{ name: 'alice.pub', pem: alice.pub }],
    identities: [{ issuer: ISSUER, subjectRegExp: '^https://ci\\.test\\.example/ml/' }],
    trustedRoots: [{ name: 'mock-root.json', json: sigstore.trustedRoot }],
    notary: { policyJson: notaryPolicy(), stores: [{ type: 'ca', name: 'test', pem: notary.caPem }] },
  });

  async function lookAll(trust: TrustInput | undefined, metrics?: Registry): Promise<Record<string, ImageFindings>> {
    const lookup = buildImageLookup(defaultConfig(), { client, ...(trust ? { trust: createTrustSource(trust) } : {}), ...(metrics ? { metrics: createLookupMetrics(metrics) } : {}) });
    const out: Record<string, ImageFindings> = {};
    for (const [name, digest] of Object.entries(images)) out[name] = await lookup(ref(digest), { signal: AbortSignal.timeout(20_000), purpose: 'cli' });
    return out;
  }

  it('verified, unsigned and invalid, each with who signed it or why not', async () => {
    const metrics = new Registry();
    const f = await lookAll(trustInput(), metrics);
    const only = (name: string) => {
      const all = [...f[name]!.boms, ...(f[name]!.invalidBoms ?? [])];
      expect(all, `${name}: ${JSON.stringify(f[name])}`).to.have.length(1);
      return all[0]!;
    };

    expect(only('attested')).to.deep.include({ trust: 'verified', source: 'sigstore-bundle' });
    expect(only('attested').signers?.[0]).to.include({ method: 'key', key: 'alice.pub' });

    expect(only('referrer-signed')).to.deep.include({ trust: 'verified', source: 'tag-fallback' });
    expect(only('referrer-unsigned')).to.deep.include({ trust: 'unsigned', source: 'tag-fallback' });
    expect(only('notation').trust).to.equal('verified');
    expect(only('notation').signers?.[0]).to.include({ method: 'notary', subject: notary.subject, trustPolicy: 'test-policy' });
    expect(only('keyless').trust).to.equal('verified');
    expect(only('keyless').signers?.[0]).to.include({ method: 'keyless', issuer: ISSUER, subject: SUBJECT });

    // Invalid: listed apart, with the reason, and not classified.
    const wrongKey = f['attested-legacy-wrong-key']!;
    expect(wrongKey.boms).to.deep.equal([]);
    expect(wrongKey.invalidBoms?.[0]).to.deep.include({ trust: 'invalid', source: 'cosign-att' });
    expect(wrongKey.invalidBoms?.[0]?.trustReason).to.contain('no configured key verifies the signature');
    expect(classifyImage(wrongKey)).to.equal('no-bom');
    expect(classifyImage(f.attested!)).to.equal('model');

    expect(f['moved-sig']!.invalidBoms?.[0]?.trustReason).to.match(/cosign signature is over sha256:[0-9a-f]{64}, not sha256:[0-9a-f]{64} \(moved from another artifact\)/);
    expect(f['moved-att']!.invalidBoms?.[0]?.trustReason).to.contain(`is about ${images['att-source']}, not ${images['moved-att']}`);

    expect(await metricValue(metrics, 'aibom_trust_verifications_total', { format: 'none', result: 'unsigned' })).to.be.greaterThan(0);
    expect(await metricValue(metrics, 'aibom_trust_verifications_total', { format: 'notary', result: 'verified' })).to.equal(1);
    expect(await metricValue(metrics, 'aibom_trust_verifications_total', { format: 'sigstore-bundle', result: 'verified' })).to.equal(2);
  });

  it('a wrong key, or an identity that does not match, makes the signed BOMs invalid', async () => {
    const f = await lookAll({ keys: [{ name: 'mallory.pub', pem: mallory.pub }], identities: [{ issuer: ISSUER, subjectRegExp: '^https://ci\\.test\\.example/other/' }], trustedRoots: [{ name: 'mock-root.json', json: sigstore.trustedRoot }] });
    expect(f.attested!.invalidBoms?.[0]?.trustReason).to.contain('no configured key verifies the bundle');
    expect(f['attested-legacy-wrong-key']!.boms[0]).to.deep.include({ trust: 'verified' });
    expect(f.keyless!.invalidBoms?.[0]?.trustReason).to.contain('matches no configured identity');
    expect(f.notation!.invalidBoms?.[0]?.trustReason).to.contain('no Notary trust policy is configured');
    expect(f['referrer-unsigned']!.boms[0]?.trust).to.equal('unsigned');
  });

  it('trust not configured: every BOM is unsigned, as before, and no signature is fetched', async () => {
    const f = await lookAll(undefined);
    for (const [name, findings] of Object.entries(f)) {
      expect(findings.invalidBoms, name).to.equal(undefined);
      for (const b of findings.boms) expect(b.trust, name).to.equal('unsigned');
    }
    expect(f['attested-legacy-wrong-key']!.boms).to.have.length(1);
  });
});
