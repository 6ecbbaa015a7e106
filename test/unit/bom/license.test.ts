import { expect } from 'chai';
import { combineLicenses, isNoLicense, normalizeLicenseExpression, normalizeLicenseId } from '../../../src/bom/license.js';

describe('bom/license', () => {
  const cases: [string, string | undefined][] = [
    ['apache-2.0', 'Apache-2.0'], ['mit', 'MIT'], ['cc-by-4.0', 'CC-BY-4.0'], ['cc-by-nc-4.0', 'CC-BY-NC-4.0'], ['gpl-3.0', 'GPL-3.0-only'],
    ['openrail', 'openrail'], ['llama3.1', 'llama3.1'], ['creativeml-openrail-m', 'creativeml-openrail-m'], ['Apache-2.0', 'Apache-2.0'],
    ['LicenseRef-Acme', 'LicenseRef-Acme'], ['https://spdx.org/licenses/CC0-1.0.html', 'CC0-1.0'], ['unknown', undefined], ['NOASSERTION', undefined], ['other', undefined], ['  ', undefined],
  ];
  for (const [input, expected] of cases) it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => expect(normalizeLicenseId(input)).to.equal(expected));

  it('normalises ids inside expressions and upper-cases operators', () => {
    expect(normalizeLicenseExpression('(apache-2.0 or mit) and cc-by-4.0')).to.equal('(Apache-2.0 OR MIT) AND CC-BY-4.0');
    expect(normalizeLicenseExpression('GPL-2.0-only WITH Classpath-exception-2.0')).to.equal('GPL-2.0-only WITH Classpath-exception-2.0');
  });

  it('combines several licences with AND, parenthesising compound parts', () => {
    expect(combineLicenses(['MIT', 'Apache-2.0 OR MIT', 'MIT'])).to.equal('MIT AND (Apache-2.0 OR MIT)');
    expect(combineLicenses([])).to.equal(undefined);
    expect(isNoLicense('NONE')).to.equal(true);
  });
});
