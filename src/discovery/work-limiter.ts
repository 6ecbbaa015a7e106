// At most `concurrency` underlying lookups run at once; the rest wait in FIFO order. A queued task
// can be cancelled before it starts (its waiters gave up, or its deadline passed in the queue).

export interface QueueTicket {
  /** Removes the task from the queue; false when it already started. */
  cancel(): boolean;
}

export class WorkLimiter {
  #running = 0;
  readonly #queue = new Set<() => void>();

  constructor(
    readonly concurrency: number,
    private readonly onChange: (running: number, queued: number) => void = () => undefined,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#queue.size;
  }

  /** Runs `start` now when a slot is free, else when one frees up. `start` must call `release()` exactly once when done. */
  enqueue(start: () => void): QueueTicket {
    if (this.#running < this.concurrency) {
      this.#running++;
      this.onChange(this.#running, this.#queue.size);
      start();
      return { cancel: () => false };
    }
    const entry = (): void => start();
    this.#queue.add(entry);
    this.onChange(this.#running, this.#queue.size);
    return {
      cancel: () => {
        const removed = this.#queue.delete(entry);
        if (removed) this.onChange(this.#running, this.#queue.size);
        return removed;
      },
    };
  }

  /** A started task ended: hand its slot to the next queued one. */
  release(): void {
    const next = this.#queue.values().next();
    if (next.done) {
      this.#running--;
      this.onChange(this.#running, 0);
      return;
    }
    this.#queue.delete(next.value);
    this.onChange(this.#running, this.#queue.size);
    next.value();
  }
}
