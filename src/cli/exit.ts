// The exit model of every command (docs/cli.md "Exit codes"): one table of codes, one error base that
// carries its code, and the decisions of review and check mapped the same way. Which other rooms'
// errors mean bad input is failure.ts, imported on the error path only: every command imports this
// file, and it must not load the rooms a command does not use (docs/model-scan.md "Throughput").
import type { PolicyDecision } from '../contracts/policy.js';

export const EXIT = {
  /** Done: admitted (warnings and audit findings included), inspected, classified, attached, stopped. */
  ok: 0,
  /** A policy in Enforce mode denies (review --validate, check). */
  denied: 1,
  /** Bad input or usage: one line on stderr naming the flag, file, field, reference or mapping. */
  badInput: 2,
  /** Could not tell: a BOM lookup or a registry request failed and the answer depends on it. */
  lookupFailed: 3,
  /** `serve` could not listen (the port is in use, or binding it is not permitted). */
  cannotServe: 4,
  /** A bug: one line on stderr (`aibom: internal error: …`); please report it. */
  internal: 70,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Every error a command raises on purpose: printed as one line (`aibom: …`), never a stack trace. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

/** Bad input or usage (exit 2). */
export class UsageError extends CliError {
  override name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT.badInput);
  }
}

/**
 * The exit code of a validating decision: 1 when it denies for a reason found in a BOM or the spec
 * (or a refused break-glass), 3 when the only denials come from failed lookups under
 * `onLookupFailure: deny` (we could not tell), 0 when it admits — warnings and failed lookups that
 * do not deny included (they are printed).
 */
export function decisionExitCode(decision: Pick<PolicyDecision, 'allowed' | 'verdicts'> | undefined): ExitCode {
  if (!decision || decision.allowed) return EXIT.ok;
  const denials = decision.verdicts.filter((v) => v.effect === 'deny');
  return denials.length > 0 && denials.every((v) => v.rule === 'onLookupFailure') ? EXIT.lookupFailed : EXIT.denied;
}

/** The code of several decisions: a denial outranks a could-not-tell, which outranks success. */
export function worstExitCode(codes: readonly ExitCode[]): ExitCode {
  if (codes.includes(EXIT.denied)) return EXIT.denied;
  if (codes.includes(EXIT.lookupFailed)) return EXIT.lookupFailed;
  return EXIT.ok;
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
