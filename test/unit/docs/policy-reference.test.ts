import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { modelCardTable } from '../../../src/policy/model-card.js';
import { RULE_NAMES } from '../../../src/contracts/policy.js';

describe('policy docs (docs/policy.md)', () => {
  const section = readFileSync('docs/policy.md', 'utf8');

  it('carries the current model-card mapping table', () => {
    expect(section).to.contain(modelCardTable());
  });

  it('describes every rule', () => {
    for (const rule of RULE_NAMES) expect(section, rule).to.contain(`| \`${rule}\` |`);
  });
});
