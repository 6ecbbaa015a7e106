// The BOM parser pool (src/discovery/bom-parser.ts): big BOMs are read on a worker thread, with the
// same result as on the main thread, while the main thread keeps running; a parse whose lookup gave
// up is stopped; a BOM that needs more memory than the worker has is `too-large`, not a crash.
import { expect } from 'chai';
import { readBom } from '../../../src/bom/read.js';
import { createBomWorkerPool, type BomWorkerPool } from '../../../src/discovery/bom-parser.js';

function bom(components: number): Buffer {
  const list = Array.from({ length: components }, (_, i) => (i % 10 === 0 ? { type: 'machine-learning-model', 'bom-ref': `m${i}`, name: `model-${i}`, version: '1' } : { type: 'library', name: `lib-${i}`, version: '1.0.0', purl: `pkg:npm/lib-${i}@1.0.0` }));
  return Buffer.from(JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: list }));
}

/** How many turns of the event loop ran while `work` was pending. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let pending = true;
  const spin = (): void => {
    if (!pending) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  const value = await work();
  pending = false;
  return { value, turns };
}

describe('discovery/bom-parser', function () {
  this.timeout(60_000);
  let pool: BomWorkerPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('reads a big BOM on a worker, as readBom does, while the event loop runs', async () => {
    pool = createBomWorkerPool({ workers: 1, inThreadBelowBytes: 64 * 1024, maxHeapMb: 192 });
    const bytes = bom(20_000);
    const { value, turns } = await turnsDuring(() => pool!.parse(bytes, { limits: { maxModels: 500 } }));
    expect(pool.offloaded).to.equal(1);
    expect(value).to.deep.equal(readBom(bytes, { limits: { maxModels: 500 } }));
    expect(value.ok && value.inventory.models).to.have.length(500);
    expect(turns, 'the main thread ran while the worker parsed').to.be.greaterThan(0);
    expect(bytes.byteLength, 'the caller keeps its buffer').to.be.greaterThan(0);
  });

  it('reads a small BOM in place', async () => {
    pool = createBomWorkerPool({ workers: 1, inThreadBelowBytes: 64 * 1024, maxHeapMb: 192 });
    const { value, turns } = await turnsDuring(() => pool!.parse(bom(10), {}));
    expect(pool.offloaded).to.equal(0);
    expect(turns).to.equal(0);
    expect(value.ok).to.equal(true);
  });

  it('a lookup that gives up stops its parse, and the next BOM gets a new worker', async () => {
    pool = createBomWorkerPool({ workers: 1, inThreadBelowBytes: 1024, maxHeapMb: 192 });
    const controller = new AbortController();
    const parsing = pool.parse(bom(60_000), {}, controller.signal);
    setTimeout(() => controller.abort(), 20);
    const stopped = await parsing;
    expect(stopped.ok).to.equal(false);
    expect(!stopped.ok && stopped.error).to.match(/gave up/);
    const next = await pool.parse(bom(200), {});
    expect(next.ok).to.equal(true);
  });

  it('queues BOMs beyond the workers and answers each', async () => {
    pool = createBomWorkerPool({ workers: 2, inThreadBelowBytes: 1024, maxHeapMb: 192 });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => pool!.parse(bom(100 + i), {})));
    expect(results.map((r) => r.ok && r.inventory.models.length)).to.deep.equal([10, 11, 11, 11, 11, 11]);
    expect(pool.offloaded).to.equal(6);
  });

  it('a BOM that needs more memory than the worker heap is too-large; the pool goes on', async () => {
    // 16 MB: enough for the worker to load its modules and read a small BOM, also under c8's
    // coverage (with 8 MB it could not, so `npm test` saw the small BOM fail too), not for 150k components.
    pool = createBomWorkerPool({ workers: 1, inThreadBelowBytes: 1024, maxHeapMb: 16 });
    // The next BOM is queued while the first one blows the worker's heap: it gets a new worker.
    const [big, next] = await Promise.all([pool.parse(bom(150_000), {}), pool.parse(bom(100), {})]);
    expect(big.ok).to.equal(false);
    expect(!big.ok && big.code).to.equal('too-large');
    expect(next.ok).to.equal(true);
  });

  it('close() answers what is queued and stops the workers', async () => {
    pool = createBomWorkerPool({ workers: 1, inThreadBelowBytes: 1024, maxHeapMb: 192 });
    const all = Promise.all([pool.parse(bom(30_000), {}), pool.parse(bom(30_000), {})]);
    await pool.close();
    const [a, b] = await all;
    expect(a.ok || b.ok).to.equal(false);
  });
});
