// `aibom attach` twice: the second reuses the identical referrer (same artifact type, same BOM bytes)
// and pushes nothing; `--force` adds another; what it prints is the BOM digest `aibom inspect` shows
// (and the referrer manifest). On the real Debian registry (tag fallback) and on a registry that
// serves the referrers API.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { runCli } from '../../support/cli.js';
import { pushTinyImage, startLocalRegistry, type LocalRegistry } from '../../support/local-registry.js';
import { OciServer } from '../../support/oci-server.js';

const BOM = 'examples/boms/model.cdx.json';
const BOM_DIGEST = `sha256:${createHash('sha256').update(readFileSync(BOM)).digest('hex')}`;

interface AttachJson {
  bomDigest: string;
  manifestDigest: string;
  reused?: boolean;
  via: string;
}

async function attach(image: string, host: string, ...extra: string[]): Promise<AttachJson> {
  const run = await runCli(['attach', image, BOM, '--insecure-registry', host, '--json', ...extra]);
  expect(run.code, run.stderr).to.equal(0);
  return JSON.parse(run.stdout) as AttachJson;
}

async function inspectedBoms(image: string, host: string): Promise<string[]> {
  const run = await runCli(['inspect', image, '--insecure-registry', host, '--json']);
  expect(run.code, run.stderr).to.equal(0);
  return (JSON.parse(run.stdout) as { boms: { digest: string }[] }).boms.map((b) => b.digest);
}

describe('cli: aibom attach is idempotent', function () {
  this.timeout(60_000);

  describe('Debian registry (sha256-<hex> tag index)', () => {
    let registry: LocalRegistry;
    before(async () => {
      registry = await startLocalRegistry();
    });
    after(async () => registry?.stop());

    it('the same BOM twice leaves one referrer; the printed ids are the ones inspect shows', async () => {
      await pushTinyImage(registry.url, 'team/once', 'v1');
      const image = `${registry.host}/team/once:v1`;
      const text = await runCli(['attach', image, BOM, '--insecure-registry', registry.host]);
      expect(text.code, text.stderr).to.equal(0);
      expect(text.stdout).to.match(new RegExp(`^attached bom ${BOM_DIGEST} \\(application/vnd\\.cyclonedx\\+json\\) to ${registry.host}/team/once@sha256:[0-9a-f]{64} via tag sha256-[0-9a-f]{64}\\nreferrer manifest sha256:[0-9a-f]{64}\\n$`));
      const second = await attach(image, registry.host);
      expect(second.reused).to.equal(true);
      expect(second.bomDigest).to.equal(BOM_DIGEST);
      expect(text.stdout).to.contain(`referrer manifest ${second.manifestDigest}`);
      expect(await inspectedBoms(image, registry.host)).to.deep.equal([BOM_DIGEST]);
      const again = await runCli(['attach', image, BOM, '--insecure-registry', registry.host]);
      expect(again.stdout).to.match(/^already attached: bom sha256:[0-9a-f]{64} .*nothing pushed \(--force adds another referrer\)\n/);
    });

    it('--force adds a second referrer', async () => {
      await pushTinyImage(registry.url, 'team/twice', 'v1');
      const image = `${registry.host}/team/twice:v1`;
      const first = await attach(image, registry.host);
      // The `created` annotation differs (another second), so the forced manifest is another one.
      await new Promise((r) => setTimeout(r, 1100));
      const forced = await attach(image, registry.host, '--force');
      expect(forced.reused).to.equal(undefined);
      expect(forced.manifestDigest).to.not.equal(first.manifestDigest);
      const tagList = (await (await fetch(`${registry.url}/v2/team/twice/tags/list`)).json()) as { tags: string[] };
      const indexTag = tagList.tags.find((t) => t.startsWith('sha256-'))!;
      const index = (await (await fetch(`${registry.url}/v2/team/twice/manifests/${indexTag}`, { headers: { accept: 'application/vnd.oci.image.index.v1+json' } })).json()) as { manifests: { digest: string }[] };
      expect(index.manifests.map((m) => m.digest)).to.deep.equal([first.manifestDigest, forced.manifestDigest]);
    });

    it('another BOM is attached beside the first, not reused', async () => {
      await pushTinyImage(registry.url, 'team/two-boms', 'v1');
      const image = `${registry.host}/team/two-boms:v1`;
      await attach(image, registry.host);
      const run = await runCli(['attach', image, 'examples/boms/agent.cdx.json', '--insecure-registry', registry.host, '--json']);
      expect(run.code, run.stderr).to.equal(0);
      expect((JSON.parse(run.stdout) as AttachJson).reused).to.equal(undefined);
      expect(await inspectedBoms(image, registry.host)).to.have.length(2);
    });
  });

  describe('registry with the referrers API', () => {
    let server: OciServer;
    before(async () => {
      server = await new OciServer({ referrersApi: true }).start();
    });
    after(async () => server?.stop());

    it('reuses the referrer the API lists; --force pushes another', async () => {
      await pushTinyImage(`http://${server.host}`, 'ml/app', '1.0');
      const image = `${server.host}/ml/app:1.0`;
      const first = await attach(image, server.host);
      expect(first.via).to.equal('api');
      const puts = (): number => server.requests.filter((r) => r.startsWith('PUT ') && r.includes('/manifests/')).length;
      const before = puts();
      const second = await attach(image, server.host);
      expect(second).to.include({ reused: true, manifestDigest: first.manifestDigest, bomDigest: BOM_DIGEST, via: 'api' });
      expect(puts(), 'nothing pushed').to.equal(before);
      await new Promise((r) => setTimeout(r, 1100));
      const forced = await attach(image, server.host, '--force');
      expect(forced.manifestDigest).to.not.equal(first.manifestDigest);
      expect(puts()).to.equal(before + 1);
    });
  });
});
