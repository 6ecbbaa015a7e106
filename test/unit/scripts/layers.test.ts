// The layering lint rules (scripts/lint/layers.js) on small trees written for the purpose: each
// arrow the rules refuse is refused, what they allow passes, and cycles are found through type-only
// imports, between files and between rooms.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import layers, { ROOMS } from '../../../scripts/lint/layers.js';
import { tempDir } from '../../support/server.js';

type Tree = Record<string, string>;

function lint(tree: Tree, file: string): string[] {
  const tmp = tempDir('layers');
  try {
    for (const [path, text] of Object.entries(tree)) {
      mkdirSync(dirname(join(tmp.dir, path)), { recursive: true });
      writeFileSync(join(tmp.dir, path), text);
    }
    const linter = new Linter({ configType: 'flat', cwd: tmp.dir });
    const config = [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { layers }, rules: { 'layers/arrows': 'error' as const, 'layers/no-cycle': 'error' as const } }];
    return linter.verify(tree[file]!, config, join(tmp.dir, file)).map((m) => m.message);
  } finally {
    tmp.remove();
  }
}

describe('scripts/lint/layers.js', () => {
  it('ROOMS is one-way: every room can be ordered after the rooms it may import', () => {
    const placed = new Set<string>();
    const order: string[] = [];
    const rooms = Object.entries(ROOMS);
    while (order.length < rooms.length) {
      const next = rooms.find(([name, r]) => !placed.has(name) && r.may.every((m) => placed.has(m)));
      expect(next, `no room can come next after ${order.join(', ')}`).to.not.equal(undefined);
      placed.add(next![0]);
      order.push(next![0]);
    }
    expect(order[0]).to.equal('contracts');
    for (const [name, r] of rooms) if (r.layer === 'core') expect(r.may.every((m) => ROOMS[m]?.layer !== 'edge'), name).to.equal(true);
  });

  it('refuses a core room importing an edge, even for a type', () => {
    const messages = lint({
      'src/policy/rules.ts': "import type { Config } from '../config/index.js';\nexport const x = 1;\n",
      'src/config/index.ts': 'export type Config = { a: 1 };\n',
    }, 'src/policy/rules.ts');
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(/^policy\/ may not import config\//);
  });

  it('refuses reaching into another room past its public entry, and allows the entry itself', () => {
    const tree = {
      'src/discovery/lookup.ts': "import { readBom } from '../bom/read.js';\nexport const x = readBom;\n",
      'src/discovery/other.ts': "import { readBom } from '../bom/index.js';\nexport const y = readBom;\n",
      'src/bom/read.ts': 'export const readBom = 1;\n',
      'src/bom/index.ts': "export { readBom } from './read.js';\n",
    };
    expect(lint(tree, 'src/discovery/lookup.ts')).to.deep.equal(['discovery/ imports bom/ only through its public entry src/bom/index.ts, not bom/read.ts.']);
    expect(lint(tree, 'src/discovery/other.ts')).to.deep.equal([]);
  });

  it('lets every room read contracts/ file by file, and refuses packages inside contracts/', () => {
    const tree = {
      'src/admission/admit.ts': "import type { LookupStatus } from '../contracts/lookup.js';\nexport type S = LookupStatus;\n",
      'src/contracts/lookup.ts': "import { z } from 'zod';\nexport type LookupStatus = 'found';\nexport const s = z;\n",
    };
    expect(lint(tree, 'src/admission/admit.ts')).to.deep.equal([]);
    expect(lint(tree, 'src/contracts/lookup.ts')).to.deep.equal(['contracts/ imports no packages (zod): it is the pure vocabulary every room shares.']);
  });

  it('refuses src/ importing from outside src/ and a folder that is not a room', () => {
    expect(lint({ 'src/server/a.ts': "import { x } from '../../scripts/lib/x.js';\nexport const y = x;\n" }, 'src/server/a.ts')[0]).to.match(/^src\/ imports nothing outside src\//);
    expect(lint({ 'src/util/a.ts': "import { x } from '../bom/index.js';\nexport const y = x;\n", 'src/bom/index.ts': 'export const x = 1;\n' }, 'src/util/a.ts')[0]).to.match(/^src\/util is not a room/);
  });

  it('finds a file cycle closed by a type-only import', () => {
    const tree = {
      'src/policy/schema.ts': "import { RULES } from './verdict.js';\nexport type Mode = 'a';\nexport const s = RULES;\n",
      'src/policy/verdict.ts': "import type { Mode } from './schema.js';\nexport const RULES: Mode[] = [];\n",
    };
    expect(lint(tree, 'src/policy/verdict.ts')).to.deep.equal(['import cycle (type-only imports count): policy/verdict.ts → policy/schema.ts → policy/verdict.ts']);
  });

  it('finds a cycle between rooms that no single file closes', () => {
    const tree = {
      'src/admission/admit.ts': "import { classify } from '../classify/index.js';\nexport const a = classify;\n",
      'src/admission/lookup.ts': "export type Status = 'found';\n",
      'src/admission/index.ts': "export type { Status } from './lookup.js';\n",
      'src/classify/index.ts': "import type { Status } from '../admission/index.js';\nexport const classify = (s: Status): Status => s;\n",
    };
    const messages = lint(tree, 'src/classify/index.ts');
    expect(messages).to.include('room cycle (type-only imports count): classify/ → admission/ → classify/; this file imports admission/index.ts');
  });

  it('passes a one-way tree', () => {
    const tree = {
      'src/contracts/lookup.ts': "export type Status = 'found';\n",
      'src/classify/index.ts': "import type { Status } from '../contracts/lookup.js';\nexport const classify = (s: Status): Status => s;\n",
      'src/admission/admit.ts': "import { classify } from '../classify/index.js';\nexport const a = classify;\n",
    };
    for (const file of Object.keys(tree)) expect(lint(tree, file), file).to.deep.equal([]);
  });
});
