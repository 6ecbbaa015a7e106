import { expect } from 'chai';
import { Registry } from 'prom-client';
import type { ImageFindings, LookupOptions } from '../../../src/contracts/lookup.js';
import { emptyInventory } from '../../../src/contracts/inventory.js';
import type { LookupCacheOptions, LookupService, LookupServiceDeps, UnderlyingContext } from '../../../src/discovery/lookup-service.js';
import { createLookupService } from '../../../src/discovery/lookup-service.js';
import { createLookupMetrics } from '../../../src/metrics/lookup-metrics.js';
import type { ImageReference } from '../../../src/contracts/image-reference.js';
import { defaultConfig } from '../../../src/config/schema.js';
import { FakeClock } from '../../support/fake-clock.js';
import type { Deferred } from '../../support/deferred.js';
import { deferred, flush } from '../../support/deferred.js';
import { metricValue } from '../../support/metric-value.js';

const REPO = '127.0.0.1:5000/team/app';
const digestOf = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;
const byDigest = (n: number): string => `${REPO}@${digestOf(n)}`;

function foundFindings(digest: string, reasons: string[] = []): ImageFindings {
  const inventory = emptyInventory('cyclonedx', '1.6');
  inventory.reasons.push(...reasons);
  return { status: 'found', digest, boms: [{ digest: digestOf(0xb0b), mediaType: 'application/vnd.cyclonedx+json', source: 'referrers', trust: 'unsigned', subjectDigest: digest, inventory }] };
}

interface Call {
  ref: ImageReference;
  signal: AbortSignal;
  context: UnderlyingContext;
}

/**
 * A test double of the INJECTED underlying ports (resolveDigest / lookupDigest): it counts calls and
 * lets a test answer each call by hand or automatically.
 */
class Underlying {
  digestCalls: Call[] = [];
  tagCalls: Call[] = [];
  held = new Map<string, Deferred<ImageFindings>>();
  /** digest → how to answer; default: found, immediately. */
  answer: (ref: ImageReference, signal: AbortSignal) => Promise<ImageFindings> = async (ref) => foundFindings(ref.digest as string);
  tags = new Map<string, string>();
  running = 0;
  maxRunning = 0;

  lookupDigest = async (ref: ImageReference, signal: AbortSignal, context: UnderlyingContext): Promise<ImageFindings> => {
    this.digestCalls.push({ ref, signal, context });
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      return await this.answer(ref, signal);
    } finally {
      this.running--;
    }
  };

  resolveDigest = async (ref: ImageReference, signal: AbortSignal, context: UnderlyingContext): Promise<string> => {
    this.tagCalls.push({ ref, signal, context });
    const digest = this.tags.get(ref.tag ?? '');
    if (!digest) throw Object.assign(new Error(`manifest unknown: ${ref.tag}`), { lookupStatus: 'error:not-found' });
    return digest;
  };

  /** From now on, each digest call waits until the test settles it via `held`. */
  hold(): void {
    this.answer = (ref) => {
      const d = deferred<ImageFindings>();
      this.held.set(ref.digest as string, d);
      return d.promise;
    };
  }
}

const baseOptions: LookupCacheOptions = { ...defaultConfig().cache };

function build(overrides: Partial<LookupServiceDeps> = {}, options: Partial<LookupCacheOptions> = {}) {
  const underlying = new Underlying();
  const clock = new FakeClock();
  const registry = new Registry();
  const service: LookupService = createLookupService({
    resolveDigest: underlying.resolveDigest,
    lookupDigest: underlying.lookupDigest,
    clock,
    metrics: createLookupMetrics(registry),
    options: { ...baseOptions, ...options },
    ...overrides,
  });
  return { underlying, clock, registry, service };
}

const open = (): LookupOptions => ({ signal: new AbortController().signal, purpose: 'mutate' });

describe('lookup service', () => {
  describe('single-flight', () => {
    it('100 concurrent lookups of one new digest make exactly one underlying call', async () => {
      const { underlying, service, registry } = build();
      underlying.hold();
      const answers = Array.from({ length: 100 }, () => service(byDigest(1), open()));
      await flush();
      expect(underlying.digestCalls).to.have.length(1);
      underlying.held.get(digestOf(1))?.resolve(foundFindings(digestOf(1)));
      const results = await Promise.all(answers);
      expect(results.every((r) => r.status === 'found' && r.digest === digestOf(1))).to.equal(true);
      expect(underlying.digestCalls).to.have.length(1);
      expect(await metricValue(registry, 'aibom_lookups_total', { served: 'new' })).to.equal(1);
      expect(await metricValue(registry, 'aibom_lookups_total', { served: 'shared' })).to.equal(99);
      // and the 101st is a cache hit
      expect((await service(byDigest(1), open())).status).to.equal('found');
      expect(underlying.digestCalls).to.have.length(1);
      expect(await metricValue(registry, 'aibom_lookup_cache_hits_total', { cache: 'findings' })).to.equal(1);
    });

    it('concurrent lookups of one tag make one resolution and one digest lookup', async () => {
      const { underlying, service } = build();
      underlying.tags.set('v1', digestOf(7));
      const results = await Promise.all(Array.from({ length: 50 }, () => service(`${REPO}:v1`, open())));
      expect(results.every((r) => r.status === 'found' && r.digest === digestOf(7))).to.equal(true);
      expect(underlying.tagCalls).to.have.length(1);
      expect(underlying.digestCalls).to.have.length(1);
    });

    it('different repositories holding one digest are looked up separately (attachments live per repository)', async () => {
      const { underlying, service } = build();
      await service(`${REPO}@${digestOf(3)}`, open());
      await service(`127.0.0.1:5000/other/app@${digestOf(3)}`, open());
      expect(underlying.digestCalls.map((c) => c.ref.repository)).to.deep.equal(['team/app', 'other/app']);
    });
  });

  describe('TTLs (injected clock)', () => {
    const ttlCases: { status: ImageFindings['status']; ttlSeconds: number }[] = [
      { status: 'found', ttlSeconds: baseOptions.positiveTtlSeconds },
      { status: 'none', ttlSeconds: baseOptions.negativeTtlSeconds },
      { status: 'error:5xx', ttlSeconds: baseOptions.errorTtlSeconds },
      { status: 'error:auth', ttlSeconds: baseOptions.errorTtlSeconds },
    ];
    for (const { status, ttlSeconds } of ttlCases) {
      it(`caches ${status} for ${ttlSeconds} s`, async () => {
        const { underlying, service, clock } = build();
        underlying.answer = async (ref) => (status === 'found' ? foundFindings(ref.digest as string) : { status, digest: ref.digest as string, boms: [] });
        expect((await service(byDigest(1), open())).status).to.equal(status);
        clock.advance(ttlSeconds * 1000 - 1);
        expect((await service(byDigest(1), open())).status).to.equal(status);
        expect(underlying.digestCalls).to.have.length(1);
        clock.advance(2);
        expect((await service(byDigest(1), open())).status).to.equal(status);
        expect(underlying.digestCalls).to.have.length(2);
      });
    }

    it('positive results outlive negative ones: the TTLs differ per status', async () => {
      const { underlying, service, clock } = build();
      underlying.answer = async (ref) => (ref.digest === digestOf(1) ? foundFindings(digestOf(1)) : { status: 'none', boms: [] });
      await service(byDigest(1), open());
      await service(byDigest(2), open());
      clock.advance(baseOptions.negativeTtlSeconds * 1000 + 1);
      await service(byDigest(1), open());
      await service(byDigest(2), open());
      expect(underlying.digestCalls.map((c) => c.ref.digest)).to.deep.equal([digestOf(1), digestOf(2), digestOf(2)]);
    });

    it('never caches a timeout from the underlying lookup', async () => {
      const { underlying, service } = build();
      underlying.answer = async () => ({ status: 'timeout', boms: [] });
      await service(byDigest(1), open());
      await service(byDigest(1), open());
      expect(underlying.digestCalls).to.have.length(2);
    });

    it('caches tag → digest for tagTtlSeconds, findings by digest for longer', async () => {
      const { underlying, service, clock } = build();
      underlying.tags.set('v1', digestOf(1));
      expect((await service(`${REPO}:v1`, open())).digest).to.equal(digestOf(1));
      clock.advance(baseOptions.tagTtlSeconds * 1000 - 1);
      await service(`${REPO}:v1`, open());
      expect(underlying.tagCalls).to.have.length(1);
      // The tag moves; once the tag entry expires the new digest is seen.
      underlying.tags.set('v1', digestOf(2));
      clock.advance(2);
      expect((await service(`${REPO}:v1`, open())).digest).to.equal(digestOf(2));
      expect(underlying.tagCalls).to.have.length(2);
      // Another tag for an already-known digest needs only the resolution.
      underlying.tags.set('stable', digestOf(1));
      expect((await service(`${REPO}:stable`, open())).digest).to.equal(digestOf(1));
      expect(underlying.digestCalls.map((c) => c.ref.digest)).to.deep.equal([digestOf(1), digestOf(2)]);
    });

    it('caches a failed tag resolution for errorTtlSeconds only', async () => {
      const { underlying, service, clock } = build();
      expect((await service(`${REPO}:missing`, open())).status).to.equal('error:not-found');
      expect((await service(`${REPO}:missing`, open())).status).to.equal('error:not-found');
      expect(underlying.tagCalls).to.have.length(1);
      clock.advance(baseOptions.errorTtlSeconds * 1000 + 1);
      await service(`${REPO}:missing`, open());
      expect(underlying.tagCalls).to.have.length(2);
      expect(underlying.digestCalls).to.have.length(0);
    });

    it('a changed parser version is a different key', async () => {
      const underlying = new Underlying();
      const clock = new FakeClock();
      const deps = { resolveDigest: underlying.resolveDigest, lookupDigest: underlying.lookupDigest, clock, options: baseOptions };
      const v1 = createLookupService({ ...deps, parserVersion: 'p1' });
      await v1(byDigest(1), open());
      await v1(byDigest(1), open());
      const v2 = createLookupService({ ...deps, parserVersion: 'p2' });
      await v2(byDigest(1), open());
      expect(underlying.digestCalls).to.have.length(2);
    });
  });

  describe('bounds', () => {
    it('evicts least recently used entries beyond maxEntries, and counts them', async () => {
      const { underlying, service, registry } = build({}, { maxEntries: 3 });
      for (const n of [1, 2, 3, 4, 5]) await service(byDigest(n), open());
      expect(await metricValue(registry, 'aibom_lookup_cache_evictions_total', { cache: 'findings', reason: 'capacity' })).to.equal(2);
      expect(await metricValue(registry, 'aibom_lookup_cache_entries', { cache: 'findings' })).to.equal(3);
      await service(byDigest(5), open()); // still cached
      expect(underlying.digestCalls).to.have.length(5);
      await service(byDigest(1), open()); // evicted
      expect(underlying.digestCalls).to.have.length(6);
    });

    it('evicts by estimated bytes, and refuses an entry larger than a quarter of the budget', async () => {
      const { underlying, service, registry } = build({}, { maxBytes: 40_000 });
      // ~6 KB per entry: six fit in 40 KB, ten do not.
      underlying.answer = async (ref) => foundFindings(ref.digest as string, Array.from({ length: 60 }, (_, i) => `reason ${i} `.padEnd(100, 'x')));
      for (let n = 1; n <= 10; n++) await service(byDigest(n), open());
      const evicted = await metricValue(registry, 'aibom_lookup_cache_evictions_total', { cache: 'findings', reason: 'capacity' });
      expect(evicted).to.be.greaterThan(0);
      expect(await metricValue(registry, 'aibom_lookup_cache_bytes', { cache: 'findings' })).to.be.at.most(40_000);
      expect(await metricValue(registry, 'aibom_lookup_cache_entries', { cache: 'findings' })).to.equal(10 - evicted);

      underlying.answer = async (ref) => foundFindings(ref.digest as string, ['y'.repeat(20_000)]);
      await service(byDigest(99), open());
      await service(byDigest(99), open());
      expect(await metricValue(registry, 'aibom_lookup_cache_evictions_total', { reason: 'oversize' })).to.equal(2);
      expect(underlying.digestCalls.filter((c) => c.ref.digest === digestOf(99))).to.have.length(2);
    });
  });

  describe('credential identity', () => {
    it('keeps results fetched with different credentials apart, and passes the identity down', async () => {
      const { underlying, service } = build({
        credentialIdentity: (_ref, ctx) => (ctx.pullSecrets?.length ? `id:${ctx.namespace}/${[...ctx.pullSecrets].sort().join(',')}` : undefined),
      });
      const withSecret = (ns: string, secret: string): LookupOptions => ({ ...open(), namespace: ns, pullSecrets: [secret] });
      await service(byDigest(1), withSecret('a', 'pull-a'));
      await service(byDigest(1), withSecret('b', 'pull-b'));
      await service(byDigest(1), open()); // anonymous
      await service(byDigest(1), withSecret('a', 'pull-a')); // hit
      expect(underlying.digestCalls.map((c) => c.context.credentialIdentity)).to.deep.equal(['id:a/pull-a', 'id:b/pull-b', undefined]);
      expect(underlying.digestCalls[0]?.context.pullSecrets).to.deep.equal(['pull-a']);
    });

    it('a throwing credential identity is error:auth, never a throw', async () => {
      const { underlying, service } = build({ credentialIdentity: () => { throw new Error('secret not readable'); } });
      const r = await service(byDigest(1), open());
      expect(r.status).to.equal('error:auth');
      expect(underlying.digestCalls).to.have.length(0);
    });
  });

  describe('deadlines', () => {
    it('a lookup slower than the caller: timeout at once, the lookup completes in the background, the next request hits', async () => {
      const { underlying, service, registry } = build();
      underlying.hold();
      const caller = new AbortController();
      const answer = service(byDigest(1), { signal: caller.signal, purpose: 'mutate' });
      await flush();
      caller.abort();
      const r = await answer;
      expect(r).to.include({ status: 'timeout', digest: digestOf(1) });
      const underlyingSignal = underlying.digestCalls[0]?.signal;
      expect(underlyingSignal?.aborted).to.equal(false);
      expect(await metricValue(registry, 'aibom_lookup_background_detached_total', { kind: 'digest' })).to.equal(1);
      underlying.held.get(digestOf(1))?.resolve(foundFindings(digestOf(1)));
      await service.whenIdle();
      const next = await service(byDigest(1), open());
      expect(next.status).to.equal('found');
      expect(underlying.digestCalls).to.have.length(1);
      expect(await metricValue(registry, 'aibom_lookups_total', { served: 'cache', status: 'found' })).to.equal(1);
    });

    it('answers in time on a real timer while the underlying call takes longer', async () => {
      const { underlying, service } = build();
      let underlyingDone = false;
      underlying.answer = (ref) => new Promise((resolve) => setTimeout(() => {
        underlyingDone = true;
        resolve(foundFindings(ref.digest as string));
      }, 200));
      const r = await service(byDigest(1), { signal: AbortSignal.timeout(20), purpose: 'mutate' });
      expect(r.status).to.equal('timeout');
      expect(underlyingDone, 'the caller was answered before the underlying call finished').to.equal(false);
      await service.whenIdle();
      expect((await service(byDigest(1), open())).status).to.equal('found');
      expect(underlying.digestCalls).to.have.length(1);
    });

    it('validate waits on the in-flight lookup that a mutate gave up on', async () => {
      const { underlying, service } = build();
      underlying.hold();
      const mutateCaller = new AbortController();
      const mutate = service(byDigest(1), { signal: mutateCaller.signal, purpose: 'mutate' });
      const validate = service(byDigest(1), { signal: new AbortController().signal, purpose: 'validate' });
      await flush();
      mutateCaller.abort();
      expect((await mutate).status).to.equal('timeout');
      underlying.held.get(digestOf(1))?.resolve(foundFindings(digestOf(1)));
      expect((await validate).status).to.equal('found');
      expect(underlying.digestCalls).to.have.length(1);
    });

    it('a caller whose deadline already passed gets a cache hit when there is one, else timeout', async () => {
      const { service, underlying } = build();
      await service(byDigest(1), open());
      const gone = AbortSignal.abort();
      expect((await service(byDigest(1), { signal: gone, purpose: 'mutate' })).status).to.equal('found');
      underlying.hold();
      expect((await service(byDigest(2), { signal: gone, purpose: 'mutate' })).status).to.equal('timeout');
    });

    it('the background deadline bounds an underlying call that ignores its signal, and frees its slot', async () => {
      const { underlying, service } = build({}, { backgroundTimeoutMs: 50, backgroundConcurrency: 1 });
      underlying.answer = () => new Promise(() => undefined); // never settles
      const r = await service(byDigest(1), { signal: new AbortController().signal, purpose: 'validate' });
      expect(r.status).to.equal('timeout');
      expect(underlying.digestCalls[0]?.signal.aborted).to.equal(true);
      underlying.answer = async (ref) => foundFindings(ref.digest as string);
      expect((await service(byDigest(2), open())).status).to.equal('found');
      // the timeout was not cached
      expect((await service(byDigest(1), open())).status).to.equal('found');
      expect(underlying.digestCalls).to.have.length(3);
    });

    it('CLI lookups do not run on in the background: the underlying call is aborted when the caller leaves', async () => {
      const { underlying, service } = build();
      underlying.hold();
      const caller = new AbortController();
      const answer = service(byDigest(1), { signal: caller.signal, purpose: 'cli' });
      await flush();
      caller.abort();
      expect((await answer).status).to.equal('timeout');
      expect(underlying.digestCalls[0]?.signal.aborted).to.equal(true);
      await service.whenIdle();
    });

    it('a tag resolution that outlives its request goes on to fill the findings cache', async () => {
      const { underlying } = build();
      const tagGate = deferred<void>();
      const resolveDigest = async (ref: ImageReference, signal: AbortSignal, ctx: UnderlyingContext): Promise<string> => {
        await tagGate.promise;
        return underlying.resolveDigest(ref, signal, ctx);
      };
      const withGate = createLookupService({ resolveDigest, lookupDigest: underlying.lookupDigest, clock: new FakeClock(), options: baseOptions });
      underlying.tags.set('v1', digestOf(4));
      const caller = new AbortController();
      const answer = withGate(`${REPO}:v1`, { signal: caller.signal, purpose: 'mutate' });
      await flush();
      caller.abort();
      expect((await answer).status).to.equal('timeout');
      tagGate.resolve();
      await withGate.whenIdle();
      expect(underlying.digestCalls).to.have.length(1);
      expect((await withGate(`${REPO}:v1`, open())).status).to.equal('found');
      expect(underlying.tagCalls).to.have.length(1);
      expect(underlying.digestCalls).to.have.length(1);
    });
  });

  describe('background concurrency', () => {
    it('runs at most backgroundConcurrency underlying calls at once', async () => {
      const { underlying, service, registry } = build({}, { backgroundConcurrency: 2 });
      underlying.hold();
      const answers = [1, 2, 3, 4, 5].map((n) => service(byDigest(n), open()));
      await flush();
      expect(underlying.digestCalls).to.have.length(2);
      expect(await metricValue(registry, 'aibom_lookup_background_queued')).to.equal(3);
      for (let round = 0; round < 5; round++) {
        await flush();
        for (const [digest, d] of underlying.held) {
          underlying.held.delete(digest);
          d.resolve(foundFindings(digest));
        }
      }
      const results = await Promise.all(answers);
      expect(results.map((r) => r.status)).to.deep.equal(['found', 'found', 'found', 'found', 'found']);
      expect(underlying.maxRunning).to.equal(2);
      expect(await metricValue(registry, 'aibom_lookup_background_started_total')).to.equal(5);
      expect(await metricValue(registry, 'aibom_lookup_background_finished_total', { status: 'found' })).to.equal(5);
      expect(await metricValue(registry, 'aibom_lookup_background_in_flight')).to.equal(0);
    });

    it('drops queued work once every waiter has left, and starts it afresh on the next request', async () => {
      const { underlying, service, registry } = build({}, { backgroundConcurrency: 1 });
      underlying.hold();
      const first = service(byDigest(1), open());
      const caller = new AbortController();
      const second = service(byDigest(2), { signal: caller.signal, purpose: 'mutate' });
      await flush();
      caller.abort();
      expect((await second).status).to.equal('timeout');
      expect(await metricValue(registry, 'aibom_lookup_background_dropped_total', { kind: 'digest', reason: 'abandoned' })).to.equal(1);
      underlying.held.get(digestOf(1))?.resolve(foundFindings(digestOf(1)));
      await first;
      await service.whenIdle();
      expect(underlying.digestCalls.map((c) => c.ref.digest)).to.deep.equal([digestOf(1)]);
      const again = service(byDigest(2), open());
      await flush();
      underlying.held.get(digestOf(2))?.resolve(foundFindings(digestOf(2)));
      expect((await again).status).to.equal('found');
    });
  });

  describe('never throws', () => {
    const failing: { name: string; deps: () => Partial<LookupServiceDeps>; image?: string; status: string }[] = [
      { name: 'an underlying lookup that rejects', deps: () => ({ lookupDigest: async () => { throw new Error('ECONNRESET'); } }), status: 'error:5xx' },
      { name: 'an underlying lookup that throws synchronously', deps: () => ({ lookupDigest: (() => { throw new TypeError('bug'); }) as LookupServiceDeps['lookupDigest'] }), status: 'error:5xx' },
      { name: 'an error carrying a lookup status', deps: () => ({ lookupDigest: async () => { throw Object.assign(new Error('denied'), { lookupStatus: 'error:auth' }); } }), status: 'error:auth' },
      { name: 'an underlying lookup returning garbage', deps: () => ({ lookupDigest: (async () => ({ nope: true })) as unknown as LookupServiceDeps['lookupDigest'] }), status: 'error:invalid' },
      { name: 'a tag resolution that rejects', deps: () => ({ resolveDigest: async () => { throw new Error('socket hang up'); } }), image: `${REPO}:v1`, status: 'error:5xx' },
      { name: 'a tag resolving to a non-digest', deps: () => ({ resolveDigest: async () => 'latest' }), image: `${REPO}:v1`, status: 'error:invalid' },
      { name: 'an unparseable reference', deps: () => ({}), image: 'UPPER/Case::', status: 'error:invalid' },
      { name: 'a mapping of errors that throws', deps: () => ({ lookupDigest: async () => { throw new Error('x'); }, statusOfError: () => { throw new Error('mapper bug'); } }), status: 'error:5xx' },
    ];
    for (const { name, deps, image, status } of failing) {
      it(`${name} → ${status}`, async () => {
        const { service } = build(deps());
        const r = await service(image ?? byDigest(1), open());
        expect(r.status).to.equal(status);
        expect(r.boms).to.deep.equal([]);
      });
    }
  });
});
