// Certificate rotation the way the kubelet does it for a Secret volume: files are symlinks into
// `..data`, itself a symlink to a timestamped directory, swapped atomically with rename(2).
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { composeLookup } from '../../../src/discovery/compose.js';
import { createCa, defaultServingNames, issueServingCertificate, type CertificatePaths } from '../../../src/server/dev-certs.js';
import { silentLogger } from '../../../src/server/log.js';
import { startService, type RunningService } from '../../../src/server/service.js';
import { post } from '../../../scripts/lib/admission-client.js';
import { fixture, kubeletSwap, sleep, tempDir, testConfig } from '../../support/server.js';
import { waitFor } from '../../support/deferred.js';


describe('TLS certificate rotation', function () {
  this.timeout(30_000);
  const tmp = tempDir('rotation');
  const volume = join(tmp.dir, 'volume');
  let ca: Buffer;
  let caPaths: CertificatePaths;
  let pairs: Record<'a' | 'b' | 'c', CertificatePaths>;
  let service: RunningService;
  let registry: Registry;

  before(async () => {
    caPaths = await createCa(join(tmp.dir, 'ca'));
    const names = defaultServingNames('aibom-webhook', 'aibom-system');
    pairs = {
      a: await issueServingCertificate(caPaths, join(tmp.dir, 'a'), names),
      b: await issueServingCertificate(caPaths, join(tmp.dir, 'b'), names),
      c: await issueServingCertificate(caPaths, join(tmp.dir, 'c'), names),
    };
    ca = readFileSync(caPaths.cert);
    mkdirSync(volume);
    kubeletSwap(volume, '2025_01_01_00_00_00.000000001', pairs.a);
    symlinkSync('..data/tls.crt', join(volume, 'tls.crt'));
    symlinkSync('..data/tls.key', join(volume, 'tls.key'));
    const config = testConfig({ server: { certPollSeconds: 0.2 } });
    registry = new Registry();
    service = await startService({ config, tlsCertFile: join(volume, 'tls.crt'), tlsKeyFile: join(volume, 'tls.key'), lookup: composeLookup(config, { registry: false }).lookup, log: silentLogger(), registry });
  });
  after(async () => {
    await service?.shutdown('test over', 0);
    tmp.remove();
  });

  const serialOf = (pair: CertificatePaths): string => new X509Certificate(readFileSync(pair.cert)).serialNumber;

  /** Sends requests without pause, on fresh connections and on one keep-alive connection, until stopped. */
  function continuousLoad(): { stop: () => Promise<{ ok: number; failed: string[]; serials: Set<string> }> } {
    let running = true;
    const failed: string[] = [];
    const serials = new Set<string>();
    let ok = 0;
    const body = fixture('deployment-create.json');
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 1, ca });
    const loop = async (agent: Agent | false): Promise<void> => {
      while (running) {
        try {
          const reply = await post({ port: service.webhook.port, path: '/mutate', ca, body, agent });
          if (reply.status === 200) ok++;
          else failed.push(`HTTP ${reply.status}`);
          if (reply.serialNumber && agent === false) serials.add(reply.serialNumber);
        } catch (err) {
          failed.push((err as Error).message);
        }
      }
    };
    const loops = [loop(false), loop(false), loop(keepAlive)];
    return {
      stop: async () => {
        running = false;
        await Promise.all(loops);
        keepAlive.destroy();
        return { ok, failed, serials };
      },
    };
  }

  async function servedSerial(): Promise<string | undefined> {
    return (await post({ port: service.webhook.port, path: '/mutate', ca, body: fixture('pod-create.json') })).serialNumber;
  }

  async function waitForSerial(serial: string, withinMs: number): Promise<boolean> {
    const until = Date.now() + withinMs;
    while (Date.now() < until) {
      if ((await servedSerial()) === serial) return true;
      await sleep(50);
    }
    return false;
  }

  it('serves the new certificate after an atomic ..data swap, with zero failed requests', async () => {
    expect(await servedSerial()).to.equal(serialOf(pairs.a));
    const load = continuousLoad();
    await sleep(300);
    kubeletSwap(volume, '2025_02_01_00_00_00.000000002', pairs.b);
    const swapped = await waitForSerial(serialOf(pairs.b), 3000);
    await sleep(300);
    const result = await load.stop();
    expect(swapped, 'new certificate served').to.equal(true);
    expect(result.failed).to.deep.equal([]);
    expect(result.ok).to.be.greaterThan(20);
    expect(result.serials).to.include(serialOf(pairs.a)).and.to.include(serialOf(pairs.b));
    expect(service.certificates.current.serialNumber).to.equal(serialOf(pairs.b));
  });

  it('keeps the old certificate when the new certificate and key do not match', async () => {
    const load = continuousLoad();
    const mismatched = { cert: pairs.c.cert, key: pairs.a.key };
    kubeletSwap(volume, '2025_03_01_00_00_00.000000003', mismatched);
    await waitFor(async () => /aibom_tls_certificate_reloads_total\{result="rejected"\} [1-9]/.test(await registry.metrics()), 'the mismatched pair to be rejected');
    const result = await load.stop();
    expect(result.failed).to.deep.equal([]);
    expect(await servedSerial()).to.equal(serialOf(pairs.b));
    expect(service.certificates.current.serialNumber).to.equal(serialOf(pairs.b));
    const metrics = await registry.metrics();
    expect(metrics).to.match(/aibom_tls_certificate_reloads_total\{result="rejected"\} [1-9]/);
    expect(metrics).to.match(/aibom_tls_certificate_reloads_total\{result="ok"\} 1/);
  });

  it('picks up a good pair after a bad one', async () => {
    // A bad certificate file (garbage) is refused too; then a good pair is installed.
    const dir = join(volume, '..broken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'tls.crt'), 'not a certificate');
    copyFileSync(pairs.c.key, join(dir, 'tls.key'));
    const rejected = async (): Promise<number> => Number(/aibom_tls_certificate_reloads_total\{result="rejected"\} (\d+)/.exec(await registry.metrics())?.[1] ?? 0);
    const rejectedBefore = await rejected();
    symlinkSync('..broken', join(volume, '..data_tmp'));
    renameSync(join(volume, '..data_tmp'), join(volume, '..data'));
    await waitFor(async () => (await rejected()) > rejectedBefore, 'the broken certificate to be rejected');
    expect(await servedSerial()).to.equal(serialOf(pairs.b));
    kubeletSwap(volume, '2025_04_01_00_00_00.000000004', pairs.c);
    expect(await waitForSerial(serialOf(pairs.c), 3000)).to.equal(true);
  });
});
