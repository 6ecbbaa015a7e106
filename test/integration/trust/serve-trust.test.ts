// The real `aibom serve` (child process, TLS) with trust given as cosign names it on the command line
// (--key, --trusted-root, --certificate-identity-regexp, --certificate-oidc-issuer) plus a Notary trust
// policy, and an AIModelPolicy with requireSignedBOM (Enforce, narrowed by match.registries): the
// verified BOMs are admitted, the unsigned and the invalid are denied with messages saying what was
// found and what was expected; the mutating answer shows each BOM's trust and signer, and an invalid
// BOM is ignored for classification. Signatures are made by the real tools at test time.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { decodePatch, metadataFromPatch, post } from '../../../scripts/lib/admission-client.js';
import { BUNDLE, CDX, CDX_PREDICATE, modelBom, publishReferrersTag, pushReferrer, statement } from '../../support/attachments.js';
import { pushTinyImage, startLocalRegistry, type LocalRegistry } from '../../support/local-registry.js';
import { readManifest } from '../../support/registry-read.js';
import { startServe, SOURCE_ENTRY, type ServeProcess } from '../../support/serve-process.js';
import { tempDir, testCertificates } from '../../support/server.js';
import { cosignAttest, cosignKeyPair, cosignSign, notaryPolicy, notationSign, notationSignerWithChain, orasAttach, removeKey, type CosignKey, type NotationSigner } from '../../support/signing-tools.js';
import { startSigstoreServices, type SigstoreServices } from '../../support/sigstore-services.js';
import { podReviewBody } from '../../support/admission-review.js';

const ISSUER = 'https://oidc.test.example';
const TRUSTED_SUBJECT = 'https://ci.test.example/ml/release';

describe('trust: aibom serve enforces requireSignedBOM over TLS', function () {
  this.timeout(240_000);
  const tmp = tempDir('trust-serve');
  let registry: LocalRegistry;
  let serve: ServeProcess;
  let ca: Buffer;
  let alice: CosignKey;
  let mallory: CosignKey;
  let notary: NotationSigner;
  let sigstore: SigstoreServices;
  const images: Record<string, string> = {};

  before(async () => {
    registry = await startLocalRegistry();
    [alice, mallory, sigstore] = await Promise.all([cosignKeyPair('alice'), cosignKeyPair('mallory'), startSigstoreServices()]);
    const ref = (digest: string) => `${registry.host}/ml/app@${digest}`;
    const push = async (name: string) => (images[name] = `${registry.host}/ml/app@${(await pushTinyImage(registry.url, 'ml/app', name)).digest}`);

    // First: a signing certificate that expires a few seconds from now (notation refuses an expired one).
    await push('expired-notary');
    const bomArtifact = await orasAttach(images['expired-notary']!, CDX, modelBom('notary-model'));
    const expiresAt = Date.now() + 4_000;
    notary = await notationSignerWithChain('short-lived release signer', new Date(expiresAt));
    await notationSign(notary, ref(bomArtifact));

    await push('attested');
    await cosignAttest(alice, images.attested!, modelBom('attested-model'));
    await push('signed-referrer');
    await cosignSign(alice, ref(await orasAttach(images['signed-referrer']!, CDX, modelBom('referrer-model'))));
    await push('unsigned');
    await orasAttach(images.unsigned!, CDX, modelBom('unsigned-model'));
    await push('wrong-key');
    await cosignAttest(mallory, images['wrong-key']!, modelBom('mallory-model'), { legacy: true });
    for (const [name, subject] of [['keyless', TRUSTED_SUBJECT], ['keyless-other', 'https://ci.test.example/someone-else']] as const) {
      const image = await push(name);
      const digest = image.split('@')[1]!;
      const bundle = await sigstore.signStatement(JSON.stringify(statement(digest, CDX_PREDICATE, JSON.parse(modelBom(`${name}-model`)))), { issuer: ISSUER, subject });
      const manifest = (await readManifest(registry.url, 'ml/app', digest))!;
      const referrer = await pushReferrer(registry.url, 'ml/app', { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: manifest.bytes.length }, { artifactType: BUNDLE, layers: [{ mediaType: BUNDLE, body: bundle }], annotations: { 'dev.sigstore.bundle.predicateType': CDX_PREDICATE } });
      await publishReferrersTag(registry.url, 'ml/app', digest, [referrer]);
    }
    // Another repository, outside the policy's match.registries.
    images.outside = `${registry.host}/tools/debug@${(await pushTinyImage(registry.url, 'tools/debug', 'v1')).digest}`;

    const files = join(tmp.dir, 'trust');
    mkdirSync(join(files, 'policies'), { recursive: true });
    writeFileSync(join(files, 'alice.pub'), alice.pub);
    writeFileSync(join(files, 'trusted_root.json'), sigstore.trustedRoot);
    writeFileSync(join(files, 'notary-ca.pem'), notary.caPem);
    writeFileSync(join(files, 'trustpolicy.json'), notaryPolicy({ scopes: [`${registry.host}/ml/app`] }));
    writeFileSync(join(files, 'policies', 'signed.yaml'), [
      'apiVersion: aibom.io/v1alpha1', 'kind: AIModelPolicy', 'metadata: {name: signed-boms}',
      'spec:', '  mode: Enforce', `  match: {registries: ["${registry.host}/ml/*"]}`, '  rules: {requireSignedBOM: true}', '',
    ].join('\n'));
    const certs = await testCertificates(tmp.dir);
    ca = certs.caBytes;
    // Wait until the Notary signing certificate has expired before the webhook ever sees it.
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt + 1_000 - Date.now())));
    serve = await startServe({
      entry: SOURCE_ENTRY, certFile: certs.serving.cert, keyFile: certs.serving.key, insecureRegistries: [registry.host], logLevel: 'warn',
      env: { AIBOM_POLICIES_DIR: join(files, 'policies') },
      args: [
        '--key', join(files, 'alice.pub'),
        '--trusted-root', join(files, 'trusted_root.json'), '--certificate-oidc-issuer', ISSUER, '--certificate-identity-regexp', '^https://ci\\.test\\.example/ml/',
        '--notary-trust-policy', join(files, 'trustpolicy.json'), '--notary-trust-store', `ca:test=${join(files, 'notary-ca.pem')}`,
      ],
    });
  });

  after(async () => {
    await serve?.stop();
    await registry?.stop();
    await sigstore?.stop();
    await Promise.all([alice, mallory, notary].filter(Boolean).map(removeKey));
    tmp.remove();
  });

  const review = (image: string, uid: string) => podReviewBody(`p-${uid}`, [image], { uid, namespace: 'team-a' });
  const validate = async (name: string) => {
    const reply = await post({ port: serve.port, path: '/validate?timeout=10s', ca, body: review(images[name]!, `v-${name}`) });
    expect(reply.status, reply.body).to.equal(200);
    return JSON.parse(reply.body).response as { allowed: boolean; status?: { message: string } };
  };

  it('admits BOMs verified by the key, by a keyless identity under the trusted root', async () => {
    for (const name of ['attested', 'signed-referrer', 'keyless', 'outside']) {
      const res = await validate(name);
      expect(res.allowed, `${name}: ${res.status?.message}`).to.equal(true);
    }
  });

  it('denies the unsigned and the invalid, saying what was found and what was expected', async () => {
    const expectations: [string, RegExp][] = [
      ['unsigned', /BOM sha256:[0-9a-f]{12}… \(tag-fallback\) is unsigned; requireSignedBOM expects a signature by a configured key, keyless identity or Notary trust policy/],
      ['wrong-key', /\(cosign-att\) has an invalid signature: DSSE envelope: no configured key verifies the signature/],
      ['keyless-other', /has an invalid signature: signed by https:\/\/oidc\.test\.example https:\/\/ci\.test\.example\/someone-else, which matches no configured identity/],
      ['expired-notary', /has an invalid signature: certificate CN=short-lived release signer is not valid at .*: expired certificate/],
    ];
    for (const [name, message] of expectations) {
      const res = await validate(name);
      expect(res.allowed, name).to.equal(false);
      expect(res.status?.message, name).to.match(message, res.status?.message);
      expect(res.status?.message, name).to.contain('denied by AI model policy');
    }
  });

  it('the mutating answer shows each BOM’s trust and signer; an invalid BOM is not classified', async () => {
    const mutate = async (name: string) => {
      const reply = await post({ port: serve.port, path: '/mutate?timeout=10s', ca, body: review(images[name]!, `m-${name}`) });
      return metadataFromPatch(decodePatch(JSON.parse(reply.body).response.patch));
    };
    const verified = await mutate('attested');
    expect(verified.labels['aibom.io/ai-kind']).to.equal('model');
    const boms = JSON.parse(verified.annotations['aibom.io/boms']!) as { trust: string; signer?: string; source: string }[];
    expect(boms).to.have.length(1);
    expect(boms[0]).to.include({ trust: 'verified', source: 'sigstore-bundle' });
    expect(boms[0]!.signer).to.match(/^key alice\.pub \(sha256:[0-9a-f]{12}\)$/);

    const keyless = JSON.parse((await mutate('keyless')).annotations['aibom.io/boms']!) as { signer?: string }[];
    expect(keyless[0]!.signer).to.equal(`${ISSUER} ${TRUSTED_SUBJECT}`);

    const invalid = await mutate('wrong-key');
    expect(invalid.labels['aibom.io/ai-bearing']).to.equal('false');
    expect(JSON.parse(invalid.annotations['aibom.io/boms']!)).to.deep.equal([{ container: 'c', image: images['wrong-key'], digest: images['wrong-key']!.split('@')[1], bom: (JSON.parse(invalid.annotations['aibom.io/boms']!) as { bom: string }[])[0]!.bom, mediaType: 'application/vnd.cyclonedx+json', source: 'cosign-att', trust: 'invalid' }]);
    expect(invalid.annotations['aibom.io/models'] ?? '[]').to.equal('[]');

    const metrics = await (await fetch(`http://127.0.0.1:${serve.adminPort}/metrics`)).text();
    expect(metrics).to.match(/aibom_trust_verifications_total\{format="dsse",result="invalid"\} 1/);
    expect(metrics).to.match(/aibom_trust_verifications_total\{format="sigstore-bundle",result="verified"\} [2-9]/);
  });
});
