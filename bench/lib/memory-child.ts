// Memory scenario, in its own process (run with --expose-gc): fill the admission-grade lookup service
// with `count` distinct digests, each holding a freshly parsed corpus BOM (what a real lookup keeps:
// the AiInventory, not the bytes), and report RSS and heap after a full GC, before and after.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FoundBom } from '../../src/contracts/lookup.js';
import { readBom } from '../../src/bom/read.js';
import { defaultConfig } from '../../src/config/schema.js';
import { monotonicClock } from '../../src/discovery/clock.js';
import { createLookupService } from '../../src/discovery/lookup-service.js';
import { noopLookupMetrics, type LookupMetrics } from '../../src/discovery/metrics-port.js';
import type { ChildMessage, ParentMessage } from './ipc.js';

export interface MemoryResult {
  digests: number;
  cachedEntries: number;
  estimatedCacheMb: number;
  evictions: number;
  corpusFiles: number;
  rssMbBefore: number;
  rssMb10k: number;
  heapUsedMbBefore: number;
  heapUsedMb10k: number;
  fillMs: number;
  /** process.memoryUsage() after the fill and a full GC, in MB. */
  after: Record<string, number>;
  /** Node flags of this child (e.g. --max-semi-space-size). */
  nodeFlags: string[];
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with --expose-gc');
  collect();
  collect();
}

async function run(corpusDir: string, count: number, batch: number): Promise<MemoryResult> {
  // Realistic inventories: every corpus BOM our reader accepts.
  const boms = readdirSync(corpusDir).filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(corpusDir, f))).filter((b) => readBom(b).ok);
  if (boms.length === 0) throw new Error(`no readable BOMs in ${corpusDir}`);
  let entries = 0;
  let estimated = 0;
  let evictions = 0;
  const metrics: LookupMetrics = {
    ...noopLookupMetrics,
    cacheSize: (cache, n, bytes) => {
      if (cache === 'findings') {
        entries = n;
        estimated = bytes;
      }
    },
    cacheEvicted: () => void evictions++,
  };
  const service = createLookupService({
    resolveDigest: () => Promise.reject(new Error('digest references only')),
    async lookupDigest(ref) {
      const bytes = boms[Number.parseInt(ref.digest!.slice(-8), 16) % boms.length]!;
      const read = readBom(bytes);
      if (!read.ok) throw new Error(read.error);
      const bom: FoundBom = { digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, mediaType: 'application/vnd.cyclonedx+json', source: 'tag-fallback', trust: 'unsigned', subjectDigest: ref.digest!, size: bytes.length, inventory: read.inventory };
      return { status: 'found', digest: ref.digest!, boms: [bom] };
    },
    clock: monotonicClock,
    metrics,
    options: defaultConfig().cache,
  });
  gc();
  const before = process.memoryUsage();
  const started = performance.now();
  for (let i = 0; i < count; i += batch) {
    const calls: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(count, i + batch); j++) {
      const digest = `sha256:${createHash('sha256').update(`memory-${j}`).digest('hex')}`;
      calls.push(service(`127.0.0.1:5000/team/app-${j % 100}@${digest}`, { signal: AbortSignal.timeout(30_000), purpose: 'mutate' }));
    }
    await Promise.all(calls);
  }
  await service.whenIdle();
  const fillMs = performance.now() - started;
  gc();
  const after = process.memoryUsage();
  return {
    digests: count,
    cachedEntries: entries,
    estimatedCacheMb: mb(estimated),
    evictions,
    corpusFiles: boms.length,
    rssMbBefore: mb(before.rss),
    rssMb10k: mb(after.rss),
    heapUsedMbBefore: mb(before.heapUsed),
    heapUsedMb10k: mb(after.heapUsed),
    fillMs: Math.round(fillMs),
    after: Object.fromEntries(Object.entries(after).map(([k, v]) => [k, mb(v)])),
    nodeFlags: process.execArgv.filter((a) => a.startsWith('--') && a !== '--import'),
  };
}

process.once('message', (m: ParentMessage) => {
  if (m.type !== 'run') return;
  const { corpusDir, count, batch } = m.spec as { corpusDir: string; count: number; batch?: number };
  run(corpusDir, count, batch ?? 8).then(
    (result) => process.send!({ type: 'result', result } satisfies ChildMessage, () => process.exit(0)),
    (err: unknown) => process.send!({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies ChildMessage, () => process.exit(1)),
  );
});
