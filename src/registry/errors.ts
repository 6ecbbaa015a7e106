// Errors of the registry client: one class with a closed `kind`, what an HTTP status means, and the
// lookup status each kind is reported as (the closed set of contracts/lookup.ts).
import type { LookupStatus } from '../contracts/lookup.js';
import { isEgressBlocked } from './egress.js';

export type RegistryErrorKind =
  | 'auth' // 401/403, or no usable credentials/token
  | 'not-found' // 404 on the thing asked for
  | 'server' // 5xx
  | 'unavailable' // connection refused/reset, truncated body
  | 'rate-limited' // 429 after the bounded retries
  | 'digest-mismatch' // bytes do not hash to the digest (or exceed the descriptor's size)
  | 'blocked' // egress policy refused a connection, a realm or a redirect target
  | 'too-large' // over a size cap
  | 'invalid' // malformed answer, unexpected status, too many redirects
  | 'timeout'; // aborted by the caller's signal or the per-request timeout

export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    readonly kind: RegistryErrorKind,
    message: string,
    readonly status?: number,
    /** distribution error code (`NAME_UNKNOWN`, `MANIFEST_UNKNOWN`, …) when the body had one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

/** The closed lookup status for an error thrown by the client (DESIGN.md "Annotations"). */
export function lookupStatusOf(err: unknown): LookupStatus {
  if (!(err instanceof RegistryError)) return isEgressBlocked(err) ? 'error:blocked' : 'error:invalid';
  switch (err.kind) {
    case 'auth':
      return 'error:auth';
    case 'not-found':
      return 'error:not-found';
    case 'server':
    case 'unavailable':
    case 'rate-limited':
      return 'error:5xx';
    case 'digest-mismatch':
      return 'error:digest-mismatch';
    case 'blocked':
      return 'error:blocked';
    case 'too-large':
      return 'error:too-large';
    case 'timeout':
      return 'timeout';
    default:
      return 'error:invalid';
  }
}

export function statusError(status: number, what: string, code: string | undefined): RegistryError {
  const msg = `${what}: HTTP ${status}${code ? ` ${code}` : ''}`;
  if (status === 401 || status === 403) return new RegistryError('auth', msg, status, code);
  if (status === 404) return new RegistryError('not-found', msg, status, code);
  if (status === 429) return new RegistryError('rate-limited', msg, status, code);
  if (status >= 500) return new RegistryError('server', msg, status, code);
  return new RegistryError('invalid', msg, status, code);
}
