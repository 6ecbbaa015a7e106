// The bounded verdict list of one decision (src/policy/verdict-collector.ts) and the sliced
// evaluation (src/util/slices.ts) give exactly what sorting all verdicts gives.
import { expect } from 'chai';
import fc from 'fast-check';
import { VerdictCollector } from '../../../src/policy/verdict-collector.js';
import { RULE_NAMES, type Verdict } from '../../../src/contracts/policy.js';
import { sortVerdicts } from '../../../src/policy/verdict.js';
import { decide } from '../../../src/policy/evaluate.js';
import { enforce, enforcementSlices } from '../../../src/policy/enforce.js';
import { policySet } from '../../../src/policy/policy-set.js';
import { runSliced } from '../../../src/contracts/slices.js';
import { contextFor, deployment, found, inventory, model, NOW, policy } from './support.js';

const verdict = fc.record({
  policy: fc.constantFrom('a', 'b', 'c'),
  rule: fc.constantFrom(...RULE_NAMES),
  effect: fc.constantFrom('deny' as const, 'warn' as const, 'audit' as const),
  container: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }),
  model: fc.option(fc.string({ maxLength: 3 }), { nil: undefined }),
  message: fc.string({ maxLength: 4 }),
}).map((v): Verdict => {
  const out: Verdict = { policy: v.policy, rule: v.rule, effect: v.effect, mode: 'Enforce', reason: 'r', severity: 'violation', message: v.message, fix: 'f' };
  if (v.container !== undefined) out.container = v.container;
  if (v.model !== undefined) out.model = v.model;
  return out;
});

describe('policy/verdict-collector', () => {
  it('keeps the first max verdicts of the stable order and counts all', () => {
    fc.assert(
      fc.property(fc.array(verdict, { maxLength: 200 }), fc.integer({ min: 1, max: 50 }), (verdicts, max) => {
        const c = new VerdictCollector(max).addAll(verdicts);
        const key = (v: Verdict): string => JSON.stringify([v.effect, v.policy, v.rule, v.container, v.model, v.message]);
        expect(c.sorted().map(key)).to.deep.equal(sortVerdicts(verdicts).slice(0, max).map(key));
        expect(c.total).to.equal(verdicts.length);
        expect(c.omitted).to.equal(Math.max(0, verdicts.length - max));
        expect(c.counts.deny).to.equal(verdicts.filter((v) => v.effect === 'deny').length);
      }),
      { numRuns: 300 },
    );
  });

  it('a decision over more verdicts than kept: denied on the count, "and N more", omittedVerdicts, the warnings count what is not shown', () => {
    const many: Verdict[] = Array.from({ length: 3000 }, (_, i) => ({ policy: 'p', rule: 'licenses', effect: i % 3 === 0 ? 'deny' : 'warn', mode: 'Enforce', reason: 'r', severity: 'violation', model: `m${i}`, message: 'x', fix: 'f' }));
    const d = decide(many, { maxVerdicts: 100 });
    expect(d.allowed).to.equal(false);
    expect(d.verdicts).to.have.length(100);
    expect(d.verdicts.every((v) => v.effect === 'deny')).to.equal(true);
    expect(d.counts).to.deep.equal({ deny: 1000, warn: 2000, audit: 0 });
    expect(d.omittedVerdicts).to.equal(2900);
    expect(d.message).to.contain('and 997 more');
    expect(d.warnings).to.deep.equal(['aibom policy: 2000 more policy warnings not shown']);
  });
});

describe('policy/enforce in slices', () => {
  it('gives the same decision as the straight run, yielding between slices', async () => {
    const list = Array.from({ length: 300 }, (_, i) => model({ name: `m${i}`, version: '1', ...(i % 7 === 0 ? { license: 'GPL-3.0-only' } : { license: 'MIT' }) }));
    const image = '127.0.0.1:5000/ml/llm:1.0';
    const ctx = await contextFor(deployment('chat', 'ml', [{ name: 'a', image }, { name: 'b', image }]), { [image]: found(inventory(list)) });
    const set = policySet([policy('licences', 'Enforce', { licenses: { allow: ['MIT'] } }), policy('hashes', 'Warn', { requireHashes: true })]);
    const settings = { prefix: 'aibom.io', breakGlass: { enabled: true, stackroxKey: false, allowedUsers: [], allowedGroups: [], namespaces: ['*'], valuePattern: '^https?://\\S+$' }, maxVerdicts: 50 };
    let turns = 0;
    const sliced = await runSliced(enforcementSlices(ctx, set, settings, NOW), () => {
      turns++;
      return Promise.resolve();
    });
    expect(sliced).to.deep.equal(enforce(ctx, set, settings, NOW));
    expect(sliced.allowed).to.equal(false);
    expect(sliced.counts).to.deep.equal({ deny: 2 * 43, warn: 600, audit: 0 });
    expect(turns).to.be.greaterThan(10);
  });
});
