// The verdicts of one decision, kept within `limits.maxVerdicts` (docs/limits.md). Every verdict is
// counted (the decision and the result depend on all of them), but only the first `max` in the
// stable order (compareVerdicts: strictest first) are kept, in a bounded max-heap: O(log max) per
// verdict as they are produced, never a sort of all of them, and nothing to do at the end but sort
// the kept ones. A review with thousands of models under several policies produces tens of
// thousands of verdicts; the answer, the audit annotation and the audit line need a few hundred.
import type { Effect, Verdict } from '../contracts/policy.js';
import { compareVerdicts } from './verdict.js';

/** The default of `limits.maxVerdicts` (config/schema.ts). */
export const DEFAULT_MAX_VERDICTS = 500;

export class VerdictCollector {
  readonly counts: Record<Effect, number> = { deny: 0, warn: 0, audit: 0 };
  #total = 0;
  // Max-heap by compareVerdicts: the root is the last of the kept verdicts in the stable order.
  readonly #heap: Verdict[] = [];

  constructor(readonly max: number = DEFAULT_MAX_VERDICTS) {
    if (!(max >= 1)) throw new RangeError(`max must be at least 1, got ${max}`);
  }

  get total(): number {
    return this.#total;
  }

  /** Verdicts counted but not kept. */
  get omitted(): number {
    return this.#total - this.#heap.length;
  }

  add(v: Verdict): void {
    this.#total++;
    this.counts[v.effect]++;
    const heap = this.#heap;
    if (heap.length < this.max) {
      heap.push(v);
      this.#up(heap.length - 1);
    } else if (compareVerdicts(v, heap[0]!) < 0) {
      heap[0] = v;
      this.#down(0);
    }
  }

  addAll(verdicts: Iterable<Verdict>): this {
    for (const v of verdicts) this.add(v);
    return this;
  }

  /** The kept verdicts in the stable order. */
  sorted(): Verdict[] {
    return [...this.#heap].sort(compareVerdicts);
  }

  #up(i: number): void {
    const heap = this.#heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compareVerdicts(heap[i]!, heap[parent]!) <= 0) return;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #down(i: number): void {
    const heap = this.#heap;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let largest = i;
      if (left < heap.length && compareVerdicts(heap[left]!, heap[largest]!) > 0) largest = left;
      if (right < heap.length && compareVerdicts(heap[right]!, heap[largest]!) > 0) largest = right;
      if (largest === i) return;
      [heap[i], heap[largest]] = [heap[largest]!, heap[i]!];
      i = largest;
    }
  }
}
