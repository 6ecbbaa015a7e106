// src/trust against signatures made by the real tools on a real registry (the Debian registry,
// referrers tag schema): cosign sign / attest with keys from `cosign generate-key-pair` and
// `cosign import-key-pair` (ECDSA P-256, Ed25519, RSA), in the bundle format (cosign ≥ 3) and the
// legacy `.sig` / `.att` tags; notation sign with `notation cert generate-test` and with an
// openssl-made CA chain. The signature bytes are read with raw HTTP; src/trust judges them.
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { simpleSigningDigest, dsseEnvelopeOf, verifyDsseWithKeys, verifySimpleSigning, COSIGN_SIGNATURE_ANNOTATION } from '../../../src/trust/keyed.js';
import { buildTrustSet, type TrustSet } from '../../../src/trust/material.js';
import { verifyNotarySignature, NOTARY_SIGNATURE_ARTIFACT } from '../../../src/trust/notary.js';
import { verifySigstoreBundle } from '../../../src/trust/sigstore-bundle.js';
import { CDX, modelBom } from '../../support/attachments.js';
import { pushManifest, pushTinyImage, referrersTagOf, sha256, startLocalRegistry, type LocalRegistry } from '../../support/local-registry.js';
import { readBlob, readManifest, referrerLayer } from '../../support/registry-read.js';
import { cosignAttest, cosignImportKey, cosignKeyPair, cosignSign, notaryPolicy, notationSign, notationSignerWithChain, notationTestSigner, orasAttach, removeKey, type CosignKey, type NotationSigner } from '../../support/signing-tools.js';

const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const REPO = 'ml/signed';

describe('trust: signatures made by cosign and notation on a real registry', function () {
  this.timeout(120_000);
  let registry: LocalRegistry;
  let alice: CosignKey;
  let mallory: CosignKey;
  const keys: { dir: string }[] = [];
  const trustOf = (...k: CosignKey[]): TrustSet => buildTrustSet({ keys: k.map((x, i) => ({ name: `key-${i + 1}.pub`, pem: x.pub })) });
  const ref = (digest: string) => `${registry.host}/${REPO}@${digest}`;

  before(async () => {
    registry = await startLocalRegistry();
    [alice, mallory] = await Promise.all([cosignKeyPair('alice'), cosignKeyPair('mallory')]);
    keys.push(alice, mallory);
  });
  after(async () => {
    await registry?.stop();
    await Promise.all(keys.map(removeKey));
  });

  describe('cosign attest', () => {
    it('bundle format (cosign ≥ 3): verified by the key, invalid under another key, invalid when tampered', async () => {
      const image = await pushTinyImage(registry.url, REPO, 'att-bundle');
      await cosignAttest(alice, ref(image.digest), modelBom('bundle-model'));
      const { layer } = await referrerLayer(registry.url, REPO, image.digest, BUNDLE);
      const doc = JSON.parse(layer.toString('utf8')) as { dsseEnvelope: { payload: string } };

      const ok = verifySigstoreBundle(doc, trustOf(alice), { subjects: [image.digest] });
      expect(ok.ok, JSON.stringify(ok)).to.equal(true);
      if (ok.ok) expect(ok.signer).to.include({ method: 'key', key: 'key-1.pub' });

      const wrong = verifySigstoreBundle(doc, trustOf(mallory), { subjects: [image.digest] });
      expect(wrong.ok).to.equal(false);
      if (!wrong.ok) expect(wrong.reason).to.contain('no configured key verifies the bundle');

      const tampered = structuredClone(doc);
      tampered.dsseEnvelope.payload = Buffer.from(Buffer.from(doc.dsseEnvelope.payload, 'base64').toString('utf8').replace('bundle-model', 'other-model')).toString('base64');
      expect(verifySigstoreBundle(tampered, trustOf(alice, mallory), { subjects: [image.digest] }).ok).to.equal(false);

      const elsewhere = await pushTinyImage(registry.url, REPO, 'att-bundle-other');
      const moved = verifySigstoreBundle(doc, trustOf(alice), { subjects: [elsewhere.digest] });
      expect(moved.ok).to.equal(false);
      if (!moved.ok) expect(moved.reason).to.contain(`not ${elsewhere.digest}`);
    });

    it('legacy .att tag: the DSSE envelope verifies with the key, not with another, not when tampered', async () => {
      const image = await pushTinyImage(registry.url, REPO, 'att-legacy');
      await cosignAttest(alice, ref(image.digest), modelBom('legacy-model'), { legacy: true });
      const att = (await readManifest(registry.url, REPO, `${referrersTagOf(image.digest)}.att`))!;
      const layer = att.json.layers![0]!;
      expect(layer.mediaType).to.equal('application/vnd.dsse.envelope.v1+json');
      const envelope = dsseEnvelopeOf(JSON.parse((await readBlob(registry.url, REPO, layer.digest)).toString('utf8')))!;
      expect(verifyDsseWithKeys(envelope, trustOf(mallory, alice))).to.deep.include({ ok: true });
      expect(verifyDsseWithKeys(envelope, trustOf(mallory))).to.deep.include({ ok: false });
      const tampered = { ...envelope, payload: Buffer.from(envelope.payload.toString('utf8').replace('legacy-model', 'evil-model')) };
      expect(verifyDsseWithKeys(tampered, trustOf(alice))).to.deep.include({ ok: false });
      expect(verifyDsseWithKeys({ ...envelope, signatures: [] }, trustOf(alice)), 'no signature at all').to.equal(undefined);
    });
  });

  describe('cosign sign of a BOM artifact (oras attach)', () => {
    it('legacy .sig tag: verified for the artifact; the same signature moved onto another artifact is invalid', async () => {
      const image = await pushTinyImage(registry.url, REPO, 'sig-legacy');
      const bomArtifact = await orasAttach(ref(image.digest), CDX, modelBom('sig-model'));
      await cosignSign(alice, ref(bomArtifact), { legacy: true });
      const sig = (await readManifest(registry.url, REPO, `${referrersTagOf(bomArtifact)}.sig`))!;
      const layer = sig.json.layers![0]!;
      const input = { payload: await readBlob(registry.url, REPO, layer.digest), signature: layer.annotations?.[COSIGN_SIGNATURE_ANNOTATION] };
      expect(simpleSigningDigest(input.payload)).to.deep.equal({ digest: bomArtifact });
      expect(verifySimpleSigning(input, bomArtifact, trustOf(alice))).to.deep.include({ ok: true });
      expect(verifySimpleSigning(input, bomArtifact, trustOf(mallory))).to.deep.include({ ok: false });

      // Another BOM artifact, with alice's signature of the first copied under its .sig tag.
      const other = await pushTinyImage(registry.url, REPO, 'sig-legacy-other');
      const otherArtifact = await orasAttach(ref(other.digest), CDX, modelBom('swapped-model'));
      await pushManifest(registry.url, REPO, `${referrersTagOf(otherArtifact)}.sig`, sig.json, sig.json.mediaType!);
      const moved = verifySimpleSigning(input, otherArtifact, trustOf(alice));
      expect(moved?.ok).to.equal(false);
      if (moved && !moved.ok) expect(moved.reason).to.equal(`cosign signature is over ${bomArtifact}, not ${otherArtifact} (moved from another artifact)`);
    });

    it('bundle format (cosign ≥ 3): a referrer of the artifact whose statement names it', async () => {
      const image = await pushTinyImage(registry.url, REPO, 'sig-bundle');
      const bomArtifact = await orasAttach(ref(image.digest), CDX, modelBom('sig-bundle-model'));
      await cosignSign(alice, ref(bomArtifact));
      const { manifest, layer } = await referrerLayer(registry.url, REPO, bomArtifact, BUNDLE);
      expect(manifest.json.annotations?.['dev.sigstore.bundle.predicateType']).to.equal('https://sigstore.dev/cosign/sign/v1');
      const doc = JSON.parse(layer.toString('utf8')) as unknown;
      expect(verifySigstoreBundle(doc, trustOf(alice), { subjects: [bomArtifact] })).to.deep.include({ ok: true });
      expect(verifySigstoreBundle(doc, trustOf(alice), { subjects: [image.digest] })).to.deep.include({ ok: false });
    });

    for (const [label, pair] of [
      ['Ed25519', () => generateKeyPairSync('ed25519')],
      ['RSA-3072', () => generateKeyPairSync('rsa', { modulusLength: 3072 })],
    ] as const) {
      it(`${label} keys (cosign import-key-pair): legacy signature and bundle both verify`, async () => {
        const { privateKey } = pair();
        const key = await cosignImportKey(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, label.toLowerCase());
        keys.push(key);
        const image = await pushTinyImage(registry.url, REPO, `key-${label.toLowerCase()}`);
        await cosignSign(key, ref(image.digest), { legacy: true });
        await cosignSign(key, ref(image.digest));
        const sig = (await readManifest(registry.url, REPO, `${referrersTagOf(image.digest)}.sig`))!;
        const layer = sig.json.layers![0]!;
        const input = { payload: await readBlob(registry.url, REPO, layer.digest), signature: layer.annotations?.[COSIGN_SIGNATURE_ANNOTATION] };
        expect(verifySimpleSigning(input, image.digest, trustOf(key))).to.deep.include({ ok: true });
        expect(verifySimpleSigning(input, image.digest, trustOf(alice))).to.deep.include({ ok: false });
        const { layer: bundle } = await referrerLayer(registry.url, REPO, image.digest, BUNDLE);
        expect(verifySigstoreBundle(JSON.parse(bundle.toString('utf8')), trustOf(alice, key), { subjects: [image.digest] })).to.deep.include({ ok: true });
      });
    }
  });

  describe('notation sign', () => {
    let signer: NotationSigner;
    before(async () => {
      signer = await notationTestSigner('aibom.test');
      keys.push(signer);
    });
    const notary = (s: NotationSigner, policy = notaryPolicy()) => buildTrustSet({ notary: { policyJson: policy, stores: [{ type: 'ca', name: 'test', pem: s.caPem }] } }).notary;

    it('verified under a trust policy whose store holds the certificate; invalid for another store, identity, scope or artifact', async () => {
      const image = await pushTinyImage(registry.url, REPO, 'notation');
      const bomArtifact = await orasAttach(ref(image.digest), CDX, modelBom('notary-model'));
      await notationSign(signer, ref(bomArtifact));
      const { layer, mediaType } = await referrerLayer(registry.url, REPO, bomArtifact, NOTARY_SIGNATURE_ARTIFACT);
      expect(mediaType).to.equal('application/jose+json');
      const scope = `${registry.host}/${REPO}`;
      const now = new Date();
      const ok = verifyNotarySignature(layer, mediaType, notary(signer), { digest: bomArtifact, scope, now });
      expect(ok, JSON.stringify(ok)).to.deep.include({ ok: true });
      if (ok?.ok) expect(ok.signer).to.include({ method: 'notary', subject: signer.subject, trustPolicy: 'test-policy' });

      const identity = verifyNotarySignature(layer, mediaType, notary(signer, notaryPolicy({ identities: [`x509.subject: ${signer.subject}`] })), { digest: bomArtifact, scope, now });
      expect(identity).to.deep.include({ ok: true });

      const stranger = await notationTestSigner('stranger.test');
      keys.push(stranger);
      const otherStore = verifyNotarySignature(layer, mediaType, notary(stranger), { digest: bomArtifact, scope, now });
      expect(otherStore).to.deep.include({ ok: false });
      if (otherStore && !otherStore.ok) expect(otherStore.reason).to.contain('does not lead to a trust store');

      const otherIdentity = verifyNotarySignature(layer, mediaType, notary(signer, notaryPolicy({ identities: ['x509.subject: C=US, ST=WA, L=Seattle, O=Notary, CN=someone.else'] })), { digest: bomArtifact, scope, now });
      expect(otherIdentity).to.deep.include({ ok: false });
      if (otherIdentity && !otherIdentity.ok) expect(otherIdentity.reason).to.contain('is not a trusted identity');

      const noScope = verifyNotarySignature(layer, mediaType, notary(signer, notaryPolicy({ scopes: [`${registry.host}/other/repo`] })), { digest: bomArtifact, scope, now });
      expect(noScope).to.deep.include({ ok: false });

      const moved = verifyNotarySignature(layer, mediaType, notary(signer), { digest: image.digest, scope, now });
      expect(moved).to.deep.include({ ok: false });
      if (moved && !moved.ok) expect(moved.reason).to.contain(`over ${bomArtifact}, not ${image.digest}`);

      const tampered = JSON.parse(layer.toString('utf8')) as { payload: string };
      tampered.payload = Buffer.from(JSON.stringify({ targetArtifact: { digest: image.digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1 } })).toString('base64url');
      const forged = verifyNotarySignature(Buffer.from(JSON.stringify(tampered)), mediaType, notary(signer), { digest: image.digest, scope, now });
      expect(forged).to.deep.include({ ok: false });
      if (forged && !forged.ok) expect(forged.reason).to.contain('does not verify');

      expect(verifyNotarySignature(layer, mediaType, notary(signer, notaryPolicy({ level: 'skip', stores: [], identities: [] })), { digest: bomArtifact, scope, now }), 'skip: not counted').to.equal(undefined);
    });

    it('an expired signing certificate: invalid under strict, verified with a remark under permissive', async () => {
      const shortLived = await notationSignerWithChain('short-lived signer', new Date(Date.now() + 4_000));
      keys.push(shortLived);
      const image = await pushTinyImage(registry.url, REPO, 'notation-expired');
      const bomArtifact = await orasAttach(ref(image.digest), CDX, modelBom('expired-model'));
      await notationSign(shortLived, ref(bomArtifact));
      const { layer, mediaType } = await referrerLayer(registry.url, REPO, bomArtifact, NOTARY_SIGNATURE_ARTIFACT);
      const scope = `${registry.host}/${REPO}`;
      expect(verifyNotarySignature(layer, mediaType, notary(shortLived), { digest: bomArtifact, scope, now: new Date() }), 'before expiry').to.deep.include({ ok: true });
      await new Promise((r) => setTimeout(r, Math.max(0, 4_500 - 0)));
      const strict = verifyNotarySignature(layer, mediaType, notary(shortLived), { digest: bomArtifact, scope, now: new Date() });
      expect(strict).to.deep.include({ ok: false });
      if (strict && !strict.ok) expect(strict.reason).to.contain('expired certificate');
      const permissive = verifyNotarySignature(layer, mediaType, notary(shortLived, notaryPolicy({ level: 'permissive' })), { digest: bomArtifact, scope, now: new Date() });
      expect(permissive).to.deep.include({ ok: true });
      if (permissive?.ok) expect(permissive.remark).to.contain('authenticTimestamp not enforced');
    });
  });

  it('the trust set fingerprint changes with the keys (cache keys follow it)', () => {
    expect(trustOf(alice).fingerprint).to.not.equal(trustOf(mallory).fingerprint);
    expect(trustOf(alice).fingerprint).to.equal(trustOf(alice).fingerprint);
    expect(sha256('x')).to.match(/^sha256:/);
  });
});
