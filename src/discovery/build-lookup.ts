// The composition of the admission-grade image lookup: the lookup service (caches, single-flight,
// deadlines; docs/lookup.md) over every registry attachment source (docs/discovery.md). One function,
// used by the server's composition root and by `aibom review`, `inspect` and `check`.
import { createHash } from 'node:crypto';
import type { LookupStatus } from '../admission/lookup.js';
import type { Config } from '../config/schema.js';
import type { ImageReference } from '../oci/reference.js';
import { lookupStatusOf, RegistryError, type RegistryClient, type RepoRef } from '../oci/registry-client.js';
import { lookupAttachments, type AttachmentLookupOptions } from './attachment-lookup.js';
import { monotonicClock, type Clock } from './clock.js';
import { createLookupService, defaultStatusOfError, type LookupService } from './lookup-service.js';
import type { LookupMetrics } from './metrics-port.js';
import { parsePlatformFilter } from './platforms.js';
import { parseCosignRepository } from './sources/cosign-tag.js';

export interface BuildLookupDeps {
  client: RegistryClient;
  clock?: Clock;
  metrics?: LookupMetrics;
  /** Log hook for remarks that are not statuses (a skipped referrer, a rejected statement). */
  onNote?: (image: string, note: string) => void;
}

/** Referrer manifests (and attestation manifests) fetched at once per subject. */
const PROBE_CONCURRENCY = 4;

/**
 * The options of the attachment sources from the configuration. Throws PlatformFilterError or
 * ReferenceError for bad `discovery.platforms` / `discovery.cosignRepository` values.
 */
export function attachmentOptions(config: Config, deps: Pick<BuildLookupDeps, 'clock' | 'metrics' | 'onNote'> = {}): AttachmentLookupOptions {
  const options: AttachmentLookupOptions = {
    limits: {
      maxBomBytes: config.limits.maxBomBytes,
      maxReferrers: config.limits.maxReferrers,
      concurrency: PROBE_CONCURRENCY,
      bom: { maxDepth: config.limits.maxJsonDepth, maxArrayLength: config.limits.maxArrayLength },
    },
    maxLookupBytes: config.limits.maxLookupBytes,
    platforms: parsePlatformFilter(config.discovery.platforms),
  };
  const cosignRepository = parseCosignRepository(config.discovery.cosignRepository);
  if (cosignRepository) options.cosignRepository = cosignRepository;
  if (deps.metrics) options.metrics = deps.metrics;
  if (deps.clock) options.clock = deps.clock;
  if (deps.onNote) options.onNote = deps.onNote;
  return options;
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

/** Tag → digest with one HEAD (GET by tag when the registry sends no `Docker-Content-Digest`). */
export async function resolveTagDigest(client: RegistryClient, ref: ImageReference, signal: AbortSignal): Promise<string> {
  const tag = ref.tag ?? 'latest';
  try {
    const head = await client.headManifest(ref, tag, signal);
    if (head.digest) return head.digest;
  } catch (err) {
    // Some registries answer HEAD badly (405, no digest); GET decides. Auth/egress/timeout errors stand.
    if (!(err instanceof RegistryError) || !['invalid', 'server'].includes(err.kind)) throw err;
  }
  return (await client.getManifest(ref, tag, signal)).digest;
}

function statusOfError(err: unknown): LookupStatus {
  if (err instanceof RegistryError) return lookupStatusOf(err);
  const status = lookupStatusOf(err);
  return status === 'error:blocked' ? status : defaultStatusOfError(err);
}

/** The lookup service over every registry attachment source, configured from `config`. */
export function buildImageLookup(config: Config, deps: BuildLookupDeps): LookupService {
  const { client } = deps;
  const options = attachmentOptions(config, deps);
  return createLookupService({
    resolveDigest: (ref, signal) => resolveTagDigest(client, ref, signal),
    lookupDigest: (ref, signal) => lookupAttachments(client, ref, signal, options),
    credentialIdentity: (ref) => credentialIdentity(client, ref, options.cosignRepository),
    statusOfError,
    clock: deps.clock ?? monotonicClock,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    options: config.cache,
  });
}
