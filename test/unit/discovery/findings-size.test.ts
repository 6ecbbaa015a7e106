import { expect } from 'chai';
import { emptyInventory } from '../../../src/contracts/inventory.js';
import { estimateBytes } from '../../../src/discovery/findings-size.js';

describe('discovery/findings-size', () => {
  it('grows with the strings and entries held', () => {
    const small = emptyInventory('cyclonedx');
    const big = emptyInventory('cyclonedx');
    big.reasons.push('x'.repeat(10_000));
    expect(estimateBytes(big) - estimateBytes(small)).to.be.within(10_000, 10_100);
    const many = emptyInventory('spdx3');
    for (let i = 0; i < 100; i++) many.models.push({ name: `m${i}`, datasets: [], hashes: [], externalReferences: [] });
    expect(estimateBytes(many)).to.be.greaterThan(100 * 4 * 32);
  });

  it('counts a shared or cyclic object once and terminates', () => {
    const shared = { text: 'y'.repeat(1000) };
    const cyclic: Record<string, unknown> = { a: shared, b: shared };
    cyclic.self = cyclic;
    expect(estimateBytes(cyclic)).to.be.below(1200);
  });
});
