import { expect } from 'chai';
import { CredentialStore, CredentialFileError } from '../../../src/registry/credentials.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('registry/credentials (docker config / .dockerconfigjson, Kubernetes key matching)', () => {
  const store = new CredentialStore();
  store.addDocument({
    auths: {
      'reg.example.com': { auth: b64('plain:1') },
      'reg.example.com/team': { username: 'team', password: '2' },
      '*.example.com': { username: 'glob', password: '3' },
      'reg.example.com:5000': { auth: b64('port:4') },
      'https://index.docker.io/v1/': { auth: b64('hub:5') },
      'http://legacy.example.org/v2/': { username: 'legacy', password: '6' },
      'empty.example.com': {},
    },
  });

  it('matches host, path prefix and globs, most specific first', () => {
    expect(store.lookup('reg.example.com', 'team/app').map((c) => c.username)).to.deep.equal(['team', 'plain', 'glob']);
    expect(store.lookup('reg.example.com', 'teamx/app').map((c) => c.username)).to.deep.equal(['plain', 'glob']);
  });
  it('`*` covers one label, and the number of labels must match', () => {
    expect(store.lookup('a.example.com', 'x').map((c) => c.username)).to.deep.equal(['glob']);
    expect(store.lookup('example.com', 'x')).to.deep.equal([]);
    expect(store.lookup('a.b.example.com', 'x')).to.deep.equal([]);
  });
  it('ports must match exactly', () => {
    expect(store.lookup('reg.example.com:5000', 'x').map((c) => c.username)).to.deep.equal(['port']);
    expect(store.lookup('reg.example.com:5001', 'x')).to.deep.equal([]);
  });
  it('Docker Hub keys serve docker.io; schemes and /v2/ suffixes are ignored', () => {
    expect(store.lookup('docker.io', 'library/nginx').map((c) => c.password)).to.deep.equal(['5']);
    expect(store.lookup('legacy.example.org', 'x').map((c) => c.username)).to.deep.equal(['legacy']);
  });
  it('never offers credentials for another host', () => {
    expect(store.lookup('evil.example.net', 'team/app')).to.deep.equal([]);
    expect(store.lookup('reg.example.com.evil.net', 'x')).to.deep.equal([]);
  });
  it('reads the legacy .dockercfg shape and rejects garbage', () => {
    const s = new CredentialStore();
    s.addDocument({ 'old.example.com': { auth: b64('o:p') } });
    expect(s.lookup('old.example.com', 'a')[0]).to.include({ username: 'o', password: 'p' });
    expect(() => s.addDocument([])).to.throw(CredentialFileError);
    expect(() => s.addDocument({ auths: 'x' })).to.throw(CredentialFileError);
    expect(() => s.addFile('/nonexistent/config.json')).to.throw(CredentialFileError, /ENOENT/);
  });
});
