import { expect } from 'chai';
import { parsePlatformFilter, PlatformFilterError, selectPlatforms } from '../../../src/discovery/platforms.js';
import { credentialIdentity } from '../../../src/discovery/build-lookup.js';
import { parseCosignRepository } from '../../../src/discovery/sources/cosign-tag.js';
import { parseManifest } from '../../../src/contracts/oci-manifest.js';
import { CredentialStore } from '../../../src/registry/credentials.js';
import { RegistryClient } from '../../../src/registry/client.js';

const d = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const M = 'application/vnd.oci.image.manifest.v1+json';

function index(entries: object[]) {
  return parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: entries })));
}

describe('discovery/platforms', () => {
  const idx = index([
    { mediaType: M, digest: d(1), size: 1, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: M, digest: d(2), size: 1, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    { mediaType: M, digest: d(3), size: 1, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    { mediaType: M, digest: d(4), size: 1, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': d(1) } },
    { mediaType: 'application/vnd.oci.image.index.v1+json', digest: d(5), size: 1, platform: { os: 'linux', architecture: 's390x' } },
  ]);

  it('all: every runnable entry, never attestation entries or nested indexes', () => {
    const { platforms, notes } = selectPlatforms(idx, parsePlatformFilter(['all']));
    expect(platforms).to.deep.equal([{ digest: d(1), platform: 'linux/amd64' }, { digest: d(2), platform: 'linux/arm64/v8' }, { digest: d(3), platform: 'linux/arm/v7' }]);
    expect(notes.join()).to.match(/nested index/);
  });

  it('a list: os/arch matches any variant, os/arch/variant only that one', () => {
    expect(selectPlatforms(idx, parsePlatformFilter(['linux/arm64'])).platforms.map((p) => p.digest)).to.deep.equal([d(2)]);
    expect(selectPlatforms(idx, parsePlatformFilter(['linux/arm/v6'])).platforms).to.deep.equal([]);
    expect(selectPlatforms(idx, parsePlatformFilter(['LINUX/AMD64', 'linux/arm/v7'])).platforms.map((p) => p.digest)).to.deep.equal([d(1), d(3)]);
  });

  it('caps the platforms examined', () => {
    const { platforms, notes } = selectPlatforms(idx, 'all', 2);
    expect(platforms).to.have.length(2);
    expect(notes.join()).to.match(/more than 2 platforms/);
  });

  it('rejects malformed entries', () => {
    for (const bad of ['linux', 'linux/amd64/v8/x', 'linux/$x', '']) expect(() => parsePlatformFilter([bad])).to.throw(PlatformFilterError);
  });
});

describe('discovery/build-lookup credential identity and cosign repository', () => {
  it('hashes the matching credentials (never the secret), differs per secret, undefined when anonymous', async () => {
    const identity = (password: string): string | undefined => {
      const credentials = new CredentialStore();
      credentials.addDocument({ auths: { '127.0.0.1:5000': { username: 'u', password } } });
      const client = new RegistryClient({ credentials });
      void client.close();
      return credentialIdentity(client, { registry: '127.0.0.1:5000', repository: 'team/app' });
    };
    const a = identity('s3cret-one');
    expect(a).to.match(/^[0-9a-f]{32}$/);
    expect(a).not.to.contain('s3cret');
    expect(identity('s3cret-two')).not.to.equal(a);
    const client = new RegistryClient();
    expect(credentialIdentity(client, { registry: '127.0.0.1:5000', repository: 'team/app' })).to.equal(undefined);
    await client.close();
  });

  it('parses discovery.cosignRepository as a repository without tag or digest', () => {
    expect(parseCosignRepository('127.0.0.1:5000/sigs/store')).to.deep.equal({ registry: '127.0.0.1:5000', repository: 'sigs/store' });
    expect(parseCosignRepository(null)).to.equal(undefined);
    expect(() => parseCosignRepository('127.0.0.1:5000/sigs/store:v1')).to.throw(/tag or digest/);
  });
});
