// The OCI image-layout lookup against layouts written on disk (the demo's, and small hand-made ones).
import { expect } from 'chai';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageFindings, ImageLookup } from '../../../src/contracts/lookup.js';
import { layoutLookup } from '../../../src/discovery/layout-lookup.js';
import { buildDemoLayout, CYCLONEDX_JSON } from '../../../scripts/build-demo-layout.js';
import { OciLayoutWriter } from '../../../scripts/lib/oci-layout-writer.js';
import { tempDir } from '../../support/server.js';

const NEXT: ImageFindings = { status: 'error:not-found', boms: [], detail: 'from next' };
const next: ImageLookup = async () => NEXT;
const signal = new AbortController().signal;
const modelBom = (name: string): string => JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [{ type: 'machine-learning-model', name }] });

describe('discovery/layout-lookup', () => {
  const tmp = tempDir('layout');
  after(() => tmp.remove());
  const lookupIn = (dir: string, maxBomBytes = 1024 * 1024): ImageLookup => layoutLookup({ dir, maxBomBytes, maxReferrers: 50 }, next);

  describe('on the demo layout', () => {
    let demo: ReturnType<typeof buildDemoLayout>;
    before(() => {
      demo = buildDemoLayout(join(tmp.dir, 'demo'));
    });

    it('resolves an image by its ref.name and finds the BOM attached to its index', async () => {
      const f = await lookupIn(demo.dir)(demo.images.sentiment.ref, { signal });
      expect(f.status).to.equal('found');
      expect(f.digest).to.equal(demo.images.sentiment.digest);
      expect(f.boms).to.have.length(1);
      expect(f.boms[0]!.source).to.equal('layout');
      expect(f.boms[0]!.subjectDigest).to.equal(demo.images.sentiment.digest);
      expect(f.boms[0]!.inventory.models.map((m) => m.name)).to.deep.equal(['distilbert-sst2-sentiment']);
    });

    it('resolves an image by digest', async () => {
      const ref = `${demo.images.agent.ref.split(':')[0]}@${demo.images.agent.digest}`;
      const f = await lookupIn(demo.dir)(ref, { signal });
      expect(f.status).to.equal('found');
      // The agent BOM sits in a generic tar layer: the artifactType says it is CycloneDX.
      expect(f.boms[0]!.mediaType).to.equal(CYCLONEDX_JSON);
      expect(f.boms[0]!.inventory.models.map((m) => m.name).sort()).to.deep.equal(['all-minilm-l6-v2', 'llama-3.2-1b-instruct']);
    });

    it('reads a non-AI SBOM as a BOM without models', async () => {
      const f = await lookupIn(demo.dir)(demo.images.frontend.ref, { signal });
      expect(f.status).to.equal('found');
      expect(f.boms[0]!.inventory.models).to.deep.equal([]);
    });

    it('passes images the layout does not hold to the next source', async () => {
      expect(await lookupIn(demo.dir)('registry.aibom.example/demo/unknown:1.0', { signal })).to.equal(NEXT);
      expect(await lookupIn(demo.dir)('registry.aibom.example/demo/sentiment-server:2.0', { signal })).to.equal(NEXT);
    });
  });

  it('finds referrers of a platform manifest below an index, and tag-only ref.names (skopeo style)', async () => {
    const w = new OciLayoutWriter(join(tmp.dir, 'platform'));
    const amd = w.image('app', { os: 'linux', architecture: 'amd64' });
    const arm = w.image('app', { os: 'linux', architecture: 'arm64' });
    const index = w.index([amd, arm]);
    w.list(index, 'v2');
    w.list(w.attach(arm, CYCLONEDX_JSON, { bytes: modelBom('arm-model'), mediaType: CYCLONEDX_JSON, title: 'bom.json' }));
    w.finish();
    const f = await lookupIn(w.dir)('127.0.0.1:5000/team/app:v2', { signal });
    expect(f.status).to.equal('found');
    expect(f.digest).to.equal(index.digest);
    expect(f.boms[0]!.subjectDigest).to.equal(arm.digest);
    expect(f.boms[0]!.inventory.models[0]!.name).to.equal('arm-model');
  });

  it('does not guess when a bare tag names two different images', async () => {
    const w = new OciLayoutWriter(join(tmp.dir, 'ambiguous'));
    w.list(w.image('one'), 'latest');
    w.list(w.image('two'), 'latest');
    w.finish();
    expect(await lookupIn(w.dir)('127.0.0.1:5000/x/one:latest', { signal })).to.equal(NEXT);
  });

  it('answers none for an image without referrers', async () => {
    const w = new OciLayoutWriter(join(tmp.dir, 'bare'));
    const img = w.image('bare');
    w.list(img, '127.0.0.1:5000/x/bare:1');
    w.finish();
    expect(await lookupIn(w.dir)('127.0.0.1:5000/x/bare:1', { signal })).to.deep.include({ status: 'none', digest: img.digest, boms: [] });
  });

  it('reports a tampered BOM blob as error:digest-mismatch', async () => {
    const w = new OciLayoutWriter(join(tmp.dir, 'tampered'));
    const img = w.image('t');
    w.list(img, '127.0.0.1:5000/x/t:1');
    w.list(w.attach(img, CYCLONEDX_JSON, { bytes: modelBom('m'), mediaType: CYCLONEDX_JSON, title: 'bom.json' }));
    w.finish();
    const bomDigest = (await import('node:crypto')).createHash('sha256').update(modelBom('m')).digest('hex');
    writeFileSync(join(w.dir, 'blobs', 'sha256', bomDigest), modelBom('evil'));
    const f = await lookupIn(w.dir)('127.0.0.1:5000/x/t:1', { signal });
    expect(f.status).to.equal('error:digest-mismatch');
    expect(f.detail).to.include(bomDigest);
  });

  it('skips BOMs over the size limit without reading them', async () => {
    const w = new OciLayoutWriter(join(tmp.dir, 'big'));
    const img = w.image('b');
    w.list(img, '127.0.0.1:5000/x/b:1');
    w.list(w.attach(img, CYCLONEDX_JSON, { bytes: modelBom('m'.repeat(4000)), mediaType: CYCLONEDX_JSON, title: 'bom.json' }));
    w.finish();
    const f = await lookupIn(w.dir, 1024)('127.0.0.1:5000/x/b:1', { signal });
    expect(f.status).to.equal('none');
    expect(f.detail).to.match(/over the BOM limit/);
  });

  it('reports a directory that is not a layout, and hostile digests, as error:invalid', async () => {
    expect((await lookupIn(tmp.dir)('127.0.0.1:5000/x/y:1', { signal })).status).to.equal('error:invalid');
    const w = new OciLayoutWriter(join(tmp.dir, 'hostile'));
    w.finish();
    writeFileSync(join(w.dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:../../../etc/passwd', size: 1 }] }));
    const f = await lookupIn(w.dir)('127.0.0.1:5000/x/y:1', { signal });
    expect(f.status).to.equal('error:invalid');
    expect(readdirSync(join(w.dir, 'blobs', 'sha256'))).to.deep.equal([]);
  });

  it('sees an updated layout (index.json rewritten) without a restart', async () => {
    const dir = join(tmp.dir, 'updated');
    const w1 = new OciLayoutWriter(dir);
    w1.list(w1.image('u'), '127.0.0.1:5000/x/u:1');
    w1.finish();
    const lookup = lookupIn(dir);
    expect((await lookup('127.0.0.1:5000/x/u:1', { signal })).status).to.equal('none');
    await new Promise((r) => setTimeout(r, 20));
    const w2 = new OciLayoutWriter(dir);
    const img = w2.image('u');
    w2.list(img, '127.0.0.1:5000/x/u:1');
    w2.list(w2.attach(img, CYCLONEDX_JSON, { bytes: modelBom('late'), mediaType: CYCLONEDX_JSON, title: 'bom.json' }));
    w2.finish();
    expect((await lookup('127.0.0.1:5000/x/u:1', { signal })).status).to.equal('found');
  });
});
