// Where BOM bytes become an AiInventory (bom/read.ts readBom). A big BOM is parsed on a worker
// thread: JSON.parse and the readers of a 16 MiB BOM take over a second of CPU, during which the
// main thread would answer nothing — not /healthz, not other admissions, not the deadline timer of
// the request that is waiting (issue #22, docs/limits.md). Small BOMs (most of them) are parsed in
// place: a worker round trip costs more than they do. The worker also confines a hostile BOM's
// memory to its own heap (`resourceLimits`), and a parse whose lookup gave up is stopped by
// terminating the worker (a new one starts for the next BOM).
import { Worker } from 'node:worker_threads';
import { type BomReadResult, type ReadBomOptions, readBom } from '../bom/index.js';
import type { BomParseJob, BomParseReply } from './bom-parser-worker.js';

/** Parses one BOM; never rejects (failures are `ok: false` results). */
export type BomParser = (bytes: Uint8Array, options: ReadBomOptions, signal?: AbortSignal) => Promise<BomReadResult>;

/** The in-thread parser (the CLI, and `discovery.parserWorkers: 0`). */
export const parseInThread: BomParser = (bytes, options) => Promise.resolve(readBom(bytes, options));

export interface BomWorkerPoolOptions {
  /** Worker threads (at most this many BOMs are parsed at once). */
  workers: number;
  /** BOMs smaller than this are parsed on the calling thread. */
  inThreadBelowBytes: number;
  /** Old-space limit of each worker's heap, in MB. */
  maxHeapMb: number;
}

export interface BomWorkerPool {
  parse: BomParser;
  /** Parses on workers so far (for tests and metrics). */
  readonly offloaded: number;
  close(): Promise<void>;
}

interface Job {
  bytes: Uint8Array;
  options: ReadBomOptions;
  signal: AbortSignal | undefined;
  resolve(result: BomReadResult): void;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker | undefined;
  job: Job | undefined;
}

const WORKER_URL = new URL(`./bom-parser-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

function spawn(resourceLimits: { maxOldGenerationSizeMb: number }): Worker {
  if (!WORKER_URL.pathname.endsWith('.ts')) return new Worker(WORKER_URL, { resourceLimits });
  // Running from the TypeScript sources (tsx: tests, `npm start`): Node 20 does not apply
  // `--import tsx` to worker threads, so the worker registers tsx's loader before the import.
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(code, { eval: true, resourceLimits });
}

// eslint-disable-next-line max-lines-per-function -- a pool is one closure over its worker slots and job queue; its methods are the short functions inside
export function createBomWorkerPool(options: BomWorkerPoolOptions): BomWorkerPool {
  const slots: Slot[] = Array.from({ length: Math.max(1, options.workers) }, () => ({ worker: undefined, job: undefined }));
  const queue: Job[] = [];
  let queueHead = 0;
  let offloaded = 0;
  let closed = false;

  const failed = (message: string): BomReadResult => ({ ok: false, error: `the BOM could not be read: ${message}` });

  function start(slot: Slot): Worker {
    const worker = spawn({ maxOldGenerationSizeMb: options.maxHeapMb });
    // A parse in progress keeps the process alive; an idle worker does not.
    worker.unref();
    // Events of a worker that was replaced (stopped on an abort) concern no job any more.
    const current = (): boolean => slot.worker === worker;
    worker.on('message', (reply: BomParseReply) => {
      if (current()) finish(slot, reply.result);
    });
    worker.on('error', (err: Error) => {
      if (!current()) return;
      // The worker is gone after an error: the next job gets a new one.
      slot.worker = undefined;
      // ERR_WORKER_OUT_OF_MEMORY: the BOM needed more than the worker's heap.
      const code = (err as NodeJS.ErrnoException).code;
      finish(slot, code === 'ERR_WORKER_OUT_OF_MEMORY' ? { ok: false, code: 'too-large', error: `the BOM needs more than ${options.maxHeapMb} MB of memory to read` } : failed(err.message));
    });
    worker.on('exit', () => {
      if (!current()) return;
      slot.worker = undefined;
      if (slot.job) finish(slot, failed('the parser worker stopped'));
    });
    return worker;
  }

  function finish(slot: Slot, result: BomReadResult): void {
    const job = slot.job;
    if (!job) return;
    slot.job = undefined;
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    job.resolve(result);
    slot.worker?.unref();
    pump();
  }

  function pump(): void {
    for (const slot of slots) {
      if (slot.job) continue;
      const job = next();
      if (!job) return;
      run(slot, job);
    }
  }

  function next(): Job | undefined {
    while (queueHead < queue.length) {
      const job = queue[queueHead++]!;
      if (queueHead > 1024 && queueHead * 2 > queue.length) {
        queue.splice(0, queueHead);
        queueHead = 0;
      }
      if (job.signal?.aborted) {
        job.resolve(failed('the lookup gave up before the BOM was parsed'));
        continue;
      }
      return job;
    }
    return undefined;
  }

  function run(slot: Slot, job: Job): void {
    slot.job = job;
    offloaded++;
    const worker = (slot.worker ??= start(slot));
    worker.ref();
    if (job.signal) {
      job.onAbort = () => {
        // The parse cannot be interrupted in the worker: stop the worker (a new one starts later).
        if (slot.job !== job) return;
        const w = slot.worker;
        slot.worker = undefined;
        finish(slot, failed('the lookup gave up while the BOM was parsed'));
        void w?.terminate();
      };
      job.signal.addEventListener('abort', job.onAbort, { once: true });
    }
    // The bytes are copied to the worker (structured clone): the caller keeps its buffer.
    const message: BomParseJob = { bytes: job.bytes, options: job.options };
    worker.postMessage(message);
  }

  const parse: BomParser = (bytes, readOptions, signal) => {
    if (closed || bytes.byteLength < options.inThreadBelowBytes) return parseInThread(bytes, readOptions, signal);
    if (signal?.aborted) return Promise.resolve(failed('the lookup gave up before the BOM was parsed'));
    return new Promise<BomReadResult>((resolve) => {
      queue.push({ bytes, options: readOptions, signal, resolve });
      pump();
    });
  };

  return {
    parse,
    get offloaded() {
      return offloaded;
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.resolve(failed('the parser is shutting down'));
      queueHead = 0;
      await Promise.all(slots.map(async (slot) => {
        const w = slot.worker;
        slot.worker = undefined;
        if (slot.job) finish(slot, failed('the parser is shutting down'));
        await w?.terminate();
      }));
    },
  };
}
