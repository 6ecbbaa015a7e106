import { expect } from 'chai';
import fc from 'fast-check';
import { evaluateLicense, licenseKey, type LicenseStatus } from '../../../src/policy/licenses/evaluate.js';
import { huggingFaceToSpdx, isHuggingFaceOnlyLicense } from '../../../src/policy/licenses/huggingface-ids.js';

describe('policy/licenses', () => {
  describe('ids', () => {
    const keys: [string, string][] = [
      ['Apache-2.0', 'apache-2.0'],
      ['apache-2.0', 'apache-2.0'],
      ['GPL-2.0-only', 'gpl-2.0'],
      ['GPL-2.0', 'gpl-2.0'],
      ['gpl-2.0', 'gpl-2.0'],
      ['GPL-2.0-or-later', 'gpl-2.0+'],
      ['odbl', 'odbl-1.0'],
      ['ODbL-1.0', 'odbl-1.0'],
      ['cc-by-nc-4.0', 'cc-by-nc-4.0'],
      ['llama3.1', 'llama3.1'],
      ['LicenseRef-llama3.1', 'llama3.1'],
      ['LicenseRef-acme-internal', 'licenseref-acme-internal'],
    ];
    for (const [id, key] of keys) it(`compares ${id} as ${key}`, () => expect(licenseKey(id)).to.equal(key));

    it('maps Hugging Face ids to SPDX ids', () => {
      expect(huggingFaceToSpdx('cc-by-nc-sa-4.0')).to.equal('CC-BY-NC-SA-4.0');
      expect(huggingFaceToSpdx('pddl')).to.equal('PDDL-1.0');
      expect(huggingFaceToSpdx('lgpl-lr')).to.equal('LGPLLR');
      expect(huggingFaceToSpdx('llama3')).to.equal('llama3');
      expect(isHuggingFaceOnlyLicense('OpenRAIL++')).to.equal(true);
      expect(isHuggingFaceOnlyLicense('MIT')).to.equal(false);
    });
  });

  const policy = { allow: ['Apache-2.0', 'MIT', 'GPL-2.0'], deny: ['cc-by-nc-4.0', 'llama3.1'] };
  const cases: [string | undefined, LicenseStatus, RegExp?][] = [
    ['Apache-2.0', 'pass'],
    ['apache-2.0', 'pass'], // Hugging Face spelling
    ['mit', 'pass'],
    ['MIT OR GPL-3.0-only', 'pass'], // OR: one branch suffices
    ['GPL-3.0-only OR BSD-3-Clause', 'fail', /GPL-3.0-only is not in the allow list; BSD-3-Clause is not in the allow list/],
    ['MIT AND Apache-2.0', 'pass'],
    ['MIT AND GPL-3.0-only', 'fail', /^GPL-3.0-only is not in the allow list$/], // AND: every branch
    ['MIT AND CC-BY-NC-4.0', 'fail', /CC-BY-NC-4.0 is denied/], // Hugging Face id in the deny list, SPDX id in the BOM
    ['MIT OR cc-by-nc-4.0', 'pass'], // OR: the licensee may pick MIT
    ['Apache-2.0 AND (MIT OR cc-by-nc-4.0)', 'pass'],
    ['Apache-2.0 AND (cc-by-nc-4.0 OR llama3.1)', 'fail', /cc-by-nc-4.0 is denied; llama3.1 is denied/],
    ['LicenseRef-llama3.1', 'fail', /is denied/], // a Hub-only id as a LicenseRef is the same licence
    ['GPL-2.0-only', 'pass'],
    ['GPL-2.0+', 'pass'], // "or later" lets the licensee choose GPL-2.0
    ['GPL-2.0-or-later', 'pass'],
    ['GPL-2.0-or-later WITH Classpath-exception-2.0', 'pass'], // an exception only adds permissions
    ['LGPL-2.1+', 'fail', /LGPL-2.1\+ is not in the allow list/],
    ['LicenseRef-acme', 'fail', /not in the allow list/],
    [undefined, 'missing'],
    ['', 'missing'],
    ['unknown', 'missing'],
    ['NOASSERTION', 'missing'],
    ['NONE', 'missing'],
    ['MIT OR unknown', 'pass'],
    ['MIT AND unknown', 'missing'],
    ['GPL-3.0-only OR unknown', 'missing'],
    ['GPL-3.0-only AND unknown', 'fail'],
    ['Apache License 2.0', 'missing', /does not parse/],
  ];
  for (const [value, status, reason] of cases) {
    it(`${JSON.stringify(value)} → ${status}`, () => {
      const result = evaluateLicense(value, policy);
      expect(result.status).to.equal(status);
      if (reason) expect(result.reasons.join('; ')).to.match(reason);
    });
  }

  it('deny beats allow', () => {
    expect(evaluateLicense('MIT', { allow: ['MIT'], deny: ['mit'] }).status).to.equal('fail');
  });

  it('an empty allow list admits everything not denied', () => {
    const lists = { allow: [], deny: ['CC-BY-NC-4.0'] };
    expect(evaluateLicense('LicenseRef-whatever', lists).status).to.equal('pass');
    expect(evaluateLicense('openrail++', lists).status).to.equal('pass');
    expect(evaluateLicense('cc-by-nc-4.0', lists).status).to.equal('fail');
  });

  it('denying X also denies X+ and X WITH an exception', () => {
    const lists = { allow: [], deny: ['GPL-2.0'] };
    expect(evaluateLicense('GPL-2.0+', lists).status).to.equal('fail');
    expect(evaluateLicense('GPL-2.0-only WITH Classpath-exception-2.0', lists).status).to.equal('fail');
    expect(evaluateLicense('GPL-3.0-only', lists).status).to.equal('pass');
  });

  it('lists may name an exception or an X WITH E pair', () => {
    expect(evaluateLicense('GPL-2.0 WITH Classpath-exception-2.0', { allow: ['GPL-2.0 WITH Classpath-exception-2.0'], deny: [] }).status).to.equal('pass');
    expect(evaluateLicense('GPL-2.0', { allow: ['GPL-2.0 WITH Classpath-exception-2.0'], deny: [] }).status).to.equal('fail');
    expect(evaluateLicense('Apache-2.0 WITH LLVM-exception', { allow: [], deny: ['llvm-exception'] }).status).to.equal('fail');
  });

  it('reports the canonical expression it understood', () => {
    expect(evaluateLicense('mit or apache-2.0', policy).canonical).to.equal('mit OR apache-2.0');
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const r = evaluateLicense(text, policy);
        expect(['pass', 'fail', 'missing']).to.include(r.status);
      }),
      { numRuns: 1000 },
    );
  });
});
