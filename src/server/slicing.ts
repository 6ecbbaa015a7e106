// How the webhook runs long pure work (src/util/slices.ts): after `budgetMs` of work since the event
// loop last had a turn, the next slice point waits for setImmediate, so /healthz, the other requests
// on this process and the request's own deadline timer run in between. Once the answer is no longer
// wanted (the deadline fallback went out), the next slice point throws and the work stops.
import { performance } from 'node:perf_hooks';
import type { Slicer } from '../contracts/slices.js';

/** Thrown at a slice point of work whose answer is no longer wanted. */
export class WorkAbandoned extends Error {
  override name = 'WorkAbandoned';
}

export interface SlicerOptions {
  /** Longest run of work between two turns of the event loop. */
  budgetMs: number;
  /** True once the answer is no longer wanted. */
  abandoned: () => boolean;
  now?: () => number;
}

export function eventLoopSlicer(options: SlicerOptions): Slicer {
  const now = options.now ?? (() => performance.now());
  let since = now();
  const turn = (): Promise<void> =>
    new Promise((resolve) =>
      setImmediate(() => {
        since = now();
        resolve();
      }),
    );
  return () => {
    if (options.abandoned()) throw new WorkAbandoned('the answer went out before the work finished');
    return now() - since < options.budgetMs ? undefined : turn();
  };
}
