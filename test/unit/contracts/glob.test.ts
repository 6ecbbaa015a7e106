import { expect } from 'chai';
import { globMatch, matchesAny } from '../../../src/contracts/glob.js';

describe('contracts/glob', () => {
  const cases: [string, string, boolean][] = [
    ['pkg:huggingface/ibm-granite/granite-3b', 'pkg:huggingface/ibm-granite/*', true],
    ['pkg:huggingface/meta/llama', 'pkg:huggingface/ibm-granite/*', false],
    ['prod-eu', 'prod-*', true],
    ['prod', 'prod-?', false],
    ['a.b', 'a?b', true],
    ['a+b', 'a+b', true],
    ['x(y)', 'x(y)', true],
    ['anything', '*', true],
    ['', '*', true],
    ['abc', 'a*b*c', true],
    ['acb', 'a*b*c*d', false],
  ];
  for (const [value, pattern, expected] of cases) {
    it(`${JSON.stringify(value)} ${expected ? 'matches' : 'does not match'} ${pattern}`, () => {
      expect(globMatch(pattern, value)).to.equal(expected);
    });
  }
  it('can ignore case', () => {
    expect(globMatch('*.example.com', 'Registry.Example.com')).to.equal(false);
    expect(globMatch('*.example.com', 'Registry.Example.com', { caseInsensitive: true })).to.equal(true);
    expect(matchesAny(['a', 'b'], 'b')).to.equal(true);
    expect(matchesAny([], 'c')).to.equal(false);
  });
  it('does not backtrack badly on hostile patterns', () => {
    const pattern = `${'*a'.repeat(30)}b`;
    const text = 'a'.repeat(5000);
    expect(globMatch(pattern, text)).to.equal(false);
  });
});
