// BOMs attached by the tools users run — oras (referrers API and tag fallback), cosign attest (a
// Sigstore bundle referrer, and the legacy .att tag), cosign attach sbom (.sbom tag) and aibom attach —
// are found by the webhook when the real apiserver admits a Pod, each under its documented source.
import { expect } from 'chai';
import { aiLabels, getObject, kubectl, runOk } from './support/e2e.js';
import { CDX, repoOf, useSuite, type Images } from './support/images.js';

interface BomEntry {
  image: string;
  source: string;
  mediaType: string;
}

describe('e2e: BOMs attached by oras, cosign and aibom attach', function () {
  this.timeout(120_000);
  const t = useSuite('e2e-attach');

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
      await kubectl(t.e, ['run', name, '-n', t.ns, `--image=${t.img[c.image]}`, '--restart=Never']);
      const pod = await getObject(t.e, 'pod', name, t.ns);
      expect(aiLabels(pod.metadata)).to.deep.equal({ 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': c.kind, 'aibom.io/evidence': 'bom' });
      const boms = JSON.parse(pod.metadata.annotations!['aibom.io/boms']!) as BomEntry[];
      expect(boms.map((b) => b.source)).to.deep.equal([c.source]);
      expect(boms[0]!.image).to.equal(t.img[c.image]);
    });
  }

  it('oras discover lists what aibom attach wrote; crane ls shows the tags cosign and oras wrote', async () => {
    const discovered = JSON.parse(await runOk(t.e, 'oras', ['discover', '--plain-http', '--format', 'json', t.img.aibomAttach])) as { manifests?: Array<{ artifactType?: string; digest: string }>; referrers?: Array<{ artifactType?: string; digest: string }> };
    const referrers = discovered.manifests ?? discovered.referrers ?? [];
    expect(referrers).to.have.length(1);
    // go-containerregistry's referrers index reports config.mediaType as artifactType (the spec asks for
    // the manifest's artifactType first): read the manifest oras found.
    const manifest = JSON.parse(await runOk(t.e, 'oras', ['manifest', 'fetch', '--plain-http', `${repoOf(t.img.aibomAttach)}@${referrers[0]!.digest}`])) as { artifactType?: string; subject?: { digest: string }; layers: Array<{ mediaType: string }> };
    expect(manifest.artifactType).to.equal(CDX);
    expect(manifest.layers.map((l) => l.mediaType)).to.deep.equal([CDX]);
    const resolved = (await runOk(t.e, 'crane', ['digest', '--insecure', t.img.aibomAttach])).trim();
    expect(manifest.subject?.digest).to.equal(resolved);
    const tags = (repo: string): Promise<string> => runOk(t.e, 'crane', ['ls', '--insecure', repo]);
    expect(await tags(repoOf(t.img.orasFallback))).to.match(/^sha256-[0-9a-f]{64}$/m);
    expect(await tags(repoOf(t.img.cosignAtt))).to.match(/^sha256-[0-9a-f]{64}\.att$/m);
    expect(await tags(repoOf(t.img.cosignSbom))).to.match(/^sha256-[0-9a-f]{64}\.sbom$/m);
  });
});
