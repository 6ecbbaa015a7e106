// Property-based: mutate real corpus BOMs (replace, delete, inject hostile keys) — readBom never throws and
// always returns a well-formed result.
import { expect } from 'chai';
import fc from 'fast-check';
import { readBom } from '../../../src/bom/read.js';
import type { AiInventory } from '../../../src/contracts/inventory.js';
import { classifyInventory } from '../../../src/classify/inventory.js';
import { corpusBytes, corpusFiles, expectCorpus, removeTrailingCommas } from '../../support/corpus.js';

type Json = unknown;

/** Every path (list of keys) into a JSON value, iteratively, capped. */
function paths(root: Json, max = 5000): (string | number)[][] {
  const out: (string | number)[][] = [];
  const stack: { v: Json; p: (string | number)[] }[] = [{ v: root, p: [] }];
  while (stack.length > 0 && out.length < max) {
    const { v, p } = stack.pop()!;
    out.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, p: [...p, i] }));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) stack.push({ v: x, p: [...p, k] });
  }
  return out;
}

type Mutation = { at: number; kind: 'replace' | 'delete' | 'proto' | 'dup' | 'wrap'; value: Json };

function mutate(doc: Json, mutations: Mutation[]): Json {
  let root = structuredClone(doc);
  for (const m of mutations) {
    const all = paths(root);
    const p = all[m.at % all.length]!;
    if (p.length === 0) {
      if (m.kind === 'wrap') root = { _type: 'https://in-toto.io/Statement/v1', predicateType: 'https://cyclonedx.org/bom', subject: [], predicate: root };
      continue;
    }
    let parent = root as Record<string | number, Json>;
    for (const k of p.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
    const key = p[p.length - 1]!;
    if (m.kind === 'replace') parent[key] = m.value;
    else if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else if (m.kind === 'proto') {
      const target = parent[key];
      if (target && typeof target === 'object' && !Array.isArray(target)) Object.defineProperty(target, '__proto__', { value: m.value, enumerable: true, configurable: true, writable: true });
    } else if (m.kind === 'dup' && Array.isArray(parent)) parent.push(structuredClone(parent[key]));
    else if (m.kind === 'wrap') parent[key] = [parent[key]];
  }
  return root;
}

function wellFormed(inv: AiInventory): void {
  expect(['cyclonedx', 'spdx3', 'spdx2', 'unknown']).to.include(inv.format);
  for (const list of [inv.models, inv.datasets, inv.agents, inv.findings, inv.reasons]) expect(list).to.be.an('array');
  for (const m of inv.models) {
    expect(m.name).to.be.a('string');
    expect(m.datasets).to.be.an('array');
    expect(m.hashes).to.be.an('array');
    if (m.license !== undefined) expect(m.license).to.be.a('string');
  }
  for (const a of inv.agents) expect(a.uses).to.be.an('array');
  for (const f of inv.findings) expect(f.code).to.be.a('string');
  expect(['agent', 'model', 'dataset', 'no-ai']).to.include(classifyInventory(inv).classification);
  JSON.stringify(inv);
}

describe('bom/read: property-based mutation of real BOMs', () => {
  const docs = corpusFiles().map((f) => ({ f, doc: JSON.parse(removeTrailingCommas(corpusBytes(f).toString('utf8'))) as Json }));
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('replace', 'delete', 'proto', 'dup', 'wrap'),
    value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('machine-learning-model', 'application', 'data', 'unknown', 'SPDX-2.3', 'CycloneDX', 'ai_AIPackage', 'dependsOn', '')),
  });

  it('has real BOMs to mutate (a missing corpus fails, never tests nothing)', () => expectCorpus(docs.map((d) => d.f)));

  for (const { f, doc } of docs) {
    it(`never throws on mutations of ${f}`, () => {
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
          const text = JSON.stringify(mutate(doc, mutations));
          const r = readBom(text);
          if (r.ok) wellFormed(r.inventory);
          else expect(r.error).to.be.a('string').and.not.equal('');
        }),
        { numRuns: f.includes('TC-1817') ? 40 : 120, seed: 4242 },
      );
    });
  }

  it('never throws on arbitrary text or JSON', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.json()), (t) => {
      const r = readBom(t);
      if (r.ok) wellFormed(r.inventory);
    }), { numRuns: 300, seed: 7 });
  });
});
