import { expect } from 'chai';
import { defaultConfig } from '../../../src/config/schema.js';
import { parseGoDuration, requestDeadline } from '../../../src/server/deadline.js';

describe('server/deadline', () => {
  it('parses the Go durations the apiserver appends as ?timeout=', () => {
    expect(parseGoDuration('10s')).to.equal(10_000);
    expect(parseGoDuration('1m0s')).to.equal(60_000);
    expect(parseGoDuration('2.5s')).to.equal(2500);
    expect(parseGoDuration('500ms')).to.equal(500);
    for (const bad of [null, '', '10', 's', '10x', '-1s', '0s', '1s;drop', 'x'.repeat(40)]) expect(parseGoDuration(bad), String(bad)).to.equal(undefined);
  });

  it('mutate: lookups stop at the lookup budget, the answer goes out before the apiserver gives up', () => {
    const d = requestDeadline('mutate', '5s', defaultConfig());
    expect(d).to.deep.equal({ timeoutMs: 5000, lookupMs: 2500, answerMs: 4750 });
    // A shorter apiserver timeout wins over the budget.
    expect(requestDeadline('mutate', '2s', defaultConfig())).to.deep.equal({ timeoutMs: 2000, lookupMs: 1500, answerMs: 1750 });
  });

  it('validate: waits until its deadline minus the margin; config when no ?timeout=; never above 30 s', () => {
    expect(requestDeadline('validate', null, defaultConfig())).to.deep.equal({ timeoutMs: 8000, lookupMs: 7500, answerMs: 7750 });
    expect(requestDeadline('validate', '10m', defaultConfig()).timeoutMs).to.equal(30_000);
    expect(requestDeadline('validate', '1s', defaultConfig())).to.deep.equal({ timeoutMs: 1000, lookupMs: 500, answerMs: 750 });
  });
});
