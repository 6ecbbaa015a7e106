// Connection hygiene through the real webhook service over TLS on loopback (src/server/sockets.ts):
// TCP connections that never send a ClientHello are closed once handshakeTimeoutMs is over, a
// client that leaves before its handshake leaves nothing behind (no CLOSE-WAIT), and shutdown
// completes within its drain period whatever the clients do.
import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import { Agent } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { performance } from 'node:perf_hooks';
import { silentLogger } from '../../../src/server/log.js';
import { startService, type RunningService } from '../../../src/server/service.js';
import { post } from '../../../scripts/lib/admission-client.js';
import { fixture, sleep, tempDir, testCertificates, testConfig } from '../../support/server.js';
import type { ImageLookup } from '../../../src/contracts/lookup.js';

const HANDSHAKE_MS = 600;
const none: ImageLookup = () => Promise.resolve({ status: 'none', boms: [] });

interface Silent {
  socket: Socket;
  /** performance.now() when the TCP connection was established. */
  connectedAt: number;
  /** performance.now() when the server closed it (its FIN or RST reached us); 0 while open. */
  closedAt: number;
}

/** `n` TCP connections that never send a byte. */
async function silentSockets(port: number, n: number): Promise<Silent[]> {
  const out: Silent[] = [];
  await Promise.all(
    Array.from({ length: n }, () =>
      new Promise<void>((resolve, reject) => {
        const s: Silent = { socket: connect(port, '127.0.0.1'), connectedAt: 0, closedAt: 0 };
        s.socket.once('connect', () => {
          s.connectedAt = performance.now();
          resolve();
        });
        s.socket.once('error', reject);
        const closed = (): void => {
          s.closedAt ||= performance.now();
        };
        s.socket.on('end', closed);
        s.socket.on('close', closed);
        s.socket.on('error', closed);
        s.socket.resume();
        out.push(s);
      }),
    ),
  );
  return out;
}

async function waitFor(what: string, cond: () => boolean, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > until) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

describe('webhook sockets over TLS (handshake timeout, half-closed clients, shutdown)', function () {
  this.timeout(30_000);
  const tmp = tempDir('sockets');
  let certs: Awaited<ReturnType<typeof testCertificates>>;
  const start = (server: Record<string, unknown>): Promise<RunningService> =>
    startService({
      config: testConfig({ server, mutate: { timeoutSeconds: 1 }, validate: { timeoutSeconds: 1 } }),
      tlsCertFile: certs.serving.cert, tlsKeyFile: certs.serving.key, lookup: none, log: silentLogger(),
    });

  before(async () => {
    certs = await testCertificates(tmp.dir);
  });
  after(() => tmp.remove());

  it('closes 200 connections that never send a ClientHello once handshakeTimeoutMs is over, and keeps serving', async () => {
    const service = await start({ handshakeTimeoutMs: HANDSHAKE_MS });
    try {
      const silent = await silentSockets(service.webhook.port, 200);
      await waitFor('every silent socket closed by the server', () => silent.every((s) => s.closedAt > 0), HANDSHAKE_MS + 5000);
      // Closed by the handshake timeout: not before it, and soon after it (a loaded machine may be late).
      const lived = silent.map((s) => s.closedAt - s.connectedAt);
      expect(Math.min(...lived), 'shortest life').to.be.at.least(HANDSHAKE_MS * 0.9);
      expect(Math.max(...lived), 'longest life').to.be.below(HANDSHAKE_MS + 3000);
      await waitFor('no socket left on the server', () => service.openSockets() === 0, 2000);
      const reply = await post({ port: service.webhook.port, path: '/mutate', ca: certs.caBytes, body: fixture('pod-create.json') });
      expect(reply.status).to.equal(200);
      for (const s of silent) s.socket.destroy();
    } finally {
      await service.shutdown('test over', 0);
    }
  });

  it('drops a client that half-closes before or during its request at once (nothing left in CLOSE-WAIT)', async () => {
    const service = await start({ handshakeTimeoutMs: 30_000, headersTimeoutMs: 20_000, requestTimeoutMs: 25_000 });
    try {
      // FIN before any TLS byte.
      const silent = await silentSockets(service.webhook.port, 50);
      for (const s of silent) s.socket.end();
      await waitFor('pre-handshake FIN closes the socket', () => silent.every((s) => s.closedAt > 0), 3000);
      // FIN after the handshake, in the middle of the request headers.
      const tls = tlsConnect({ port: service.webhook.port, host: '127.0.0.1', servername: 'localhost', ca: certs.caBytes });
      await new Promise<void>((resolve, reject) => tls.once('secureConnect', resolve).once('error', reject));
      let tlsClosed = false;
      tls.on('close', () => (tlsClosed = true));
      tls.on('error', () => undefined);
      tls.resume();
      tls.end('POST /validate HTTP/1.1\r\nHost: x\r\n');
      await waitFor('half-closed TLS client dropped', () => tlsClosed, 3000);
      await waitFor('no socket left on the server', () => service.openSockets() === 0, 3000);
    } finally {
      await service.shutdown('test over', 0);
    }
  });

  it('shuts down within its drain period with silent, half-sent and idle keep-alive connections open', async () => {
    const service = await start({ handshakeTimeoutMs: 60_000, headersTimeoutMs: 50_000, requestTimeoutMs: 55_000, keepAliveTimeoutMs: 60_000 });
    const silent = await silentSockets(service.webhook.port, 100);
    // A request whose headers never finish.
    const dripping = tlsConnect({ port: service.webhook.port, host: '127.0.0.1', servername: 'localhost', ca: certs.caBytes });
    await new Promise<void>((resolve, reject) => dripping.once('secureConnect', resolve).once('error', reject));
    let drippingClosed = false;
    dripping.on('close', () => (drippingClosed = true));
    dripping.on('error', () => undefined);
    dripping.write('POST /validate HTTP/1.1\r\nHost: x\r\n');
    // An idle keep-alive connection, as the apiserver keeps them.
    const agent = new Agent({ keepAlive: true, ca: certs.caBytes });
    expect((await post({ port: service.webhook.port, path: '/mutate', ca: certs.caBytes, body: fixture('pod-create.json'), agent })).status).to.equal(200);
    await waitFor('server sees every socket', () => service.openSockets() === 102, 5000);
    const t0 = performance.now();
    // The drain period: the longest webhook timeout (1 s) + 1 s (src/server/service.ts).
    const done = await Promise.race([service.shutdown('test', 0).then(() => true), sleep(5000).then(() => false)]);
    const ms = performance.now() - t0;
    expect(done, 'shutdown completed').to.equal(true);
    expect(ms).to.be.below(4000);
    await waitFor('every client socket closed', () => silent.every((s) => s.closedAt > 0) && drippingClosed, 2000);
    agent.destroy();
  });
});
