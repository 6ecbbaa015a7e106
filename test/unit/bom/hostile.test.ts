// Hostile input: every case gives a finding or a clear error, never a throw, in bounded time and memory.
import { expect } from 'chai';
import { readBom } from '../../../src/bom/read.js';
import { classifyInventory } from '../../../src/classify/inventory.js';

const codes = (r: ReturnType<typeof readBom>): string[] => (r.ok ? r.inventory.findings.map((f) => f.code) : []);
const base = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ bomFormat: 'CycloneDX', specVersion: '1.6', ...extra });

describe('bom/read: hostile input', () => {
  it('survives wrong types anywhere', () => {
    const docs = [
      base({ components: 'x', metadata: 5, dependencies: {} }),
      base({ components: [null, 1, 'a', [], { type: 7 }, { type: 'machine-learning-model', name: {}, licenses: {}, modelCard: [], hashes: 'h', properties: [{ name: 1, value: {} }] }] }),
      base({ components: [{ type: 'machine-learning-model', name: 'm', modelCard: { modelParameters: 'p', quantitativeAnalysis: { performanceMetrics: [1, { type: 2 }] }, considerations: { users: 'one', ethicalConsiderations: [null] } } }] }),
      base({ specVersion: 16, metadata: { component: 'app', timestamp: 1 } }),
      { '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', '@graph': [null, 1, { type: 'ai_AIPackage' }, { type: 'Relationship', from: 1, to: {} }, { type: 'Relationship', from: 'a', relationshipType: 'dependsOn', to: 5 }] },
      { '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', '@graph': 'nope' },
      { spdxVersion: 'SPDX-2.3', packages: { a: 1 }, relationships: 'r' },
      { spdxVersion: 'SPDX-2.3', packages: [null, { externalRefs: 'x' }, { externalRefs: [{ referenceType: 'purl', referenceLocator: 'pkg:huggingface/a/b' }] }] },
    ];
    for (const d of docs) {
      const r = readBom(JSON.stringify(d));
      expect(r.ok, JSON.stringify(d).slice(0, 80)).to.equal(true);
      if (r.ok) classifyInventory(r.inventory);
    }
    expect(codes(readBom(JSON.stringify(docs[0])))).to.include('wrong-type');
  });

  it('ignores __proto__, constructor and prototype keys without polluting prototypes', () => {
    const text = '{"bomFormat":"CycloneDX","specVersion":"1.6","__proto__":{"polluted":true},"components":[{"type":"machine-learning-model","name":"m","constructor":{"prototype":{"x":1}},"properties":[{"name":"__proto__","value":"y"}],"modelCard":{"__proto__":{"modelParameters":{"task":"evil"}}}}]}';
    const r = readBom(text);
    expect(r.ok).to.equal(true);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(codes(r)).to.include('forbidden-key');
    if (r.ok) expect(r.inventory.models[0]!.task).to.equal(undefined);
  });

  it('truncates 100k+ element arrays and caps components', () => {
    const components = Array.from({ length: 100_001 }, (_, i) => ({ type: 'library', name: `l${i}` }));
    const r = readBom(JSON.stringify(base({ components })));
    expect(codes(r)).to.include('array-truncated');
    const capped = readBom(JSON.stringify(base({ components: components.slice(0, 2000) })), { limits: { maxElements: 1000 } });
    expect(codes(capped)).to.include('too-many-components');
  });

  it('cuts 10k-deep nesting (JSON.parse survives it; the walk is iterative)', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const r = readBom(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"x","components":${deep}}]}`);
    expect(codes(r)).to.include('json-too-deep');
    const deepObj = '{"components":['.repeat(5000) + ']}'.repeat(5000);
    expect(readBom(`{"bomFormat":"CycloneDX","specVersion":"1.6","metadata":${deepObj}}`).ok).to.equal(true);
  });

  it('truncates multi-MB strings', () => {
    const r = readBom(JSON.stringify(base({ components: [{ type: 'machine-learning-model', name: 'm', description: 'x'.repeat(3 * 1024 * 1024) }] })));
    expect(codes(r)).to.include('string-truncated');
    if (r.ok) expect(r.inventory.models[0]!.description!.length).to.be.lessThan(2000);
  });

  it('refuses input over the byte limit', () => {
    expect(readBom('x'.repeat(2000), { limits: { maxBytes: 1000 } })).to.deep.include({ ok: false, code: 'too-large' });
  });

  it('handles cyclic dependency graphs and dangling refs', () => {
    const r = readBom(JSON.stringify(base({
      metadata: { component: { type: 'application', 'bom-ref': 'app', name: 'bot' } },
      components: [{ type: 'machine-learning-model', 'bom-ref': 'm', name: 'm' }, { type: 'library', 'bom-ref': 'a', name: 'a' }, { type: 'library', 'bom-ref': 'b', name: 'b' }],
      dependencies: [{ ref: 'app', dependsOn: ['a', 'ghost'] }, { ref: 'a', dependsOn: ['b'] }, { ref: 'b', dependsOn: ['a', 'm'] }, { ref: 'm', dependsOn: ['app'] }],
    })));
    expect(codes(r)).to.include.members(['dependency-cycle', 'dangling-ref']);
    if (r.ok) expect(r.inventory.agents.map((a) => a.name)).to.deep.equal(['bot']);
  });

  it('stays fast on a large dense dependency graph', () => {
    const n = 3000;
    const components = Array.from({ length: n }, (_, i) => ({ type: i % 2 ? 'application' : 'library', 'bom-ref': `c${i}`, name: `c${i}` }));
    const dependencies = components.map((c, i) => ({ ref: c['bom-ref'], dependsOn: Array.from({ length: 20 }, (_, j) => `c${(i * 7 + j * 13) % n}`) }));
    const r = readBom(JSON.stringify(base({ components, dependencies })));
    expect(r.ok).to.equal(true);
  });

  describe('agents on a graph of many applications (one shared walk budget)', () => {
    // n/2 applications over n/2 libraries with 20 edges each: without a shared budget every
    // application walks the whole library graph (applications × edges).
    const dense = (n: number, extra: Record<string, unknown>[] = []): string => {
      const components: Record<string, unknown>[] = Array.from({ length: n }, (_, i) => ({ type: i % 2 ? 'application' : 'library', 'bom-ref': `c${i}`, name: `c${i}` }));
      const dependencies = components.map((c, i) => ({ ref: c['bom-ref'], dependsOn: Array.from({ length: 20 }, (_, j) => `c${(i * 7 + j * 13) % n}`) }));
      return JSON.stringify(base({ components: [...components, ...extra], dependencies }));
    };

    it('stops at the budget with a limit finding, and says so in the reasons', () => {
      const r = readBom(dense(6000));
      expect(r.ok).to.equal(true);
      if (!r.ok) return;
      expect(codes(r)).to.include('agent-analysis-truncated');
      expect(r.inventory.reasons.some((x) => /too large to tell agents apart: \d+ application\(s\) were not analysed/.test(x))).to.equal(true);
    });

    it('does not touch a BOM whose walks fit: an application using a model is still an agent', () => {
      const components = [
        { type: 'application', 'bom-ref': 'app', name: 'triage' },
        { type: 'library', 'bom-ref': 'lib', name: 'sdk' },
        { type: 'machine-learning-model', 'bom-ref': 'm', name: 'llm', version: '1' },
      ];
      const r = readBom(JSON.stringify(base({ components, dependencies: [{ ref: 'app', dependsOn: ['lib'] }, { ref: 'lib', dependsOn: ['m'] }] })));
      expect(r.ok).to.equal(true);
      if (!r.ok) return;
      expect(codes(r)).to.not.include('agent-analysis-truncated');
      expect(r.inventory.agents.map((a) => a.name)).to.deep.equal(['triage']);
    });

    it('keeps the truncation finding when findings overflow (it is a limit finding)', () => {
      const r = readBom(dense(6000), { limits: { maxFindings: 1 } });
      expect(codes(r)).to.include('agent-analysis-truncated');
    });
  });

  it('caps the number of findings', () => {
    const components = Array.from({ length: 500 }, () => ({ type: 'machine-learning-model' }));
    const r = readBom(JSON.stringify(base({ components })), { limits: { maxFindings: 10 } });
    expect(r.ok).to.equal(true);
    if (r.ok) {
      expect(r.inventory.findings.length).to.be.at.most(11);
      expect(codes(r)).to.include('findings-truncated');
    }
  });

  describe('limits.maxModelsPerBom', () => {
    const models = (n: number): Record<string, unknown>[] => Array.from({ length: n }, (_, i) => ({ type: 'machine-learning-model', 'bom-ref': `m${i}`, name: `model-${i}`, version: '1' }));

    it('CycloneDX: reads the first N models and says how many more there were', () => {
      const r = readBom(JSON.stringify(base({ components: [...models(1200), { type: 'machine-learning-model', name: 'model-3', version: '1', purl: 'pkg:huggingface/x/y' }] })), { limits: { maxModels: 1000 } });
      expect(r.ok).to.equal(true);
      if (!r.ok) return;
      expect(r.inventory.models).to.have.length(1000);
      expect(r.inventory.models.at(-1)!.name).to.equal('model-999');
      const cap = r.inventory.findings.find((f) => f.code === 'too-many-models');
      expect(cap?.message).to.match(/more than 1000 models \(limits\.maxModelsPerBom\): 201 more were not read/);
    });

    it('a further description of a listed model is still merged at the cap', () => {
      const list = [...models(3), { type: 'machine-learning-model', name: 'model-1', version: '1', description: 'again' }];
      const r = readBom(JSON.stringify(base({ components: list })), { limits: { maxModels: 3 } });
      expect(r.ok && r.inventory.models.map((m) => m.name)).to.deep.equal(['model-0', 'model-1', 'model-2']);
      expect(r.ok && r.inventory.models[1]!.description).to.equal('again');
      expect(codes(r)).to.not.include('too-many-models');
    });

    it('SPDX 3 and SPDX 2 readers stop at the cap too', () => {
      const spdx3 = {
        '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld',
        '@graph': Array.from({ length: 30 }, (_, i) => ({ type: 'ai_AIPackage', spdxId: `urn:m${i}`, name: `m${i}`, software_packageVersion: '1' })),
      };
      const r3 = readBom(JSON.stringify(spdx3), { limits: { maxModels: 10 } });
      expect(r3.ok && r3.inventory.models).to.have.length(10);
      expect(codes(r3)).to.include('too-many-models');
      const spdx2 = {
        spdxVersion: 'SPDX-2.3',
        packages: Array.from({ length: 30 }, (_, i) => ({ SPDXID: `SPDXRef-m${i}`, name: `m${i}`, externalRefs: [{ referenceType: 'purl', referenceLocator: `pkg:huggingface/org/m${i}` }] })),
      };
      const r2 = readBom(JSON.stringify(spdx2), { limits: { maxModels: 10 } });
      expect(r2.ok && r2.inventory.models).to.have.length(10);
      expect(codes(r2)).to.include('too-many-models');
    });

    it('a flood of other findings cannot push the limit finding out', () => {
      const nameless = Array.from({ length: 300 }, () => ({ type: 'machine-learning-model' }));
      const r = readBom(JSON.stringify(base({ components: [...nameless, ...models(50)] })), { limits: { maxModels: 20, maxFindings: 10 } });
      expect(codes(r)).to.include('findings-truncated');
      expect(codes(r)).to.include('too-many-models');
    });
  });
});
