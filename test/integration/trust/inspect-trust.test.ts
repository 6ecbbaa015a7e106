// `aibom inspect IMAGE --key cosign.pub --json`: each BOM's trust and signer, as cosign users expect
// to ask for it; a wrong key makes it invalid (and its models are not counted); bad trust flags are
// one-line usage errors (exit 2).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { modelBom } from '../../support/attachments.js';
import { runCli } from '../../support/cli.js';
import { pushTinyImage, startLocalRegistry, type LocalRegistry } from '../../support/local-registry.js';
import { tempDir } from '../../support/server.js';
import { cosignAttest, cosignKeyPair, removeKey, type CosignKey } from '../../support/signing-tools.js';

describe('trust: aibom inspect --key', function () {
  this.timeout(120_000);
  const tmp = tempDir('trust-inspect');
  let registry: LocalRegistry;
  let alice: CosignKey;
  let other: CosignKey;
  let image: string;

  before(async () => {
    registry = await startLocalRegistry();
    [alice, other] = await Promise.all([cosignKeyPair('alice'), cosignKeyPair('other')]);
    image = `${registry.host}/ml/inspected@${(await pushTinyImage(registry.url, 'ml/inspected', 'v1')).digest}`;
    await cosignAttest(alice, image, modelBom('inspected-model'));
    writeFileSync(join(tmp.dir, 'cosign.pub'), alice.pub);
    writeFileSync(join(tmp.dir, 'other.pub'), other.pub);
  });
  after(async () => {
    await registry?.stop();
    await Promise.all([alice, other].filter(Boolean).map(removeKey));
    tmp.remove();
  });

  const inspect = (...flags: string[]) => runCli(['inspect', image, '--insecure-registry', registry.host, ...flags]);

  it('--key FILE --json: trust verified, the signer named', async () => {
    const run = await inspect('--key', join(tmp.dir, 'cosign.pub'), '--json');
    expect(run.code, run.stderr).to.equal(0);
    const report = JSON.parse(run.stdout) as { boms: { trust: string; signer?: string; signers?: { method: string; key?: string; fingerprint: string }[]; source: string }[]; models: { name: string }[] };
    expect(report.boms).to.have.length(1);
    expect(report.boms[0]).to.include({ trust: 'verified', source: 'sigstore-bundle' });
    expect(report.boms[0]!.signer).to.match(/^key cosign\.pub \(sha256:[0-9a-f]{12}\)$/);
    expect(report.boms[0]!.signers![0]).to.include({ method: 'key', key: 'cosign.pub' });
    expect(report.models.map((m) => m.name)).to.deep.equal(['inspected-model']);

    const human = await inspect('--key', join(tmp.dir, 'cosign.pub'));
    expect(human.stdout).to.match(/trust=verified {2}signer: key cosign\.pub \(sha256:[0-9a-f]{12}\)/);
  });

  it('another key: invalid, with why, and its models not counted', async () => {
    const run = await inspect('--key', join(tmp.dir, 'other.pub'), '--json');
    expect(run.code, run.stderr).to.equal(0);
    const report = JSON.parse(run.stdout) as { boms: { trust: string; trustReason?: string }[]; models: unknown[]; outcome: string };
    expect(report.boms[0]).to.include({ trust: 'invalid' });
    expect(report.boms[0]!.trustReason).to.contain('no configured key verifies the bundle');
    expect(report.models).to.deep.equal([]);
    expect(report.outcome).to.equal('no-bom');
    const human = await inspect('--key', join(tmp.dir, 'other.pub'));
    expect(human.stdout).to.match(/trust=invalid .*models: inspected-model@1\.0 \(ignored\)\n\s+invalid: no configured key verifies the bundle/);
  });

  it('no key: unsigned, as before', async () => {
    const run = await inspect('--json');
    expect((JSON.parse(run.stdout) as { boms: { trust: string }[] }).boms[0]!.trust).to.equal('unsigned');
  });

  it('bad trust flags are usage errors, one line, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--key', join(tmp.dir, 'missing.pub')], /cannot read key .*missing\.pub: ENOENT/],
      [['--key', join(tmp.dir, 'cosign.pub'), '--certificate-identity-regexp', '.*'], /needs --certificate-oidc-issuer/],
      [['--certificate-oidc-issuer', 'https://x', '--certificate-identity', 'y'], /keyless identities need a trusted root/],
      [['--notary-trust-store', 'nonsense'], /--notary-trust-store expects TYPE:NAME=PATH/],
    ];
    for (const [flags, message] of cases) {
      const run = await inspect(...flags);
      expect(run.code, flags.join(' ')).to.equal(2);
      expect(run.stderr).to.match(message);
      expect(run.stderr.trim().split('\n')).to.have.length(1);
    }
  });
});
