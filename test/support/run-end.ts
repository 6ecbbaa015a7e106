// Work to do once the whole mocha run has finished (the root afterAll hook in hooks.ts runs it):
// e.g. stopping a control plane that several test files share. Each callback runs once, in reverse
// order of registration; a failure is reported after all have run.
const callbacks: Array<() => Promise<void>> = [];

export function onRunEnd(callback: () => Promise<void>): void {
  callbacks.push(callback);
}

export async function runEndCallbacks(): Promise<void> {
  const errors: unknown[] = [];
  while (callbacks.length > 0) {
    try {
      await callbacks.pop()!();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw errors[0];
}
