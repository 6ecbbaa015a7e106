// The discovery report (issue #21): docs/security.md, formats-and-metadata.md, performance.md,
// integration.md and design/approaches.md cite the files, tests and measurements they rest on. This
// test keeps those citations true: every relative link resolves, every repository path written in
// backticks exists, and every figure a page quotes from bench/results/*.json is the one on file.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
export const REPORT_PAGES = [
  'docs/security.md',
  'docs/formats-and-metadata.md',
  'docs/performance.md',
  'docs/integration.md',
  'docs/design/approaches.md',
];
// Paths under these folders, in backticks, are citations of this repository's files.
const CITED_ROOTS = ['src/', 'test/', 'bench/', 'deploy/', 'docs/', 'scripts/', 'certs/', 'examples/'];

/** Relative link targets of a markdown page: `[text](target)`, without anchors and external URLs. */
export function relativeLinks(markdown: string): string[] {
  const out: string[] = [];
  for (const m of markdown.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    out.push(target.split('#')[0]!);
  }
  return out.filter(Boolean);
}

/** Repository paths in backticks: `src/registry/egress.ts`, `test/hostile/`, `deploy/rbac.yaml:12`. */
export function citedPaths(markdown: string): string[] {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/`([^`\n]+)`/g)) {
    for (const token of m[1]!.split(/[\s,]+/)) {
      const path = token.replace(/[:#].*$/, '').replace(/[.;)]+$/, '');
      if (!CITED_ROOTS.some((r) => path.startsWith(r))) continue;
      if (/[*{}<>$]/.test(path)) continue; // a pattern or a placeholder, not a file
      if (/\/\./.test(path)) continue; // a build output (bench/.dist), not in the repository
      out.add(path);
    }
  }
  return [...out];
}

/**
 * Figures quoted from a benchmark result: `<!-- figure bench/results/F.json a.b.c = 1.23 -->` on a
 * line says that the line quotes the value at a.b.c of F as 1.23. The test reads F and compares, and
 * checks that the line's prose shows that value.
 */
export function quotedFigures(markdown: string): { file: string; path: string; value: string; line: string }[] {
  return markdown.split('\n').flatMap((line) => {
    const prose = line.replace(/<!--[\s\S]*?-->/g, '');
    return [...line.matchAll(/<!-- figure (\S+) (\S+) = (\S+) -->/g)].map((m) => ({ file: m[1]!, path: m[2]!, value: m[3]!, line: prose }));
  });
}

/**
 * Test titles quoted right after a test file, named in backticks or linked: `test/x.test.ts` "title",
 * "title", or [x.test.ts](../test/x.test.ts) ("title").
 * A title may skip words with an ellipsis (…); each part must occur in the file.
 */
export function quotedTitles(markdown: string): { file: string; title: string }[] {
  const out: { file: string; title: string }[] = [];
  const file = /(?:`(test\/[^`\s]+?\.test\.ts)`|\[[^\]]*\]\((?:\.\.\/)*(test\/[^)\s]+?\.test\.ts)\))/.source;
  const titles = /\s*\(?((?:"(?:[^"\\]|\\.)*"(?:,\s*)?)+)/.source;
  for (const m of markdown.matchAll(new RegExp(file + titles, 'g'))) {
    for (const t of m[3]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)) out.push({ file: (m[1] ?? m[2])!, title: t[1]!.replace(/\\"/g, '"').replace(/\s+/g, ' ') });
  }
  return out;
}

function valueAt(json: unknown, path: string): unknown {
  let v: unknown = json;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = Array.isArray(v) && /^\d+$/.test(key) ? v[Number(key)] : (v as Record<string, unknown>)[key];
  }
  return v;
}

describe('discovery report pages (#21): citations hold', () => {
  it('the helpers find links, paths and figures (and skip URLs, anchors, placeholders)', () => {
    const md = '[a](../src/x.ts#L1) [b](https://e.org) [c](#top) `src/a.ts:12` `test/hostile/` `src/<room>/` `docs/*.md` `npm test`\n<!-- figure bench/results/latest.json cached.p50Ms = 1.117 -->';
    expect(relativeLinks(md)).to.deep.equal(['../src/x.ts']);
    expect(citedPaths(md)).to.deep.equal(['src/a.ts', 'test/hostile/']);
    expect(quotedTitles('`test/a.test.ts` "one \\"x\\" … two", "three" and `test/b.test.ts` ("four"), [c](../test/c.test.ts) ("five")')).to.deep.equal([
      { file: 'test/a.test.ts', title: 'one "x" … two' }, { file: 'test/a.test.ts', title: 'three' }, { file: 'test/b.test.ts', title: 'four' }, { file: 'test/c.test.ts', title: 'five' },
    ]);
    expect(quotedFigures(md)).to.deep.equal([{ file: 'bench/results/latest.json', path: 'cached.p50Ms', value: '1.117', line: '' }]);
  });

  for (const page of REPORT_PAGES) {
    const file = join(root, page);
    if (!existsSync(file)) continue; // written step by step; each page is checked once it exists
    const text = readFileSync(file, 'utf8');

    it(`${page}: every relative link resolves`, () => {
      const missing = relativeLinks(text).filter((t) => !existsSync(normalize(join(dirname(file), t))));
      expect(missing, `${page} links to missing files`).to.deep.equal([]);
    });

    it(`${page}: every cited repository path exists`, () => {
      const missing = citedPaths(text).filter((p) => !existsSync(join(root, p)));
      expect(missing, `${page} cites missing paths`).to.deep.equal([]);
    });

    it(`${page}: every quoted test title is in the test file named`, () => {
      const missing = quotedTitles(text).filter(({ file: test, title }) => {
        const source = existsSync(join(root, test)) ? readFileSync(join(root, test), 'utf8').replace(/\\(['"`])/g, '$1') : '';
        return !title.split('…').map((part) => part.trim()).filter(Boolean).every((part) => source.includes(part));
      });
      expect(missing, `${page} quotes titles its tests do not have`).to.deep.equal([]);
    });

    it(`${page}: every quoted benchmark figure is the one on file`, () => {
      for (const { file: result, path, value, line } of quotedFigures(text)) {
        const json: unknown = JSON.parse(readFileSync(join(root, result), 'utf8'));
        expect(String(valueAt(json, path)), `${result} ${path}`).to.equal(value);
        expect(line, `the line quoting ${result} ${path} shows ${value}`).to.contain(value);
      }
    });
  }
});
