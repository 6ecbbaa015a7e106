// OCI distribution client (distribution-spec v1.1.1, image-spec v1.1.1): one object per process holding
// the pooled transport (transport.ts, through the egress guard of egress.ts), the credentials and
// token auth (credentials.ts, auth.ts), mirrors and retries. Manifest and blob reads (manifests.ts,
// blobs.ts) and referrers (referrers.ts) go through its `send`. Every read is verified against its
// digest; bodies are size-capped while streaming; every call takes an AbortSignal. Errors are
// RegistryError with a closed `kind` (errors.ts, mapped to lookup statuses by `lookupStatusOf`).
import type { ImageReference } from '../contracts/image-reference.js';
import { parseChallenge, TokenAuth } from './auth.js';
import { getBlob, hasBlob, pushBlob } from './blobs.js';
import { CredentialStore, type Credential } from './credentials.js';
import { EgressPolicy, type EgressRules, type Resolver } from './egress.js';
import { RegistryError } from './errors.js';
import { getManifest, headManifest, putManifest, resolveManifest, type GetManifestOptions, type HeadResult, type ManifestResult, type PutManifestResult } from './manifests.js';
import { drain, header, Transport, type ExchangeObserver, type RegistryResponse, type RegistrySender, type RepoRef, type SendOptions } from './transport.js';

export interface RegistryClientOptions {
  /** Egress rules (ignored when `policy` is given). */
  egress?: EgressRules;
  policy?: EgressPolicy;
  /** `host:port` of registries reached over plain HTTP. */
  insecure?: readonly string[];
  /** Registry host → mirror host used for reads (pull). */
  mirrors?: Readonly<Record<string, string>>;
  credentials?: CredentialStore;
  /** Extra CA certificates (PEM) trusted for registries, in addition to the system ones. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Per HTTP request timeout (each retry and redirect hop gets its own). */
  requestTimeoutMs?: number;
  /** Retries of 429/503 answers (bounded). */
  maxRetries?: number;
  /** Longest `Retry-After` honoured; a longer one fails at once as `rate-limited`. */
  maxRetryAfterMs?: number;
  /** Cap on manifest, index and token response bodies. */
  maxManifestBytes?: number;
  /** Redirect hops followed for blob downloads. */
  maxRedirects?: number;
  userAgent?: string;
  /** Name resolution (tests simulate DNS answers). */
  resolve?: Resolver;
  /** Told about every HTTP exchange with a registry (host, status class or error kind): the metrics. */
  onExchange?: ExchangeObserver;
  /** Clock for token expiry. */
  now?: () => number;
  /** Connections per origin. */
  connectionsPerOrigin?: number;
}

const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export class RegistryClient implements RegistrySender {
  readonly policy: EgressPolicy;
  readonly credentials: CredentialStore;
  /** Per registry origin: does it serve the referrers API? (ORAS keeps the same state.) */
  readonly referrersSupport = new Map<string, 'supported' | 'unsupported'>();
  readonly maxManifestBytes: number;
  private readonly transport: Transport;
  private readonly auth: TokenAuth;
  private readonly insecure: Set<string>;
  private readonly mirrors: Record<string, string>;
  private readonly maxRetries: number;
  private readonly now: () => number;
  private readonly maxRetryAfterMs: number;

  constructor(options: RegistryClientOptions = {}) {
    this.insecure = new Set((options.insecure ?? []).map((h) => h.toLowerCase()));
    this.policy = options.policy ?? new EgressPolicy({ ...options.egress, insecure: [...(options.egress?.insecure ?? []), ...this.insecure] });
    this.credentials = options.credentials ?? new CredentialStore();
    this.mirrors = { ...(options.mirrors ?? {}) };
    this.now = options.now ?? Date.now;
    this.maxRetries = options.maxRetries ?? 2;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 5_000;
    this.maxManifestBytes = options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
    const userAgent = options.userAgent ?? 'aibom-webhook';
    this.transport = new Transport({
      policy: this.policy,
      timeoutMs: options.requestTimeoutMs ?? 10_000,
      maxRedirects: options.maxRedirects ?? 5,
      userAgent,
      ...(options.ca ? { ca: options.ca } : {}),
      ...(options.resolve ? { resolve: options.resolve } : {}),
      ...(options.connectionsPerOrigin !== undefined ? { connectionsPerOrigin: options.connectionsPerOrigin } : {}),
      ...(options.onExchange ? { onExchange: options.onExchange } : {}),
    });
    this.auth = new TokenAuth(this.transport, this.now, userAgent);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  /** Base URL of a registry host: `http://` only for `--insecure-registry` hosts. Docker Hub's API host. */
  originOf(host: string): string {
    const h = host.toLowerCase();
    const apiHost = h === 'docker.io' || h === 'index.docker.io' ? 'registry-1.docker.io' : host;
    return `${this.insecure.has(h) ? 'http' : 'https'}://${apiHost}`;
  }

  /** The host reads go to (mirror mapping) — credentials are looked up for this host, never the other. */
  readHost(registry: string): string {
    return this.mirrors[registry] ?? registry;
  }

  // ---------------------------------------------------------------- manifests and blobs (manifests.ts, blobs.ts)

  resolve(ref: ImageReference | string, signal: AbortSignal): Promise<ManifestResult & { reference: ImageReference }> {
    return resolveManifest(this, ref, signal);
  }

  headManifest(repo: RepoRef, reference: string, signal: AbortSignal): Promise<HeadResult> {
    return headManifest(this, repo, reference, signal);
  }

  getManifest(repo: RepoRef, reference: string, signal: AbortSignal, options: GetManifestOptions = {}): Promise<ManifestResult> {
    return getManifest(this, repo, reference, signal, options);
  }

  putManifest(repo: RepoRef, reference: string, bytes: Buffer, mediaType: string, signal: AbortSignal): Promise<PutManifestResult> {
    return putManifest(this, repo, reference, bytes, mediaType, signal);
  }

  getBlob(repo: RepoRef, digest: string, maxBytes: number, signal: AbortSignal, expectedSize?: number): Promise<Buffer> {
    return getBlob(this, repo, digest, maxBytes, signal, expectedSize);
  }

  hasBlob(repo: RepoRef, digest: string, signal: AbortSignal): Promise<boolean> {
    return hasBlob(this, repo, digest, signal);
  }

  pushBlob(repo: RepoRef, bytes: Buffer, signal: AbortSignal): Promise<string> {
    return pushBlob(this, repo, bytes, signal);
  }

  // ---------------------------------------------------------------- one logical request

  /**
   * One logical request: auth (cached challenge → token/basic; on 401 the challenge is answered once
   * per credential candidate), bounded 429/503 retries, redirects for blobs. Returns a response
   * whose body the caller must read or drain.
   */
  async send(repo: RepoRef, options: SendOptions): Promise<RegistryResponse> {
    const host = options.useMirror ? this.readHost(repo.registry) : repo.registry;
    const origin = this.originOf(host);
    const candidates: (Credential | undefined)[] = [...this.credentials.lookup(host, repo.repository), undefined];
    let candidate = 0;
    let retries = 0;
    let refreshed = false;
    for (;;) {
      if (options.signal.aborted) throw new RegistryError('timeout', 'aborted');
      const cred = candidates[candidate];
      let auth: string | undefined;
      try {
        auth = await this.auth.authorization(origin, host, repo.repository, options.actions, cred, options.signal);
      } catch (err) {
        // A token server refusing this credential: try the next matching one (Kubernetes semantics).
        if (err instanceof RegistryError && err.kind === 'auth' && candidate + 1 < candidates.length) {
          candidate++;
          continue;
        }
        throw err;
      }
      const res = await this.transport.exchange(origin, options, auth);
      if (res.statusCode === 401) {
        const challenge = parseChallenge(res.headers['www-authenticate']);
        await drain(res);
        if (!challenge) throw new RegistryError('auth', `${origin} answered 401 without a usable challenge`, 401);
        const changed = this.auth.challenged(origin, challenge);
        // A new (or first) challenge is answered once with the current credential; a rejected
        // answer moves on to the next matching credential, and finally to anonymous.
        if ((changed || !auth) && !refreshed) {
          refreshed = true;
          continue;
        }
        if (challenge.scheme === 'bearer' && challenge.params.error === 'insufficient_scope') throw new RegistryError('auth', `${origin}: insufficient scope`, 401);
        candidate++;
        if (candidate >= candidates.length) throw new RegistryError('auth', `${origin}: authentication failed (401)`, 401);
        continue;
      }
      if ((res.statusCode === 429 || res.statusCode === 503) && retries < this.maxRetries && options.method !== 'PUT' && options.method !== 'POST') {
        const wait = retryDelay(header(res.headers, 'retry-after'), retries, this.now());
        await drain(res);
        if (wait > this.maxRetryAfterMs) throw new RegistryError(res.statusCode === 429 ? 'rate-limited' : 'server', `${origin}: ${res.statusCode}, Retry-After ${Math.round(wait / 1000)} s is over the cap`, res.statusCode);
        retries++;
        await sleep(wait, options.signal);
        continue;
      }
      if (res.statusCode === 429) {
        await drain(res);
        throw new RegistryError('rate-limited', `${origin}: 429 Too Many Requests`, 429);
      }
      return res;
    }
  }
}

/** Retry-After (seconds or HTTP date), else exponential backoff from 200 ms. */
function retryDelay(retryAfter: string | undefined, attempt: number, nowMs: number): number {
  if (retryAfter) {
    const s = Number(retryAfter);
    if (Number.isFinite(s) && s >= 0) return s * 1000;
    const when = Date.parse(retryAfter);
    if (Number.isFinite(when)) return Math.max(0, when - nowMs);
  }
  return 200 * 2 ** attempt;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new RegistryError('timeout', 'aborted'));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new RegistryError('timeout', 'aborted while waiting to retry'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
