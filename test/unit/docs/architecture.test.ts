// docs/architecture.md matches the code: its Mermaid diagram draws exactly the imports between the
// rooms of src/ (computed here from the sources, type-only imports counted), and each room's paragraph
// says what it may import as scripts/lint/layers.js does.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { expect } from 'chai';
import ts from 'typescript';
import { ROOMS } from '../../../scripts/lint/layers.js';

const SRC = resolve('src');

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listTs(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** "from --> to" for every import between two rooms, imports of contracts/ left out (every room has them). */
function roomEdges(): Set<string> {
  const edges = new Set<string>();
  for (const file of listTs(SRC)) {
    const from = relative(SRC, file).split(sep)[0];
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const to = relative(SRC, resolve(dirname(file), fileName)).split(sep)[0];
      if (to !== from && to !== 'contracts') edges.add(`${from} --> ${to}`);
    }
  }
  return edges;
}

const doc = readFileSync('docs/architecture.md', 'utf8');
const mermaid = /```mermaid\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';

describe('docs/architecture.md', () => {
  it('draws exactly the imports between rooms that the code has', () => {
    const drawn = new Set(mermaid.split('\n').map((l) => l.trim()).filter((l) => /^[\w-]+ --> [\w-]+$/.test(l) && !/^(core|edges) -->/.test(l)));
    const code = roomEdges();
    expect(code.size).to.be.greaterThan(20);
    const missing = [...code].filter((e) => !drawn.has(e)).sort();
    const extra = [...drawn].filter((e) => !code.has(e)).sort();
    expect({ missing, extra }, 'add the missing arrows to the diagram, remove the extra ones').to.deep.equal({ missing: [], extra: [] });
  });

  it('puts every room of src/ in its layer, with a paragraph saying what it may import', () => {
    const rooms = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    for (const room of rooms) {
      const rule = (ROOMS as Record<string, { layer: string; may: string[] } | undefined>)[room];
      expect(rule, `src/${room} in ROOMS`).to.not.equal(undefined);
      if (!rule) continue;
      const group = rule.layer === 'contracts' ? 'contracts_layer' : rule.layer === 'core' ? 'core' : 'edges';
      const subgraph = new RegExp(`subgraph ${group} [^\\n]*\\n((?:\\s+[\\w-]+\\n)*)\\s+end`).exec(mermaid)?.[1] ?? '';
      expect(subgraph.split(/\s+/), `${room} in subgraph ${group}`).to.include(room);
      const paragraph = new RegExp(`### ${room} \\(${rule.layer}\\)\\n([\\s\\S]*?)(?=\\n###|$)`).exec(doc)?.[1];
      expect(paragraph, `a "### ${room} (${rule.layer})" paragraph`).to.be.a('string');
      const may = /\*\*May import:\*\* ([^.]*)\./.exec(paragraph ?? '')?.[1] ?? '';
      if (room === 'cli') expect(may).to.equal('every room');
      else if (rule.may.length === 0) expect(may).to.match(/^nothing of ours/);
      else expect(may.split(/,\s+/).sort(), `${room}: may import`).to.deep.equal([...rule.may].sort());
    }
  });
});
