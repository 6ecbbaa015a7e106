// Size limits of src/ (issue #14 item 5): no file over 400 lines, no function over 80 (blank and
// comment lines not counted). A file may exceed one only where it says why, in one line, on the
// directive that allows it:
//   // eslint-disable-next-line max-lines-per-function -- one opcode switch: the walker's state is its locals
// `size/reasoned-exception` refuses a max-lines* directive without such a reason.
// Plain JavaScript so that eslint.config.js loads it without a TypeScript loader.

export const MAX_FILE_LINES = 400;
export const MAX_FUNCTION_LINES = 80;

const DIRECTIVE = /^\s*eslint-disable(?:-next-line|-line)?\s+(.*)$/s;

const reasonedException = {
  meta: { type: 'problem', schema: [], docs: { description: 'a size limit is lifted only with a one-line reason' } },
  create(context) {
    return {
      Program() {
        for (const comment of context.sourceCode.getAllComments()) {
          const m = DIRECTIVE.exec(comment.value);
          if (!m || !/\bmax-lines(?:-per-function)?\b/.test(m[1])) continue;
          const reason = m[1].split(/\s--\s/)[1]?.trim() ?? '';
          if (reason.length < 12 || reason.includes('\n')) {
            context.report({ loc: comment.loc, message: 'Say why this file or function may be longer, in one line after " -- " (docs/architecture.md, scripts/lint/size.js).' });
          }
        }
      },
    };
  },
};

export default { meta: { name: 'aibom-size' }, rules: { 'reasoned-exception': reasonedException } };
