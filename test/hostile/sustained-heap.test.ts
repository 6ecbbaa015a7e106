// Heap bounded over a sustained run: 20,000 admissions over real TLS, each for a new image digest
// whose findings (a freshly parsed model BOM) go into the lookup cache, bounded here at 2,000
// entries. After the cache is full the heap must stop growing: heapUsed after a full GC at 10k and
// at 20k requests stays within a few MB of where it was once the cache filled. Gates on bytes and
// counts, not on time. (The 10k-digest memory figure and the longer soak are in `npm run bench`.)
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FoundBom } from '../../src/contracts/lookup.js';
import { readBom } from '../../src/bom/read.js';
import { monotonicClock } from '../../src/discovery/clock.js';
import { createLookupService } from '../../src/discovery/lookup-service.js';
import { benchUid, podReview } from '../support/pod-review.js';
import { answerProblem, expectNoProblems, startHostileServer, type HostileServer } from './support.js';

const MODEL_BOM = readFileSync(new URL('../fixtures/bom/model.cdx.json', import.meta.url));
const TOTAL = 20_000;
const CACHE_ENTRIES = 2_000;
const CONCURRENCY = 16;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('hostile world: heap over a sustained run', function () {
  this.timeout(180_000);
  let server: HostileServer;
  let underlyingCalls = 0;

  before(async () => {
    server = await startHostileServer((config) => createLookupService({
      resolveDigest: () => Promise.reject(new Error('digest references only')),
      async lookupDigest(ref) {
        underlyingCalls++;
        const read = readBom(MODEL_BOM);
        if (!read.ok) throw new Error(read.error);
        const bom: FoundBom = { digest: `sha256:${createHash('sha256').update(MODEL_BOM).digest('hex')}`, mediaType: 'application/vnd.cyclonedx+json', source: 'tag-fallback', trust: 'unsigned', subjectDigest: ref.digest!, inventory: read.inventory };
        return { status: 'found', digest: ref.digest!, boms: [bom] };
      },
      clock: monotonicClock,
      options: config.cache,
    }), { cache: { maxEntries: CACHE_ENTRIES } });
  });
  after(async () => {
    await server?.stop();
  });

  it(`stays flat after the cache fills: ${TOTAL} admissions of distinct digests`, async () => {
    const problems: string[] = [];
    let next = 0;
    const run = async (until: number): Promise<void> => {
      const loop = async (): Promise<void> => {
        for (let i = next++; i < until; i = next++) {
          const digest = createHash('sha256').update(`sustained-${i}`).digest('hex');
          const uid = benchUid(i);
          try {
            const reply = await server.send('/mutate?timeout=10s', podReview(uid, [`127.0.0.1:5000/team/app-${i % 50}@sha256:${digest}`]));
            const problem = answerProblem(reply, uid);
            if (problem) problems.push(problem);
            else if (!reply.body.includes('"patch"')) problems.push('no patch');
          } catch (err) {
            problems.push((err as Error).message);
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, loop));
      next = until;
    };
    await run(CACHE_ENTRIES * 2);
    const filled = heapAfterGc();
    await run(TOTAL / 2);
    const half = heapAfterGc();
    await run(TOTAL);
    const end = heapAfterGc();
    const mb = (n: number): number => Math.round((n / 1024 / 1024) * 10) / 10;
    const growth = { filledMb: mb(filled), halfMb: mb(half), endMb: mb(end) };
    expectNoProblems(problems, 'sustained run');
    expect(underlyingCalls, 'every digest looked up once').to.equal(TOTAL);
    // Bounds in bytes: the cache is full at `filled`; what comes after is garbage the GC must reclaim.
    expect(end - filled, `heap grew after the cache filled: ${JSON.stringify(growth)}`).to.be.lessThan(16 * 1024 * 1024);
    expect(end - half, `heap grew in the second half: ${JSON.stringify(growth)}`).to.be.lessThan(8 * 1024 * 1024);
  });
});
