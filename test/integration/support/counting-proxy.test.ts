// The counting proxy itself, against the real registry: counting and each fault kind.
import { expect } from 'chai';
import { request } from 'node:http';
import type { CountingProxy } from '../../support/counting-proxy.js';
import { classifyRegistryPath, startCountingProxy } from '../../support/counting-proxy.js';
import type { LocalRegistry } from '../../support/local-registry.js';
import { pushBlob, pushTinyImage, startLocalRegistry } from '../../support/local-registry.js';
import { waitFor } from '../../support/deferred.js';

/** GET through node:http, collecting what arrived even when the connection breaks. */
function rawGet(url: string): Promise<{ status?: number; body: Buffer; error?: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let status: number | undefined;
    const req = request(url, { agent: false }, (res) => {
      status = res.statusCode;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status, body: Buffer.concat(chunks) }));
      res.on('error', (err) => resolve({ status, body: Buffer.concat(chunks), error: err.message }));
    });
    req.on('error', (err) => resolve({ status, body: Buffer.concat(chunks), error: err.message }));
    req.end();
  });
}

describe('counting proxy', function () {
  this.timeout(30_000);
  let registry: LocalRegistry;
  let proxy: CountingProxy;
  const blob = 'x'.repeat(1000);
  let blobDigest = '';

  before(async () => {
    registry = await startLocalRegistry();
    proxy = await startCountingProxy(registry.url);
    blobDigest = (await pushBlob(registry.url, 'probe/blobs', blob)).digest;
  });

  after(async () => {
    await proxy?.close();
    await registry?.stop();
  });

  beforeEach(() => {
    proxy.clearFaults();
    proxy.resetCounts();
  });

  it('classifies registry API paths', () => {
    const d = `sha256:${'a'.repeat(64)}`;
    expect(classifyRegistryPath('/v2/')).to.deep.equal({ kind: 'base' });
    expect(classifyRegistryPath(`/v2/a/b/manifests/${d}`)).to.deep.equal({ kind: 'manifest-digest', repository: 'a/b', reference: d });
    expect(classifyRegistryPath('/v2/a/b/manifests/v1')).to.deep.equal({ kind: 'manifest-tag', repository: 'a/b', reference: 'v1' });
    expect(classifyRegistryPath(`/v2/a/referrers/${d}?artifactType=x`)).to.deep.equal({ kind: 'referrers', repository: 'a', reference: d });
    expect(classifyRegistryPath(`/v2/a/blobs/${d}`)).to.deep.equal({ kind: 'blob', repository: 'a', reference: d });
    expect(classifyRegistryPath('/v2/a/blobs/uploads/123?_state=x')).to.deep.equal({ kind: 'blob-upload', repository: 'a' });
    expect(classifyRegistryPath('/v2/a/tags/list')).to.deep.equal({ kind: 'tags', repository: 'a' });
  });

  it('counts a push and pulls made through it', async () => {
    await pushTinyImage(proxy.url, 'probe/app', 'v1');
    await rawGet(`${proxy.url}/v2/probe/app/tags/list`);
    const counts = proxy.counts();
    expect(counts['POST blob-upload']).to.equal(2);
    expect(counts['PUT blob-upload']).to.equal(2);
    expect(counts['PUT manifest-tag']).to.equal(1);
    expect(counts['GET tags']).to.equal(1);
    expect(proxy.requests.find((r) => r.kind === 'manifest-tag')?.status).to.equal(201);
  });

  it('answers a status for the next N matches, then forwards again', async () => {
    proxy.inject({ kind: 'blob' }, { status: 503, body: 'busy' }, 1);
    const first = await rawGet(`${proxy.url}/v2/probe/blobs/blobs/${blobDigest}`);
    expect(first.status).to.equal(503);
    expect(first.body.toString()).to.equal('busy');
    const second = await rawGet(`${proxy.url}/v2/probe/blobs/blobs/${blobDigest}`);
    expect(second.status).to.equal(200);
    expect(second.body.toString()).to.equal(blob);
    expect(proxy.requests.map((r) => r.faulted)).to.deep.equal([true, false]);
  });

  it('truncates a body after N bytes while announcing the full length', async () => {
    proxy.inject({ kind: 'blob' }, { truncateAfterBytes: 10 });
    const r = await rawGet(`${proxy.url}/v2/probe/blobs/blobs/${blobDigest}`);
    expect(r.status).to.equal(200);
    expect(r.body.length).to.equal(10);
    expect(r.error).to.be.a('string');
  });

  it('resets the connection', async () => {
    proxy.inject({ method: 'GET', url: /\/blobs\/sha256:/ }, { reset: true });
    const r = await rawGet(`${proxy.url}/v2/probe/blobs/blobs/${blobDigest}`);
    expect(r.status).to.equal(undefined);
    expect(r.error).to.match(/socket hang up|ECONNRESET/);
  });

  it('delays before forwarding', async () => {
    proxy.inject({ kind: 'blob' }, { delayMs: 150 });
    const t0 = performance.now();
    const r = await rawGet(`${proxy.url}/v2/probe/blobs/blobs/${blobDigest}`);
    expect(r.status).to.equal(200);
    expect(performance.now() - t0).to.be.at.least(140);
  });

  it('a removed fault no longer applies', async () => {
    const remove = proxy.inject({ kind: 'blob' }, { status: 500 });
    remove();
    expect((await rawGet(`${proxy.url}/v2/probe/blobs/blobs/${blobDigest}`)).status).to.equal(200);
    expect(() => proxy.inject({}, { status: 500, reset: true })).to.throw(/at most one/);
  });

  it('a hung request ends when the proxy closes', async () => {
    const own = await startCountingProxy(registry.url);
    own.inject({ kind: 'blob' }, { hang: true });
    const pending = rawGet(`${own.url}/v2/probe/blobs/blobs/${blobDigest}`);
    await waitFor(() => own.requests.length === 1, 'the proxy to hold the request');
    expect(own.requests).to.have.length(1);
    await own.close();
    const r = await pending;
    expect(r.status).to.equal(undefined);
    expect(r.error).to.be.a('string');
  });
});
