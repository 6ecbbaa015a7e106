// The composition of the admission-grade image lookup: the lookup service (caches, single-flight,
// deadlines; docs/lookup.md) over every registry attachment source (docs/discovery.md). One function,
// used by the server's composition root and by `aibom review`, `inspect` and `check`.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config/index.js';
import type { ImageReference } from '../contracts/image-reference.js';
import { RegistryError, type ManifestResult, type RegistryClient, type RepoRef } from '../registry/index.js';
import { lookupAttachments, type AttachmentLookupOptions } from './attachment-lookup.js';
import type { BomParser } from './bom-parser.js';
import { monotonicClock, type Clock } from './clock.js';
import { createLookupService, type LookupService, type UnderlyingContext } from './lookup-service.js';
import type { LookupMetrics } from './metrics-port.js';
import { parsePlatformFilter } from './platforms.js';
import { parseCosignRepository } from './sources/cosign-tag.js';
import type { TrustContext } from './sources/verdicts.js';
import { PARSER_VERSION } from '../bom/index.js';
import type { TrustSet } from '../trust/index.js';

export interface BuildLookupDeps {
  client: RegistryClient;
  clock?: Clock;
  metrics?: LookupMetrics;
  /** Log hook for remarks that are not statuses (a skipped referrer, a rejected statement). */
  onNote?: (image: string, note: string) => void;
  /** Where BOM bytes are parsed (the server: a worker pool, src/discovery/bom-parser.ts). */
  parseBom?: BomParser;
  /** What BOM signatures are verified against (config/trust-source.ts); absent or undefined: trust off. */
  trust?: { current(): TrustSet | undefined };
  /** Wall-clock time for certificate validity (Notary); default the system clock. */
  now?: () => Date;
}

/** Referrer manifests (and attestation manifests) fetched at once per subject. */
const PROBE_CONCURRENCY = 4;

/**
 * The options of the attachment sources from the configuration. Throws PlatformFilterError or
 * ReferenceError for bad `discovery.platforms` / `discovery.cosignRepository` values.
 */
export function attachmentOptions(config: Config, deps: Pick<BuildLookupDeps, 'clock' | 'metrics' | 'onNote' | 'parseBom' | 'trust' | 'now'> = {}): AttachmentLookupOptions {
  const options: AttachmentLookupOptions = {
    limits: {
      maxBomBytes: config.limits.maxBomBytes,
      maxReferrers: config.limits.maxReferrers,
      concurrency: PROBE_CONCURRENCY,
      bom: { maxDepth: config.limits.maxJsonDepth, maxArrayLength: config.limits.maxArrayLength, maxElements: config.limits.maxArrayLength, maxModels: config.limits.maxModelsPerBom },
      provenance: config.discovery.provenance,
    },
    maxLookupBytes: config.limits.maxLookupBytes,
    platforms: parsePlatformFilter(config.discovery.platforms),
    cosignTags: config.discovery.cosignTags,
  };
  const cosignRepository = parseCosignRepository(config.discovery.cosignRepository);
  if (cosignRepository) options.cosignRepository = cosignRepository;
  if (deps.metrics) options.metrics = deps.metrics;
  if (deps.clock) options.clock = deps.clock;
  if (deps.onNote) options.onNote = deps.onNote;
  if (deps.parseBom) options.parseBom = deps.parseBom;
  if (deps.trust) options.trust = trustContext(deps.trust, deps);
  return options;
}

/** Per lookup: the trust set of the moment, wall-clock time and the verification metric. */
function trustContext(source: NonNullable<BuildLookupDeps['trust']>, deps: Pick<BuildLookupDeps, 'clock' | 'metrics' | 'now'>): () => TrustContext | undefined {
  const now = deps.now ?? (() => new Date());
  const clock = deps.clock ?? monotonicClock;
  const verified = deps.metrics?.trustVerified?.bind(deps.metrics);
  return () => {
    const set = source.current();
    if (!set) return undefined;
    const ctx: TrustContext = { set, now, clock };
    if (verified) ctx.verified = verified;
    return ctx;
  };
}

/** The findings cache key's version part: the parser's, and the trust set's fingerprint (new trust → new entries). */
function keyVersion(source: BuildLookupDeps['trust']): string | (() => string) {
  if (!source) return PARSER_VERSION;
  return () => {
    const set = source.current();
    return set ? `${PARSER_VERSION}+trust:${set.fingerprint.slice(7, 23)}` : PARSER_VERSION;
  };
}

/**
 * Identity of the credentials a lookup of `ref` would offer (every matching docker-config entry, for
 * the image's repository and the cosign repository): a hash, never the secret. Undefined when none
 * match (anonymous), so public images share cache entries.
 */
export function credentialIdentity(client: RegistryClient, ref: RepoRef, cosignRepository?: RepoRef): string | undefined {
  const repos = cosignRepository ? [ref, cosignRepository] : [ref];
  const parts: string[] = [];
  for (const repo of repos) {
    const host = client.readHost(repo.registry);
    for (const c of client.credentials.lookup(host, repo.repository)) parts.push(`${host}\u0000${c.key}\u0000${c.username}\u0000${c.password}`);
  }
  if (parts.length === 0) return undefined;
  return createHash('sha256').update(parts.join('\u0001')).digest('hex').slice(0, 32);
}

export interface ResolvedTag {
  digest: string;
  /** The manifest itself, when the tag was resolved with GET (digest computed from its bytes). */
  manifest?: ManifestResult;
}

/**
 * Tag → digest (distribution-spec v1.1.1 "Pulling manifests"). `get`: one GET by tag; the digest is the sha256 of the bytes, and a
 * `Docker-Content-Digest` the registry sends must match it (the client checks). The manifest comes
 * along, so the digest lookup does not fetch it again. `head`: one HEAD (`Docker-Content-Digest`),
 * GET by tag only when the registry sends no digest or answers HEAD badly; no body, and Docker Hub
 * does not count HEADs against its pull rate limit.
 */
export async function resolveTagDigest(client: RegistryClient, ref: ImageReference, signal: AbortSignal, how: 'get' | 'head' = 'head'): Promise<ResolvedTag> {
  const tag = ref.tag ?? 'latest';
  if (how === 'head') {
    try {
      const head = await client.headManifest(ref, tag, signal);
      if (head.digest) return { digest: head.digest };
    } catch (err) {
      // Some registries answer HEAD badly (405, no digest); GET decides. Auth/egress/timeout errors stand.
      if (!(err instanceof RegistryError) || !['invalid', 'server'].includes(err.kind)) throw err;
    }
  }
  const manifest = await client.getManifest(ref, tag, signal);
  return { digest: manifest.digest, manifest };
}

/** How long a manifest fetched by tag waits for the digest lookup that follows it. */
const PREFETCH_TTL_MS = 30_000;
const PREFETCH_MAX_ENTRIES = 64;
const PREFETCH_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Tag resolution for the lookup service, in as few round trips as the situation allows:
 * - a tag this process has not resolved lately: GET by tag, and the manifest is handed to the digest
 *   lookup (`take`), which needs it anyway: one request instead of HEAD + GET by digest, and the
 *   same single counted GET at Docker Hub;
 * - a tag resolved before (its `cache.tagTtlSeconds` entry expired, while the findings for its digest
 *   most likely are still cached for `cache.positiveTtlSeconds`): HEAD, which transfers no body and
 *   which Docker Hub does not count; the manifest is fetched by digest only if the tag moved.
 */
function tagResolver(client: RegistryClient, config: Config, clock: Clock) {
  const lruClock = { now: () => clock.now() };
  const resolvedTags = new LRUCache<string, true>({ max: config.cache.tagMaxEntries, ttl: config.cache.positiveTtlSeconds * 1000, perf: lruClock, ttlResolution: 0 });
  const prefetched = new LRUCache<string, ManifestResult>({
    max: PREFETCH_MAX_ENTRIES,
    maxSize: PREFETCH_MAX_BYTES,
    sizeCalculation: (m) => Math.max(1, m.bytes.length),
    ttl: PREFETCH_TTL_MS,
    perf: lruClock,
    ttlResolution: 0,
  });
  const SEP = '\u0000';
  const manifestKey = (ref: ImageReference, digest: string, identity: string | undefined): string => [identity ?? '', `${ref.registry}/${ref.repository}@${digest}`].join(SEP);
  return {
    async resolve(ref: ImageReference, signal: AbortSignal, context: UnderlyingContext): Promise<string> {
      const tagKey = [context.credentialIdentity ?? '', `${ref.registry}/${ref.repository}:${ref.tag ?? 'latest'}`].join(SEP);
      const resolved = await resolveTagDigest(client, ref, signal, resolvedTags.has(tagKey) ? 'head' : 'get');
      resolvedTags.set(tagKey, true);
      if (resolved.manifest) prefetched.set(manifestKey(ref, resolved.digest, context.credentialIdentity), resolved.manifest);
      return resolved.digest;
    },
    /** The manifest of `pinned.digest` if a tag resolution just fetched it (once: it is removed). */
    take(pinned: ImageReference, context: UnderlyingContext): ManifestResult | undefined {
      if (!pinned.digest) return undefined;
      const key = manifestKey(pinned, pinned.digest, context.credentialIdentity);
      const found = prefetched.get(key);
      if (found) prefetched.delete(key);
      return found;
    },
  };
}

/** The lookup service over every registry attachment source, configured from `config`. */
export function buildImageLookup(config: Config, deps: BuildLookupDeps): LookupService {
  const { client } = deps;
  const options = attachmentOptions(config, deps);
  const clock = deps.clock ?? monotonicClock;
  const tags = tagResolver(client, config, clock);
  return createLookupService({
    resolveDigest: (ref, signal, context) => tags.resolve(ref, signal, context),
    lookupDigest: (ref, signal, context) => lookupAttachments(client, ref, signal, options, tags.take(ref, context)),
    credentialIdentity: (ref) => credentialIdentity(client, ref, options.cosignRepository),
    clock,
    parserVersion: keyVersion(deps.trust),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    options: config.cache,
  });
}
