// Shell-style globs: `*` matches any run of characters (slashes included), `?` one character, everything
// else itself. Used for namespaces, purls, suppliers, hosts and break-glass scopes. Compiled without
// regular expressions built from user text, so no pattern can backtrack badly. Pure.

export interface GlobOptions {
  caseInsensitive?: boolean;
}

/** Whether `text` matches `pattern` (iterative star matching, O(pattern × text) worst case). */
export function globMatch(pattern: string, text: string, options: GlobOptions = {}): boolean {
  const p = options.caseInsensitive ? pattern.toLowerCase() : pattern;
  const t = options.caseInsensitive ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

export function matchesAny(patterns: readonly string[], text: string, options: GlobOptions = {}): boolean {
  return patterns.some((p) => globMatch(p, text, options));
}
