import { expect } from 'chai';
import { parseChallenge, parseTokenResponse, TokenCache } from '../../../src/registry/auth.js';

describe('registry/auth', () => {
  it('parses distribution token challenges', () => {
    expect(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:org/app:pull,push",error="insufficient_scope"')).to.deep.equal({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:org/app:pull,push', error: 'insufficient_scope' },
    });
    expect(parseChallenge('Basic realm="basic-realm"')).to.deep.equal({ scheme: 'basic', params: { realm: 'basic-realm' } });
    expect(parseChallenge('bearer realm=https://a/t, service=s')).to.deep.equal({ scheme: 'bearer', params: { realm: 'https://a/t', service: 's' } });
    expect(parseChallenge('Negotiate abc')).to.equal(undefined);
    expect(parseChallenge(undefined)).to.equal(undefined);
  });
  it('reads token responses (token or access_token, expires_in default 60)', () => {
    expect(parseTokenResponse({ token: 't', expires_in: 300 })).to.deep.equal({ token: 't', expiresInSeconds: 300 });
    expect(parseTokenResponse({ access_token: 'a' })).to.deep.equal({ token: 'a', expiresInSeconds: 60 });
    expect(parseTokenResponse({ token: '' })).to.equal(undefined);
    expect(parseTokenResponse('x')).to.equal(undefined);
  });
  it('caches tokens until shortly before they expire', () => {
    let now = 0;
    const cache = new TokenCache(() => now);
    cache.set('k', 'tok', 60);
    now = 50_000;
    expect(cache.get('k')).to.equal('tok');
    now = 55_000;
    expect(cache.get('k')).to.equal(undefined);
  });
});
