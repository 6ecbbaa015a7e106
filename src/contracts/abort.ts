// One 'abort' listener per AbortSignal, however many parties wait on it. Node's EventTarget looks
// through every listener already registered for a duplicate on each addEventListener (and again on
// removeEventListener), so n waiters on one request's signal cost O(n²): with 8,000 distinct images
// in one review, registering the waiters took 1.5 s of CPU (issue #22, docs/limits.md). Here a
// signal gets a single listener that fans out to a Set: O(1) to add and to remove a callback.

const fanouts = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `callback` once when `signal` aborts (at once, synchronously, when it already has). Returns
 * the unsubscribe function; callbacks subscribed when the signal fires run in subscription order.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  if (signal.aborted) {
    callback();
    return () => undefined;
  }
  let callbacks = fanouts.get(signal);
  if (!callbacks) {
    const set = new Set<() => void>();
    callbacks = set;
    fanouts.set(signal, set);
    signal.addEventListener('abort', () => {
      fanouts.delete(signal);
      // As with EventTarget, a callback unsubscribed while others run is not called.
      for (const cb of set) cb();
      set.clear();
    }, { once: true });
  }
  const subscribed = callbacks;
  subscribed.add(callback);
  return () => {
    subscribed.delete(callback);
  };
}
