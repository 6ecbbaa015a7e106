// Keyless Sigstore bundles made by @sigstore/sign against a private Sigstore deployment on loopback
// (@sigstore/mock's Fulcio, Rekor, TSA and CT log behind a real HTTP server), verified by
// src/trust against that deployment's trusted_root.json — and every way it must fail.
import { expect } from 'chai';
import { buildTrustSet } from '../../../src/trust/material.js';
import { verifySigstoreBundle } from '../../../src/trust/sigstore-bundle.js';
import { startSigstoreServices, type SigstoreServices } from '../../support/sigstore-services.js';

const ISSUER = 'https://oidc.test.example';
const SUBJECT = 'https://ci.test.example/org/repo/.github/workflows/release.yml@refs/heads/main';
const IMAGE = `sha256:${'ab'.repeat(32)}`;
const OTHER = `sha256:${'cd'.repeat(32)}`;

function statement(digest: string): string {
  return JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'img', digest: { sha256: digest.slice(7) } }], predicateType: 'https://cyclonedx.org/bom', predicate: { bomFormat: 'CycloneDX', specVersion: '1.6' } });
}

describe('trust: keyless Sigstore bundles against a configured trusted root', function () {
  this.timeout(30_000);
  let services: SigstoreServices;
  let bundle: unknown;

  before(async () => {
    services = await startSigstoreServices();
    bundle = JSON.parse(await services.signStatement(statement(IMAGE), { issuer: ISSUER, subject: SUBJECT }));
  });
  after(async () => services?.stop());

  const trust = (identities = [{ issuer: ISSUER, subjectRegExp: '^https://ci\\.test\\.example/org/repo/' }], root = () => services.trustedRoot) =>
    buildTrustSet({ identities, trustedRoots: [{ name: 'mock', json: root() }] });

  it('verifies the certificate chain, the log inclusion, the SCT and the timestamp, and reports the identity', () => {
    const check = verifySigstoreBundle(bundle, trust(), { subjects: [IMAGE] });
    expect(check.ok, JSON.stringify(check)).to.equal(true);
    if (!check.ok) return;
    expect(check.signer).to.include({ method: 'keyless', issuer: ISSUER, subject: SUBJECT });
    expect(check.signer.fingerprint).to.match(/^sha256:[0-9a-f]{64}$/);
  });

  it('an exact subject (--certificate-identity) matches too; another subject does not', () => {
    expect(verifySigstoreBundle(bundle, trust([{ issuer: ISSUER, subject: SUBJECT } as never]), { subjects: [IMAGE] }).ok).to.equal(true);
    const check = verifySigstoreBundle(bundle, trust([{ issuer: ISSUER, subjectRegExp: '^https://ci\\.test\\.example/other/' }]), { subjects: [IMAGE] });
    expect(check.ok).to.equal(false);
    if (check.ok) return;
    expect(check.reason).to.contain(`signed by ${ISSUER} ${SUBJECT}, which matches no configured identity`);
  });

  it('an identity from another issuer does not match', () => {
    const check = verifySigstoreBundle(bundle, trust([{ issuer: 'https://other-issuer.example', subjectRegExp: '.*' }]), { subjects: [IMAGE] });
    expect(check.ok).to.equal(false);
  });

  it('a bundle for another artifact is invalid, naming both digests', () => {
    const check = verifySigstoreBundle(bundle, trust(), { subjects: [OTHER] });
    expect(check.ok).to.equal(false);
    if (check.ok) return;
    expect(check.reason).to.contain(`bundle is about ${IMAGE}, not ${OTHER}`);
  });

  it('a tampered statement is invalid', () => {
    const tampered = structuredClone(bundle) as { dsseEnvelope: { payload: string } };
    const text = Buffer.from(tampered.dsseEnvelope.payload, 'base64').toString('utf8').replace('"1.6"', '"1.5"');
    tampered.dsseEnvelope.payload = Buffer.from(text).toString('base64');
    const check = verifySigstoreBundle(tampered, trust(), { subjects: [IMAGE] });
    expect(check.ok).to.equal(false);
  });

  it('a bundle under another deployment’s root does not chain', async () => {
    const other = await startSigstoreServices();
    try {
      const check = verifySigstoreBundle(bundle, trust(undefined, () => other.trustedRoot), { subjects: [IMAGE] });
      expect(check.ok).to.equal(false);
      if (check.ok) return;
      expect(check.reason).to.match(/certificate|chain|log|timestamp/i);
    } finally {
      await other.stop();
    }
  });

  it('no trusted root, or no identity: invalid with what is missing', () => {
    const noRoot = buildTrustSet({ keys: [] });
    const check = verifySigstoreBundle(bundle, noRoot, { subjects: [IMAGE] });
    expect(check.ok).to.equal(false);
    if (!check.ok) expect(check.reason).to.contain('no trusted root is configured');
    const noIdentity = buildTrustSet({ trustedRoots: [{ name: 'mock', json: services.trustedRoot }] });
    const c2 = verifySigstoreBundle(bundle, noIdentity, { subjects: [IMAGE] });
    expect(c2.ok).to.equal(false);
    if (!c2.ok) expect(c2.reason).to.contain('no identity is configured');
  });

  it('a certificate that had expired when the log and the TSA saw the signature is invalid', async () => {
    const stale = await startSigstoreServices({ fulcio: new Date(Date.now() - 30 * 60_000) });
    try {
      const old = JSON.parse(await stale.signStatement(statement(IMAGE), { issuer: ISSUER, subject: SUBJECT }));
      const check = verifySigstoreBundle(old, buildTrustSet({ identities: [{ issuer: ISSUER, subjectRegExp: '.*' }], trustedRoots: [{ name: 'stale', json: stale.trustedRoot }] }), { subjects: [IMAGE] });
      expect(check.ok).to.equal(false);
      if (check.ok) return;
      expect(check.reason).to.contain('certificate was not valid at the signing time');
    } finally {
      await stale.stop();
    }
  });

  it('a malformed bundle is invalid, not a crash', () => {
    for (const doc of [{}, { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' }, null, 'x', { verificationMaterial: { publicKey: { hint: 'x' } }, dsseEnvelope: { payload: 'e30=', payloadType: 'x', signatures: [] } }]) {
      const check = verifySigstoreBundle(doc, trust(), { subjects: [IMAGE] });
      expect(check.ok).to.equal(false);
    }
  });
});
