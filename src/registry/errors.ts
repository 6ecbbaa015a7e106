// Errors of the registry client: one class with a closed `kind`, what an HTTP status means, and the
// lookup status each kind is reported as (the closed set of contracts/lookup.ts).
import { lookupStatusOfError, type LookupStatus } from '../contracts/lookup.js';

export type RegistryErrorKind =
  | 'auth' // 401/403, or no usable credentials/token
  | 'not-found' // 404 on the thing asked for
  | 'server' // 5xx
  | 'unavailable' // connection refused/reset, DNS failure, truncated body
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

  /** Read by the one mapping of errors to lookup statuses (contracts/lookup.ts `lookupStatusOfError`). */
  get lookupStatus(): LookupStatus {
    return STATUS_OF_KIND[this.kind];
  }
}

/** The lookup status each kind is reported as (docs/labels-and-annotations.md, `aibom.io/lookup`). */
const STATUS_OF_KIND: Record<RegistryErrorKind, LookupStatus> = {
  auth: 'error:auth',
  'not-found': 'error:not-found',
  server: 'error:5xx',
  'rate-limited': 'error:5xx',
  unavailable: 'error:network',
  'digest-mismatch': 'error:digest-mismatch',
  blocked: 'error:blocked',
  'too-large': 'error:too-large',
  invalid: 'error:invalid',
  timeout: 'timeout',
};

/**
 * The closed lookup status for an error thrown while reading a registry: a RegistryError by its kind,
 * anything else by contracts' one mapping, with `error:invalid` for what is neither network, abort nor
 * egress refusal (a bug or an answer we could not read).
 */
export function lookupStatusOf(err: unknown): LookupStatus {
  return lookupStatusOfError(err, 'error:invalid');
}

export function statusError(status: number, what: string, code: string | undefined): RegistryError {
  const msg = `${what}: HTTP ${status}${code ? ` ${code}` : ''}`;
  if (status === 401 || status === 403) return new RegistryError('auth', msg, status, code);
  if (status === 404) return new RegistryError('not-found', msg, status, code);
  if (status === 429) return new RegistryError('rate-limited', msg, status, code);
  if (status >= 500) return new RegistryError('server', msg, status, code);
  return new RegistryError('invalid', msg, status, code);
}
