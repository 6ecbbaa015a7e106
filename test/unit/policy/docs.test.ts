import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { modelCardTable } from '../../../src/policy/model-card.js';
import { RULE_NAMES } from '../../../src/policy/verdict.js';

describe('policy docs', () => {
  for (const file of ['README.md', 'docs/policy.md']) {
    it(`${file} carries the current model-card mapping table`, () => {
      expect(readFileSync(file, 'utf8')).to.contain(modelCardTable());
    });
  }

  it('docs/policy.md describes every rule', () => {
    const text = readFileSync('docs/policy.md', 'utf8');
    for (const rule of RULE_NAMES) expect(text, rule).to.contain(`| \`${rule}\` |`);
  });
});
