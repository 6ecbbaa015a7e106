// A component the tests, the benchmarks or the local cluster need is not installed: one line that
// names the command installing it, never a stack trace (mocha and the scripts print `stack`).
import { accessSync, constants } from 'node:fs';

export class MissingComponentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingComponentError';
    this.stack = `${this.name}: ${message}`;
  }
}

/** Throws a MissingComponentError naming `install` unless `file` is an executable file. */
export function requireExecutable(file: string, what: string, install: string): string {
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw new MissingComponentError(`${what} is not installed (${file}): run ${install}`);
  }
  return file;
}

/** How a script reports a failure: one line for a missing component, the stack otherwise. */
export function describeFailure(err: unknown): string {
  if (err instanceof MissingComponentError) return err.message;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
