// Table tests from the distribution/reference grammar (reference.go, normalize.go).
import { expect } from 'chai';
import { parseImageReference, ReferenceError, withDigest } from '../../../src/contracts/image-reference.js';

const D = 'sha256:' + 'c'.repeat(64);

describe('contracts/image-reference grammar', () => {
  const ok: [string, { registry: string; repository: string; tag?: string; digest?: string; normalized: string }][] = [
    ['busybox', { registry: 'docker.io', repository: 'library/busybox', tag: 'latest', normalized: 'docker.io/library/busybox:latest' }],
    ['docker.io/busybox', { registry: 'docker.io', repository: 'library/busybox', tag: 'latest', normalized: 'docker.io/library/busybox:latest' }],
    ['index.docker.io/busybox:1', { registry: 'docker.io', repository: 'library/busybox', tag: '1', normalized: 'docker.io/library/busybox:1' }],
    ['library/busybox', { registry: 'docker.io', repository: 'library/busybox', tag: 'latest', normalized: 'docker.io/library/busybox:latest' }],
    ['user/repo/sub', { registry: 'docker.io', repository: 'user/repo/sub', tag: 'latest', normalized: 'docker.io/user/repo/sub:latest' }],
    // A first component without '.', ':' and not localhost is a path, not a host.
    ['myregistry/app', { registry: 'docker.io', repository: 'myregistry/app', tag: 'latest', normalized: 'docker.io/myregistry/app:latest' }],
    // Upper case in the first component makes it a host.
    ['Myregistry/app', { registry: 'Myregistry', repository: 'app', tag: 'latest', normalized: 'Myregistry/app:latest' }],
    ['localhost:5000/a/b:c', { registry: 'localhost:5000', repository: 'a/b', tag: 'c', normalized: 'localhost:5000/a/b:c' }],
    ['example.com:5000', { registry: 'docker.io', repository: 'library/example.com', tag: '5000', normalized: 'docker.io/library/example.com:5000' }],
    ['[::1]/app', { registry: '[::1]', repository: 'app', tag: 'latest', normalized: '[::1]/app:latest' }],
    ['[2001:db8::1]:5000/app@' + D, { registry: '[2001:db8::1]:5000', repository: 'app', digest: D, normalized: '[2001:db8::1]:5000/app@' + D }],
    ['reg.example/app:v1@' + D, { registry: 'reg.example', repository: 'app', tag: 'v1', digest: D, normalized: 'reg.example/app:v1@' + D }],
    ['a.b/c__d/e--f/g.h_i:T_a-g.1', { registry: 'a.b', repository: 'c__d/e--f/g.h_i', tag: 'T_a-g.1', normalized: 'a.b/c__d/e--f/g.h_i:T_a-g.1' }],
    ['app:' + 'x'.repeat(128), { registry: 'docker.io', repository: 'library/app', tag: 'x'.repeat(128), normalized: 'docker.io/library/app:' + 'x'.repeat(128) }],
    ['app@sha512:' + 'd'.repeat(128), { registry: 'docker.io', repository: 'library/app', digest: 'sha512:' + 'd'.repeat(128), normalized: 'docker.io/library/app@sha512:' + 'd'.repeat(128) }],
  ];
  for (const [input, want] of ok) {
    it(`parses ${input.slice(0, 60)}`, () => {
      const r = parseImageReference(input);
      expect(r).to.deep.equal(want);
    });
  }

  const bad: [string, RegExp][] = [
    ['c'.repeat(64), /hexadecimal/],
    ['app:.tag', /tag/],
    ['app:-tag', /tag/],
    ['app:ta/g', /./],
    ['host:5000/App', /lowercase/],
    ['app__', /component/],
    ['app._x', /component/],
    ['a/-b', /component/],
    ['::1/app', /./],
    ['[::1%eth0]:5000/app', /host/],
    ['-host.com/app', /host/],
    ['host.com:port/app', /host/],
    ['app@sha256:' + 'c'.repeat(63), /64/],
    ['app@md5', /digest/],
    ['app@', /digest/],
    ['@' + D, /repository/],
    ['reg.example/' + 'a'.repeat(250), /255/],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input.slice(0, 50))}`, () => {
      expect(() => parseImageReference(input)).to.throw(ReferenceError, message);
    });
  }

  it('withDigest pins a tag reference and keeps the tag for display', () => {
    expect(withDigest(parseImageReference('reg.example/app:v1'), D).normalized).to.equal(`reg.example/app:v1@${D}`);
  });
});
