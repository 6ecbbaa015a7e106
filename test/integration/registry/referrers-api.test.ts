// The referrers-API path against an in-process server that follows distribution-spec v1.1.
import { expect } from 'chai';
import { OciServer } from '../../support/oci-server.js';
import { CDX } from '../../support/attachments.js';
import { corpusBytes as corpusFile } from '../../support/corpus.js';
import { pushImage, pushReferrer, tinyBom } from '../../support/oci-fixtures.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { listReferrers } from '../../../src/registry/referrers.js';
import { composedLookup } from '../../support/composed-lookup.js';
import { attachBom } from '../../../src/registry/attach.js';
import { parseImageReference } from '../../../src/contracts/image-reference.js';

const signal = (): AbortSignal => AbortSignal.timeout(5000);

describe('integration/oci referrers API (in-process distribution-spec v1.1 server)', () => {
  let server: OciServer;
  let client: RegistryClient;
  beforeEach(async () => {
    server = await new OciServer({ referrersApi: true, pageSize: 2, filter: true }).start();
    client = new RegistryClient({ insecure: [server.host], requestTimeoutMs: 2000 });
  });
  afterEach(async () => {
    await client.close();
    await server.stop();
  });

  it('follows Link pagination and finds every BOM through the API (source: referrers)', async () => {
    const image = pushImage(server, 'team/app', 'v1');
    for (let i = 0; i < 5; i++) pushReferrer(server, 'team/app', image, tinyBom(`model-${i}`), { artifactType: CDX });
    const repo = parseImageReference(`${server.host}/team/app:v1`);
    const list = await listReferrers(client, repo, image.digest, signal());
    expect(list.via).to.equal('api');
    expect(list.descriptors).to.have.length(5);
    expect(server.requests.filter((r) => r.includes('/referrers/'))).to.have.length(3); // pages of 2
    expect(server.requests.some((r) => r.includes('/manifests/sha256-'))).to.equal(false);

    const findings = await composedLookup(client)(repo.normalized, { signal: signal() });
    expect(findings.status).to.equal('found');
    expect(findings.digest).to.equal(image.digest);
    expect(findings.boms.map((b) => b.source)).to.deep.equal(Array(5).fill('referrers'));
    expect(findings.boms.flatMap((b) => b.inventory.models.map((m) => m.name)).sort()).to.deep.equal(['model-0', 'model-1', 'model-2', 'model-3', 'model-4']);
  });

  it('sends the artifactType filter and trusts OCI-Filters-Applied', async () => {
    const image = pushImage(server, 'team/app', 'v1');
    pushReferrer(server, 'team/app', image, tinyBom('m'), { artifactType: CDX });
    pushReferrer(server, 'team/app', image, Buffer.from('sig'), { artifactType: 'application/vnd.cncf.notary.signature', layerType: 'application/octet-stream' });
    const repo = parseImageReference(`${server.host}/team/app:v1`);
    const list = await listReferrers(client, repo, image.digest, signal(), { artifactType: CDX });
    expect(server.requests.some((r) => r.includes(`artifactType=${encodeURIComponent(CDX)}`))).to.equal(true);
    expect(list.descriptors.map((d) => d.artifactType)).to.deep.equal([CDX]);
  });

  it('filters on the client when the registry did not apply the filter', async () => {
    await server.stop();
    server = await new OciServer({ referrersApi: true, filter: false }).start();
    await client.close();
    client = new RegistryClient({ insecure: [server.host], requestTimeoutMs: 2000 });
    const image = pushImage(server, 'team/app', 'v1');
    pushReferrer(server, 'team/app', image, tinyBom('m'), { artifactType: CDX });
    pushReferrer(server, 'team/app', image, Buffer.from('sig'), { artifactType: 'application/vnd.cncf.notary.signature', layerType: 'application/octet-stream' });
    const list = await listReferrers(client, parseImageReference(`${server.host}/team/app:v1`), image.digest, signal(), { artifactType: CDX });
    expect(list.descriptors.map((d) => d.artifactType)).to.deep.equal([CDX]);
  });

  it('does not follow a Link to another origin', async () => {
    const image = pushImage(server, 'team/app', 'v1');
    for (let i = 0; i < 3; i++) pushReferrer(server, 'team/app', image, tinyBom(`m${i}`), { artifactType: CDX });
    server.intercept = (req, res, url) => {
      if (!url.pathname.includes('/referrers/')) return false;
      const all = server.referrersOf('team/app', image.digest);
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json', link: '<http://127.0.0.2:1/v2/team/app/referrers/x>; rel="next"' });
      res.end(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: all.slice(0, 1) }));
      return true;
    };
    const list = await listReferrers(client, parseImageReference(`${server.host}/team/app:v1`), image.digest, signal());
    expect(list.descriptors).to.have.length(1);
    expect(list.notes.join()).to.match(/another origin/);
  });

  it('attach uses the API when the registry answers OCI-Subject (no fallback tag written)', async () => {
    const image = pushImage(server, 'team/app', 'v2');
    const ref = parseImageReference(`${server.host}/team/app:v2`);
    const result = await attachBom(client, ref, corpusFile('rhtpa__nvidia_canary-1b-v2_aibom.json'), { artifactType: CDX, fileName: 'aibom.json' }, signal());
    expect(result.via).to.equal('api');
    expect(result.subject.digest).to.equal(image.digest);
    expect([...server.tags.keys()].some((t) => t.includes('sha256-'))).to.equal(false);
    const findings = await composedLookup(client)(ref.normalized, { signal: signal() });
    expect(findings.status).to.equal('found');
    expect(findings.boms[0]!.inventory.models.map((m) => m.name)).to.include('canary-1b-v2');
  });

  it('remembers per registry that the API is unsupported (one probe, then the tag)', async () => {
    await server.stop();
    server = await new OciServer({ referrersApi: false }).start();
    await client.close();
    client = new RegistryClient({ insecure: [server.host], requestTimeoutMs: 2000 });
    const a = pushImage(server, 'team/a', 'v1', 'a');
    const b = pushImage(server, 'team/b', 'v1', 'b');
    const lookup = composedLookup(client);
    await lookup(`${server.host}/team/a:v1`, { signal: signal() });
    await lookup(`${server.host}/team/b:v1`, { signal: signal() });
    expect(server.requests.filter((r) => r.includes('/referrers/'))).to.have.length(1);
    // The fallback tag itself, once per image (the cosign `sha256-<hex>.sbom`/`.att` tags are other probes).
    expect(server.requests.filter((r) => r.endsWith(`/manifests/sha256-${a.digest.slice(7)}`) || r.endsWith(`/manifests/sha256-${b.digest.slice(7)}`))).to.have.length(2);
  });

  it('caps referrers per image (limits.maxReferrers) and the bytes per lookup (limits.maxLookupBytes)', async () => {
    const image = pushImage(server, 'team/app', 'v1');
    for (let i = 0; i < 7; i++) pushReferrer(server, 'team/app', image, tinyBom(`model-${i}`), { artifactType: CDX });
    const notes: string[] = [];
    const capped = await composedLookup(client, { limits: { maxReferrers: 3 }, onNote: (_i, n) => notes.push(n) })(`${server.host}/team/app:v1`, { signal: signal() });
    expect(capped.boms).to.have.length(3);
    expect(notes.join()).to.match(/more than 3 referrers/);
    const broke = await composedLookup(client, { limits: { maxLookupBytes: 2000 } })(`${server.host}/team/app:v1`, { signal: signal() });
    expect(broke.boms.length).to.be.below(7);
    const tiny = await composedLookup(client, { limits: { maxLookupBytes: 600 } })(`${server.host}/team/app:v1`, { signal: signal() });
    expect(tiny.status).to.equal('error:too-large');
  });

  it('reads through a configured mirror; the mirror host is what the egress policy and credentials see', async () => {
    const image = pushImage(server, 'team/app', 'v1');
    pushReferrer(server, 'team/app', image, tinyBom('mirrored'), { artifactType: CDX });
    await client.close();
    client = new RegistryClient({ insecure: [server.host], mirrors: { 'registry.upstream.example': server.host } });
    const f = await composedLookup(client)('registry.upstream.example/team/app:v1', { signal: signal() });
    expect(f.status).to.equal('found');
    expect(f.boms[0]!.inventory.models[0]!.name).to.equal('mirrored');
  });
});
