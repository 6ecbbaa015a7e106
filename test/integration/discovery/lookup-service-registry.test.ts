// The lookup service over the real Debian registry, behind the counting proxy: registry round trips
// are counted where they arrive, not in our code.
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { Agent, request } from 'undici';
import type { FoundBom, ImageFindings, LookupOptions, LookupStatus } from '../../../src/contracts/lookup.js';
import { emptyInventory } from '../../../src/contracts/inventory.js';
import { monotonicClock } from '../../../src/discovery/clock.js';
import type { LookupService } from '../../../src/discovery/lookup-service.js';
import { createLookupService } from '../../../src/discovery/lookup-service.js';
import { defaultConfig } from '../../../src/config/schema.js';
import { createLookupMetrics } from '../../../src/metrics/lookup-metrics.js';
import type { ImageReference } from '../../../src/contracts/image-reference.js';
import type { CountingProxy } from '../../support/counting-proxy.js';
import { startCountingProxy } from '../../support/counting-proxy.js';
import type { Descriptor } from '../../../src/contracts/oci-manifest.js';
import { MT } from '../../../src/contracts/oci-manifest.js';
import { attachWithTagSchema } from '../../support/attachments.js';
import type { LocalRegistry } from '../../support/local-registry.js';
import { pushTinyImage, startLocalRegistry } from '../../support/local-registry.js';
import { metricValue } from '../../support/metric-value.js';

const OCI_INDEX = MT.ociIndex;
const OCI_MANIFEST = MT.ociManifest;

const CYCLONEDX = 'application/vnd.cyclonedx+json';
const ACCEPT = [OCI_MANIFEST, OCI_INDEX].join(', ');

function statusOfHttp(code: number): LookupStatus {
  if (code === 401 || code === 403) return 'error:auth';
  if (code === 404) return 'error:not-found';
  return code >= 500 ? 'error:5xx' : 'error:invalid';
}

/**
 * A deliberately simple underlying lookup for this test (the real one is the registry client):
 * GET the manifest, GET referrers, and on 404 GET the `sha256-<hex>` tag (referrers tag schema).
 * BOM blobs are not fetched: each referrer becomes a FoundBom with an empty inventory.
 */
function simpleRegistryLookup(agent: Agent, base: string) {
  const get = (url: string, signal: AbortSignal, method: 'GET' | 'HEAD' = 'GET') =>
    request(url, { method, headers: { accept: ACCEPT }, signal, dispatcher: agent });

  return {
    async resolveDigest(ref: ImageReference, signal: AbortSignal): Promise<string> {
      const res = await get(`${base}/v2/${ref.repository}/manifests/${ref.tag}`, signal, 'HEAD');
      await res.body.dump();
      if (res.statusCode !== 200) throw Object.assign(new Error(`HEAD manifest: HTTP ${res.statusCode}`), { lookupStatus: statusOfHttp(res.statusCode) });
      return String(res.headers['docker-content-digest']);
    },
    async lookupDigest(ref: ImageReference, signal: AbortSignal): Promise<ImageFindings> {
      const digest = ref.digest as string;
      const manifest = await get(`${base}/v2/${ref.repository}/manifests/${digest}`, signal);
      await manifest.body.dump();
      if (manifest.statusCode !== 200) return { status: statusOfHttp(manifest.statusCode), digest, boms: [] };
      let source: FoundBom['source'] = 'referrers';
      let index = await get(`${base}/v2/${ref.repository}/referrers/${digest}`, signal);
      if (index.statusCode === 404) {
        await index.body.dump();
        source = 'tag-fallback';
        index = await get(`${base}/v2/${ref.repository}/manifests/${digest.replace(':', '-')}`, signal);
        if (index.statusCode === 404) {
          await index.body.dump();
          return { status: 'none', digest, boms: [] };
        }
      }
      if (index.statusCode !== 200) {
        await index.body.dump();
        return { status: statusOfHttp(index.statusCode), digest, boms: [] };
      }
      const { manifests = [] } = (await index.body.json()) as { manifests?: { digest: string; artifactType?: string }[] };
      const boms: FoundBom[] = manifests
        .filter((m) => m.artifactType === CYCLONEDX)
        .map((m) => ({ digest: m.digest, mediaType: CYCLONEDX, source, trust: 'unsigned', subjectDigest: digest, inventory: emptyInventory('cyclonedx') }));
      return { status: boms.length > 0 ? 'found' : 'none', digest, boms };
    },
  };
}

describe('lookup service on the real registry (counting proxy)', function () {
  this.timeout(30_000);
  let registry: LocalRegistry;
  let proxy: CountingProxy;
  let agent: Agent;
  let promRegistry: Registry;
  let service: LookupService;
  let seq = 0;

  before(async () => {
    registry = await startLocalRegistry();
    proxy = await startCountingProxy(registry.url);
    agent = new Agent({ connections: 16 });
  });

  after(async () => {
    await agent?.close();
    await proxy?.close();
    await registry?.stop();
  });

  beforeEach(() => {
    promRegistry = new Registry();
    const underlying = simpleRegistryLookup(agent, proxy.url);
    service = createLookupService({ ...underlying, clock: monotonicClock, metrics: createLookupMetrics(promRegistry), options: defaultConfig().cache });
    proxy.clearFaults();
  });

  /** A new image with a CycloneDX BOM attached through the referrers tag schema. */
  async function newImageWithBom(): Promise<{ image: Descriptor; tagRef: string; digestRef: string }> {
    const tag = `v${++seq}`;
    const image = await pushTinyImage(registry.url, 'team/app', tag, `${tag}-${Date.now()}`);
    await attachWithTagSchema(registry.url, 'team/app', image, JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [] }), CYCLONEDX);
    proxy.resetCounts();
    return { image, tagRef: `${proxy.host}/team/app:${tag}`, digestRef: `${proxy.host}/team/app@${image.digest}` };
  }

  const mutate = (ms: number): LookupOptions => ({ signal: AbortSignal.timeout(ms), purpose: 'mutate' });

  it('100 concurrent lookups of one new digest: one manifest fetch and one referrers probe at the registry', async () => {
    const { image, digestRef } = await newImageWithBom();
    const results = await Promise.all(Array.from({ length: 100 }, () => service(digestRef, mutate(10_000))));
    expect(results.every((r) => r.status === 'found' && r.boms[0]?.source === 'tag-fallback')).to.equal(true);
    const manifestFetches = proxy.requests.filter((r) => r.kind === 'manifest-digest' && r.reference === image.digest);
    expect(manifestFetches).to.have.length(1);
    expect(proxy.count('referrers', 'GET')).to.equal(1);
    // the probe fell back to the tag schema exactly once
    expect(proxy.requests.filter((r) => r.reference === image.digest.replace(':', '-'))).to.have.length(1);
    expect(proxy.requests).to.have.length(3);
  });

  it('100 concurrent lookups of one new tag: one tag resolution, then one set of digest calls', async () => {
    const { tagRef, image } = await newImageWithBom();
    const results = await Promise.all(Array.from({ length: 100 }, () => service(tagRef, mutate(10_000))));
    expect(results.every((r) => r.status === 'found' && r.digest === image.digest)).to.equal(true);
    expect(proxy.counts()).to.deep.equal({ 'HEAD manifest-tag': 1, 'GET manifest-digest': 1, 'GET referrers': 1, 'GET manifest-tag': 1 });
  });

  it('a registry slower than the deadline: mutate answers timeout in time, the lookup completes in the background, the next request hits the cache', async () => {
    const { image, digestRef } = await newImageWithBom();
    proxy.inject({ kind: 'manifest-digest', url: image.digest }, { delayMs: 600 }, 1);
    const r = await service(digestRef, mutate(100));
    expect(r).to.include({ status: 'timeout', digest: image.digest });
    const manifestRequest = proxy.requests.find((q) => q.kind === 'manifest-digest');
    expect(manifestRequest?.faulted).to.equal(true);
    expect(manifestRequest?.status, 'answered before the registry answered').to.equal(undefined);

    await service.whenIdle();
    expect(await metricValue(promRegistry, 'aibom_lookup_background_finished_total', { kind: 'digest', status: 'found' })).to.equal(1);
    expect(await metricValue(promRegistry, 'aibom_lookup_background_detached_total', { kind: 'digest' })).to.equal(1);
    const before = proxy.requests.length;
    const next = await service(digestRef, mutate(100));
    expect(next.status).to.equal('found');
    expect(proxy.requests.length, 'no registry call for the cached digest').to.equal(before);
    expect(await metricValue(promRegistry, 'aibom_lookups_total', { served: 'cache', status: 'found' })).to.equal(1);
  });

  it('a failing registry is an error status, cached briefly, never a throw', async () => {
    const { digestRef } = await newImageWithBom();
    proxy.inject({ kind: 'referrers' }, { status: 503, body: 'down' });
    expect((await service(digestRef, mutate(5_000))).status).to.equal('error:5xx');
    expect((await service(digestRef, mutate(5_000))).status).to.equal('error:5xx');
    expect(proxy.count('referrers')).to.equal(1);

    const other = await newImageWithBom();
    proxy.inject({ kind: 'manifest-digest' }, { reset: true });
    const reset = await service(other.digestRef, mutate(5_000));
    expect(reset.status).to.equal('error:network');
    expect(reset.detail).to.be.a('string');
  });
});
