import { expect } from 'chai';
import { eventLoopSlicer, WorkAbandoned } from '../../../src/server/slicing.js';

describe('server/slicing eventLoopSlicer', () => {
  it('goes on within the budget, waits for a turn of the event loop after it', async () => {
    let now = 0;
    const slice = eventLoopSlicer({ budgetMs: 10, abandoned: () => false, now: () => now });
    expect(slice()).to.equal(undefined);
    now = 9;
    expect(slice()).to.equal(undefined);
    now = 10;
    let immediate = false;
    setImmediate(() => (immediate = true));
    const pause = slice();
    expect(pause).to.be.instanceOf(Promise);
    await pause;
    expect(immediate, 'the event loop ran before the work went on').to.equal(true);
    now = 15;
    expect(slice(), 'the budget starts again after the turn').to.equal(undefined);
  });

  it('stops the work once its answer is no longer wanted', () => {
    let abandoned = false;
    const slice = eventLoopSlicer({ budgetMs: 10, abandoned: () => abandoned });
    expect(slice()).to.equal(undefined);
    abandoned = true;
    expect(() => slice()).to.throw(WorkAbandoned);
  });
});
