import { expect } from 'chai';
import { bomEntries, desiredMetadata, lookupMap, modelEntries, ownedKeys, utf8Length } from '../../../src/admission/annotations.js';
import { type ImageResult } from '../../../src/contracts/lookup.js';
import type { ModelRecord } from '../../../src/contracts/inventory.js';
import { classifyWorkload } from '../../../src/classify/workload.js';
import { findings, foundBom } from '../../support/fixtures.js';

function model(name: string, extra: Partial<ModelRecord> = {}): ModelRecord {
  return { name, datasets: [], hashes: [], externalReferences: [], ...extra };
}
function inventory(models: ModelRecord[]) {
  return { format: 'cyclonedx' as const, models, datasets: [], agents: [], findings: [], reasons: [] };
}
function result(image: string, containers: [string, number][], models: ModelRecord[], digest = `sha256:${'e'.repeat(64)}`): ImageResult {
  return {
    image,
    uses: containers.map(([container, index]) => ({ index, slot: 'container' as const, container, image, normalized: image })),
    findings: models.length ? findings('found', [foundBom(inventory(models))], digest) : findings('none'),
  };
}

describe('admission/annotations', () => {
  it('owned keys follow the prefix', () => {
    const keys = ownedKeys('ai.example.com');
    expect(Object.values(keys.labels)).to.deep.equal(['ai.example.com/ai-bearing', 'ai.example.com/ai-kind', 'ai.example.com/evidence', 'ai.example.com/bypassed']);
    expect(Object.values(keys.annotations)).to.deep.equal(['ai.example.com/models', 'ai.example.com/boms', 'ai.example.com/lookup', 'ai.example.com/heuristics', 'ai.example.com/models-omitted']);
  });

  it('models are sorted by container index, image, name, version, purl, with a fixed key order', () => {
    const results = [
      result('r/b:1', [['second', 1]], [model('zeta', { version: '2' }), model('alpha', { version: '1', license: 'MIT', purl: 'pkg:x/alpha@1', format: 'gguf', task: 'text-generation', supplier: 'acme' })]),
      result('r/a:1', [['first', 0]], [model('mid')]),
    ];
    const entries = modelEntries(results);
    expect(entries.map((e) => `${e.container}:${e.name}`)).to.deep.equal(['first:mid', 'second:alpha', 'second:zeta']);
    expect(Object.keys(entries[1]!)).to.deep.equal(['name', 'version', 'purl', 'format', 'license', 'task', 'supplier', 'container', 'image', 'digest']);
  });

  it('the same model described twice in one image is listed once', () => {
    const r = result('r/a:1', [['c', 0]], [model('m', { purl: 'pkg:x/M@1' }), model('m-copy', { purl: 'pkg:x/m@1' }), model('n', { version: '1' }), model('N', { version: '1' })]);
    expect(modelEntries([r]).map((e) => e.name)).to.deep.equal(['m', 'n']);
  });

  it('boms and lookup are sorted and complete', () => {
    const results = [result('r/b:1', [['b', 1]], [model('x')]), result('r/a:1', [['a', 0]], [])];
    expect(bomEntries(results).map((b) => [b.container, b.source, b.trust])).to.deep.equal([['b', 'referrers', 'unsigned']]);
    expect(JSON.stringify(lookupMap(results))).to.equal('{"r/a:1":"none","r/b:1":"found"}');
  });

  it('heuristics are written only when the evidence is heuristic', () => {
    const results = [result('r/a:1', [['a', 0]], [])];
    const heuristic = classifyWorkload(['no-bom'], { aiBearing: true, reasons: ['serving image vllm', 'arg --model'] });
    const d = desiredMetadata('aibom.io', heuristic, results, { maxBytes: 65536, existing: {} }, false);
    expect(d.annotations['aibom.io/heuristics']).to.equal('["arg --model","serving image vllm"]');
    expect(d.labels['aibom.io/evidence']).to.equal('heuristic');
    const none = classifyWorkload(['no-bom'], { aiBearing: false, reasons: [] });
    expect(desiredMetadata('aibom.io', none, results, { maxBytes: 65536, existing: {} }, false).annotations['aibom.io/heuristics']).to.equal(undefined);
  });

  it('existing owned annotations do not count against the budget (they are replaced)', () => {
    const results = [result('r/a:1', [['a', 0]], Array.from({ length: 50 }, (_, i) => model(`m${i}`)))];
    const c = classifyWorkload(['model'], { aiBearing: false, reasons: [] });
    const fresh = desiredMetadata('aibom.io', c, results, { maxBytes: 65536, existing: {} }, false);
    const withOld = desiredMetadata('aibom.io', c, results, { maxBytes: 65536, existing: { 'aibom.io/models': 'x'.repeat(250_000) } }, false);
    expect(withOld).to.deep.equal(fresh);
  });

  it('the memo of annotations follows the findings, the uses and the budget, and hands out copies', () => {
    const c = classifyWorkload(['model'], { aiBearing: false, reasons: [] });
    const first = result('r/a:1', [['a', 0]], [model('m1')]);
    const d1 = desiredMetadata('aibom.io', c, [first], { maxBytes: 65536, existing: {} }, false);
    d1.annotations['aibom.io/models'] = 'changed by the caller';
    const again = desiredMetadata('aibom.io', c, [first], { maxBytes: 65536, existing: {} }, false);
    expect(again.annotations['aibom.io/models']).to.include('"name":"m1"');
    // Same image, other findings (a new lookup result): other models.
    const other = desiredMetadata('aibom.io', c, [result('r/a:1', [['a', 0]], [model('m2')])], { maxBytes: 65536, existing: {} }, false);
    expect(other.annotations['aibom.io/models']).to.include('"name":"m2"').and.not.include('m1');
    // Same findings, another container name.
    const renamed = desiredMetadata('aibom.io', c, [{ ...first, uses: [{ ...first.uses[0]!, container: 'b' }] }], { maxBytes: 65536, existing: {} }, false);
    expect(renamed.annotations['aibom.io/models']).to.include('"container":"b"');
    // Same findings, less room: nothing fits.
    const tight = desiredMetadata('aibom.io', c, [first], { maxBytes: 40, existing: {} }, false);
    expect(tight.annotations['aibom.io/models']).to.equal(undefined);
  });

  it('counts UTF-8 bytes, not UTF-16 units', () => {
    for (const s of ['', 'abc', 'é', '€', '𝔘', 'a€𝔘é']) expect(utf8Length(s), s).to.equal(Buffer.byteLength(s, 'utf8'));
  });
});
