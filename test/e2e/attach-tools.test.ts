// BOMs attached by the tools users run — oras (referrers API and tag fallback), cosign attest (a
// Sigstore bundle referrer, and the legacy .att tag), cosign attach sbom (.sbom tag) and aibom attach —
// are found by the webhook when the real apiserver admits a Pod, each under its documented source.
import { expect } from 'chai';
import { aiLabels, getObject, kubectl, namespace, runOk, useE2E, type E2E } from './support/e2e.js';
import { CDX, images, repoOf, type Images } from './support/images.js';

interface BomEntry {
  image: string;
  source: string;
  mediaType: string;
}

describe('e2e: BOMs attached by oras, cosign and aibom attach', function () {
  this.timeout(120_000);
  const cluster = useE2E();
  let e: E2E;
  let img: Images;
  let ns: string;

  before(async function () {
    this.timeout(300_000);
    e = cluster();
    img = await images(e);
    ns = await namespace(e, 'e2e-attach');
  });

  const cases: Array<{ tool: string; image: keyof Images; source: string; kind: string }> = [
    { tool: 'oras attach (referrers API)', image: 'orasReferrers', source: 'referrers', kind: 'model' },
    { tool: 'oras attach (docker-registry: sha256-<hex> tag fallback)', image: 'orasFallback', source: 'tag-fallback', kind: 'model' },
    { tool: 'cosign attest --type cyclonedx (Sigstore bundle referrer)', image: 'cosignBundle', source: 'sigstore-bundle', kind: 'agent' },
    { tool: 'cosign attest --new-bundle-format=false (.att tag)', image: 'cosignAtt', source: 'cosign-att', kind: 'model' },
    { tool: 'cosign attach sbom (.sbom tag)', image: 'cosignSbom', source: 'cosign-sbom', kind: 'model' },
    { tool: 'aibom attach', image: 'aibomAttach', source: 'referrers', kind: 'model' },
  ];
  for (const c of cases) {
    it(`${c.tool}: found as source ${c.source}`, async () => {
      const name = `by-${c.image.toLowerCase()}`;
      await kubectl(e, ['run', name, '-n', ns, `--image=${img[c.image]}`, '--restart=Never']);
      const pod = await getObject(e, 'pod', name, ns);
      expect(aiLabels(pod.metadata)).to.deep.equal({ 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': c.kind, 'aibom.io/evidence': 'bom' });
      const boms = JSON.parse(pod.metadata.annotations!['aibom.io/boms']!) as BomEntry[];
      expect(boms.map((b) => b.source)).to.deep.equal([c.source]);
      expect(boms[0]!.image).to.equal(img[c.image]);
    });
  }

  it('oras discover lists what aibom attach wrote; crane ls shows the tags cosign and oras wrote', async () => {
    const discovered = JSON.parse(await runOk(e, 'oras', ['discover', '--plain-http', '--format', 'json', img.aibomAttach])) as { manifests?: Array<{ artifactType?: string; digest: string }>; referrers?: Array<{ artifactType?: string; digest: string }> };
    const referrers = discovered.manifests ?? discovered.referrers ?? [];
    expect(referrers).to.have.length(1);
    // go-containerregistry's referrers index reports config.mediaType as artifactType (the spec asks for
    // the manifest's artifactType first): read the manifest oras found.
    const manifest = JSON.parse(await runOk(e, 'oras', ['manifest', 'fetch', '--plain-http', `${repoOf(img.aibomAttach)}@${referrers[0]!.digest}`])) as { artifactType?: string; subject?: { digest: string }; layers: Array<{ mediaType: string }> };
    expect(manifest.artifactType).to.equal(CDX);
    expect(manifest.layers.map((l) => l.mediaType)).to.deep.equal([CDX]);
    const resolved = (await runOk(e, 'crane', ['digest', '--insecure', img.aibomAttach])).trim();
    expect(manifest.subject?.digest).to.equal(resolved);
    const tags = (repo: string): Promise<string> => runOk(e, 'crane', ['ls', '--insecure', repo]);
    expect(await tags(repoOf(img.orasFallback))).to.match(/^sha256-[0-9a-f]{64}$/m);
    expect(await tags(repoOf(img.cosignAtt))).to.match(/^sha256-[0-9a-f]{64}\.att$/m);
    expect(await tags(repoOf(img.cosignSbom))).to.match(/^sha256-[0-9a-f]{64}\.sbom$/m);
  });
});
