// What the lookup service reports. The prom-client implementation lives in metrics/lookup-metrics.ts;
// the CLI uses the no-op one below, so it never loads prom-client. Label values are closed sets:
// never an image name or a digest.
import type { BomSource, LookupOptions, LookupStatus } from '../contracts/lookup.js';
import type { SignatureFormat, TrustState } from '../contracts/trust.js';

export type LookupPurpose = NonNullable<LookupOptions['purpose']>;
/** How one caller's answer was produced: from the caches, by joining in-flight work, or by new work. */
export type LookupServed = 'cache' | 'shared' | 'new';
export type LookupCacheName = 'findings' | 'tag';
/** Underlying work: a tag → digest resolution, or a digest's findings. */
export type WorkKind = 'tag' | 'digest';
export type EvictionReason = 'capacity' | 'oversize';
export type DropReason = 'abandoned' | 'expired';
export type ProbeOutcome = 'found' | 'none' | 'error' | 'timeout';

export interface LookupMetrics {
  /** One caller's lookup ended (whatever the status). */
  lookupCompleted(purpose: LookupPurpose, served: LookupServed, status: LookupStatus, seconds: number): void;
  cacheHit(cache: LookupCacheName): void;
  cacheMiss(cache: LookupCacheName): void;
  /** An entry left the cache for room (`capacity`), or was too large to enter (`oversize`). */
  cacheEvicted(cache: LookupCacheName, reason: EvictionReason): void;
  cacheSize(cache: LookupCacheName, entries: number, bytes: number): void;
  /** Underlying work got a slot and started. */
  backgroundStarted(kind: WorkKind): void;
  backgroundFinished(kind: WorkKind, status: LookupStatus, seconds: number): void;
  /** Queued work never started: every waiter left (`abandoned`) or its deadline passed in the queue (`expired`). */
  backgroundDropped(kind: WorkKind, reason: DropReason): void;
  /** Running work whose every waiter gave up, going on to fill the cache (a lookup that outlived its request). */
  backgroundDetached(kind: WorkKind): void;
  /** Current number of running and queued underlying calls. */
  backgroundLoad(running: number, queued: number): void;
  /** For underlying lookups: one attachment source probed (referrers, cosign tags, …). */
  sourceProbed(source: BomSource, outcome: ProbeOutcome, seconds: number): void;
  /** One BOM's signatures judged (a first verification: cached findings are not verified again). */
  trustVerified?(format: SignatureFormat | 'none', trust: TrustState, seconds: number): void;
  /** One HTTP exchange with a registry: its `host[:port]` and `2xx`…`5xx` or the error kind (timeout, unavailable, blocked, …). */
  registryRequest?(host: string, result: string): void;
}

const ignore = (): void => undefined;

/** Records nothing (CLI, tests that do not look at metrics). */
export const noopLookupMetrics: LookupMetrics = {
  lookupCompleted: ignore,
  cacheHit: ignore,
  cacheMiss: ignore,
  cacheEvicted: ignore,
  cacheSize: ignore,
  backgroundStarted: ignore,
  backgroundFinished: ignore,
  backgroundDropped: ignore,
  backgroundDetached: ignore,
  backgroundLoad: ignore,
  sourceProbed: ignore,
  trustVerified: ignore,
  registryRequest: ignore,
};
