// The admin port discloses nothing by default: it binds 127.0.0.1 unless configured (the Deployment
// sets the pod IP), `/readyz` says ready or not and nothing else, and the detail (policy directory
// and names, certificate serial, last policy error) is on `/statusz`, which `server.adminStatus:
// false` turns off. Through the real service (TLS webhook, HTTP admin) on loopback.
import { expect } from 'chai';
import { validateConfig } from '../../../src/config/load.js';
import type { ImageLookup } from '../../../src/contracts/lookup.js';
import { silentLogger } from '../../../src/server/log.js';
import { startService, type RunningService } from '../../../src/server/service.js';
import { tempDir, testCertificates } from '../../support/server.js';

const none: ImageLookup = () => Promise.resolve({ status: 'none', boms: [] });

async function get(service: RunningService, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${service.admin.port}${path}`);
  return { status: res.status, text: await res.text() };
}

describe('admin port exposure (/readyz, /statusz, server.adminHost)', function () {
  this.timeout(20_000);
  const tmp = tempDir('admin');
  let certs: Awaited<ReturnType<typeof testCertificates>>;
  before(async () => {
    certs = await testCertificates(tmp.dir);
  });
  after(() => tmp.remove());

  const start = (server: Record<string, unknown>): Promise<RunningService> =>
    startService({
      // No adminHost: the default.
      config: validateConfig({ server: { port: 0, adminPort: 0, host: '127.0.0.1', shutdownDelaySeconds: 0, ...server }, log: { level: 'silent' } }),
      tlsCertFile: certs.serving.cert, tlsKeyFile: certs.serving.key, lookup: none, log: silentLogger(),
    });

  it('binds 127.0.0.1 by default; /readyz is status only, /statusz has the detail; not ready is 503 on /readyz', async () => {
    const service = await start({});
    try {
      expect(service.admin.address).to.equal('127.0.0.1');
      expect(await get(service, '/readyz')).to.deep.equal({ status: 200, text: '{"status":"ready"}' });
      const status = await get(service, '/statusz');
      expect(status.status).to.equal(200);
      const detail = JSON.parse(status.text) as Record<string, unknown>;
      expect(detail).to.include({ status: 'ready' });
      expect(detail).to.have.nested.property('certificate.serialNumber', service.certificates.current.serialNumber);
      expect(detail).to.have.property('policies');
      const stopping = service.shutdown('test over', 300);
      expect(await get(service, '/readyz')).to.deep.equal({ status: 503, text: '{"status":"not ready"}' });
      expect(JSON.parse((await get(service, '/statusz')).text)).to.include({ status: 'not ready', reason: 'test over' });
      await stopping;
    } finally {
      await service.shutdown('test over', 0);
    }
  });

  it('server.adminStatus: false turns /statusz off; nothing on the admin port names the certificate or policies', async () => {
    const service = await start({ adminStatus: false });
    try {
      expect((await get(service, '/statusz')).status).to.equal(404);
      const serial = service.certificates.current.serialNumber;
      for (const path of ['/readyz', '/healthz', '/statusz', '/nope']) {
        const text = (await get(service, path)).text;
        expect(text, path).not.to.include(serial);
        expect(text, path).not.to.match(/policies|certificate|discovery|inFlight/);
      }
    } finally {
      await service.shutdown('test over', 0);
    }
  });
});
