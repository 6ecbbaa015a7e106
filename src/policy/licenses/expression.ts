// SPDX licence expressions: a small parser into an n-ary tree. Grammar: SPDX 2.3 Annex D /
// SPDX 3.0 "License expressions" (the two agree on what we need):
//   simple   = license-id ["+"] / ["DocumentRef-" idstring ":"] "LicenseRef-" idstring
//   compound = simple ["WITH" exception-id] / compound "AND" compound / compound "OR" compound / "(" compound ")"
// WITH binds tighter than AND, AND tighter than OR. Operators are matched case-insensitively (the spec
// asks for upper case; real BOMs write `or`). Pure, bounded: hostile input gives a LicenseExpressionError.

export interface LicenseLeaf {
  kind: 'license';
  /** The id as written, without a trailing `+` (`Apache-2.0`, `LicenseRef-x`, `DocumentRef-d:LicenseRef-x`). */
  id: string;
  /** `+`: this version or any later one. */
  orLater: boolean;
  /** The exception of a `WITH` clause (`Classpath-exception-2.0`, `AdditionRef-x`). */
  exception?: string;
}

export interface LicenseCompound {
  kind: 'and' | 'or';
  terms: LicenseExpression[];
}

export type LicenseExpression = LicenseLeaf | LicenseCompound;

export class LicenseExpressionError extends Error {
  override name = 'LicenseExpressionError';
}

/** Longer expressions are refused: real ones are a few dozen characters. */
export const MAX_EXPRESSION_LENGTH = 4096;
/** Parenthesis nesting bound, so a hostile `((((…` cannot exhaust the stack. */
export const MAX_EXPRESSION_DEPTH = 64;

type Token =
  | { type: 'open' | 'close'; pos: number }
  | { type: 'op'; op: 'AND' | 'OR' | 'WITH'; pos: number }
  | { type: 'id'; text: string; pos: number };

// idstring = 1*(ALPHA / DIGIT / "-" / "."); refs add one ":"; a license id may end in "+".
const ID_CHARS = /[A-Za-z0-9.\-:+]/;
const ID_STRING = /^[A-Za-z0-9.-]+$/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
    } else if (ch === '(') {
      tokens.push({ type: 'open', pos: i++ });
    } else if (ch === ')') {
      tokens.push({ type: 'close', pos: i++ });
    } else if (ID_CHARS.test(ch)) {
      const start = i;
      while (i < text.length && ID_CHARS.test(text[i]!)) i++;
      const word = text.slice(start, i);
      const upper = word.toUpperCase();
      if (upper === 'AND' || upper === 'OR' || upper === 'WITH') tokens.push({ type: 'op', op: upper, pos: start });
      else tokens.push({ type: 'id', text: word, pos: start });
    } else {
      throw new LicenseExpressionError(`unexpected character ${JSON.stringify(ch)} at position ${i + 1}`);
    }
  }
  return tokens;
}

/** Parses one expression; throws LicenseExpressionError with the position of the problem. */
export function parseLicenseExpression(text: string): LicenseExpression {
  if (text.length > MAX_EXPRESSION_LENGTH) throw new LicenseExpressionError(`expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new LicenseExpressionError('empty expression');
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const where = (t: Token | undefined): string => (t ? `at position ${t.pos + 1}` : 'at the end');

  const parseOr = (depth: number): LicenseExpression => {
    const terms = [parseAnd(depth)];
    for (let t = peek(); t?.type === 'op' && t.op === 'OR'; t = peek()) {
      at++;
      terms.push(parseAnd(depth));
    }
    return terms.length === 1 ? terms[0]! : { kind: 'or', terms };
  };
  const parseAnd = (depth: number): LicenseExpression => {
    const terms = [parseWith(depth)];
    for (let t = peek(); t?.type === 'op' && t.op === 'AND'; t = peek()) {
      at++;
      terms.push(parseWith(depth));
    }
    return terms.length === 1 ? terms[0]! : { kind: 'and', terms };
  };
  const parseWith = (depth: number): LicenseExpression => {
    const t = peek();
    if (t?.type === 'open') {
      if (depth >= MAX_EXPRESSION_DEPTH) throw new LicenseExpressionError(`parentheses nested deeper than ${MAX_EXPRESSION_DEPTH}`);
      at++;
      const inner = parseOr(depth + 1);
      const close = peek();
      if (close?.type !== 'close') throw new LicenseExpressionError(`expected ")" ${where(close)}`);
      at++;
      const next = peek();
      if (next?.type === 'op' && next.op === 'WITH') throw new LicenseExpressionError(`WITH must follow a licence id, not a parenthesised expression (${where(next)})`);
      return inner;
    }
    if (t?.type !== 'id') throw new LicenseExpressionError(`expected a licence id ${where(t)}${t?.type === 'op' ? `, got ${t.op}` : ''}`);
    at++;
    const leaf = leafOf(t.text, t.pos);
    const next = peek();
    if (next?.type === 'op' && next.op === 'WITH') {
      at++;
      const exc = peek();
      if (exc?.type !== 'id') throw new LicenseExpressionError(`expected an exception id after WITH ${where(exc)}`);
      at++;
      if (!ID_STRING.test(exc.text)) throw new LicenseExpressionError(`invalid exception id ${JSON.stringify(exc.text)} at position ${exc.pos + 1}`);
      leaf.exception = exc.text;
    }
    return leaf;
  };

  const tree = parseOr(0);
  const rest = peek();
  if (rest) throw new LicenseExpressionError(`unexpected ${rest.type === 'op' ? rest.op : rest.type === 'id' ? JSON.stringify(rest.text) : rest.type === 'open' ? '"("' : '")"'} ${where(rest)}`);
  return tree;
}

function leafOf(word: string, pos: number): LicenseLeaf {
  const orLater = word.endsWith('+');
  const id = orLater ? word.slice(0, -1) : word;
  const bad = (why: string): LicenseExpressionError => new LicenseExpressionError(`invalid licence id ${JSON.stringify(word)} at position ${pos + 1}: ${why}`);
  if (id.length === 0 || id.includes('+')) throw bad('"+" may only end a licence id');
  if (id.includes(':')) {
    // DocumentRef-<idstring>:LicenseRef-<idstring> is the only form with a colon.
    const [doc, ref, ...more] = id.split(':');
    if (more.length > 0 || !/^DocumentRef-[A-Za-z0-9.-]+$/i.test(doc!) || !/^LicenseRef-[A-Za-z0-9.-]+$/i.test(ref!)) throw bad('expected DocumentRef-<id>:LicenseRef-<id>');
  } else if (!ID_STRING.test(id)) {
    throw bad('ids are letters, digits, "-" and "."');
  }
  if (orLater && /^(DocumentRef-|LicenseRef-)/i.test(id)) throw bad('"+" does not apply to a LicenseRef');
  return { kind: 'license', id, orLater };
}

/** Renders a tree back to a canonical string (upper-case operators, minimal parentheses). */
export function formatLicenseExpression(expr: LicenseExpression): string {
  if (expr.kind === 'license') return `${expr.id}${expr.orLater ? '+' : ''}${expr.exception ? ` WITH ${expr.exception}` : ''}`;
  const op = expr.kind === 'and' ? ' AND ' : ' OR ';
  return expr.terms.map((t) => (t.kind === 'license' || (expr.kind === 'or' && t.kind === 'and') ? formatLicenseExpression(t) : `(${formatLicenseExpression(t)})`)).join(op);
}

/** Every leaf of the tree, left to right. */
export function licenseLeaves(expr: LicenseExpression): LicenseLeaf[] {
  return expr.kind === 'license' ? [expr] : expr.terms.flatMap(licenseLeaves);
}
