// The loopback guard the root hook installs: it must refuse before any packet leaves, and a DNS
// query for a public name must never be sent. Each test clears only the violations it provoked.
import { expect } from 'chai';
import dns, { lookup as namedLookup } from 'node:dns';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { request as undiciRequest } from 'undici';
import { clearGuardViolations, guardViolations, isLoopbackGuardInstalled, isLoopbackHost } from '../../../scripts/lib/loopback-guard.js';

const TEST_NET = '192.0.2.1'; // RFC 5737 TEST-NET-1: never routed
const PUBLIC_NAME = 'registry.example.com';

function codeOf(err: unknown): string | undefined {
  let e = err as { code?: string; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 5; depth++) {
    if (e.code === 'ELOOPBACKGUARD') return e.code;
    e = e.cause as typeof e;
  }
  return (err as { code?: string } | undefined)?.code;
}

/** Connects with a socket and reports how it ended; `lookup`/`connect` events would mean it got out. */
function attempt(socket: net.Socket): Promise<{ error?: NodeJS.ErrnoException; events: string[] }> {
  const events: string[] = [];
  socket.on('lookup', () => events.push('lookup'));
  socket.on('connect', () => events.push('connect'));
  return new Promise((resolve) => {
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({ error, events }));
    socket.once('connect', () => {
      socket.destroy();
      resolve({ events });
    });
  });
}

describe('scripts/loopback-guard (installed by the mocha root hook)', () => {
  let before = 0;
  beforeEach(() => {
    before = guardViolations().length;
  });
  afterEach(() => {
    clearGuardViolations(before);
  });
  const provoked = (): string[] => guardViolations().slice(before).map((v) => `${v.what} ${v.target}`);

  it('is installed for the whole run', () => {
    expect(isLoopbackGuardInstalled()).to.equal(true);
  });

  it('knows loopback', () => {
    for (const h of ['127.0.0.1', '127.8.9.10', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).to.equal(true);
    for (const h of [TEST_NET, '10.0.0.1', '0.0.0.0', '::', '2001:db8::1', '::ffff:192.0.2.1', PUBLIC_NAME, '127.0.0.1.nip.io']) expect(isLoopbackHost(h), h).to.equal(false);
  });

  it('refuses a TCP connect to a non-loopback IP literal before any packet (no socket, no lookup, no connect)', async () => {
    const socket = new net.Socket();
    const pending = attempt(socket);
    socket.connect({ host: TEST_NET, port: 9 });
    // Refused synchronously: the original connect never ran, so no handle was ever opened.
    expect(socket.connecting).to.equal(false);
    const { error, events } = await pending;
    expect(error?.code).to.equal('ELOOPBACKGUARD');
    expect(events).to.deep.equal([]);
    expect(provoked()).to.deep.equal([`connect ${TEST_NET}`]);
  });

  it('refuses every way of asking: net.connect(port, host), IPv6, a public name, tls, http, undici', async () => {
    const a = await attempt(net.connect(9, TEST_NET));
    expect(a.error?.code).to.equal('ELOOPBACKGUARD');
    const b = await attempt(net.connect({ host: '2001:db8::1', port: 9 }));
    expect(b.error?.code).to.equal('ELOOPBACKGUARD');
    const c = await attempt(net.connect({ host: PUBLIC_NAME, port: 443 }));
    expect(c.error?.code).to.equal('ELOOPBACKGUARD');
    expect(c.events, 'no DNS lookup was made').to.deep.equal([]);
    const d = await attempt(tls.connect({ host: TEST_NET, port: 443, servername: 'x.example' }));
    expect(d.error?.code).to.equal('ELOOPBACKGUARD');
    const e = await new Promise<unknown>((resolve) => http.get(`http://${TEST_NET}:9/`, () => resolve(undefined)).on('error', resolve));
    expect(codeOf(e)).to.equal('ELOOPBACKGUARD');
    const f = await undiciRequest(`http://${TEST_NET}:9/v2/`, { signal: AbortSignal.timeout(5000) }).then(() => undefined, (err: unknown) => err);
    expect(codeOf(f)).to.equal('ELOOPBACKGUARD');
    expect(provoked().filter((v) => v.startsWith('connect')).length).to.be.at.least(6);
  });

  it('refuses DNS for public names without sending a query, through every API', async () => {
    const callback = (fn: (cb: (err: NodeJS.ErrnoException | null) => void) => void): Promise<NodeJS.ErrnoException | null> => new Promise((resolve) => fn((err) => resolve(err)));
    expect((await callback((cb) => dns.lookup(PUBLIC_NAME, cb)))?.code).to.equal('ELOOPBACKGUARD');
    expect((await callback((cb) => namedLookup(PUBLIC_NAME, cb)))?.code, 'ESM named import').to.equal('ELOOPBACKGUARD');
    expect((await callback((cb) => dns.resolve4(PUBLIC_NAME, cb)))?.code).to.equal('ELOOPBACKGUARD');
    expect((await callback((cb) => new dns.Resolver().resolve4(PUBLIC_NAME, cb)))?.code).to.equal('ELOOPBACKGUARD');
    expect(codeOf(await dns.promises.lookup(PUBLIC_NAME).then(() => undefined, (e: unknown) => e))).to.equal('ELOOPBACKGUARD');
    expect(codeOf(await dns.promises.resolve(PUBLIC_NAME).then(() => undefined, (e: unknown) => e))).to.equal('ELOOPBACKGUARD');
    expect(codeOf(await new dns.promises.Resolver().resolveTxt(PUBLIC_NAME).then(() => undefined, (e: unknown) => e))).to.equal('ELOOPBACKGUARD');
    expect(provoked()).to.have.length(7);
    for (const v of provoked()) expect(v).to.match(/^DNS .*registry\.example\.com$/);
  });

  it('lets loopback through: a server on 127.0.0.1 and a lookup of localhost', async () => {
    const server = net.createServer((s) => s.end('hi'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const data = await new Promise<string>((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      let text = '';
      s.on('data', (d) => (text += String(d)));
      s.on('end', () => resolve(text));
      s.on('error', reject);
    });
    server.close();
    expect(data).to.equal('hi');
    const address = await dns.promises.lookup('localhost');
    expect(isLoopbackHost(address.address)).to.equal(true);
    expect(provoked()).to.deep.equal([]);
  });
});
