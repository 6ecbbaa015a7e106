// The caps of one admission (src/admission/limits.ts, docs/limits.md): what a cap leaves out is
// never looked up or examined, and always said — a warning, the label `unknown` where "no AI" cannot
// be said, and a `limits` verdict that an Enforce policy turns into a denial.
import { expect } from 'chai';
import { admit, type AdmitDependencies, type Endpoint } from '../../../src/admission/admit.js';
import type { ImageFindings } from '../../../src/contracts/lookup.js';
import { capModelPairs, capUses, reviewedUses } from '../../../src/admission/limits.js';
import { imageUses } from '../../../src/contracts/pod-images.js';
import { deployment, evaluatorOf, found, inventory, mapLookup, model, policy, reviewOf, settings } from '../policy/support.js';

const LLM = '127.0.0.1:5000/ml/llm:1.0';
const limits = { maxImagesPerReview: 4, maxModelsPerReview: 10 };

function containers(n: number, image = (i: number) => `127.0.0.1:5000/ml/app-${i}:1`): { name: string; image: string }[] {
  return Array.from({ length: n }, (_, i) => ({ name: `c${i}`, image: image(i) }));
}

function models(n: number, prefix = 'm') {
  return Array.from({ length: n }, (_, i) => model({ name: `${prefix}${i}`, version: '1', license: 'MIT' }));
}

async function run(object: Record<string, unknown>, byImage: Record<string, ImageFindings>, endpoint: Endpoint, extra: Partial<AdmitDependencies> = {}) {
  const looked: string[] = [];
  const lookup = mapLookup(byImage);
  return {
    outcome: await admit(reviewOf(object), endpoint, {
      lookup: async (image, o) => {
        looked.push(image);
        return lookup(image, o);
      },
      settings: { ...settings, limits },
      signal: new AbortController().signal,
      ...extra,
    }),
    looked,
  };
}

describe('admission/limits', () => {
  it('capUses keeps the first N references in pod-spec order and says how many were left out', () => {
    const uses = imageUses({ containers: containers(6), initContainers: containers(2, (i) => `127.0.0.1:5000/init-${i}:1`) });
    const { reviewed, note } = capUses(uses, 5);
    expect(reviewed.map((u) => u.container)).to.deep.equal(['c0', 'c1', 'c2', 'c3', 'c4']);
    expect(note).to.deep.equal({ limit: 'limits.maxImagesPerReview', message: '8 image references, over limits.maxImagesPerReview (5): 3 not reviewed' });
    expect(capUses(uses, 8).note).to.equal(undefined);
  });

  it('reviewedUses parses only the first N references and counts the rest (the same note as capUses)', () => {
    // Beyond the cap: 50,000 references that would not even parse; they are counted, not read.
    const spec = { containers: [...containers(3), ...Array.from({ length: 50_000 }, (_, i) => ({ name: `x${i}`, image: 'NOT A REFERENCE!' }))], volumes: [{ name: 'v', image: { reference: 'UPPER:x' } }] };
    const { reviewed, note } = reviewedUses(spec, 4);
    expect(reviewed.map((u) => u.container)).to.deep.equal(['c0', 'c1', 'c2', 'x0']);
    expect(reviewed[3]!.invalid).to.be.a('string');
    expect(note?.message).to.equal('50004 image references, over limits.maxImagesPerReview (4): 50000 not reviewed');
    expect(reviewedUses({ containers: containers(4) }, 4).note).to.equal(undefined);
    expect(capUses(imageUses(spec), 4).note).to.deep.equal(note);
  });

  it('capModelPairs keeps images whole while they fit, then as many distinct models as fit', () => {
    const uses = (image: string, n: number) => Array.from({ length: n }, (_, i) => ({ index: i, slot: 'container' as const, container: `${image}-${i}`, image, normalized: image }));
    const a = { image: 'a', uses: uses('a', 2), findings: found(inventory(models(3, 'a'))) }; // 6 pairs
    const b = { image: 'b', uses: uses('b', 2), findings: found(inventory([...models(5, 'b'), model({ name: 'b1', version: '1' })])) }; // 5 distinct: 10 pairs
    const c = { image: 'c', uses: uses('c', 1), findings: found(inventory(models(2, 'c'))) };
    const { results, note } = capModelPairs([a, b, c], 10);
    expect(results[0]).to.equal(a);
    expect(results[1]!.findings.boms[0]!.inventory.models.map((m) => m.name)).to.deep.equal(['b0', 'b1', 'b1']);
    expect(results[2]!.findings.boms[0]!.inventory.models).to.deep.equal([]);
    expect(b.findings.boms[0]!.inventory.models, 'cached findings are not changed').to.have.length(6);
    expect(note?.message).to.equal('18 model × container pairs, over limits.maxModelsPerReview (10): 8 not examined');
  });

  it('mutate: 10 images over a cap of 4 — 4 looked up, a warning, labelled unknown when the rest may carry AI', async () => {
    const object = deployment('many', 'ml', containers(10));
    const { outcome, looked } = await run(object, {}, 'mutate');
    expect(looked).to.have.length(4);
    expect(outcome.classification?.aiBearing).to.equal('unknown');
    expect(outcome.review.response.allowed).to.equal(true);
    expect(outcome.review.response.warnings).to.include('aibom: 10 image references, over limits.maxImagesPerReview (4): 6 not reviewed');
    expect(outcome.review.response.auditAnnotations?.limits).to.equal('limits.maxImagesPerReview');
    expect(outcome.limits).to.have.length(1);
  });

  it('mutate: AI found in the reviewed images keeps the label true', async () => {
    const object = deployment('many', 'ml', containers(10, (i) => (i === 0 ? LLM : `127.0.0.1:5000/ml/app-${i}:1`)));
    const { outcome } = await run(object, { [LLM]: found(inventory(models(1))) }, 'mutate');
    expect(outcome.classification?.aiBearing).to.equal('true');
  });

  it('validate: an Enforce policy denies what it could not check whole, naming the cap; Warn warns; no policy admits', async () => {
    const object = deployment('many', 'ml', containers(10));
    const enforce = evaluatorOf([policy('licences', 'Enforce', { licenses: { allow: ['MIT'] } })]);
    const denied = (await run(object, {}, 'validate', { evaluatePolicy: enforce })).outcome.review.response;
    expect(denied.allowed).to.equal(false);
    expect(denied.status?.message).to.contain('[licences/limits] workload: 10 image references, over limits.maxImagesPerReview (4): 6 not reviewed; the rest of the workload was not checked');
    const warn = evaluatorOf([policy('licences', 'Warn', { licenses: { allow: ['MIT'] } })]);
    const warned = (await run(object, {}, 'validate', { evaluatePolicy: warn })).outcome.review.response;
    expect(warned.allowed).to.equal(true);
    expect(warned.warnings!.some((w) => w.startsWith('aibom policy licences/limits: workload: 10 image references'))).to.equal(true);
    const none = (await run(object, {}, 'validate')).outcome.review.response;
    expect(none.allowed).to.equal(true);
    expect(none.warnings).to.include('aibom: 10 image references, over limits.maxImagesPerReview (4): 6 not reviewed');
  });

  it('validate: a model hidden beyond maxModelsPerReview cannot pass unseen', async () => {
    // 11 MIT models then one under a denied licence: the denied one is past the cap of 10.
    const list = [...models(11), model({ name: 'hidden', version: '1', license: 'cc-by-nc-4.0' })];
    const object = deployment('one', 'ml', [{ name: 'server', image: LLM }]);
    const evaluate = evaluatorOf([policy('licences', 'Enforce', { licenses: { allow: ['MIT'], deny: ['cc-by-nc-4.0'] } })]);
    const { outcome } = await run(object, { [LLM]: found(inventory(list)) }, 'validate', { evaluatePolicy: evaluate });
    expect(outcome.review.response.allowed).to.equal(false);
    expect(outcome.review.response.status?.message).to.contain('limits.maxModelsPerReview');
    expect(outcome.results[0]!.findings.boms[0]!.inventory.models).to.have.length(10);
  });

  it('validate: a BOM the reader cut at a cap is a limits verdict too', async () => {
    const inv = inventory(models(2));
    inv.findings.push({ code: 'too-many-models', severity: 'warning', message: 'the BOM lists more than 2 models (limits.maxModelsPerBom): 5 more were not read' });
    const object = deployment('one', 'ml', [{ name: 'server', image: LLM }]);
    const evaluate = evaluatorOf([policy('licences', 'Enforce', { licenses: { allow: ['MIT'] } })]);
    const { outcome } = await run(object, { [LLM]: found(inv) }, 'validate', { evaluatePolicy: evaluate });
    expect(outcome.review.response.allowed).to.equal(false);
    expect(outcome.limits?.map((l) => l.limit)).to.deep.equal(['limits.maxModelsPerBom']);
  });

  it('within the caps nothing changes: no limits, no warning, no audit key', async () => {
    const object = deployment('few', 'ml', containers(4));
    const { outcome, looked } = await run(object, {}, 'mutate');
    expect(looked).to.have.length(4);
    expect(outcome.limits).to.equal(undefined);
    expect(outcome.review.response.warnings).to.equal(undefined);
    expect(outcome.review.response.auditAnnotations?.limits).to.equal(undefined);
  });

  it('at most 20 warnings, the last counting the rest', async () => {
    const object = deployment('many', 'ml', containers(40));
    const timeouts = Object.fromEntries(containers(40).map((c) => [c.image, { status: 'timeout', boms: [] } as ImageFindings]));
    const { outcome } = await admit(reviewOf(object), 'mutate', { lookup: mapLookup(timeouts), settings: { ...settings, limits: { maxImagesPerReview: 100, maxModelsPerReview: 10 } }, signal: new AbortController().signal }).then((o) => ({ outcome: o }));
    const warnings = outcome.review.response.warnings!;
    expect(warnings).to.have.length(20);
    expect(warnings.at(-1)).to.equal('aibom: 21 more warnings not shown');
  });
});
