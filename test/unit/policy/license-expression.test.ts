import { expect } from 'chai';
import fc from 'fast-check';
import {
  formatLicenseExpression, LicenseExpressionError, licenseLeaves, MAX_EXPRESSION_DEPTH, parseLicenseExpression,
} from '../../../src/policy/licenses/expression.js';

describe('policy/licenses/expression', () => {
  const canonical: [string, string][] = [
    ['MIT', 'MIT'],
    ['Apache-2.0 OR MIT', 'Apache-2.0 OR MIT'],
    ['mit or apache-2.0', 'mit OR apache-2.0'],
    ['MIT AND (Apache-2.0 OR BSD-3-Clause)', 'MIT AND (Apache-2.0 OR BSD-3-Clause)'],
    ['(MIT AND Apache-2.0) OR BSD-3-Clause', 'MIT AND Apache-2.0 OR BSD-3-Clause'],
    ['MIT AND Apache-2.0 OR BSD-3-Clause', 'MIT AND Apache-2.0 OR BSD-3-Clause'],
    ['GPL-2.0+', 'GPL-2.0+'],
    ['GPL-2.0-or-later WITH Classpath-exception-2.0', 'GPL-2.0-or-later WITH Classpath-exception-2.0'],
    ['gpl-2.0+ with classpath-exception-2.0 and MIT', 'gpl-2.0+ WITH classpath-exception-2.0 AND MIT'],
    ['LicenseRef-llama3.1', 'LicenseRef-llama3.1'],
    ['DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2', 'DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2'],
    ['  ( ( MIT ) )  ', 'MIT'],
    ['Apache-2.0 WITH AdditionRef-custom-1', 'Apache-2.0 WITH AdditionRef-custom-1'],
  ];
  for (const [input, expected] of canonical) {
    it(`parses ${JSON.stringify(input)}`, () => {
      expect(formatLicenseExpression(parseLicenseExpression(input))).to.equal(expected);
    });
  }

  it('gives AND precedence over OR and WITH over AND', () => {
    const tree = parseLicenseExpression('A OR B AND C WITH E');
    expect(tree).to.deep.equal({
      kind: 'or',
      terms: [
        { kind: 'license', id: 'A', orLater: false },
        { kind: 'and', terms: [{ kind: 'license', id: 'B', orLater: false }, { kind: 'license', id: 'C', orLater: false, exception: 'E' }] },
      ],
    });
  });

  it('reads + as "or later" on the leaf', () => {
    expect(licenseLeaves(parseLicenseExpression('LGPL-2.1+ AND MIT'))).to.deep.equal([
      { kind: 'license', id: 'LGPL-2.1', orLater: true },
      { kind: 'license', id: 'MIT', orLater: false },
    ]);
  });

  const broken: [string, RegExp][] = [
    ['', /empty/],
    ['MIT OR', /expected a licence id at the end/],
    ['OR MIT', /expected a licence id at position 1, got OR/],
    ['(MIT', /expected "\)" at the end/],
    ['MIT)', /unexpected "\)" at position 4/],
    ['MIT Apache-2.0', /unexpected "Apache-2.0" at position 5/],
    ['MIT WITH', /exception id after WITH at the end/],
    ['(MIT) WITH X', /WITH must follow a licence id/],
    ['Apache License 2.0', /unexpected "License"/],
    ['MIT/Apache-2.0', /unexpected character "\/" at position 4/],
    ['LicenseRef-x+', /"\+" does not apply to a LicenseRef/],
    ['GPL+2.0', /"\+" may only end a licence id/],
    ['Foo:Bar', /DocumentRef-<id>:LicenseRef-<id>/],
    ['MIT AND AND MIT', /got AND/],
  ];
  for (const [input, message] of broken) {
    it(`refuses ${JSON.stringify(input)} with a clear message`, () => {
      expect(() => parseLicenseExpression(input)).to.throw(LicenseExpressionError, message);
    });
  }

  it('bounds nesting and length', () => {
    const deep = `${'('.repeat(MAX_EXPRESSION_DEPTH + 1)}MIT${')'.repeat(MAX_EXPRESSION_DEPTH + 1)}`;
    expect(() => parseLicenseExpression(deep)).to.throw(LicenseExpressionError, /nested deeper/);
    expect(() => parseLicenseExpression(`${'('.repeat(100_000)}`)).to.throw(LicenseExpressionError);
    expect(() => parseLicenseExpression('MIT OR '.repeat(2000) + 'MIT')).to.throw(LicenseExpressionError, /longer than/);
  });

  it('never throws anything but LicenseExpressionError, and round-trips what it accepts', () => {
    const alphabet = fc.constantFrom('MIT', 'Apache-2.0', 'GPL-2.0+', 'LicenseRef-x', 'AND', 'OR', 'WITH', 'and', '(', ')', ' ', '+', ':', '/', 'é');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }), (parts) => {
        const text = parts.join(' ');
        try {
          const tree = parseLicenseExpression(text);
          const printed = formatLicenseExpression(tree);
          expect(formatLicenseExpression(parseLicenseExpression(printed))).to.equal(printed);
          expect(licenseLeaves(parseLicenseExpression(printed))).to.deep.equal(licenseLeaves(tree));
        } catch (err) {
          expect(err).to.be.instanceOf(LicenseExpressionError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
