// The one mapping of errors to lookup statuses (src/contracts/lookup.ts `lookupStatusOfError`), and the
// registry client's kinds on top of it (src/registry/errors.ts): a network failure is `error:network`,
// never `error:5xx`.
import { connect } from 'node:net';
import { expect } from 'chai';
import { LOOKUP_STATUSES, isLookupFailure, lookupStatusOfError } from '../../../src/contracts/lookup.js';
import { RegistryError, lookupStatusOf } from '../../../src/registry/index.js';
import { freePort } from '../../support/local-registry.js';

const coded = (code: string): Error => Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });

describe('contracts/lookup: lookupStatusOfError', () => {
  it('names network failures error:network, through `cause` as undici wraps them', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'UND_ERR_SOCKET']) {
      expect(lookupStatusOfError(coded(code)), code).to.equal('error:network');
    }
    expect(lookupStatusOfError(new TypeError('fetch failed', { cause: coded('ECONNREFUSED') }))).to.equal('error:network');
  });

  it('a real refused connection is error:network', async () => {
    const port = await freePort();
    const err = await new Promise<unknown>((resolve) => connect(port, '127.0.0.1').on('error', resolve));
    expect(lookupStatusOfError(err)).to.equal('error:network');
  });

  it('keeps a status the error names; aborts are timeouts; egress refusals are error:blocked', () => {
    expect(lookupStatusOfError(Object.assign(new Error('x'), { lookupStatus: 'error:auth' }))).to.equal('error:auth');
    expect(lookupStatusOfError(Object.assign(new Error('x'), { status: 'error:too-large' }))).to.equal('error:too-large');
    expect(lookupStatusOfError(Object.assign(new Error('x'), { status: 503 }))).to.equal('error:5xx');
    expect(lookupStatusOfError(new DOMException('late', 'TimeoutError'))).to.equal('timeout');
    expect(lookupStatusOfError(new DOMException('gone', 'AbortError'))).to.equal('timeout');
    expect(lookupStatusOfError(new Error('x', { cause: coded('EAIBOM_EGRESS_BLOCKED') }))).to.equal('error:blocked');
  });

  it('falls back to error:5xx, or the fallback given', () => {
    expect(lookupStatusOfError(new Error('ECONNRESET'))).to.equal('error:5xx'); // a message is not a code
    expect(lookupStatusOfError('a string')).to.equal('error:5xx');
    expect(lookupStatusOfError(new TypeError('bug'), 'error:invalid')).to.equal('error:invalid');
  });

  it('error:network is in the closed set and is a failure (onLookupFailure, ai-bearing unknown)', () => {
    expect(LOOKUP_STATUSES).to.include('error:network');
    expect(isLookupFailure('error:network')).to.equal(true);
  });
});

describe('registry/errors: lookupStatusOf', () => {
  it('maps each kind; an unreachable registry is error:network, a server error error:5xx', () => {
    expect(lookupStatusOf(new RegistryError('unavailable', 'ECONNREFUSED'))).to.equal('error:network');
    expect(lookupStatusOf(new RegistryError('server', 'HTTP 503', 503))).to.equal('error:5xx');
    expect(lookupStatusOf(new RegistryError('rate-limited', 'HTTP 429', 429))).to.equal('error:5xx');
    expect(lookupStatusOf(new RegistryError('auth', 'HTTP 401', 401))).to.equal('error:auth');
    expect(lookupStatusOf(new RegistryError('timeout', 'late'))).to.equal('timeout');
    expect(lookupStatusOf(new TypeError('bug'))).to.equal('error:invalid');
    expect(lookupStatusOf(coded('ECONNRESET'))).to.equal('error:network');
  });
});
