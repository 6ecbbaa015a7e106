// Exit codes shared by every command (DESIGN.md "Endpoints, CLI, configuration").
export const EXIT_OK = 0;
export const EXIT_DENIED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_LOOKUP_FAILED = 3;

/** Bad input or usage: printed as one line, exit 2, never a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  /** Read stdin fully (for `-`). */
  readStdin?: () => Promise<string>;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
