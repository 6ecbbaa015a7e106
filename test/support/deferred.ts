// A promise the test settles by hand.
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks and I/O callbacks run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Waits until `condition` holds, checking after each turn of the event loop and at most every
 * `everyMs`; fails after `timeoutMs` naming `what`. For a test that waits on something to happen
 * (a reload, a request arriving) instead of sleeping a fixed time and hoping.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, { timeoutMs = 5_000, everyMs = 20 } = {}): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
