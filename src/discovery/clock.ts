// Injected time for the discovery edge (cache ages, durations). Milliseconds, monotonic is best.
export interface Clock {
  now(): number;
}

/** The process's monotonic clock. */
export const monotonicClock: Clock = { now: () => performance.now() };
