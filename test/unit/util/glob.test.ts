import { expect } from 'chai';
import { matchesAnyGlob, matchesGlob } from '../../../src/util/glob.js';

describe('util/glob', () => {
  const cases: [string, string, boolean][] = [
    ['pkg:huggingface/ibm-granite/granite-3b', 'pkg:huggingface/ibm-granite/*', true],
    ['pkg:huggingface/meta/llama', 'pkg:huggingface/ibm-granite/*', false],
    ['prod-eu', 'prod-*', true],
    ['prod', 'prod-?', false],
    ['a.b', 'a?b', true],
    ['a+b', 'a+b', true],
    ['x(y)', 'x(y)', true],
    ['anything', '*', true],
  ];
  for (const [value, pattern, expected] of cases) {
    it(`${value} ${expected ? 'matches' : 'does not match'} ${pattern}`, () => {
      expect(matchesGlob(value, pattern)).to.equal(expected);
    });
  }
  it('can ignore case', () => {
    expect(matchesGlob('Registry.Example.com', '*.example.com')).to.equal(false);
    expect(matchesGlob('Registry.Example.com', '*.example.com', { caseInsensitive: true })).to.equal(true);
    expect(matchesAnyGlob('b', ['a', 'b'])).to.equal(true);
    expect(matchesAnyGlob('c', [])).to.equal(false);
  });
});
