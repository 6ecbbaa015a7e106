// How a failed command ends (docs/cli.md "Exit codes"): its exit code and the one line it prints.
// Kept apart from exit.ts because it names the error classes of other rooms, and importing those
// rooms costs every command start-up time and memory; main.ts imports this file only when a
// command has failed.
import { ReviewParseError } from '../admission/index.js';
import { ConfigError } from '../config/index.js';
import { BomMappingError } from '../discovery/index.js';
import { PolicyError } from '../policy/index.js';
import { CredentialFileError } from '../registry/index.js';
import { CertificateError } from '../server/index.js';
import { CliError, EXIT, type ExitCode } from './exit.js';

/** Errors of the other rooms that say the input was wrong: a file, a configuration, a policy, a mapping. */
const BAD_INPUT: readonly (abstract new (...args: never[]) => Error)[] = [ConfigError, BomMappingError, PolicyError, CredentialFileError, CertificateError, ReviewParseError];

/** The exit code and the one line a failed command prints. */
export function failureOf(err: unknown): { exitCode: ExitCode; line: string } {
  if (err instanceof CliError) return { exitCode: err.exitCode, line: `aibom: error: ${err.message}` };
  if (err instanceof Error && BAD_INPUT.some((type) => err instanceof type)) return { exitCode: EXIT.badInput, line: `aibom: error: ${err.message}` };
  return { exitCode: EXIT.internal, line: `aibom: internal error: ${err instanceof Error ? err.message : String(err)}` };
}
