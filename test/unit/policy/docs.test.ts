import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { modelCardTable } from '../../../src/policy/model-card.js';
import { RULE_NAMES } from '../../../src/contracts/policy.js';

describe('policy docs (README.md "AIModelPolicy")', () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('\n## AIModelPolicy'), readme.indexOf('\n## Enforcement at admission'));

  it('carries the current model-card mapping table', () => {
    expect(section).to.contain(modelCardTable());
  });

  it('describes every rule', () => {
    for (const rule of RULE_NAMES) expect(section, rule).to.contain(`| \`${rule}\` |`);
  });
});
