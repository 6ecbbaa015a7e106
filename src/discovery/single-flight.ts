// Single-flight: while work for a key is in flight, every caller for that key shares it.
// Each flight runs under its OWN signal (bounded by `timeoutMs` from when it was created, queue time
// included), never under a caller's: a caller that reaches its deadline leaves, and the work goes on
// to fill the cache for the next request (docs/lookup.md "Deadlines").
//
// What happens when the last waiter leaves:
// - still queued (no slot yet): the work is dropped. Under saturation, nobody is waiting for it and
//   the next request for the key queues it again; slots go to work someone waits for.
// - running, and some waiter wanted background completion (mutate/validate): it goes on (detached).
// - running, and every waiter was a CLI call: it is aborted, nobody would read the result.
import type { LookupStatus } from '../contracts/lookup.js';
import type { Clock } from './clock.js';
import type { DropReason, LookupMetrics, WorkKind } from './metrics-port.js';
import type { QueueTicket, WorkLimiter } from './work-limiter.js';
import { onAbort } from '../contracts/abort.js';

/** What `wait` answers when the caller's signal fired first. */
export const GAVE_UP: unique symbol = Symbol('gave-up');

export interface FlightOutcomes<T> {
  /** The value for work that threw or rejected. */
  failed(err: unknown): T;
  /** The value when the flight's own deadline passed (running or queued), or it was aborted. */
  timedOut(): T;
  /** Status of a value, for metrics. */
  statusOf(value: T): LookupStatus;
}

export interface Flight<T> {
  readonly key: string;
  readonly promise: Promise<T>;
}

interface FlightState<T> extends Flight<T> {
  state: 'queued' | 'running' | 'done';
  waiters: number;
  keepInBackground: boolean;
  controller: AbortController;
  timer: NodeJS.Timeout;
  ticket?: QueueTicket;
  settle(value: T): void;
}

export interface JoinResult<T> {
  flight: Flight<T>;
  /** True when this call started the work (false: joined work in flight). */
  created: boolean;
}

export class FlightGroup<T> {
  readonly #flights = new Map<string, FlightState<T>>();

  constructor(
    private readonly kind: WorkKind,
    private readonly limiter: WorkLimiter,
    private readonly timeoutMs: number,
    private readonly outcomes: FlightOutcomes<T>,
    private readonly metrics: LookupMetrics,
    private readonly clock: Clock,
  ) {}

  get size(): number {
    return this.#flights.size;
  }

  /** Promises of all flights in progress (for draining). */
  pending(): Promise<T>[] {
    return [...this.#flights.values()].map((f) => f.promise);
  }

  /**
   * Joins the flight for `key`, or starts one running `work`. `onDone` runs once with the value,
   * before any waiter sees it (the place to fill a cache); `detached` is true when the work went on
   * in the background after every caller gave up. `keepInBackground`: this caller wants the
   * work finished even if it leaves.
   */
  join(key: string, work: (signal: AbortSignal) => Promise<T>, keepInBackground: boolean, onDone: (value: T, detached: boolean) => void): JoinResult<T> {
    const existing = this.#flights.get(key);
    if (existing) {
      if (keepInBackground) existing.keepInBackground = true;
      return { flight: existing, created: false };
    }
    let settle!: (value: T) => void;
    const promise = new Promise<T>((resolve) => {
      settle = resolve;
    });
    const controller = new AbortController();
    const flight: FlightState<T> = {
      key,
      promise,
      state: 'queued',
      waiters: 0,
      keepInBackground,
      controller,
      timer: setTimeout(() => this.#expire(flight), this.timeoutMs),
      settle: (value) => {
        if (flight.state === 'done') return;
        const wasRunning = flight.state === 'running';
        flight.state = 'done';
        clearTimeout(flight.timer);
        if (this.#flights.get(key) === flight) this.#flights.delete(key);
        try {
          onDone(value, flight.waiters === 0 && flight.keepInBackground);
        } catch {
          // Filling a cache must not keep the value from its waiters; nothing else to do here.
        }
        settle(value);
        if (wasRunning) this.limiter.release();
      },
    };
    // The flight's deadline must never keep the process alive.
    flight.timer.unref();
    this.#flights.set(key, flight);
    flight.ticket = this.limiter.enqueue(() => this.#start(flight, work));
    return { flight, created: true };
  }

  /** Waits for the flight's value, or GAVE_UP when `signal` fires first. Never rejects. */
  wait(flight: Flight<T>, signal: AbortSignal): Promise<T | typeof GAVE_UP> {
    const state = this.#flights.get(flight.key) === flight ? (flight as FlightState<T>) : undefined;
    if (!state) return flight.promise; // already settled
    state.waiters++;
    if (signal.aborted) {
      this.#leave(state);
      return Promise.resolve(GAVE_UP);
    }
    return new Promise<T | typeof GAVE_UP>((resolve) => {
      // One listener on the caller's signal for all its waits (src/contracts/abort.ts): one admission
      // waits on as many flights as it has images, and EventTarget listeners cost O(listeners) each.
      const unsubscribe = onAbort(signal, () => {
        this.#leave(state);
        resolve(GAVE_UP);
      });
      void state.promise.then((value) => {
        unsubscribe();
        resolve(value);
      });
    });
  }

  #start(flight: FlightState<T>, work: (signal: AbortSignal) => Promise<T>): void {
    if (flight.state !== 'queued') {
      // Settled while queued (cannot normally happen: settling cancels the ticket); give the slot back.
      this.limiter.release();
      return;
    }
    flight.state = 'running';
    this.metrics.backgroundStarted(this.kind);
    const started = this.clock.now();
    const { signal } = flight.controller;
    let abortListener: (() => void) | undefined;
    // The work may ignore its signal: the race bounds the slot's time anyway.
    const aborted = new Promise<T>((resolve) => {
      abortListener = () => resolve(this.outcomes.timedOut());
      signal.addEventListener('abort', abortListener, { once: true });
    });
    let running: Promise<T>;
    try {
      running = Promise.resolve(work(signal)).then((v) => v, (err: unknown) => (signal.aborted ? this.outcomes.timedOut() : this.outcomes.failed(err)));
    } catch (err) {
      running = Promise.resolve(this.outcomes.failed(err));
    }
    const finish = (value: T): void => {
      if (abortListener) signal.removeEventListener('abort', abortListener);
      this.metrics.backgroundFinished(this.kind, this.outcomes.statusOf(value), Math.max(0, this.clock.now() - started) / 1000);
      flight.settle(value);
    };
    // The rejection branch only runs if an outcome mapper itself threw: the flight must still settle.
    void Promise.race([running, aborted]).then(finish, () => finish(this.outcomes.timedOut()));
  }

  #expire(flight: FlightState<T>): void {
    if (flight.state === 'queued') {
      this.#drop(flight, 'expired');
    } else if (flight.state === 'running') {
      flight.controller.abort(new DOMException(`${this.kind} lookup exceeded its ${this.timeoutMs} ms background deadline`, 'TimeoutError'));
    }
  }

  #drop(flight: FlightState<T>, reason: DropReason): void {
    flight.ticket?.cancel();
    this.metrics.backgroundDropped(this.kind, reason);
    flight.settle(this.outcomes.timedOut());
  }

  #leave(flight: FlightState<T>): void {
    flight.waiters--;
    if (flight.waiters > 0 || flight.state === 'done') return;
    if (flight.state === 'queued') {
      this.#drop(flight, 'abandoned');
    } else if (flight.keepInBackground) {
      this.metrics.backgroundDetached(this.kind);
    } else {
      flight.controller.abort(new DOMException('every caller gave up', 'AbortError'));
    }
  }
}
