import { expect } from 'chai';
import { getEventListeners } from 'node:events';
import { onAbort } from '../../../src/contracts/abort.js';

describe('contracts/abort onAbort', () => {
  it('puts one listener on the signal however many wait on it, and calls each waiter once, in order', () => {
    const controller = new AbortController();
    const calls: number[] = [];
    const unsubscribe = Array.from({ length: 10_000 }, (_, i) => onAbort(controller.signal, () => calls.push(i)));
    expect(getEventListeners(controller.signal, 'abort')).to.have.length(1);
    for (let i = 0; i < 10_000; i += 2) unsubscribe[i]!();
    controller.abort();
    controller.abort();
    expect(calls).to.have.length(5000);
    expect(calls.slice(0, 3)).to.deep.equal([1, 3, 5]);
    expect(getEventListeners(controller.signal, 'abort')).to.have.length(0);
  });

  it('an aborted signal calls back at once', () => {
    const controller = new AbortController();
    controller.abort();
    let called = 0;
    onAbort(controller.signal, () => called++)();
    expect(called).to.equal(1);
  });

  it('a waiter unsubscribed while the abort runs is not called (as with EventTarget)', () => {
    const controller = new AbortController();
    const seen: string[] = [];
    let second: () => void = () => undefined;
    onAbort(controller.signal, () => {
      seen.push('a');
      second();
    });
    second = onAbort(controller.signal, () => seen.push('b'));
    controller.abort();
    expect(seen).to.deep.equal(['a']);
  });
});
