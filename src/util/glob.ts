// Shell-style globs (`*` any run of characters, `?` one character), compiled once. Pure.

const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string, flags = ''): RegExp {
  const key = `${flags}\u0000${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, flags);
    if (cache.size > 1000) cache.clear();
    cache.set(key, re);
  }
  return re;
}

export function matchesGlob(value: string, pattern: string, options: { caseInsensitive?: boolean } = {}): boolean {
  return globToRegExp(pattern, options.caseInsensitive ? 'i' : '').test(value);
}

export function matchesAnyGlob(value: string, patterns: readonly string[], options: { caseInsensitive?: boolean } = {}): boolean {
  return patterns.some((p) => matchesGlob(value, p, options));
}
