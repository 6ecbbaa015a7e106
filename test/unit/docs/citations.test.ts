// Source comments cite what a reader can open: a public spec or a page of docs/, never the design
// notes that are not in this repository (DESIGN.md, SPECS.md, PEERS.md, STRUCTURE-AND-PERF-ANCHORS.md).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|js|py|sh)$/.test(e.name) ? [join(dir, e.name)] : []));
}

const NOT_HERE = /\b(DESIGN|SPECS|PEERS|STRUCTURE-AND-PERF-ANCHORS)\.md\b/;

describe('citations in src/, scripts/, test/ and bench/', () => {
  it('name no document outside the repository', () => {
    const offenders: string[] = [];
    const all = ['src', 'scripts', 'test', 'bench'].flatMap(files);
    expect(all.length).to.be.greaterThan(200);
    for (const file of all) {
      if (file.endsWith('citations.test.ts')) continue;
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (NOT_HERE.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(offenders, offenders.join('\n')).to.deep.equal([]);
  });
});
