// The size limits of src/ (scripts/lint/size.js, eslint.config.js): a function over 80 lines or a
// file over 400 fails lint, unless a directive lifts the limit with a one-line reason.
import { expect } from 'chai';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import size, { MAX_FILE_LINES, MAX_FUNCTION_LINES } from '../../../scripts/lint/size.js';

function lint(text: string): string[] {
  const linter = new Linter({ configType: 'flat' });
  const config = [{
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { size },
    linterOptions: { reportUnusedDisableDirectives: 'error' as const },
    rules: {
      'max-lines': ['error', { max: MAX_FILE_LINES }] as ['error', unknown],
      'max-lines-per-function': ['error', { max: MAX_FUNCTION_LINES, skipBlankLines: true, skipComments: true, IIFEs: true }] as ['error', unknown],
      'size/reasoned-exception': 'error' as const,
    },
  }];
  return linter.verify(text, config, 'src/x.ts').map((m) => m.message);
}

const longFunction = (lines: number): string => `export function f(): number {\n  let n = 0;\n${'  n++;\n'.repeat(lines - 4)}  return n;\n}\n`;

describe('scripts/lint/size.js', () => {
  it('allows a function of 80 lines and refuses one of 81', () => {
    expect(lint(longFunction(80))).to.deep.equal([]);
    expect(lint(longFunction(81))).to.have.length(1);
    expect(lint(longFunction(81))[0]).to.match(/too many lines \(81\)/);
  });

  it('refuses a file over 400 lines', () => {
    const text = Array.from({ length: 401 }, (_, i) => `export const v${i} = ${i};`).join('\n');
    expect(lint(text).some((m) => /File has too many lines \(401\)/.test(m))).to.equal(true);
  });

  it('lifts a limit only with a one-line reason', () => {
    const reasoned = `// eslint-disable-next-line max-lines-per-function -- one switch over the opcodes, its state as locals\n${longFunction(90)}`;
    expect(lint(reasoned)).to.deep.equal([]);
    const bare = `// eslint-disable-next-line max-lines-per-function\n${longFunction(90)}`;
    expect(lint(bare)).to.deep.equal(['Say why this file or function may be longer, in one line after " -- " (docs/architecture.md, scripts/lint/size.js).']);
    const unused = `// eslint-disable-next-line max-lines-per-function -- one switch over the opcodes, its state as locals\n${longFunction(10)}`;
    expect(lint(unused)).to.have.length(1);
  });
});
