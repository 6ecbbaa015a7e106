import { expect } from 'chai';
import { judgeReferrer, nextLink } from '../../../src/registry/referrers.js';
import { parseManifest, referrersTag } from '../../../src/contracts/oci-manifest.js';

const d = (mediaType: string, c = 'a'): Record<string, unknown> => ({ mediaType, digest: 'sha256:' + c.repeat(64), size: 10 });
const manifest = (m: Record<string, unknown>): ReturnType<typeof parseManifest> =>
  parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m })));

describe('registry/referrers judgement', () => {
  it('reads a BOM-typed layer as a declared BOM', () => {
    const j = judgeReferrer(manifest({ artifactType: 'application/vnd.cyclonedx+json', config: d('application/vnd.oci.empty.v1+json', '4'), layers: [d('application/vnd.cyclonedx+json; version=1.6')] }));
    expect(j.layers.map((l) => l.declaredType)).to.deep.equal(['application/vnd.cyclonedx+json']);
  });
  it('a generic layer under a BOM artifactType is declared by the artifactType (oras default layer type)', () => {
    const j = judgeReferrer(manifest({ artifactType: 'application/spdx3+json', config: d('application/vnd.oci.empty.v1+json', '4'), layers: [d('application/vnd.oci.image.layer.v1.tar')] }));
    expect(j.layers[0]!.declaredType).to.equal('application/spdx3+json');
  });
  it('older ORAS/cosign: the artifact type in config.mediaType', () => {
    const j = judgeReferrer(manifest({ config: d('application/vnd.dev.cosign.artifact.sbom.v1+json'), layers: [d('text/spdx+json', 'b')] }));
    expect(j.layers[0]!.declaredType).to.equal('text/spdx+json');
  });
  it('generic everything: sniffed, not declared', () => {
    const j = judgeReferrer(manifest({ artifactType: 'application/octet-stream', config: d('application/vnd.oci.empty.v1+json', '4'), layers: [d('application/json')] }));
    expect(j.layers).to.have.length(1);
    expect(j.layers[0]!.declaredType).to.equal(undefined);
  });
  it('signatures and attestations are not read here', () => {
    expect(judgeReferrer(manifest({ artifactType: 'application/vnd.cncf.notary.signature', layers: [d('application/jose+json')] })).layers).to.deep.equal([]);
    expect(judgeReferrer(manifest({ artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', layers: [d('application/vnd.dev.sigstore.bundle.v0.3+json')] })).layers).to.deep.equal([]);
  });
  it('empty-descriptor layers are skipped', () => {
    expect(judgeReferrer(manifest({ artifactType: 'application/vnd.cyclonedx+json', layers: [d('application/vnd.oci.empty.v1+json', '4')] })).skip).to.match(/no layer/);
  });
  it('rejects a body whose mediaType contradicts the Content-Type', () => {
    expect(() => parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] })), 'application/vnd.oci.image.manifest.v1+json')).to.throw(/contradicts/);
  });
  it('parses Link rel="next" headers', () => {
    const base = new URL('https://r.example/v2/a/referrers/x');
    expect(nextLink('</v2/a/referrers/x?n=2>; rel="next"', base)?.href).to.equal('https://r.example/v2/a/referrers/x?n=2');
    expect(nextLink('<https://other.example/p>; rel=next', base)?.origin).to.equal('https://other.example');
    expect(nextLink('</p>; rel="prev"', base)).to.equal(undefined);
    expect(nextLink(undefined, base)).to.equal(undefined);
  });
  it('builds the referrers tag, cut to 64 characters', () => {
    expect(referrersTag('sha256:' + 'a'.repeat(64))).to.equal('sha256-' + 'a'.repeat(64));
    expect(referrersTag('sha512:' + 'b'.repeat(128))).to.equal('sha512-' + 'b'.repeat(64));
  });
});
