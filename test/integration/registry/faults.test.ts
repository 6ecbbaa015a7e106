// Faults against the in-process registry: each one ends in the right closed status, without a
// crash, a hang or unbounded memory; egress refusals happen before any packet leaves loopback.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OciServer } from '../../support/oci-server.js';
import { freePort } from '../../support/local-registry.js';
import { composedLookup, type ComposedLookupOptions } from '../../support/composed-lookup.js';
import { CDX } from '../../support/attachments.js';
import { pushImage, pushReferrer, tinyBom } from '../../support/oci-fixtures.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { RegistryError } from '../../../src/registry/errors.js';
import { EgressBlockedError } from '../../../src/registry/egress.js';
import { CredentialStore } from '../../../src/registry/credentials.js';
import { parseImageReference } from '../../../src/contracts/image-reference.js';
import { guardViolations } from '../../../scripts/lib/loopback-guard.js';

const signal = (ms = 5000): AbortSignal => AbortSignal.timeout(ms);

describe('integration/oci faults', () => {
  let server: OciServer;
  let client: RegistryClient;
  let image: { digest: string; size: number; mediaType: string };
  const ref = (): string => `${server.host}/team/app:v1`;
  /** A fresh composed lookup per call: no cached findings or tags between the calls of a test. */
  const lookup = (options: ComposedLookupOptions = {}): ReturnType<typeof composedLookup> => composedLookup(client, options);

  beforeEach(async () => {
    server = await new OciServer({ referrersApi: false }).start();
    client = new RegistryClient({ insecure: [server.host], requestTimeoutMs: 2000, maxRetries: 2 });
    image = pushImage(server, 'team/app', 'v1');
  });
  afterEach(async () => {
    await client.close();
    await server.stop();
  });

  /** Puts a fallback-tag index listing the given referrer descriptors. */
  function tagIndex(descriptors: { digest: string; size: number; mediaType: string; artifactType?: string }[]): void {
    server.putManifest('team/app', { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: descriptors }, 'application/vnd.oci.image.index.v1+json', `sha256-${image.digest.slice(7)}`);
  }

  it('finds a BOM through the tag fallback (source: tag-fallback)', async () => {
    const r = pushReferrer(server, 'team/app', image, tinyBom('llama'), { artifactType: CDX });
    tagIndex([{ ...r, artifactType: CDX }]);
    const f = await lookup()(ref(), { signal: signal() });
    expect(f.status).to.equal('found');
    expect(f.boms[0]!.source).to.equal('tag-fallback');
    expect(f.boms[0]!.trust).to.equal('unsigned');
    expect(f.boms[0]!.inventory.models[0]!.name).to.equal('llama');
  });

  it('registry down → error:network, quickly', async () => {
    const port = await freePort();
    const down = new RegistryClient({ insecure: [`127.0.0.1:${port}`], requestTimeoutMs: 2000 });
    const t0 = Date.now();
    const f = await composedLookup(down)(`127.0.0.1:${port}/team/app:v1`, { signal: signal() });
    await down.close();
    expect(f.status).to.equal('error:network');
    expect(f.detail).to.match(/ECONNREFUSED/);
    expect(Date.now() - t0).to.be.below(3000);
  });

  it('500 → error:5xx', async () => {
    server.intercept = (_req, res) => {
      res.writeHead(500).end('boom');
      return true;
    };
    expect((await lookup()(ref(), { signal: signal() })).status).to.equal('error:5xx');
  });

  it('429 with Retry-After is retried (bounded), then succeeds', async () => {
    let n = 0;
    server.intercept = (_req, res, url) => {
      if (url.pathname.includes('/manifests/v1') && n++ < 2) {
        res.writeHead(429, { 'retry-after': '0' }).end();
        return true;
      }
      return false;
    };
    const f = await lookup()(ref(), { signal: signal() });
    expect(f.status).to.equal('none');
    expect(n).to.equal(3);
  });

  it('429 forever → error:5xx after maxRetries, and a Retry-After over the cap is not waited for', async () => {
    let n = 0;
    server.intercept = (_req, res) => {
      n++;
      res.writeHead(429, { 'retry-after': '0' }).end();
      return true;
    };
    expect((await lookup()(ref(), { signal: signal() })).status).to.equal('error:5xx');
    expect(n).to.equal(3);
    server.intercept = (_req, res) => {
      res.writeHead(429, { 'retry-after': '3600' }).end();
      return true;
    };
    const t0 = Date.now();
    const f = await lookup()(ref(), { signal: signal() });
    expect(f.status).to.equal('error:5xx');
    expect(f.detail).to.match(/Retry-After/);
    expect(Date.now() - t0).to.be.below(1000);
  });

  it('truncated BOM body → error:network, no crash', async () => {
    const bom = tinyBom('m');
    const r = pushReferrer(server, 'team/app', image, bom, { artifactType: CDX });
    tagIndex([r]);
    const bomDigest = [...server.blobs.entries()].find(([, b]) => b.equals(bom))![0];
    server.intercept = (req, res, url) => {
      if (!url.pathname.endsWith(`/blobs/${bomDigest}`)) return false;
      res.writeHead(200, { 'content-length': bom.length });
      res.write(bom.subarray(0, 10));
      setTimeout(() => req.socket.destroy(), 20);
      return true;
    };
    const f = await lookup()(ref(), { signal: signal() });
    expect(f.status).to.equal('error:network');
    expect(f.detail).to.match(/truncated/);
  });

  it('blob digest mismatch → error:digest-mismatch', async () => {
    const bom = tinyBom('m');
    const r = pushReferrer(server, 'team/app', image, bom, { artifactType: CDX });
    tagIndex([r]);
    const bomDigest = [...server.blobs.entries()].find(([, b]) => b.equals(bom))![0];
    server.blobs.set(bomDigest, tinyBom('evil')); // served under the old digest
    expect((await lookup()(ref(), { signal: signal() })).status).to.equal('error:digest-mismatch');
  });

  it('manifest Docker-Content-Digest that does not match the bytes → error:digest-mismatch', async () => {
    server.intercept = (req, res, url) => {
      if (!url.pathname.endsWith('/manifests/v1') || req.method !== 'GET') return false;
      const stored = server.manifests.get(`team/app@${image.digest}`)!;
      res.writeHead(200, { 'content-type': stored.mediaType, 'docker-content-digest': 'sha256:' + '0'.repeat(64) }).end(stored.bytes);
      return true;
    };
    // HEAD gives the bogus digest too; the GET by that digest then fails verification.
    server.intercept = ((orig) => (req, res, url) => {
      if (url.pathname.endsWith('/manifests/v1') && req.method === 'HEAD') {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': 'sha256:' + '0'.repeat(64) }).end();
        return true;
      }
      if (url.pathname.endsWith('/manifests/sha256:' + '0'.repeat(64))) {
        const stored = server.manifests.get(`team/app@${image.digest}`)!;
        res.writeHead(200, { 'content-type': stored.mediaType }).end(stored.bytes);
        return true;
      }
      return orig!(req, res, url);
    })(server.intercept);
    expect((await lookup()(ref(), { signal: signal() })).status).to.equal('error:digest-mismatch');
  });

  it('a referrer whose subject is another image is ignored → none', async () => {
    const other = pushImage(server, 'team/app', 'other', 'other');
    const r = pushReferrer(server, 'team/app', other, tinyBom('m'), { artifactType: CDX });
    tagIndex([{ ...r, artifactType: CDX }]); // listed under OUR image's tag
    const notes: string[] = [];
    const f = await lookup({ onNote: (_i: string, n: string) => notes.push(n) })(ref(), { signal: signal() });
    expect(f.status).to.equal('none');
    expect(f.boms).to.deep.equal([]);
    expect(notes.join()).to.match(/subject/);
  });

  for (const target of ['169.254.169.254', '10.0.0.1', '[fd00:ec2::254]', '100.100.100.200']) {
    it(`a blob redirect to ${target} is refused by the egress policy before any packet leaves loopback`, async () => {
      const bom = tinyBom('m');
      const r = pushReferrer(server, 'team/app', image, bom, { artifactType: CDX });
      tagIndex([r]);
      const bomDigest = [...server.blobs.entries()].find(([, b]) => b.equals(bom))![0];
      server.intercept = (_req, res, url) => {
        if (!url.pathname.includes('/blobs/')) return false;
        res.writeHead(307, { location: `http://${target}/latest/meta-data/` }).end();
        return true;
      };
      const before = guardViolations().length;
      const f = await lookup()(ref(), { signal: signal() });
      expect(f.status).to.equal('error:blocked');
      // The error is ours, raised at connect time, not the test loopback guard's.
      const err = await client.getBlob(parseImageReference(ref()), bomDigest, 1 << 20, signal()).then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(RegistryError);
      expect((err as RegistryError).kind).to.equal('blocked');
      expect((err as Error & { cause?: unknown }).cause).to.be.instanceOf(EgressBlockedError);
      expect(guardViolations().length).to.equal(before);
    });
  }

  it('a redirect to a name that resolves to a private address (DNS rebinding) is refused after resolution', async () => {
    await client.close();
    const resolved: string[] = [];
    client = new RegistryClient({
      insecure: [server.host],
      resolve: async (name) => {
        resolved.push(name);
        return [{ address: '10.0.0.1', family: 4 }];
      },
    });
    const bom = tinyBom('m');
    const r = pushReferrer(server, 'team/app', image, bom, { artifactType: CDX });
    tagIndex([r]);
    server.intercept = (_req, res, url) => {
      if (!url.pathname.includes('/blobs/')) return false;
      res.writeHead(302, { location: 'http://rebind.test/blob' }).end();
      return true;
    };
    const before = guardViolations().length;
    const f = await lookup()(ref(), { signal: signal() });
    expect(f.status).to.equal('error:blocked');
    expect(resolved).to.include('rebind.test');
    expect(guardViolations().length).to.equal(before);
  });

  it('an endless redirect chain stops after 5 hops → error:invalid', async () => {
    const bom = tinyBom('m');
    const r = pushReferrer(server, 'team/app', image, bom, { artifactType: CDX });
    tagIndex([r]);
    let hops = 0;
    server.intercept = (_req, res, url) => {
      if (!url.pathname.includes('/blobs/') && !url.pathname.startsWith('/loop/')) return false;
      hops++;
      res.writeHead(302, { location: `/loop/${hops}` }).end();
      return true;
    };
    const f = await lookup()(ref(), { signal: signal() });
    expect(f.status).to.equal('error:invalid');
    expect(f.detail).to.match(/redirects/);
    expect(hops).to.equal(6);
  });

  it('credentials are not sent to another origin on a blob redirect', async () => {
    const other = await new OciServer().start();
    const seen: (string | undefined)[] = [];
    try {
      const bom = tinyBom('redirected');
      const r = pushReferrer(server, 'team/app', image, bom, { artifactType: CDX });
      tagIndex([r]);
      const bomDigest = [...server.blobs.entries()].find(([, b]) => b.equals(bom))![0];
      other.putBlob(bom);
      other.intercept = (req) => {
        seen.push(req.headers.authorization);
        return false;
      };
      server.intercept = (req, res, url) => {
        if (req.headers.authorization !== 'Basic dTpw') {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
          return true;
        }
        if (url.pathname.includes('/blobs/')) {
          res.writeHead(307, { location: `http://${other.host}/v2/team/app/blobs/${bomDigest}` }).end();
          return true;
        }
        return false;
      };
      const creds = new CredentialStore();
      creds.addDocument({ auths: { [server.host]: { auth: Buffer.from('u:p').toString('base64') } } });
      await client.close();
      client = new RegistryClient({ insecure: [server.host, other.host], credentials: creds });
      const f = await lookup()(ref(), { signal: signal() });
      expect(f.status).to.equal('found');
      expect(seen).to.have.length(1);
      expect(seen[0]).to.equal(undefined);
    } finally {
      await other.stop();
    }
  });

  it('a 10 GB "BOM" descriptor → error:too-large without fetching it', async () => {
    const r = pushReferrer(server, 'team/app', image, undefined, { artifactType: CDX, layerSize: 10 * 1024 ** 3, layerDigest: 'sha256:' + 'a'.repeat(64) });
    tagIndex([r]);
    const f = await lookup()(ref(), { signal: signal() });
    expect(f.status).to.equal('error:too-large');
    expect(server.requests.some((q) => q.includes('/blobs/sha256:' + 'a'.repeat(64)))).to.equal(false);
  });

  it('a 10 GB body served lazily (lying descriptor, no Content-Length) is cut at the cap, memory bounded', async () => {
    const fake = 'sha256:' + 'b'.repeat(64);
    const r = pushReferrer(server, 'team/app', image, undefined, { artifactType: CDX, layerSize: 1000, layerDigest: fake });
    tagIndex([r]);
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x7b);
    server.intercept = (_req, res, url) => {
      if (!url.pathname.endsWith(fake)) return false;
      res.writeHead(200, { 'content-type': 'application/octet-stream' }); // chunked, endless
      const pump = (): void => {
        while (!res.destroyed && sent < 10 * 1024 ** 3) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => undefined);
      pump();
      return true;
    };
    const rss0 = process.memoryUsage().rss;
    const f = await lookup()(ref(), { signal: signal() });
    expect(f.status).to.equal('error:digest-mismatch'); // more bytes than the descriptor says
    // Directly, with no descriptor size: the byte cap stops it.
    sent = 0;
    const err = await client.getBlob(parseImageReference(ref()), fake, 4 * 1024 * 1024, signal()).then(() => undefined, (e: unknown) => e);
    expect((err as RegistryError).kind).to.equal('too-large');
    expect(sent).to.be.below(64 * 1024 * 1024);
    expect(process.memoryUsage().rss - rss0).to.be.below(200 * 1024 * 1024);
  });

  it('a BOM-typed layer holding garbage → error:invalid, no crash', async () => {
    const r = pushReferrer(server, 'team/app', image, Buffer.from('\x00\x01not json at all'), { artifactType: CDX });
    tagIndex([r]);
    const f = await lookup()(ref(), { signal: signal() });
    expect(f.status).to.equal('error:invalid');
  });

  it('a sniffed generic layer that is not a BOM is not a finding → none', async () => {
    const r = pushReferrer(server, 'team/app', image, Buffer.from('hello'), { artifactType: 'application/vnd.example.thing', layerType: 'application/octet-stream' });
    tagIndex([r]);
    expect((await lookup()(ref(), { signal: signal() })).status).to.equal('none');
  });

  it('a hanging registry → timeout at the caller deadline', async () => {
    server.intercept = () => true; // never answers
    const t0 = Date.now();
    const f = await lookup()(ref(), { signal: signal(300) });
    expect(f.status).to.equal('timeout');
    expect(Date.now() - t0).to.be.below(2000);
  });

  it('a missing image → error:not-found; bad auth → error:auth', async () => {
    expect((await lookup()(`${server.host}/team/nope:v1`, { signal: signal() })).status).to.equal('error:not-found');
    server.intercept = (_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }).end();
      return true;
    };
    expect((await lookup()(ref(), { signal: signal() })).status).to.equal('error:auth');
  });

  it('Bearer token flow: anonymous and with credentials, token cached until expiry', async () => {
    const issued: (string | undefined)[] = [];
    server.intercept = (req, res, url) => {
      if (url.pathname === '/token') {
        issued.push(req.headers.authorization);
        expect(url.searchParams.get('service')).to.equal('test-registry');
        expect(url.searchParams.get('scope')).to.equal('repository:team/app:pull');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: req.headers.authorization ? 'user-token' : 'anon-token', expires_in: 300 }));
        return true;
      }
      const auth = req.headers.authorization;
      if (auth !== 'Bearer user-token' && auth !== 'Bearer anon-token') {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${server.host}/token",service="test-registry",scope="repository:team/app:pull"` }).end();
        return true;
      }
      return false;
    };
    const f1 = await lookup()(ref(), { signal: signal() });
    const f2 = await lookup()(ref(), { signal: signal() });
    expect([f1.status, f2.status]).to.deep.equal(['none', 'none']);
    expect(issued).to.deep.equal([undefined]); // one anonymous token, then cached
    const creds = new CredentialStore();
    creds.addDocument({ auths: { [server.host]: { username: 'u', password: 'p' } } });
    await client.close();
    client = new RegistryClient({ insecure: [server.host], credentials: creds });
    expect((await lookup()(ref(), { signal: signal() })).status).to.equal('none');
    expect(issued[1]).to.equal(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('a token realm on another origin over plain http is refused → error:blocked', async () => {
    server.intercept = (_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="http://127.0.0.1:9/token",service="x"' }).end();
      return true;
    };
    expect((await lookup()(ref(), { signal: signal() })).status).to.equal('error:blocked');
  });

  it('over TLS with --ca-file: trusted with the CA, refused without', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aibom-tls-'));
    try {
      const run = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
      run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=test-ca');
      run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=127.0.0.1');
      writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
      run('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '1', '-extfile', 'ext.cnf');
      const tlsServer = https.createServer({ key: readFileSync(join(dir, 'leaf.key')), cert: readFileSync(join(dir, 'leaf.pem')) }, (req, res) => {
        server.intercept = undefined;
        // Proxy to the plain in-process server's handler by forwarding over HTTP.
        const proxied = http.request({ host: '127.0.0.1', port: server.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 500, up.headers);
          up.pipe(res);
        });
        req.pipe(proxied);
      });
      await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
      const host = `127.0.0.1:${(tlsServer.address() as net.AddressInfo).port}`;
      try {
        const withCa = new RegistryClient({ egress: { allow: ['127.0.0.1'] }, ca: readFileSync(join(dir, 'ca.pem')) });
        const withoutCa = new RegistryClient({ egress: { allow: ['127.0.0.1'] } });
        const ok = await composedLookup(withCa)(`${host}/team/app:v1`, { signal: signal() });
        const bad = await composedLookup(withoutCa)(`${host}/team/app:v1`, { signal: signal() });
        await withCa.close();
        await withoutCa.close();
        expect(ok.status).to.equal('none');
        expect(ok.digest).to.equal(image.digest);
        expect(bad.status).to.equal('error:network');
        expect(bad.detail).to.match(/CERT|certificate|self.signed|UNABLE/i);
      } finally {
        tlsServer.closeAllConnections();
        await new Promise((r) => tlsServer.close(r));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
