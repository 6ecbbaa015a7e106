// The admission-grade lookup: wraps any underlying lookup (registry, layout, …) with
// - caches keyed by parser version + credential identity + repository + digest (findings) and
//   + tag (tag → digest), bounded by entries and bytes, TTL by outcome;
// - single-flight: concurrent callers for one digest (or one tag) share one underlying call;
// - deadlines (docs/lookup.md "Deadlines"): the caller's signal is its request deadline; underlying work
//   runs under its own signal (cache.backgroundTimeoutMs) with at most cache.backgroundConcurrency
//   calls at once, so work that outlives its request still fills the cache for the next pod.
// See docs/lookup.md. Never throws: every failure is a LookupStatus.
import { LRUCache } from 'lru-cache';
import type { ImageFindings, ImageLookup, LookupOptions, LookupStatus } from '../contracts/lookup.js';
import { isLookupStatus, lookupStatusOfError } from '../contracts/lookup.js';
import { PARSER_VERSION } from '../bom/index.js';
import type { ImageReference } from '../contracts/image-reference.js';
import { parseImageReference, withDigest } from '../contracts/image-reference.js';
import type { Clock } from './clock.js';
import { estimateBytes } from './findings-size.js';
import type { LookupCacheName, LookupMetrics, LookupPurpose, LookupServed } from './metrics-port.js';
import { noopLookupMetrics } from './metrics-port.js';
import { FlightGroup, GAVE_UP } from './single-flight.js';
import { WorkLimiter } from './work-limiter.js';

/** The `cache.*` configuration (config/schema.ts); pass `config.cache`. */
export interface LookupCacheOptions {
  positiveTtlSeconds: number;
  negativeTtlSeconds: number;
  errorTtlSeconds: number;
  tagTtlSeconds: number;
  maxEntries: number;
  maxBytes: number;
  tagMaxEntries: number;
  tagMaxBytes: number;
  backgroundConcurrency: number;
  backgroundTimeoutMs: number;
}

/** Who asks, passed to the underlying calls (credentials are chosen from it at the edge). */
export interface UnderlyingContext {
  purpose: LookupPurpose;
  namespace?: string;
  pullSecrets?: readonly string[];
  /** What `credentialIdentity` returned for this caller (undefined: anonymous / not private). */
  credentialIdentity?: string;
}

export interface LookupServiceDeps {
  /** Tag → manifest digest (`sha256:…`). Only called for references without a digest. May throw. */
  resolveDigest(ref: ImageReference, signal: AbortSignal, context: UnderlyingContext): Promise<string>;
  /** Findings of a reference pinned to a digest (`ref.digest` is set). The expensive part. May throw. */
  lookupDigest(ref: ImageReference, signal: AbortSignal, context: UnderlyingContext): Promise<ImageFindings>;
  /**
   * Identity of the credentials a lookup of `ref` would use, for cache keys: results fetched with one
   * identity are never served to another. Never the secret itself (e.g. a hash of registry + user +
   * secret). Undefined for anonymous access. Throwing fails the lookup with `error:auth`.
   */
  credentialIdentity?(ref: ImageReference, context: Omit<UnderlyingContext, 'credentialIdentity'>): string | undefined;
  /** Maps a thrown error to a status (default: contracts' `lookupStatusOfError`, `error:5xx` for what it cannot name). */
  statusOfError?(err: unknown): LookupStatus;
  clock: Clock;
  metrics?: LookupMetrics;
  options: LookupCacheOptions;
  /** Part of every cache key (default: PARSER_VERSION); a function when it can change (the trust set). */
  parserVersion?: string | (() => string);
}

export type LookupService = ImageLookup & {
  /** Resolves once no underlying work is queued or running (tests, graceful shutdown). */
  whenIdle(): Promise<void>;
};

type TagEntry = { digest: string } | { status: LookupStatus; detail?: string };

const digestPattern = /^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;
const SEP = '\u0000';

function messageOf(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function failure(status: LookupStatus, detail?: string, digest?: string): ImageFindings {
  const findings: ImageFindings = { status, boms: [] };
  if (digest) findings.digest = digest;
  if (detail) findings.detail = detail;
  return findings;
}

/** A light shape check of what the underlying lookup returned (it is our code, but at an edge). */
function isFindings(value: unknown): value is ImageFindings {
  if (value === null || typeof value !== 'object') return false;
  const v = value as { status?: unknown; boms?: unknown };
  return isLookupStatus(v.status) && Array.isArray(v.boms);
}

// eslint-disable-next-line max-lines-per-function -- one closure over the caches, single-flight map and background queue that its short inner functions share
export function createLookupService(deps: LookupServiceDeps): LookupService {
  const { clock, options } = deps;
  const metrics = deps.metrics ?? noopLookupMetrics;
  const version = deps.parserVersion ?? PARSER_VERSION;
  const keyVersion = typeof version === 'function' ? version : () => version;
  const mapError = deps.statusOfError ?? ((err: unknown) => lookupStatusOfError(err));
  const statusOfError = (err: unknown): LookupStatus => {
    try {
      const status = mapError(err);
      return isLookupStatus(status) ? status : 'error:5xx';
    } catch {
      return 'error:5xx';
    }
  };

  const findingsCache = boundedCache<ImageFindings>('findings', options.maxEntries, options.maxBytes, metrics, clock);
  const tagCache = boundedCache<TagEntry>('tag', options.tagMaxEntries, options.tagMaxBytes, metrics, clock);

  const limiter = new WorkLimiter(options.backgroundConcurrency, (running, queued) => metrics.backgroundLoad(running, queued));
  const digestFlights = new FlightGroup<ImageFindings>('digest', limiter, options.backgroundTimeoutMs, {
    failed: (err) => failure(statusOfError(err), messageOf(err)),
    timedOut: () => failure('timeout', `lookup did not finish within ${options.backgroundTimeoutMs} ms`),
    statusOf: (f) => f.status,
  }, metrics, clock);
  const tagFlights = new FlightGroup<TagEntry>('tag', limiter, options.backgroundTimeoutMs, {
    failed: (err) => ({ status: statusOfError(err), detail: `resolving the tag: ${messageOf(err)}` }),
    timedOut: () => ({ status: 'timeout', detail: `tag resolution did not finish within ${options.backgroundTimeoutMs} ms` }),
    statusOf: (t) => ('digest' in t ? 'found' : t.status),
  }, metrics, clock);

  function ttlMsOf(status: LookupStatus): number {
    if (status === 'found') return options.positiveTtlSeconds * 1000;
    if (status === 'none') return options.negativeTtlSeconds * 1000;
    if (status === 'timeout') return 0; // never cached: the next request tries again
    return options.errorTtlSeconds * 1000;
  }

  function digestKey(pinned: ImageReference, identity: string | undefined): string {
    // Repository included: referrers and cosign tags live per repository, not per digest alone.
    return [keyVersion(), identity ?? '', `${pinned.registry}/${pinned.repository}@${pinned.digest}`].join(SEP);
  }

  function tagKey(ref: ImageReference, identity: string | undefined): string {
    return [keyVersion(), identity ?? '', `${ref.registry}/${ref.repository}:${ref.tag}`].join(SEP);
  }

  /** Starts (or joins) the findings work for a pinned reference. */
  function joinDigest(pinned: ImageReference, key: string, context: UnderlyingContext, keep: boolean) {
    const digest = pinned.digest as string;
    return digestFlights.join(key, async (signal) => {
      const found: unknown = await deps.lookupDigest(pinned, signal, context);
      if (!isFindings(found)) return failure('error:invalid', 'the underlying lookup returned no findings', digest);
      return found.digest ? found : { ...found, digest };
    }, keep, (findings) => {
      // Findings whose signatures could not all be read are kept no longer than an error.
      const ttl = findings.incomplete ? Math.min(ttlMsOf(findings.status), options.errorTtlSeconds * 1000) : ttlMsOf(findings.status);
      if (ttl > 0) findingsCache.set(key, findings, ttl, estimateBytes(findings));
    });
  }

  function joinTag(ref: ImageReference, key: string, context: UnderlyingContext, keep: boolean) {
    return tagFlights.join(key, async (signal) => {
      const digest: unknown = await deps.resolveDigest(ref, signal, context);
      if (typeof digest !== 'string' || !digestPattern.test(digest)) return { status: 'error:invalid', detail: `tag resolved to an invalid digest ${JSON.stringify(digest)}`.slice(0, 200) };
      return { digest };
    }, keep, (entry, detached) => {
      const ttl = 'digest' in entry ? options.tagTtlSeconds * 1000 : ttlMsOf(entry.status);
      if (ttl > 0) tagCache.set(key, entry, ttl, estimateBytes(entry));
      // Every caller left while the tag resolved: go on to the findings in the background, so the
      // next pod of this image hits a warm cache (not only a warm tag).
      if ('digest' in entry && detached) {
        const pinned = withDigest(ref, entry.digest);
        const dKey = digestKey(pinned, context.credentialIdentity);
        if (!findingsCache.has(dKey)) joinDigest(pinned, dKey, context, true);
      }
    });
  }

  async function lookupOnce(image: string, lookupOptions: LookupOptions, purpose: LookupPurpose): Promise<{ findings: ImageFindings; served: LookupServed }> {
    let ref: ImageReference;
    try {
      ref = parseImageReference(image);
    } catch (err) {
      return { findings: failure('error:invalid', messageOf(err)), served: 'cache' };
    }
    const base: Omit<UnderlyingContext, 'credentialIdentity'> = { purpose };
    if (lookupOptions.namespace !== undefined) base.namespace = lookupOptions.namespace;
    if (lookupOptions.pullSecrets !== undefined) base.pullSecrets = lookupOptions.pullSecrets;
    let identity: string | undefined;
    try {
      identity = deps.credentialIdentity?.(ref, base);
    } catch (err) {
      return { findings: failure('error:auth', `credentials: ${messageOf(err)}`), served: 'cache' };
    }
    const context: UnderlyingContext = identity === undefined ? base : { ...base, credentialIdentity: identity };
    // CLI calls do not keep work alive after they leave: the process is about to exit.
    const keep = purpose !== 'cli';
    let served: LookupServed = 'cache';

    let digest = ref.digest;
    if (!digest) {
      const key = tagKey(ref, identity);
      let entry = tagCache.get(key);
      if (!entry) {
        const { flight, created } = joinTag(ref, key, context, keep);
        served = created ? 'new' : 'shared';
        const waited = await tagFlights.wait(flight, lookupOptions.signal);
        if (waited === GAVE_UP) return { findings: failure('timeout', 'the request deadline passed while resolving the tag'), served };
        entry = waited;
      }
      if (!('digest' in entry)) return { findings: failure(entry.status, entry.detail), served };
      digest = entry.digest;
    }

    const pinned = withDigest(ref, digest);
    const key = digestKey(pinned, identity);
    const cached = findingsCache.get(key);
    if (cached) return { findings: cached, served };
    const { flight, created } = joinDigest(pinned, key, context, keep);
    if (created) served = 'new';
    else if (served === 'cache') served = 'shared';
    const waited = await digestFlights.wait(flight, lookupOptions.signal);
    if (waited === GAVE_UP) return { findings: failure('timeout', 'the request deadline passed before the lookup finished', digest), served };
    return { findings: waited, served };
  }

  const lookup: ImageLookup = async (image, lookupOptions) => {
    const started = clock.now();
    const purpose: LookupPurpose = lookupOptions?.purpose ?? 'mutate';
    let result: { findings: ImageFindings; served: LookupServed };
    try {
      result = await lookupOnce(image, lookupOptions, purpose);
    } catch (err) {
      // Defensive: nothing above should throw, and the port must not.
      result = { findings: failure('error:invalid', `internal: ${messageOf(err)}`), served: 'cache' };
    }
    metrics.lookupCompleted(purpose, result.served, result.findings.status, Math.max(0, clock.now() - started) / 1000);
    return result.findings;
  };

  async function whenIdle(): Promise<void> {
    for (;;) {
      const pending = [...digestFlights.pending(), ...tagFlights.pending()];
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  }

  return Object.assign(lookup, { whenIdle });
}

interface BoundedCache<V> {
  get(key: string): V | undefined;
  has(key: string): boolean;
  set(key: string, value: V, ttlMs: number, valueBytes: number): void;
}

/**
 * An LRU bounded by entries and by (estimated) bytes, time from the injected clock. One entry may
 * take at most a quarter of the byte budget, so a single huge inventory cannot flush the cache.
 */
function boundedCache<V extends object>(name: LookupCacheName, maxEntries: number, maxBytes: number, metrics: LookupMetrics, clock: Clock): BoundedCache<V> {
  const maxEntryBytes = Math.max(1, Math.floor(maxBytes / 4));
  const lru = new LRUCache<string, V>({
    max: maxEntries,
    maxSize: maxBytes,
    maxEntrySize: maxEntryBytes,
    perf: clock,
    // No cached "now" (it would use a timer and blur the injected clock).
    ttlResolution: 0,
    dispose: (_value, _key, reason) => {
      if (reason === 'evict') metrics.cacheEvicted(name, 'capacity');
    },
  });
  const report = (): void => metrics.cacheSize(name, lru.size, lru.calculatedSize);
  return {
    get(key) {
      const value = lru.get(key);
      if (value === undefined) metrics.cacheMiss(name);
      else metrics.cacheHit(name);
      return value;
    },
    has: (key) => lru.has(key),
    set(key, value, ttlMs, valueBytes) {
      const size = valueBytes + key.length + 64;
      if (size > maxEntryBytes) {
        metrics.cacheEvicted(name, 'oversize');
        return;
      }
      lru.set(key, value, { ttl: ttlMs, size });
      report();
    },
  };
}
