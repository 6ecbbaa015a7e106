import { expect } from 'chai';
import { parseImageReference, ReferenceError } from '../../../src/contracts/image-reference.js';

describe('contracts/image-reference', () => {
  const cases: [string, string][] = [
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.27', 'docker.io/library/nginx:1.27'],
    ['index.docker.io/library/nginx', 'docker.io/library/nginx:latest'],
    ['vllm/vllm-openai:v0.6.0', 'docker.io/vllm/vllm-openai:v0.6.0'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/app:1', 'localhost:5000/app:1'],
    ['127.0.0.1:5000/team/app:v1', '127.0.0.1:5000/team/app:v1'],
    ['[::1]:5000/team/app:v1', '[::1]:5000/team/app:v1'],
    ['ghcr.io/org/app@sha256:' + 'a'.repeat(64), 'ghcr.io/org/app@sha256:' + 'a'.repeat(64)],
    ['ghcr.io/org/app:1.0@sha256:' + 'b'.repeat(64), 'ghcr.io/org/app:1.0@sha256:' + 'b'.repeat(64)],
    ['Registry.Example.com/org/app', 'Registry.Example.com/org/app:latest'],
    ['a__b/c-d.e_f', 'docker.io/a__b/c-d.e_f:latest'],
  ];
  for (const [input, normalized] of cases) {
    it(`normalises ${input}`, () => {
      expect(parseImageReference(input).normalized).to.equal(normalized);
    });
  }
  const bad = ['', 'docker.io/Upper/app', 'app:', 'app@sha256:abc', 'app:' + 'x'.repeat(129), ' nginx', 'a//b', '-app', 'app@sha256:' + 'A'.repeat(64), 'a'.repeat(256)];
  for (const input of bad) {
    it(`rejects ${JSON.stringify(input.slice(0, 40))}`, () => {
      expect(() => parseImageReference(input)).to.throw(ReferenceError);
    });
  }

  it('parsing the same string again gives an equal reference the caller owns, and the same error', () => {
    const a = parseImageReference('127.0.0.1:5000/team/app:1.0');
    a.tag = 'mutated by the caller';
    const b = parseImageReference('127.0.0.1:5000/team/app:1.0');
    expect(b).to.deep.equal({ registry: '127.0.0.1:5000', repository: 'team/app', normalized: '127.0.0.1:5000/team/app:1.0', tag: '1.0' });
    expect(b).to.not.equal(a);
    for (let i = 0; i < 2; i++) expect(() => parseImageReference('Team/App')).to.throw(ReferenceError, 'repository name must be lowercase');
  });
});
