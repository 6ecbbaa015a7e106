// requireSignedBOM and trustedSigners on findings whose trust discovery has judged: every outcome,
// in every mode, narrowed by match.registries, with messages naming what was found and expected.
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import type { FoundBom, ImageFindings } from '../../../src/contracts/lookup.js';
import { evaluatePolicies } from '../../../src/policy/evaluate.js';
import { parsePublicKey } from '../../../src/trust/keys.js';
import type { Signer } from '../../../src/trust/types.js';
import { contextFor, deployment, inventory, model, NOW, policy } from './support.js';

const APP = '127.0.0.1:5000/ml/app:1.0';
const TOOL = '127.0.0.1:5000/tools/proxy:2.1';
const pem = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
const TEAM = pem();
const OTHER = pem();
const teamSigner: Signer = { method: 'key', fingerprint: parsePublicKey(TEAM, 'team').fingerprint, key: 'team.pub' };
const otherSigner: Signer = { method: 'key', fingerprint: parsePublicKey(OTHER, 'other').fingerprint, key: 'other.pub' };
const ciSigner: Signer = { method: 'keyless', fingerprint: `sha256:${'c'.repeat(64)}`, issuer: 'https://token.actions.githubusercontent.com', subject: 'https://github.com/acme/models/.github/workflows/release.yml@refs/heads/main' };

function bom(trust: FoundBom['trust'], extra: Partial<FoundBom> = {}): FoundBom {
  return { digest: `sha256:${'e'.repeat(64)}`, mediaType: 'application/vnd.cyclonedx+json', source: 'referrers', trust, inventory: inventory([model({ name: 'm' })]), ...extra };
}
function findings(...boms: FoundBom[]): ImageFindings {
  return { status: 'found', digest: `sha256:${'d'.repeat(64)}`, boms: boms.filter((b) => b.trust !== 'invalid'), invalidBoms: boms.filter((b) => b.trust === 'invalid') };
}
async function verdicts(byImage: Record<string, ImageFindings>, rules: Parameters<typeof policy>[2], match?: Parameters<typeof policy>[3], mode: 'Enforce' | 'Warn' | 'Audit' = 'Enforce') {
  const images = Object.keys(byImage);
  const ctx = await contextFor(deployment('web', 'ml', images.map((image, i) => ({ name: `c${i}`, image }))), byImage);
  return evaluatePolicies([policy('signed', mode, rules, match)], ctx, NOW);
}

describe('policy: requireSignedBOM and trustedSigners', () => {
  it('requireSignedBOM: verified passes; unsigned, invalid and no BOM are violations', async () => {
    expect(await verdicts({ [APP]: findings(bom('verified', { signers: [teamSigner] })) }, { requireSignedBOM: true })).to.deep.equal([]);
    const unsigned = await verdicts({ [APP]: findings(bom('unsigned')) }, { requireSignedBOM: true });
    expect(unsigned.map((v) => [v.rule, v.reason, v.effect])).to.deep.equal([['requireSignedBOM', 'unsigned', 'deny']]);
    expect(unsigned[0]!.message).to.equal('BOM sha256:eeeeeeeeeeee… (referrers) is unsigned; requireSignedBOM expects a signature by a configured key, keyless identity or Notary trust policy');
    const invalid = await verdicts({ [APP]: findings(bom('invalid', { trustReason: 'cosign signature is over sha256:aa, not sha256:bb (moved from another artifact)' })) }, { requireSignedBOM: true });
    expect(invalid.map((v) => [v.rule, v.reason])).to.deep.equal([['requireSignedBOM', 'invalid-signature']]);
    expect(invalid[0]!.message).to.contain('has an invalid signature: cosign signature is over sha256:aa, not sha256:bb (moved from another artifact)');
    const none = await verdicts({ [APP]: { status: 'none', boms: [] } }, { requireSignedBOM: true });
    expect(none.map((v) => v.reason)).to.deep.equal(['no-bom']);
    const unreadable = await verdicts({ [APP]: findings(bom('unsigned', { trustReason: 'signatures could not be read: timeout' })) }, { requireSignedBOM: true });
    expect(unreadable[0]!.message).to.contain('is unsigned (signatures could not be read: timeout)');
  });

  it('every BOM counts: one verified BOM does not cover an unsigned one beside it', async () => {
    const v = await verdicts({ [APP]: findings(bom('verified', { signers: [teamSigner] }), bom('unsigned', { digest: `sha256:${'f'.repeat(64)}` })) }, { requireSignedBOM: true });
    expect(v.map((x) => x.reason)).to.deep.equal(['unsigned']);
  });

  it('leaves failed lookups to onLookupFailure', async () => {
    expect(await verdicts({ [APP]: { status: 'timeout', boms: [] } }, { requireSignedBOM: true })).to.deep.equal([]);
  });

  it('trustedSigners with requireSignedBOM: only the listed keys and identities count', async () => {
    const rules = { requireSignedBOM: true, trustedSigners: [{ key: TEAM }, { issuer: 'https://token.actions.githubusercontent.com', subjectRegExp: '^https://github\\.com/acme/' }] };
    expect(await verdicts({ [APP]: findings(bom('verified', { signers: [teamSigner] })) }, rules)).to.deep.equal([]);
    expect(await verdicts({ [APP]: findings(bom('verified', { signers: [ciSigner] })) }, rules)).to.deep.equal([]);
    const other = await verdicts({ [APP]: findings(bom('verified', { signers: [otherSigner] })) }, rules);
    expect(other.map((v) => [v.rule, v.reason])).to.deep.equal([['trustedSigners', 'untrusted-signer']]);
    expect(other[0]!.message).to.match(/is signed by key other\.pub \(sha256:[0-9a-f]{12}\), not by a trusted signer of this policy \(key sha256:[0-9a-f]{12}…, https:\/\/token\.actions\.githubusercontent\.com \//, other[0]!.message);
    const evilCi = await verdicts({ [APP]: findings(bom('verified', { signers: [{ ...ciSigner, subject: 'https://github.com/evil/models/x' }] })) }, rules);
    expect(evilCi.map((v) => v.reason)).to.deep.equal(['untrusted-signer']);
  });

  it('trustedSigners alone: unsigned BOMs pass, signed ones must be by a listed signer', async () => {
    const rules = { trustedSigners: [{ key: TEAM }] };
    expect(await verdicts({ [APP]: findings(bom('unsigned')) }, rules)).to.deep.equal([]);
    expect((await verdicts({ [APP]: findings(bom('verified', { signers: [otherSigner] })) }, rules)).map((v) => v.rule)).to.deep.equal(['trustedSigners']);
    expect((await verdicts({ [APP]: findings(bom('invalid')) }, rules)).map((v) => [v.rule, v.reason])).to.deep.equal([['trustedSigners', 'invalid-signature']]);
    const notary = { trustedSigners: [{ notaryTrustPolicy: 'releases' }] };
    expect(await verdicts({ [APP]: findings(bom('verified', { signers: [{ method: 'notary', fingerprint: 'sha256:1', trustPolicy: 'releases' }] })) }, notary)).to.deep.equal([]);
    expect(await verdicts({ [APP]: findings(bom('verified', { signers: [{ method: 'notary', fingerprint: 'sha256:1', trustPolicy: 'other' }] })) }, notary)).to.have.length(1);
  });

  it('match.registries narrows the rule to matching repositories', async () => {
    const byImage = { [APP]: findings(bom('unsigned')), [TOOL]: { status: 'none', boms: [] } as ImageFindings };
    expect((await verdicts(byImage, { requireSignedBOM: true })).map((v) => v.image)).to.deep.equal([APP, TOOL]);
    expect((await verdicts(byImage, { requireSignedBOM: true }, { registries: ['127.0.0.1:5000/ml/*'] })).map((v) => v.image)).to.deep.equal([APP]);
    expect(await verdicts(byImage, { requireSignedBOM: true }, { registries: ['registry.corp/*'] })).to.deep.equal([]);
  });

  it('Warn and Audit modes carry the same findings with their effect', async () => {
    for (const [mode, effect] of [['Warn', 'warn'], ['Audit', 'audit']] as const) {
      const v = await verdicts({ [APP]: findings(bom('unsigned')) }, { requireSignedBOM: true }, undefined, mode);
      expect(v.map((x) => x.effect)).to.deep.equal([effect]);
    }
  });
});
