// certs/make-certs.sh with the real openssl: a CA, a serving certificate for the Service name, the
// TLS Secret, and an overlay that writes the caBundle into both webhook configurations.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { loadTlsMaterial } from '../../../src/server/certificates.js';
import { kustomizeResources, parseManifests, validateManifest, type Manifest } from '../../support/manifests.js';
import { tempDir } from '../../support/server.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('certs/make-certs.sh', function () {
  this.timeout(30_000);
  const tmp = tempDir('make-certs');
  after(() => tmp.remove());
  const out = join(tmp.dir, 'out');
  let run: ReturnType<typeof spawnSync>;

  before(() => {
    run = spawnSync('bash', [join(root, 'certs/make-certs.sh'), '--out', out, '--days', '30'], { cwd: root, encoding: 'utf8' });
  });

  it('runs, and makes a serving certificate for <service>.<namespace>.svc signed by its CA', async () => {
    expect(run.status, String(run.stderr)).to.equal(0);
    const ca = new X509Certificate(readFileSync(join(out, 'ca.crt')));
    const leaf = new X509Certificate(readFileSync(join(out, 'tls.crt')));
    expect(leaf.checkIssued(ca)).to.equal(true);
    expect(leaf.verify(ca.publicKey)).to.equal(true);
    expect(leaf.checkHost('aibom-webhook.aibom-system.svc')).to.equal('aibom-webhook.aibom-system.svc');
    expect(leaf.subjectAltName).to.include('DNS:aibom-webhook.aibom-system.svc.cluster.local');
    expect(leaf.ca).to.equal(false);
    expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).to.equal('prime256v1');
    // The webhook accepts the pair (key matches, TLS builds a context).
    await loadTlsMaterial(join(out, 'tls.crt'), join(out, 'tls.key'));
    expect(statSync(join(out, 'tls.key')).mode & 0o077).to.equal(0);
  });

  it('writes a valid kubernetes.io/tls Secret with the pair', () => {
    const [secret] = parseManifests(readFileSync(join(out, 'secret.yaml'), 'utf8'), 'secret.yaml') as Json[];
    validateManifest(secret as Manifest);
    expect(secret!.type).to.equal('kubernetes.io/tls');
    expect(secret!.metadata).to.include({ name: 'aibom-webhook-tls', namespace: 'aibom-system' });
    expect(Buffer.from(secret!.data['tls.crt'], 'base64').equals(readFileSync(join(out, 'tls.crt')))).to.equal(true);
    expect(Buffer.from(secret!.data['tls.key'], 'base64').equals(readFileSync(join(out, 'tls.key')))).to.equal(true);
  });

  it('writes an overlay over deploy/ that puts the CA bundle into both webhook configurations', () => {
    const overlay = parseYaml(readFileSync(join(out, 'kustomization.yaml'), 'utf8')) as Json;
    expect(resolve(out, overlay.resources[0])).to.equal(resolve(root, 'deploy'));
    expect(overlay.resources).to.include('secret.yaml');
    const base = kustomizeResources(join(root, 'deploy')).flatMap((f) => f.manifests) as Json[];
    const caPem = readFileSync(join(out, 'ca.crt'));
    const targets = new Set<string>();
    for (const p of overlay.patches as Json[]) {
      const target = base.find((m) => m.kind === p.target.kind && m.metadata.name === p.target.name)!;
      const ops = parseYaml(p.patch) as Json[];
      expect(ops).to.have.length(1);
      expect(ops[0]!.path).to.equal('/webhooks/0/clientConfig/caBundle');
      expect(Buffer.from(ops[0]!.value, 'base64').equals(caPem)).to.equal(true);
      const patched = structuredClone(target);
      patched.webhooks[0].clientConfig.caBundle = ops[0]!.value;
      validateManifest(patched as Manifest);
      targets.add(target.kind);
    }
    expect([...targets].sort()).to.deep.equal(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);
  });
});
