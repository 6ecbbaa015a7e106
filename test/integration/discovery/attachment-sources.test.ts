// Every attachment convention on the real Debian registry, found through the composed lookup
// (buildImageLookup: lookup service over all sources) exactly as the server and the CLI build it.
import { expect } from 'chai';
import type { ImageFindings } from '../../../src/contracts/lookup.js';
import { registryClientFromConfig } from '../../../src/registry/from-config.js';
import { buildImageLookup } from '../../../src/discovery/build-lookup.js';
import type { LookupService } from '../../../src/discovery/lookup-service.js';
import { defaultConfig, type Config } from '../../../src/config/schema.js';
import type { RegistryClient } from '../../../src/registry/client.js';
import type { CountingProxy } from '../../support/counting-proxy.js';
import { startCountingProxy } from '../../support/counting-proxy.js';
import type { LocalRegistry } from '../../support/local-registry.js';
import { pushTinyImage, sha256, startLocalRegistry } from '../../support/local-registry.js';
import {
  buildkitAttestation, BUNDLE, CDX, CDX_PREDICATE, dsseEnvelope, IN_TOTO, modelBom, publishReferrersTag, pushBomReferrer, pushCosignAtt, pushCosignSbom,
  pushMultiArch, pushReferrer, sigstoreBundle, SLSA_PREDICATE, spdx2Doc, statement, DSSE,
} from '../../support/attachments.js';
import { runCli } from '../../support/cli.js';

describe('attachment sources on the real registry (composed lookup)', function () {
  this.timeout(60_000);
  let registry: LocalRegistry;
  let proxy: CountingProxy;
  const open: RegistryClient[] = [];
  let seq = 0;

  before(async () => {
    registry = await startLocalRegistry();
    // Everything goes through the counting proxy, so blob downloads can be counted too.
    proxy = await startCountingProxy(registry.url);
  });

  after(async () => {
    for (const c of open) await c.close();
    await proxy?.close();
    await registry?.stop();
  });

  beforeEach(() => proxy.clearFaults());

  function configWith(patch: (c: Config) => void = () => undefined): Config {
    const config = defaultConfig();
    config.registries.insecure = [proxy.host];
    patch(config);
    return config;
  }

  function lookupFor(config = configWith()): LookupService {
    const client = registryClientFromConfig(config);
    open.push(client);
    return buildImageLookup(config, { client });
  }

  const find = (lookup: LookupService, image: string): Promise<ImageFindings> => lookup(image, { signal: AbortSignal.timeout(20_000), purpose: 'validate' });
  const models = (f: ImageFindings): string[] => f.boms.flatMap((b) => b.inventory.models.map((m) => m.name)).sort();
  const repo = (): string => `team/app${++seq}`;

  it('multi-arch: BOMs on the index and on one platform manifest are both found and merged; a BOM attached twice counts once', async () => {
    const r = repo();
    const { index, amd64, arm64 } = await pushMultiArch(registry.url, r, 'v1');
    const onIndex = await pushBomReferrer(registry.url, r, index, modelBom('index-model'));
    const shared = modelBom('shared-model');
    const sharedOnIndex = await pushBomReferrer(registry.url, r, index, shared);
    await publishReferrersTag(registry.url, r, index.digest, [onIndex, sharedOnIndex]);
    await publishReferrersTag(registry.url, r, amd64.digest, [await pushBomReferrer(registry.url, r, amd64, modelBom('amd64-model'))]);
    await publishReferrersTag(registry.url, r, arm64.digest, [await pushBomReferrer(registry.url, r, arm64, shared)]);

    const f = await find(lookupFor(), `${proxy.host}/${r}:v1`);
    expect(f.status).to.equal('found');
    expect(f.digest).to.equal(index.digest);
    expect(models(f)).to.deep.equal(['amd64-model', 'index-model', 'shared-model']);
    expect(f.boms.map((b) => b.digest)).to.have.length(new Set(f.boms.map((b) => b.digest)).size);
    const amdBom = f.boms.find((b) => b.inventory.models[0]?.name === 'amd64-model')!;
    expect(amdBom).to.include({ source: 'tag-fallback', subjectDigest: amd64.digest, platform: 'linux/amd64', trust: 'unsigned' });
    const indexBom = f.boms.find((b) => b.inventory.models[0]?.name === 'index-model')!;
    expect(indexBom.subjectDigest).to.equal(index.digest);
    expect(indexBom.platform).to.equal(undefined);
    // The shared BOM is kept where it was first met: on the index.
    expect(f.boms.find((b) => b.digest === sha256(shared))!.subjectDigest).to.equal(index.digest);
  });

  it('multi-arch: discovery.platforms limits the platform manifests looked at', async () => {
    const r = repo();
    const { amd64, arm64 } = await pushMultiArch(registry.url, r, 'v1');
    await publishReferrersTag(registry.url, r, amd64.digest, [await pushBomReferrer(registry.url, r, amd64, modelBom('amd-only'))]);
    await publishReferrersTag(registry.url, r, arm64.digest, [await pushBomReferrer(registry.url, r, arm64, modelBom('arm-only'))]);
    const armOnly = await find(lookupFor(configWith((c) => (c.discovery.platforms = ['linux/arm64']))), `${proxy.host}/${r}:v1`);
    expect(models(armOnly)).to.deep.equal(['arm-only']);
    expect(armOnly.boms[0]!.platform).to.equal('linux/arm64/v8');
    const all = await find(lookupFor(), `${proxy.host}/${r}:v1`);
    expect(models(all)).to.deep.equal(['amd-only', 'arm-only']);
  });

  it('cosign attach sbom: the sha256-<hex>.sbom tag (source cosign-sbom), SPDX under text/spdx+json and CycloneDX', async () => {
    const r = repo();
    const spdxImage = await pushTinyImage(registry.url, r, 'spdx', `${r}-spdx`);
    await pushCosignSbom(registry.url, r, spdxImage.digest, spdx2Doc('spdx-pkg'), 'text/spdx+json');
    const cdxImage = await pushTinyImage(registry.url, r, 'cdx', `${r}-cdx`);
    await pushCosignSbom(registry.url, r, cdxImage.digest, modelBom('cosign-sbom-model'), CDX);
    const lookup = lookupFor();

    const spdx = await find(lookup, `${proxy.host}/${r}:spdx`);
    expect(spdx.status).to.equal('found');
    expect(spdx.boms).to.have.length(1);
    expect(spdx.boms[0]).to.include({ source: 'cosign-sbom', mediaType: 'text/spdx+json', subjectDigest: spdxImage.digest, trust: 'unsigned' });
    expect(spdx.boms[0]!.inventory.format).to.equal('spdx2');

    const cdx = await find(lookup, `${proxy.host}/${r}:cdx`);
    expect(cdx.boms.map((b) => b.source)).to.deep.equal(['cosign-sbom']);
    expect(models(cdx)).to.deep.equal(['cosign-sbom-model']);
  });

  it('cosign attach sbom with CycloneDX XML: a declared BOM that cannot be read is a finding, not silence', async () => {
    const r = repo();
    const image = await pushTinyImage(registry.url, r, 'xml', `${r}-xml`);
    await pushCosignSbom(registry.url, r, image.digest, '<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.6"/>', 'application/vnd.cyclonedx+xml');
    const f = await find(lookupFor(), `${proxy.host}/${r}:xml`);
    expect(f.status).to.equal('error:invalid');
    expect(f.detail).to.match(/CycloneDX XML is not supported/);
  });

  it('cosign attest: a DSSE layer with the https://cyclonedx.org/bom predicate under sha256-<hex>.att (source cosign-att); provenance layers are not downloaded', async () => {
    const r = repo();
    const image = await pushTinyImage(registry.url, r, 'v1', `${r}-att`);
    const provenance = dsseEnvelope(statement(image.digest, SLSA_PREDICATE, { buildDefinition: {} }));
    await pushCosignAtt(registry.url, r, image.digest, [
      { predicateType: SLSA_PREDICATE, body: provenance },
      { predicateType: CDX_PREDICATE, body: dsseEnvelope(statement(image.digest, CDX_PREDICATE, JSON.parse(modelBom('attested-model')))) },
    ]);
    proxy.resetCounts();
    const f = await find(lookupFor(), `${proxy.host}/${r}:v1`);
    expect(f.status).to.equal('found');
    expect(f.boms).to.have.length(1);
    expect(f.boms[0]).to.include({ source: 'cosign-att', subjectDigest: image.digest, trust: 'unsigned', mediaType: CDX });
    expect(f.boms[0]!.inventory.attestation?.predicateType).to.equal(CDX_PREDICATE);
    expect(models(f)).to.deep.equal(['attested-model']);
    expect(proxy.requests.some((q) => q.kind === 'blob' && q.reference === sha256(provenance))).to.equal(false);
  });

  it('cosign attest into a separate repository (discovery.cosignRepository, as COSIGN_REPOSITORY)', async () => {
    const r = repo();
    const sigs = `sigs/store${seq}`;
    const image = await pushTinyImage(registry.url, r, 'v1', `${r}-sep`);
    await pushCosignAtt(registry.url, sigs, image.digest, [{ predicateType: CDX_PREDICATE, body: dsseEnvelope(statement(image.digest, CDX_PREDICATE, JSON.parse(modelBom('elsewhere-model')))) }]);
    await pushCosignSbom(registry.url, sigs, image.digest, modelBom('elsewhere-sbom'), CDX);

    const withRepo = await find(lookupFor(configWith((c) => (c.discovery.cosignRepository = `${proxy.host}/${sigs}`))), `${proxy.host}/${r}:v1`);
    expect(withRepo.status).to.equal('found');
    expect(withRepo.boms.map((b) => b.source).sort()).to.deep.equal(['cosign-att', 'cosign-sbom']);
    expect(models(withRepo)).to.deep.equal(['elsewhere-model', 'elsewhere-sbom']);
    // Without the setting the image's own repository holds nothing.
    expect((await find(lookupFor(), `${proxy.host}/${r}:v1`)).status).to.equal('none');
  });

  it('a DSSE statement whose subject is another image is rejected: not counted, noted in detail', async () => {
    const r = repo();
    const image = await pushTinyImage(registry.url, r, 'v1', `${r}-victim`);
    const other = await pushTinyImage(registry.url, r, 'other', `${r}-other`);
    await pushCosignAtt(registry.url, r, image.digest, [{ predicateType: CDX_PREDICATE, body: dsseEnvelope(statement(other.digest, CDX_PREDICATE, JSON.parse(modelBom('stolen-model')))) }]);
    const f = await find(lookupFor(), `${proxy.host}/${r}:v1`);
    expect(f.status).to.equal('none');
    expect(f.boms).to.deep.equal([]);
    expect(f.detail).to.match(/rejected/);
    expect(f.detail).to.contain(other.digest);
  });

  it('BuildKit attestation manifests inside the index (source buildkit), filed under the platform they describe', async () => {
    const r = repo();
    const { index, arm64 } = await pushMultiArch(registry.url, r, 'v1', async ({ amd64, arm64 }) => [
      await buildkitAttestation(registry.url, r, amd64, [{ predicateType: SLSA_PREDICATE, statement: statement(amd64.digest, SLSA_PREDICATE, {}) }]),
      await buildkitAttestation(registry.url, r, arm64, [
        { predicateType: 'https://spdx.dev/Document', statement: statement(arm64.digest, 'https://spdx.dev/Document', JSON.parse(spdx2Doc('torch'))) },
        { predicateType: SLSA_PREDICATE, statement: statement(arm64.digest, SLSA_PREDICATE, {}) },
      ]),
    ]);
    const f = await find(lookupFor(), `${proxy.host}/${r}@${index.digest}`);
    expect(f.status).to.equal('found');
    expect(f.boms).to.have.length(1);
    expect(f.boms[0]).to.include({ source: 'buildkit', subjectDigest: arm64.digest, platform: 'linux/arm64/v8', trust: 'unsigned' });
    expect(f.boms[0]!.inventory.format).to.equal('spdx2');
  });

  it('a Sigstore bundle v0.3 referrer (source sigstore-bundle, trust unsigned); a bundle of another predicate is never downloaded', async () => {
    const r = repo();
    const image = await pushTinyImage(registry.url, r, 'v1', `${r}-bundle`);
    const bom = await pushReferrer(registry.url, r, image, {
      artifactType: BUNDLE,
      layers: [{ mediaType: BUNDLE, body: sigstoreBundle(statement(image.digest, CDX_PREDICATE, JSON.parse(modelBom('bundled-model')))) }],
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': CDX_PREDICATE },
    });
    const provenanceBody = sigstoreBundle(statement(image.digest, SLSA_PREDICATE, {}));
    const provenance = await pushReferrer(registry.url, r, image, {
      artifactType: BUNDLE,
      layers: [{ mediaType: BUNDLE, body: provenanceBody }],
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope', 'dev.sigstore.bundle.predicateType': SLSA_PREDICATE },
    });
    await publishReferrersTag(registry.url, r, image.digest, [bom, provenance]);
    proxy.resetCounts();
    const f = await find(lookupFor(), `${proxy.host}/${r}:v1`);
    expect(f.status).to.equal('found');
    expect(f.boms).to.have.length(1);
    expect(f.boms[0]).to.include({ source: 'sigstore-bundle', trust: 'unsigned', subjectDigest: image.digest });
    expect(models(f)).to.deep.equal(['bundled-model']);
    // Filtered on the predicate annotation: neither the provenance manifest nor its bundle was fetched.
    expect(proxy.requests.some((q) => q.reference === provenance.digest || q.reference === sha256(provenanceBody))).to.equal(false);
  });

  it('an in-toto referrer with DSSE layers (cosign --registry-referrers-mode=oci-1-1) is a cosign attestation', async () => {
    const r = repo();
    const image = await pushTinyImage(registry.url, r, 'v1', `${r}-intoto`);
    const ref = await pushReferrer(registry.url, r, image, {
      artifactType: IN_TOTO,
      layers: [{ mediaType: DSSE, body: dsseEnvelope(statement(image.digest, `${CDX_PREDICATE}/v1.6`, JSON.parse(modelBom('oci11-model')))), annotations: { predicateType: `${CDX_PREDICATE}/v1.6` } }],
    });
    await publishReferrersTag(registry.url, r, image.digest, [ref]);
    const f = await find(lookupFor(), `${proxy.host}/${r}:v1`);
    expect(f.boms.map((b) => b.source)).to.deep.equal(['cosign-att']);
    expect(models(f)).to.deep.equal(['oci11-model']);
  });

  it('aibom inspect lists every BOM with its source, per platform for a multi-arch image', async () => {
    const r = repo();
    const { index, amd64 } = await pushMultiArch(registry.url, r, 'v1', async ({ arm64 }) => [
      await buildkitAttestation(registry.url, r, arm64, [{ predicateType: 'https://spdx.dev/Document', statement: statement(arm64.digest, 'https://spdx.dev/Document', JSON.parse(spdx2Doc('bk'))) }]),
    ]);
    await publishReferrersTag(registry.url, r, index.digest, [await pushBomReferrer(registry.url, r, index, modelBom('idx'))]);
    await pushCosignSbom(registry.url, r, amd64.digest, modelBom('amd-sbom'), CDX);
    const json = await runCli(['inspect', `${proxy.host}/${r}:v1`, '--json', '--insecure-registry', proxy.host]);
    expect(json.code, json.stderr).to.equal(0);
    const report = JSON.parse(json.stdout) as { platforms: { platform: string }[]; boms: { source: string; platform?: string }[] };
    expect(report.platforms.map((p) => p.platform)).to.deep.equal(['linux/amd64', 'linux/arm64/v8']);
    expect(report.boms.map((b) => [b.platform ?? 'index', b.source])).to.deep.equal([['index', 'tag-fallback'], ['linux/amd64', 'cosign-sbom'], ['linux/arm64/v8', 'buildkit']]);
    const human = await runCli(['inspect', `${proxy.host}/${r}:v1`, '--insecure-registry', proxy.host]);
    expect(human.stdout).to.match(/index:[^\n]*\n {2}bom:[^\n]*source=tag-fallback/);
    expect(human.stdout).to.match(/platform: linux\/amd64 [^\n]*\n {2}bom:[^\n]*source=cosign-sbom/);
    expect(human.stdout).to.match(/platform: linux\/arm64\/v8 [^\n]*\n {2}bom:[^\n]*source=buildkit/);
  });

  it('aibom check --registry looks images up with every source; without --registry it stays offline', async () => {
    const r = repo();
    const image = await pushTinyImage(registry.url, r, 'v1', `${r}-check`);
    await pushCosignSbom(registry.url, r, image.digest, modelBom('checked-model'), CDX);
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ml}\nspec:\n  containers:\n    - {name: c, image: "${proxy.host}/${r}:v1"}\n`;
    const online = await runCli(['check', '-', '--json', '--registry', '--insecure-registry', proxy.host], { stdin: pod });
    expect(online.code, online.stderr).to.equal(0);
    const images = (JSON.parse(online.stdout) as { workloads: { images: { status: string; digest?: string; models: string[] }[] }[] }).workloads[0]!.images;
    expect(images[0]).to.deep.include({ status: 'found', digest: image.digest });
    expect(images[0]!.models.join()).to.contain('checked-model');
    proxy.resetCounts();
    const offline = await runCli(['check', '-', '--json', '--insecure-registry', proxy.host], { stdin: pod });
    expect((JSON.parse(offline.stdout) as { workloads: { images: { status: string }[] }[] }).workloads[0]!.images[0]!.status).to.equal('error:not-found');
    expect(proxy.requests).to.have.length(0);
  });
});
