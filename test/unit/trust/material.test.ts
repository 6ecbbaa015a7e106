// Trust configuration is parsed once, with errors a user can act on; the verdict of several
// signatures is decided in one place (judge).
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { dsse } from '@sigstore/core';
import { expect } from 'chai';
import { parsePublicKey, TrustConfigError, verifyWithKey } from '../../../src/trust/keys.js';
import { verifyDsseWithKeys, verifySimpleSigning } from '../../../src/trust/keyed.js';
import { buildTrustSet, identityMatches } from '../../../src/trust/material.js';
import { parseNotaryTrust, policyFor } from '../../../src/trust/notary-policy.js';
import { judge, type SignatureCheck } from '../../../src/trust/types.js';

const pem = (k: { export(o: object): string | Buffer }) => k.export({ type: 'spki', format: 'pem' }) as string;

describe('trust: configuration and verdicts', () => {
  it('reads ECDSA, Ed25519 and RSA public keys; fingerprints and hints are of the SPKI', () => {
    for (const pair of [generateKeyPairSync('ec', { namedCurve: 'P-256' }), generateKeyPairSync('ec', { namedCurve: 'P-384' }), generateKeyPairSync('ed25519'), generateKeyPairSync('rsa', { modulusLength: 2048 })]) {
      const key = parsePublicKey(pem(pair.publicKey), 'k.pub');
      expect(key.fingerprint).to.match(/^sha256:[0-9a-f]{64}$/);
      expect(Buffer.from(key.hint, 'base64').toString('hex')).to.equal(key.fingerprint.slice(7));
      const data = Buffer.from('payload');
      const digest = pair.publicKey.asymmetricKeyType === 'ed25519' ? null : pair.publicKey.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'sha384' : 'sha256';
      expect(verifyWithKey(key.key, data, sign(digest, data, pair.privateKey))).to.equal(true);
      expect(verifyWithKey(key.key, Buffer.from('other'), sign(digest, data, pair.privateKey))).to.equal(false);
      expect(verifyWithKey(key.key, data, Buffer.from('garbage'))).to.equal(false);
    }
  });

  it('refuses what is not a usable public key, naming it', () => {
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const cases: [string, RegExp][] = [
      ['not a key', /k\.pub: not a PEM public key/],
      ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', /k\.pub: not a readable public key/],
      [rsa1024.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, /k\.pub: is a private key/],
      [pem(rsa1024.publicKey), /1024 bits is too short/],
      [pem(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey), /curve secp256k1 is not supported/],
      [pem(generateKeyPairSync('x25519').publicKey), /key type x25519 is not supported/],
    ];
    for (const [text, message] of cases) expect(() => parsePublicKey(text, 'k.pub')).to.throw(TrustConfigError, message);
  });

  it('keyless identities need an issuer, a subject and a trusted root; regexps are cosign-style searches', () => {
    expect(() => buildTrustSet({ identities: [{ issuer: 'https://i', subjectRegExp: '.*' }] })).to.throw(TrustConfigError, /need a trusted root/);
    expect(() => buildTrustSet({ identities: [{ subjectRegExp: '.*' }], trustedRoots: [] })).to.throw(TrustConfigError);
    expect(() => buildTrustSet({ trustedRoots: [{ name: 'r.json', json: '{' }] })).to.throw(TrustConfigError, /trusted root r\.json: not JSON/);
    expect(() => buildTrustSet({ trustedRoots: [{ name: 'r.json', json: '{"mediaType":"x"}' }] })).to.throw(TrustConfigError, /names no certificate authority/);
    const id = { issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: /^https:\/\/github\.com\/org\// };
    expect(identityMatches(id, id.issuer, 'https://github.com/org/repo/.github/workflows/x.yml@refs/heads/main')).to.equal(true);
    expect(identityMatches(id, id.issuer, 'https://github.com/evil/org/')).to.equal(false);
    expect(identityMatches(id, 'https://accounts.google.com', 'https://github.com/org/x')).to.equal(false);
    expect(identityMatches(id, undefined, 'https://github.com/org/x')).to.equal(false);
  });

  it('keyed DSSE and simple signatures: no signature is unsigned (undefined), a wrong one is invalid', () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const trust = buildTrustSet({ keys: [{ name: 'a.pub', pem: pem(pair.publicKey) }] });
    const payload = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');
    const sig = sign('sha256', dsse.preAuthEncoding('application/vnd.in-toto+json', payload), pair.privateKey).toString('base64');
    expect(verifyDsseWithKeys({ payloadType: 'application/vnd.in-toto+json', payload, signatures: [sig] }, trust)).to.deep.include({ ok: true });
    expect(verifyDsseWithKeys({ payloadType: 'application/vnd.in-toto+json', payload, signatures: [] }, trust)).to.equal(undefined);
    expect(verifyDsseWithKeys({ payloadType: 'text/plain', payload, signatures: [sig] }, trust)).to.deep.include({ ok: false });
    const legacyKeyless = verifyDsseWithKeys({ payloadType: 'application/vnd.in-toto+json', payload, signatures: [], hasCertificate: true }, trust);
    expect(legacyKeyless).to.deep.include({ ok: false });

    const digest = `sha256:${'1'.repeat(64)}`;
    const simple = Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': 'r/x' }, image: { 'docker-manifest-digest': digest }, type: 'cosign container image signature' }, optional: null }));
    const ssig = sign('sha256', simple, pair.privateKey).toString('base64');
    expect(verifySimpleSigning({ payload: simple, signature: ssig }, digest, trust)).to.deep.include({ ok: true });
    expect(verifySimpleSigning({ payload: simple, signature: undefined }, digest, trust)).to.equal(undefined);
    expect(verifySimpleSigning({ payload: simple, signature: '%%%' }, digest, trust)).to.deep.include({ ok: false, reason: 'cosign signature annotation is not base64' });
    const noKeys = verifySimpleSigning({ payload: simple, signature: ssig }, digest, buildTrustSet({}));
    expect(noKeys).to.deep.include({ ok: false });
  });

  it('judge: none → unsigned; any verified → verified with every verified signer; else invalid with the first reason', () => {
    const ok = (key: string): SignatureCheck => ({ ok: true, format: 'cosign', signer: { method: 'key', fingerprint: `sha256:${key}`, key } });
    const bad = (reason: string): SignatureCheck => ({ ok: false, format: 'notary', reason });
    expect(judge([])).to.deep.equal({ trust: 'unsigned', signers: [] });
    expect(judge([bad('x'), ok('a'), ok('b')])).to.deep.include({ trust: 'verified', format: 'cosign' });
    expect(judge([bad('x'), ok('a'), ok('b')]).signers.map((s) => s.key)).to.deep.equal(['a', 'b']);
    expect(judge([bad('first'), bad('second')])).to.deep.equal({ trust: 'invalid', signers: [], format: 'notary', reason: 'first' });
  });

  it('Notary trust policy: the spec’s rules, with the field at fault named', () => {
    const store = [{ type: 'ca' as const, name: 'acme', pem: '' }];
    const policy = (p: object) => JSON.stringify({ version: '1.0', trustPolicies: [{ name: 'p', registryScopes: ['*'], signatureVerification: { level: 'strict' }, trustStores: ['ca:acme'], trustedIdentities: ['*'], ...p }] });
    expect(() => parseNotaryTrust({ policyJson: policy({}), stores: store })).to.throw(TrustConfigError, /no PEM certificate/);
    const cert = generateSelfSigned();
    const stores = [{ type: 'ca' as const, name: 'acme', pem: cert }];
    expect(parseNotaryTrust({ policyJson: policy({}), stores }).policies[0]).to.include({ name: 'p', level: 'strict' });
    const bad: [object, RegExp][] = [
      [{ registryScopes: ['*', 'r/x'] }, /"\*" must be the only registry scope/],
      [{ registryScopes: ['r/*'] }, /is not registry\/repository/],
      [{ signatureVerification: { level: 'loose' } }, /level must be strict/],
      [{ signatureVerification: { level: 'strict', override: { integrity: 'log' } } }, /integrity cannot be overridden/],
      [{ trustStores: ['ca:other'] }, /trust store ca:other is not configured/],
      [{ trustStores: ['tsa:acme'] }, /is not ca:NAME or signingAuthority:NAME/],
      [{ trustedIdentities: ['CN=x'] }, /is not "x509.subject: <DN>"/],
      [{ trustedIdentities: ['*', 'x509.subject: CN=x'] }, /"\*" must be the only trusted identity/],
      [{ signatureVerification: { level: 'skip' } }, /level skip takes no trustStores/],
    ];
    for (const [p, message] of bad) expect(() => parseNotaryTrust({ policyJson: policy(p), stores }), message.source).to.throw(TrustConfigError, message);
    expect(() => parseNotaryTrust({ policyJson: '{"version":"2.0","trustPolicies":[]}', stores })).to.throw(/version "2.0" is not supported/);
    const two = JSON.stringify({ version: '1.0', trustPolicies: [
      { name: 'one', registryScopes: ['reg.example/app'], signatureVerification: { level: 'strict' }, trustStores: ['ca:acme'], trustedIdentities: ['x509.subject: C=US, O=Acme\\, Inc, CN=builder'] },
      { name: 'rest', registryScopes: ['*'], signatureVerification: { level: 'permissive', override: { expiry: 'enforce' } }, trustStores: ['ca:acme'], trustedIdentities: ['*'] },
    ] });
    const trust = parseNotaryTrust({ policyJson: two, stores });
    expect(policyFor(trust, 'reg.example/app')?.name).to.equal('one');
    expect(policyFor(trust, 'reg.example/other')?.name).to.equal('rest');
    expect(policyFor(trust, 'reg.example/other')?.actions).to.include({ expiry: 'enforce', authenticTimestamp: 'log' });
    const dn = trust.policies[0]!.trustedIdentities as Map<string, string>[];
    expect([...dn[0]!]).to.deep.equal([['C', 'US'], ['O', 'Acme, Inc'], ['CN', 'builder']]);
  });
});

/** A throwaway self-signed certificate (openssl is on every test machine; Debian package). */
function generateSelfSigned(): string {
  return execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=unit test', '-days', '1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}
