// Long pure work as a generator that yields between slices: the same code runs straight through
// (runSync: the CLI) or gives the event loop a turn between slices (runSliced: the webhook, so that
// /healthz, other requests and the deadline timer are served while one big review is evaluated).

/** Called between slices. A promise: wait for it (the event loop runs meanwhile); undefined: go on. May throw to stop the work. */
export type Slicer = () => Promise<void> | undefined;

export type Slices<T> = Generator<undefined, T, void>;

export function runSync<T>(work: Slices<T>): T {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
  }
}

export async function runSliced<T>(work: Slices<T>, slice: Slicer): Promise<T> {
  for (;;) {
    const step = work.next();
    if (step.done) return step.value;
    const pause = slice();
    if (pause) await pause;
  }
}
