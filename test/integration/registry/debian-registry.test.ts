// Against the real Debian `docker-registry` (distribution 2.8: no referrers API, so the
// `sha256-<hex>` tag fallback): images pushed by raw HTTP, BOMs attached with our `attach` and by
// hand (with the EMPTY artifactType in the index, as some registries write it), an htpasswd
// registry with credentials from a docker config file, and a Pod AdmissionReview end to end.
import { decodePatch, metadataFromPatch, type PatchOperation } from '../../../scripts/lib/admission-client.js';
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { MT } from '../../../src/contracts/oci-manifest.js';
import { freePort, pushManifest, pushTinyImage, sha256, startLocalRegistry, type LocalRegistry } from '../../support/local-registry.js';
import { CDX, pushReferrer } from '../../support/attachments.js';
import { corpusBytes as corpusFile, corpusDir } from '../../support/corpus.js';
import { tinyBom } from '../../support/oci-fixtures.js';
import { RegistryClient } from '../../../src/registry/client.js';
import { CredentialStore } from '../../../src/registry/credentials.js';
import { composedLookup } from '../../support/composed-lookup.js';
import { admit } from '../../../src/admission/admit.js';
import { parseAdmissionReview } from '../../../src/admission/review.js';
import { admissionSettings } from '../../../src/config/settings.js';
import { defaultConfig } from '../../../src/config/schema.js';
import { admissionReview, podObject } from '../../support/admission-review.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { AIBOM_REGISTRIES_REQUEST_TIMEOUT_MS: '3000' } });
  return { code, stdout, stderr };
}

function podReview(image: string): unknown {
  return admissionReview(podObject('llm', [image], 'apps', ['server']), { uid: '3f2a-uid', user: 'dev' });
}

/** Labels and annotations the patch sets, whatever the op granularity. */
function patchedMetadata(ops: PatchOperation[]): Record<string, string> {
  const { labels, annotations } = metadataFromPatch(ops);
  return { ...labels, ...annotations };
}

describe('integration/oci Debian docker-registry (tag fallback)', function () {
  this.timeout(30_000);
  let reg: LocalRegistry;
  let tmp: string;
  const bomFile = join(corpusDir, 'rhtpa__nvidia_canary-1b-v2_aibom.json');

  before(async () => {
    reg = await startLocalRegistry();
    tmp = mkdtempSync(join(tmpdir(), 'aibom-debreg-'));
  });
  after(async () => {
    await reg?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('has no referrers API (404 text/plain), as distribution v2.8 answers', async () => {
    const res = await fetch(`${reg.url}/v2/x/referrers/sha256:${'0'.repeat(64)}`);
    expect(res.status).to.equal(404);
    expect(res.headers.get('content-type')).to.match(/text\/plain/);
  });

  it('`aibom attach` maintains the sha256-<hex> index; `aibom inspect` finds the BOM', async () => {
    const image = await pushTinyImage(reg.url, 'team/app', 'v1', 'app');
    const ref = `${reg.host}/team/app:v1`;
    const attached = await cli('attach', ref, bomFile, '--insecure-registry', reg.host, '--json');
    expect(attached.code, attached.stderr).to.equal(0);
    const result = JSON.parse(attached.stdout) as { via: string; tag: string; subject: { digest: string }; artifactType: string };
    expect(result.via).to.equal('tag');
    expect(result.subject.digest).to.equal(image.digest);
    expect(result.artifactType).to.equal(CDX);

    const index = await fetch(`${reg.url}/v2/team/app/manifests/sha256-${image.digest.slice(7)}`, { headers: { accept: MT.ociIndex } });
    expect(index.status).to.equal(200);
    const doc = (await index.json()) as { manifests: { artifactType: string }[] };
    expect(doc.manifests.map((d) => d.artifactType)).to.deep.equal([CDX]);

    const inspected = await cli('inspect', ref, '--json', '--insecure-registry', reg.host);
    expect(inspected.code, inspected.stderr).to.equal(0);
    const report = JSON.parse(inspected.stdout) as { digest: string; status: string; outcome: string; boms: { source: string; mediaType: string; trust: string; size: number; digest: string }[]; models: { name: string }[] };
    expect(report.digest).to.equal(image.digest);
    expect(report.status).to.equal('found');
    expect(report.outcome).to.equal('model');
    expect(report.boms).to.have.length(1);
    expect(report.boms[0]).to.include({ source: 'tag-fallback', mediaType: CDX, trust: 'unsigned', digest: sha256(corpusFile('rhtpa__nvidia_canary-1b-v2_aibom.json')) });
    expect(report.boms[0]!.size).to.equal(corpusFile('rhtpa__nvidia_canary-1b-v2_aibom.json').length);
    expect(report.models.map((m) => m.name)).to.include('canary-1b-v2');

    const human = await cli('inspect', ref, '--insecure-registry', reg.host);
    expect(human.stdout).to.match(/source=tag-fallback/);
  });

  it('finds a hand-made referrer whose index descriptor carries the EMPTY artifactType, next to one of ours', async () => {
    const image = await pushTinyImage(reg.url, 'team/raw', 'v1', 'raw');
    // oras-style artifact with a generic layer type: only the manifest's artifactType says CycloneDX.
    const art = await pushReferrer(reg.url, 'team/raw', image, { artifactType: CDX, layers: [{ mediaType: MT.ociLayerTar, body: tinyBom('raw-model'), annotations: { 'org.opencontainers.image.title': 'aibom.json' } }] });
    await pushManifest(reg.url, 'team/raw', `sha256-${image.digest.slice(7)}`, { schemaVersion: 2, mediaType: MT.ociIndex, manifests: [{ mediaType: MT.ociManifest, digest: art.digest, size: art.size, artifactType: MT.ociEmpty }] }, MT.ociIndex);
    // Our attach appends to the existing index instead of replacing it.
    const bom2 = join(tmp, 'second.cdx.json');
    writeFileSync(bom2, tinyBom('second-model'));
    expect((await cli('attach', `${reg.host}/team/raw:v1`, bom2, '--insecure-registry', reg.host)).code).to.equal(0);

    const client = new RegistryClient({ insecure: [reg.host] });
    try {
      const f = await composedLookup(client)(`${reg.host}/team/raw:v1`, { signal: AbortSignal.timeout(5000) });
      expect(f.status).to.equal('found');
      expect(f.boms.every((b) => b.source === 'tag-fallback')).to.equal(true);
      expect(f.boms.flatMap((b) => b.inventory.models.map((m) => m.name)).sort()).to.deep.equal(['raw-model', 'second-model']);
    } finally {
      await client.close();
    }
  });

  it('works for a multi-arch index digest (BOM attached to the index)', async () => {
    const amd = await pushTinyImage(reg.url, 'team/multi', 'amd', 'amd');
    const arm = await pushTinyImage(reg.url, 'team/multi', 'arm', 'arm');
    const index = await pushManifest(reg.url, 'team/multi', 'v1', {
      schemaVersion: 2,
      mediaType: MT.ociIndex,
      manifests: [
        { mediaType: MT.ociManifest, digest: amd.digest, size: amd.size, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: MT.ociManifest, digest: arm.digest, size: arm.size, platform: { os: 'linux', architecture: 'arm64' } },
      ],
    }, MT.ociIndex);
    expect((await cli('attach', `${reg.host}/team/multi:v1`, bomFile, '--insecure-registry', reg.host)).code).to.equal(0);
    const r = await cli('inspect', `${reg.host}/team/multi@${index.digest}`, '--json', '--insecure-registry', reg.host);
    expect(r.code, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout) as { digest: string; mediaType: string; platforms: { platform: string; digest: string }[]; boms: { subjectDigest: string }[] };
    expect(report.digest).to.equal(index.digest);
    expect(report.mediaType).to.equal(MT.ociIndex);
    expect(report.platforms).to.deep.equal([{ platform: 'linux/amd64', digest: amd.digest }, { platform: 'linux/arm64', digest: arm.digest }]);
    expect(report.boms[0]!.subjectDigest).to.equal(index.digest);
  });

  it('inspect: exit 0 with no BOM, 2 on a bad reference, 3 when the registry is down', async () => {
    await pushTinyImage(reg.url, 'team/plain', 'v1', 'plain');
    const none = await cli('inspect', `${reg.host}/team/plain:v1`, '--json', '--insecure-registry', reg.host);
    expect(none.code).to.equal(0);
    expect(JSON.parse(none.stdout)).to.include({ status: 'none', outcome: 'no-bom' });
    expect((await cli('inspect', 'Bad//Ref', '--insecure-registry', reg.host)).code).to.equal(2);
    const port = await freePort();
    const down = await cli('inspect', `127.0.0.1:${port}/team/app:v1`, '--json', '--insecure-registry', `127.0.0.1:${port}`);
    expect(down.code).to.equal(3);
    expect(JSON.parse(down.stdout).status).to.equal('error:network');
  });

  it('a loopback registry not named by --insecure-registry or registries.allow is refused (error:blocked)', async () => {
    const r = await cli('inspect', `${reg.host}/team/app:v1`, '--json');
    expect(r.code).to.equal(3);
    expect(JSON.parse(r.stdout).status).to.equal('error:blocked');
  });

  describe('htpasswd-protected registry with a docker config file', () => {
    let secure: LocalRegistry;
    let configFile: string;
    before(async () => {
      secure = await startLocalRegistry({ htpasswd: { user: 'ci', password: 's3cret' } });
      configFile = join(tmp, 'config.json');
      // kubernetes.io/dockerconfigjson shape.
      writeFileSync(configFile, JSON.stringify({ auths: { [secure.host]: { auth: Buffer.from('ci:s3cret').toString('base64') }, '*.example.com': { username: 'x', password: 'y' } } }));
      await pushTinyImage(secure, 'ml/llm', 'v1', 'llm');
    });
    after(async () => secure?.stop());

    it('attach and inspect with --registry-config; without credentials → error:auth, exit 3', async () => {
      const ref = `${secure.host}/ml/llm:v1`;
      const a = await cli('attach', ref, bomFile, '--insecure-registry', secure.host, '--registry-config', configFile);
      expect(a.code, a.stderr).to.equal(0);
      const ok = await cli('inspect', ref, '--json', '--insecure-registry', secure.host, '--registry-config', configFile);
      expect(ok.code, ok.stderr).to.equal(0);
      expect(JSON.parse(ok.stdout).status).to.equal('found');
      const denied = await cli('inspect', ref, '--json', '--insecure-registry', secure.host);
      expect(denied.code).to.equal(3);
      expect(JSON.parse(denied.stdout).status).to.equal('error:auth');
    });

    it('a Pod AdmissionReview whose image lives there is labelled ai-bearing=true with the model names (aibom review)', async () => {
      const reviewFile = join(tmp, 'review.json');
      writeFileSync(reviewFile, JSON.stringify(podReview(`${secure.host}/ml/llm:v1`)));
      const r = await cli('review', reviewFile, '--json', '--insecure-registry', secure.host, '--registry-config', configFile);
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      const out = JSON.parse(r.stdout) as { response: { uid: string; allowed: boolean; patch?: string } };
      expect(out.response.uid).to.equal('3f2a-uid');
      const meta = patchedMetadata(decodePatch(out.response.patch));
      expect(meta['aibom.io/ai-bearing']).to.equal('true');
      const models = JSON.parse(meta['aibom.io/models']!) as { name: string; digest: string }[];
      expect(models.map((m) => m.name)).to.include('canary-1b-v2');
      expect(JSON.parse(meta['aibom.io/lookup']!)).to.deep.equal({ [`${secure.host}/ml/llm:v1`]: 'found' });
    });

    it('the same through admit() with the registry lookup', async () => {
      const creds = new CredentialStore();
      creds.addFile(configFile);
      const client = new RegistryClient({ insecure: [secure.host], credentials: creds });
      try {
        const outcome = await admit(parseAdmissionReview(podReview(`${secure.host}/ml/llm:v1`)), 'mutate', {
          lookup: composedLookup(client),
          settings: admissionSettings(defaultConfig()),
          signal: AbortSignal.timeout(5000),
        });
        expect(outcome.classification?.aiBearing).to.equal('true');
        const meta = patchedMetadata(outcome.patch);
        expect(meta['aibom.io/models']).to.contain('canary-1b-v2');
      } finally {
        await client.close();
      }
    });
  });
});
