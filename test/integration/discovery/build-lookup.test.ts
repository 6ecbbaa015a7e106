// The composed lookup (buildImageLookup: lookup service over every attachment source and the real
// registry client) behind the counting proxy: single-flight and deadlines hold for the real thing,
// counted where the requests arrive.
import { expect } from 'chai';
import { Registry } from 'prom-client';
import type { LookupOptions } from '../../../src/contracts/lookup.js';
import { registryClientFromConfig } from '../../../src/registry/from-config.js';
import { buildImageLookup } from '../../../src/discovery/build-lookup.js';
import type { LookupService } from '../../../src/discovery/lookup-service.js';
import { defaultConfig } from '../../../src/config/schema.js';
import { createLookupMetrics } from '../../../src/metrics/lookup-metrics.js';
import type { RegistryClient } from '../../../src/registry/client.js';
import type { CountingProxy } from '../../support/counting-proxy.js';
import { startCountingProxy } from '../../support/counting-proxy.js';
import type { Descriptor } from '../../../src/contracts/oci-manifest.js';
import type { LocalRegistry } from '../../support/local-registry.js';
import { pushTinyImage, startLocalRegistry } from '../../support/local-registry.js';
import { CDX_PREDICATE, dsseEnvelope, modelBom, publishReferrersTag, pushBomReferrer, pushCosignAtt, statement } from '../../support/attachments.js';
import { metricValue } from '../../support/metric-value.js';

describe('buildImageLookup on the real registry (counting proxy)', function () {
  this.timeout(60_000);
  let registry: LocalRegistry;
  let proxy: CountingProxy;
  let client: RegistryClient;
  let prom: Registry;
  let lookup: LookupService;
  let seq = 0;

  before(async () => {
    registry = await startLocalRegistry();
    proxy = await startCountingProxy(registry.url);
  });

  after(async () => {
    await proxy?.close();
    await registry?.stop();
  });

  beforeEach(() => {
    proxy.clearFaults();
    const config = defaultConfig();
    config.registries.insecure = [proxy.host];
    client = registryClientFromConfig(config);
    prom = new Registry();
    lookup = buildImageLookup(config, { client, metrics: createLookupMetrics(prom) });
  });

  afterEach(async () => {
    await lookup.whenIdle();
    await client.close();
  });

  /** A new image with a referrer BOM (tag schema) and a cosign attestation. */
  async function newImage(): Promise<{ image: Descriptor; tagRef: string; digestRef: string }> {
    const tag = `v${++seq}`;
    const image = await pushTinyImage(registry.url, 'team/app', tag, `${tag}-${process.hrtime.bigint()}`);
    await publishReferrersTag(registry.url, 'team/app', image.digest, [await pushBomReferrer(registry.url, 'team/app', image, modelBom(`ref-${tag}`))]);
    await pushCosignAtt(registry.url, 'team/app', image.digest, [{ predicateType: CDX_PREDICATE, body: dsseEnvelope(statement(image.digest, CDX_PREDICATE, JSON.parse(modelBom(`att-${tag}`)))) }]);
    proxy.resetCounts();
    return { image, tagRef: `${proxy.host}/team/app:${tag}`, digestRef: `${proxy.host}/team/app@${image.digest}` };
  }

  const mutate = (ms: number): LookupOptions => ({ signal: AbortSignal.timeout(ms), purpose: 'mutate' });

  it('100 concurrent lookups of one new digest: one manifest fetch and one referrers probe at the registry', async () => {
    const { image, digestRef } = await newImage();
    const results = await Promise.all(Array.from({ length: 100 }, () => lookup(digestRef, mutate(20_000))));
    for (const r of results) {
      expect(r.status).to.equal('found');
      expect(r.boms.map((b) => b.source).sort()).to.deep.equal(['cosign-att', 'tag-fallback']);
    }
    expect(proxy.requests.filter((q) => q.kind === 'manifest-digest' && q.reference === image.digest)).to.have.length(1);
    expect(proxy.count('referrers', 'GET')).to.equal(1);
    // Every other probe once too: the tag schema index, the .sbom and .att tags.
    const hex = image.digest.slice('sha256:'.length);
    for (const tag of [`sha256-${hex}`, `sha256-${hex}.sbom`, `sha256-${hex}.att`]) {
      expect(proxy.requests.filter((q) => q.reference === tag), tag).to.have.length(1);
    }
    expect(await metricValue(prom, 'aibom_lookup_background_started_total', { kind: 'digest' })).to.equal(1);
    expect(await metricValue(prom, 'aibom_lookup_source_duration_seconds', { source: 'cosign-att', outcome: 'found' })).to.equal(1);
    expect(await metricValue(prom, 'aibom_lookup_source_duration_seconds', { source: 'tag-fallback', outcome: 'found' })).to.equal(1);
    expect(await metricValue(prom, 'aibom_lookup_source_duration_seconds', { source: 'cosign-sbom', outcome: 'none' })).to.equal(1);
  });

  it('discovery.cosignTags: false skips the legacy cosign tags: 4 requests for a digest with a tag-fallback BOM', async () => {
    const { image, digestRef } = await newImage();
    const config = defaultConfig();
    config.registries.insecure = [proxy.host];
    config.discovery.cosignTags = false;
    const lean = buildImageLookup(config, { client });
    // The referrers API probe is made once per registry and remembered; count a lookup after it.
    await lean(`${proxy.host}/team/app@${(await newImage()).image.digest}`, mutate(20_000));
    await lean.whenIdle();
    proxy.resetCounts();
    const r = await lean(digestRef, mutate(20_000));
    expect(r.status).to.equal('found');
    expect(r.boms.map((b) => b.source)).to.deep.equal(['tag-fallback']);
    const hex = image.digest.slice('sha256:'.length);
    expect(proxy.requests.filter((q) => q.reference === `sha256-${hex}.sbom` || q.reference === `sha256-${hex}.att`)).to.have.length(0);
    // the image manifest, the sha256-<hex> index, the BOM artifact manifest, the BOM blob
    expect(proxy.requests.map((q) => q.kind).sort()).to.deep.equal(['blob', 'manifest-digest', 'manifest-digest', 'manifest-tag']);
    await lean.whenIdle();
  });

  it('100 concurrent lookups of one new tag: one GET by tag, whose manifest the digest lookup reuses', async () => {
    const { image, tagRef } = await newImage();
    const results = await Promise.all(Array.from({ length: 100 }, () => lookup(tagRef, mutate(20_000))));
    expect(results.every((r) => r.status === 'found' && r.digest === image.digest)).to.equal(true);
    expect(proxy.count('manifest-tag', 'GET') - proxy.requests.filter((q) => q.reference?.startsWith('sha256-')).length, 'GETs of the image tag').to.equal(1);
    expect(proxy.count('manifest-tag', 'HEAD')).to.equal(0);
    expect(proxy.requests.filter((q) => q.kind === 'manifest-digest' && q.reference === image.digest), 'the image manifest by digest').to.have.length(0);
    expect(proxy.count('referrers', 'GET')).to.equal(1);
    expect(results[0]!.boms.map((b) => b.source).sort()).to.deep.equal(['cosign-att', 'tag-fallback']);
  });

  it('a tag resolved before is re-resolved with HEAD once its cache entry expires (no manifest GET when the digest is unchanged)', async () => {
    const config = defaultConfig();
    config.registries.insecure = [proxy.host];
    let offsetMs = 0;
    const clocked = buildImageLookup(config, { client, clock: { now: () => performance.now() + offsetMs } });
    const { image, tagRef } = await newImage();
    expect((await clocked(tagRef, mutate(20_000))).status).to.equal('found');
    await clocked.whenIdle();
    offsetMs += (config.cache.tagTtlSeconds + 1) * 1000;
    proxy.resetCounts();
    const again = await clocked(tagRef, mutate(20_000));
    expect(again).to.include({ status: 'found', digest: image.digest });
    expect(proxy.requests.map((q) => `${q.method} ${q.kind}`)).to.deep.equal(['HEAD manifest-tag']);
  });

  it('a digest: the referrers and cosign tag probes do not wait for the image manifest', async () => {
    const { image, digestRef } = await newImage();
    const hex = image.digest.slice('sha256:'.length);
    // Within the client's per-request timeout (2 s), so the lookup still succeeds.
    proxy.inject({ kind: 'manifest-digest', url: image.digest }, { delayMs: 1_500 }, 1);
    const pending = lookup(digestRef, mutate(20_000));
    const manifestAnswered: Record<string, boolean> = {};
    for (let i = 0; i < 150 && Object.keys(manifestAnswered).length < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const manifest = proxy.requests.find((q) => q.kind === 'manifest-digest' && q.reference === image.digest);
      for (const tag of [`sha256-${hex}`, `sha256-${hex}.sbom`, `sha256-${hex}.att`]) {
        if (!(tag in manifestAnswered) && proxy.requests.some((q) => q.reference === tag)) manifestAnswered[tag] = manifest?.status !== undefined;
      }
    }
    expect(manifestAnswered).to.deep.equal({ [`sha256-${hex}`]: false, [`sha256-${hex}.sbom`]: false, [`sha256-${hex}.att`]: false });
    const r = await pending;
    expect(r.status).to.equal('found');
    expect(r.boms.map((b) => b.source).sort()).to.deep.equal(['cosign-att', 'tag-fallback']);
  });

  it('a digest whose manifest fails: the lookup fails with the manifest\'s status, the probes started with it are dropped', async () => {
    const { image, digestRef } = await newImage();
    proxy.inject({ kind: 'manifest-digest', url: image.digest }, { status: 200, body: JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'0'.repeat(64)}`, size: 2 }, layers: [] }), headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } }, 1);
    const r = await lookup(digestRef, mutate(20_000));
    expect(r).to.include({ status: 'error:digest-mismatch', digest: image.digest });
    expect(r.boms).to.deep.equal([]);
    await lookup.whenIdle();
    for (const source of ['tag-fallback', 'referrers', 'cosign-sbom', 'cosign-att']) {
      for (const outcome of ['found', 'none', 'error', 'timeout']) {
        expect(await metricValue(prom, 'aibom_lookup_source_duration_seconds', { source, outcome }), `${source} ${outcome}`).to.equal(0);
      }
    }
  });

  it('a registry slower than the deadline: mutate answers timeout in time, the lookup completes in the background, the next request is a cache hit', async () => {
    const { image, digestRef } = await newImage();
    // Ten times the mutate deadline (so "in time" holds on a loaded machine), within the client's
    // per-request timeout (registries.requestTimeoutMs, 2 s), so the background lookup can succeed.
    proxy.inject({ kind: 'manifest-digest', url: image.digest }, { delayMs: 1_200 }, 1);
    const started = performance.now();
    const r = await lookup(digestRef, mutate(120));
    expect(r).to.include({ status: 'timeout', digest: image.digest });
    expect(performance.now() - started).to.be.below(1_100);
    expect(proxy.requests.find((q) => q.kind === 'manifest-digest')?.status, 'answered before the registry did').to.equal(undefined);

    await lookup.whenIdle();
    expect(await metricValue(prom, 'aibom_lookup_background_detached_total', { kind: 'digest' })).to.equal(1);
    expect(await metricValue(prom, 'aibom_lookup_background_finished_total', { kind: 'digest', status: 'found' })).to.equal(1);
    const before = proxy.requests.length;
    const next = await lookup(digestRef, mutate(120));
    expect(next.status).to.equal('found');
    expect(next.boms).to.have.length(2);
    expect(proxy.requests.length, 'no registry call for the cached digest').to.equal(before);
    expect(await metricValue(prom, 'aibom_lookups_total', { served: 'cache', status: 'found' })).to.equal(1);
  });
});
