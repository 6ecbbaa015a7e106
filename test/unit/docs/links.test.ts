// Every relative link in README.md and docs/*.md names a file that exists, and an anchor (#…) names a
// heading of that page (GitHub's slugs: lower case, punctuation dropped, spaces → "-").
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { expect } from 'chai';

export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown page: one per heading outside code fences, duplicates numbered as GitHub does. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fence = !fence;
    if (fence) continue;
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1] ?? '');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Relative link targets of a Markdown page (inline links, outside code fences and inline code). */
export function linksOf(markdown: string): string[] {
  const out: string[] = [];
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fence = !fence;
    if (fence) continue;
    const text = line.replace(/`[^`]*`/g, (code) => (code.includes('](') ? '' : code));
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1] ?? '';
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
      out.push(target);
    }
  }
  return out;
}

const pages = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

describe('docs: relative links', () => {
  it('finds the pages and their links (the check below can fail)', () => {
    expect(pages.length).to.be.greaterThan(10);
    expect(linksOf(readFileSync('README.md', 'utf8')).length).to.be.greaterThan(10);
    expect(linksOf('[a](x.md#y) `[b](no.md)` [c](https://e.com)')).to.deep.equal(['x.md#y']);
    expect(anchorsOf('# A `b` (c)\n## Exit codes\n## Exit codes\n```\n# not\n```')).to.deep.equal(new Set(['a-b-c', 'exit-codes', 'exit-codes-1']));
  });

  for (const page of pages) {
    it(`${page}: every relative link resolves`, () => {
      const text = readFileSync(page, 'utf8');
      const broken: string[] = [];
      for (const link of linksOf(text)) {
        const [path, anchor] = link.split('#', 2) as [string, string | undefined];
        const target = path === '' ? page : normalize(join(dirname(page), decodeURIComponent(path)));
        if (!existsSync(target)) {
          broken.push(`${link}: no file ${target}`);
          continue;
        }
        if (anchor && target.endsWith('.md') && statSync(target).isFile() && !anchorsOf(readFileSync(target, 'utf8')).has(anchor)) {
          broken.push(`${link}: no heading #${anchor} in ${target}`);
        }
      }
      expect(broken, broken.join('\n')).to.deep.equal([]);
    });
  }
});
