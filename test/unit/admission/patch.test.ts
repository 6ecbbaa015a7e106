import { expect } from 'chai';
import { applyPatch } from 'rfc6902';
import { escapePointer, metadataPatch, pointer, type PatchOp } from '../../../src/admission/patch.js';
import type { DesiredMetadata } from '../../../src/admission/annotations.js';

function apply(doc: Record<string, unknown>, ops: PatchOp[]): Record<string, unknown> {
  const copy = structuredClone(doc);
  const errors = applyPatch(copy, ops as Parameters<typeof applyPatch>[1]);
  expect(errors.filter(Boolean)).to.deep.equal([]);
  return copy;
}

const desired: DesiredMetadata = {
  labels: { 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'model', 'aibom.io/bypassed': undefined },
  annotations: { 'aibom.io/lookup': '{"a":"found"}', 'aibom.io/models-omitted': undefined },
};

describe('admission/patch', () => {
  const escapes: [string, string][] = [
    ['aibom.io/ai-bearing', 'aibom.io~1ai-bearing'],
    ['a~b', 'a~0b'],
    ['a/b~c', 'a~1b~0c'],
    ['~1', '~01'],
    ['/~', '~1~0'],
    ['plain', 'plain'],
  ];
  for (const [raw, escaped] of escapes) {
    it(`escapes ${JSON.stringify(raw)} as ${JSON.stringify(escaped)} (RFC 6901: ~ first, then /)`, () => {
      expect(escapePointer(raw)).to.equal(escaped);
    });
  }

  it('a pointer with / and ~ in keys reaches exactly that key under an independent implementation', () => {
    const doc = { metadata: { labels: { 'x/y~z': 'old', 'x': { 'y~z': 'decoy' } } } } as Record<string, unknown>;
    const path = pointer(['metadata', 'labels', 'x/y~z']);
    expect(path).to.equal('/metadata/labels/x~1y~0z');
    const after = apply(doc, [{ op: 'replace', path, value: 'new' }]);
    expect(after).to.deep.equal({ metadata: { labels: { 'x/y~z': 'new', 'x': { 'y~z': 'decoy' } } } });
  });

  it('creates labels and annotations maps when absent', () => {
    const ops = metadataPatch(['metadata'], { name: 'p' }, desired);
    expect(ops).to.deep.equal([
      { op: 'add', path: '/metadata/labels', value: { 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'model' } },
      { op: 'add', path: '/metadata/annotations', value: { 'aibom.io/lookup': '{"a":"found"}' } },
    ]);
    expect(apply({ metadata: { name: 'p' } }, ops)).to.deep.equal({ metadata: { name: 'p', labels: { 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'model' }, annotations: { 'aibom.io/lookup': '{"a":"found"}' } } });
  });

  it('creates the whole metadata object when a template has none', () => {
    const doc = { spec: { template: { spec: {} } } };
    const ops = metadataPatch(['spec', 'template', 'metadata'], undefined, desired);
    expect(ops).to.have.length(1);
    expect(apply(doc, ops)).to.deep.equal({ spec: { template: { spec: {}, metadata: { labels: { 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'model' }, annotations: { 'aibom.io/lookup': '{"a":"found"}' } } } } });
  });

  it('a null map is replaced by a whole map', () => {
    const ops = metadataPatch(['metadata'], { labels: null, annotations: {} }, desired);
    const after = apply({ metadata: { labels: null, annotations: {} } }, ops);
    expect(after.metadata).to.deep.equal({ labels: { 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'model' }, annotations: { 'aibom.io/lookup': '{"a":"found"}' } });
  });

  it('adds, replaces and removes only owned keys; unrelated keys are untouched', () => {
    const current = {
      labels: { app: 'x', 'aibom.io/ai-bearing': 'false', 'aibom.io/bypassed': 'true', 'aibom.io/other': 'kept' },
      annotations: { 'aibom.io/models-omitted': '3', 'aibom.io/break-glass': 'https://x.invalid/1', note: 'n' },
    };
    const ops = metadataPatch(['metadata'], current, desired);
    expect(ops).to.deep.equal([
      { op: 'replace', path: '/metadata/labels/aibom.io~1ai-bearing', value: 'true' },
      { op: 'add', path: '/metadata/labels/aibom.io~1ai-kind', value: 'model' },
      { op: 'remove', path: '/metadata/labels/aibom.io~1bypassed' },
      { op: 'add', path: '/metadata/annotations/aibom.io~1lookup', value: '{"a":"found"}' },
      { op: 'remove', path: '/metadata/annotations/aibom.io~1models-omitted' },
    ]);
    const after = apply({ metadata: current }, ops).metadata as typeof current;
    expect(after.labels).to.deep.equal({ app: 'x', 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'model', 'aibom.io/other': 'kept' });
    expect(after.annotations).to.deep.equal({ 'aibom.io/break-glass': 'https://x.invalid/1', note: 'n', 'aibom.io/lookup': '{"a":"found"}' });
  });

  it('nothing to do gives no operations', () => {
    const current = { labels: { 'aibom.io/ai-bearing': 'true', 'aibom.io/ai-kind': 'model' }, annotations: { 'aibom.io/lookup': '{"a":"found"}' } };
    expect(metadataPatch(['metadata'], current, desired)).to.deep.equal([]);
  });

  it('operations come in a stable order whatever the key order of the input', () => {
    const a = metadataPatch(['metadata'], { labels: { z: '1' }, annotations: {} }, desired);
    const shuffled: DesiredMetadata = { labels: { 'aibom.io/bypassed': undefined, 'aibom.io/ai-kind': 'model', 'aibom.io/ai-bearing': 'true' }, annotations: { 'aibom.io/models-omitted': undefined, 'aibom.io/lookup': '{"a":"found"}' } };
    const b = metadataPatch(['metadata'], { annotations: {}, labels: { z: '1' } }, shuffled);
    expect(JSON.stringify(b)).to.equal(JSON.stringify(a));
  });
});
