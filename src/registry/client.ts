// OCI distribution client (distribution-spec v1.1.1; SPECS.md §1). One undici Agent holds a pool per
// origin and connects through the egress policy (registry/egress.ts). Every manifest and blob read is
// verified against its digest; bodies are size-capped while streaming; every call takes an
// AbortSignal. Errors are RegistryError with a closed `kind` (mapped to lookup statuses by
// `lookupStatusOf`).
import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import type { LookupStatus } from '../contracts/lookup.js';
import { parseImageReference, type ImageReference } from '../contracts/image-reference.js';
import { EgressPolicy, guardedConnector, isEgressBlocked, type EgressRules, type Resolver } from './egress.js';
import { CredentialStore, type Credential } from './credentials.js';
import { parseChallenge, parseTokenResponse, TokenCache, type Challenge } from './auth.js';
import type { ManifestError} from '../contracts/oci-manifest.js';
import { baseMediaType, digestOf, isDigest, MANIFEST_ACCEPT, parseManifest, type Manifest } from '../contracts/oci-manifest.js';

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

/** A repository on a registry: an ImageReference satisfies it. */
export interface RepoRef {
  /** Registry host as written in the image reference (`docker.io`, `127.0.0.1:5000`). */
  registry: string;
  repository: string;
}

export interface ManifestResult {
  /** Digest of the exact bytes (verified). */
  digest: string;
  /** Content-Type (parameters stripped), or the body's `mediaType`. */
  mediaType: string;
  bytes: Buffer;
  manifest: Manifest;
}

export interface GetManifestOptions {
  /** Accept header (default: every manifest and index type). */
  accept?: string;
  /** Read through the configured mirror (default true; pushes use the registry itself). */
  viaMirror?: boolean;
  /** Cap below the client's manifest cap (e.g. what is left of a lookup's byte budget). */
  maxBytes?: number;
}

export interface HeadResult {
  digest: string;
  mediaType: string;
  size: number;
}

export interface PutManifestResult {
  digest: string;
  /** `OCI-Subject` response header: present when the registry processed `subject` (referrers API). */
  ociSubject?: string;
}

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
  /** Clock for token expiry. */
  now?: () => number;
  /** Connections per origin. */
  connectionsPerOrigin?: number;
}

type Actions = 'pull' | 'pull,push';

interface SendOptions {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST';
  /** Path and query on the registry origin (`/v2/...`), or an absolute URL on the same origin. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  signal: AbortSignal;
  actions: Actions;
  /** Follow redirects (blob downloads only). */
  followRedirects?: boolean;
  /** Use the mirror for this read. */
  useMirror?: boolean;
}

interface Response {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  /** Final URL after redirects. */
  url: URL;
  /** Signal governing this response's body reads. */
  signal: AbortSignal;
}

const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const ERROR_BODY_BYTES = 64 * 1024;

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export class RegistryClient {
  readonly policy: EgressPolicy;
  readonly credentials: CredentialStore;
  /** Per registry origin: does it serve the referrers API? (ORAS keeps the same state.) */
  readonly referrersSupport = new Map<string, 'supported' | 'unsupported'>();
  private readonly agent: Agent;
  private readonly insecure: Set<string>;
  private readonly mirrors: Record<string, string>;
  private readonly tokens: TokenCache;
  private readonly challenges = new Map<string, Challenge>();
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly now: () => number;
  private readonly maxRetryAfterMs: number;
  readonly maxManifestBytes: number;
  private readonly maxRedirects: number;
  private readonly userAgent: string;

  constructor(options: RegistryClientOptions = {}) {
    this.insecure = new Set((options.insecure ?? []).map((h) => h.toLowerCase()));
    this.policy = options.policy ?? new EgressPolicy({ ...options.egress, insecure: [...(options.egress?.insecure ?? []), ...this.insecure] });
    this.credentials = options.credentials ?? new CredentialStore();
    this.mirrors = { ...(options.mirrors ?? {}) };
    this.now = options.now ?? Date.now;
    this.tokens = new TokenCache(this.now);
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.maxRetries = options.maxRetries ?? 2;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 5_000;
    this.maxManifestBytes = options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.userAgent = options.userAgent ?? 'aibom-webhook';
    const tls: { ca?: (string | Buffer)[] } = {};
    if (options.ca) {
      // Add to, not replace, the system roots.
      const extra = Array.isArray(options.ca) ? options.ca : [options.ca];
      tls.ca = [...rootCertificates, ...extra];
    }
    const connectorOptions: Parameters<typeof guardedConnector>[0] = { policy: this.policy, tls, connectTimeoutMs: this.timeoutMs };
    if (options.resolve) connectorOptions.resolve = options.resolve;
    this.agent = new Agent({
      connect: guardedConnector(connectorOptions),
      connections: options.connectionsPerOrigin ?? 8,
      keepAliveTimeout: 10_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
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

  // ---------------------------------------------------------------- manifests

  /**
   * Resolves an image reference to its manifest: a digest reference is fetched by digest; a tag is
   * resolved with HEAD (`Docker-Content-Digest`) and then fetched by digest, or fetched by tag when
   * the registry gives no digest. The returned digest is always computed from the bytes.
   */
  async resolve(ref: ImageReference | string, signal: AbortSignal): Promise<ManifestResult & { reference: ImageReference }> {
    const r = typeof ref === 'string' ? parseImageReference(ref) : ref;
    if (r.digest) return { ...(await this.getManifest(r, r.digest, signal)), reference: r };
    const tag = r.tag ?? 'latest';
    let head: HeadResult | undefined;
    try {
      head = await this.headManifest(r, tag, signal);
    } catch (err) {
      // Some registries answer HEAD badly (405, no digest); GET decides. Auth/egress/timeout errors stand.
      if (!(err instanceof RegistryError) || !['invalid', 'server'].includes(err.kind)) throw err;
    }
    if (head?.digest) return { ...(await this.getManifest(r, head.digest, signal)), reference: r };
    return { ...(await this.getManifest(r, tag, signal)), reference: r };
  }

  /** HEAD a manifest: digest (from `Docker-Content-Digest`; empty when absent), type and size. */
  async headManifest(repo: RepoRef, reference: string, signal: AbortSignal): Promise<HeadResult> {
    const res = await this.send(repo, { method: 'HEAD', path: manifestPath(repo, reference), headers: { accept: MANIFEST_ACCEPT }, signal, actions: 'pull', useMirror: true });
    await drain(res);
    if (res.statusCode !== 200) throw statusError(res.statusCode, `HEAD manifest ${repo.repository}:${reference}`, undefined);
    const dcd = header(res.headers, 'docker-content-digest');
    const digest = isDigest(dcd) ? dcd : isDigest(reference) ? reference : '';
    if (isDigest(reference) && digest !== reference) throw new RegistryError('digest-mismatch', `registry answered digest ${digest} for ${reference}`);
    return { digest, mediaType: baseMediaType(header(res.headers, 'content-type')), size: Number(header(res.headers, 'content-length') ?? 0) };
  }

  /**
   * GET a manifest or index by tag or digest with the full Accept set. By digest: the bytes must hash
   * to it. By tag: `Docker-Content-Digest`, when sent, must equal the hash of the bytes.
   */
  async getManifest(repo: RepoRef, reference: string, signal: AbortSignal, options: GetManifestOptions = {}): Promise<ManifestResult> {
    const accept = options.accept ?? MANIFEST_ACCEPT;
    const cap = Math.min(options.maxBytes ?? this.maxManifestBytes, this.maxManifestBytes);
    const res = await this.send(repo, { method: 'GET', path: manifestPath(repo, reference), headers: { accept }, signal, actions: 'pull', useMirror: options.viaMirror ?? true });
    if (res.statusCode !== 200) {
      const code = await errorCode(res);
      throw statusError(res.statusCode, `GET manifest ${repo.repository}:${reference}`, code);
    }
    const bytes = await readCapped(res, cap, undefined);
    const algorithm = isDigest(reference) ? reference.split(':')[0]! : 'sha256';
    const digest = digestOf(bytes, algorithm);
    if (isDigest(reference) && digest !== reference) throw new RegistryError('digest-mismatch', `manifest ${reference} hashes to ${digest}`);
    const dcd = header(res.headers, 'docker-content-digest');
    if (!isDigest(reference) && dcd && isDigest(dcd)) {
      const check = digestOf(bytes, dcd.split(':')[0]!);
      if (check !== dcd) throw new RegistryError('digest-mismatch', `Docker-Content-Digest ${dcd} does not match the manifest bytes (${check})`);
    }
    const contentType = baseMediaType(header(res.headers, 'content-type'));
    let manifest: Manifest;
    try {
      manifest = parseManifest(bytes, contentType);
    } catch (err) {
      throw new RegistryError('invalid', `manifest ${repo.repository}:${reference}: ${(err as ManifestError).message}`);
    }
    return { digest, mediaType: baseMediaType(manifest.mediaType) || contentType, bytes, manifest };
  }

  // ---------------------------------------------------------------- blobs

  /**
   * GET a blob, following redirects (each hop through the egress policy; the registry's
   * Authorization is not sent to another origin). Streams with a cap: more than `maxBytes` →
   * `too-large`; more than `expectedSize` (the descriptor's size) or a wrong hash → `digest-mismatch`.
   */
  async getBlob(repo: RepoRef, digest: string, maxBytes: number, signal: AbortSignal, expectedSize?: number): Promise<Buffer> {
    if (!isDigest(digest)) throw new RegistryError('invalid', `invalid blob digest ${JSON.stringify(digest)}`);
    if (expectedSize !== undefined && expectedSize > maxBytes) throw new RegistryError('too-large', `blob ${digest} is ${expectedSize} bytes, over the ${maxBytes}-byte cap`);
    const res = await this.send(repo, { method: 'GET', path: `/v2/${repo.repository}/blobs/${digest}`, signal, actions: 'pull', followRedirects: true, useMirror: true });
    if (res.statusCode !== 200) {
      const code = await errorCode(res);
      throw statusError(res.statusCode, `GET blob ${digest}`, code);
    }
    const length = Number(header(res.headers, 'content-length'));
    if (Number.isFinite(length) && length > maxBytes) {
      res.body.destroy();
      throw new RegistryError('too-large', `blob ${digest} is ${length} bytes, over the ${maxBytes}-byte cap`);
    }
    const bytes = await readCapped(res, maxBytes, expectedSize);
    const actual = digestOf(bytes, digest.split(':')[0]!);
    if (actual !== digest) throw new RegistryError('digest-mismatch', `blob ${digest} hashes to ${actual}`);
    if (expectedSize !== undefined && bytes.length !== expectedSize) throw new RegistryError('digest-mismatch', `blob ${digest} is ${bytes.length} bytes, descriptor says ${expectedSize}`);
    return bytes;
  }

  /** HEAD a blob: does the repository have it? */
  async hasBlob(repo: RepoRef, digest: string, signal: AbortSignal): Promise<boolean> {
    const res = await this.send(repo, { method: 'HEAD', path: `/v2/${repo.repository}/blobs/${digest}`, signal, actions: 'pull,push' });
    await drain(res);
    if (res.statusCode === 200) return true;
    if (res.statusCode === 404) return false;
    throw statusError(res.statusCode, `HEAD blob ${digest}`, undefined);
  }

  /** Uploads a blob monolithically (POST then PUT ?digest=), unless it is already there. */
  async pushBlob(repo: RepoRef, bytes: Buffer, signal: AbortSignal): Promise<string> {
    const digest = digestOf(bytes);
    if (await this.hasBlob(repo, digest, signal)) return digest;
    const start = await this.send(repo, { method: 'POST', path: `/v2/${repo.repository}/blobs/uploads/`, headers: { 'content-length': '0' }, signal, actions: 'pull,push' });
    await drain(start);
    if (start.statusCode !== 202) throw statusError(start.statusCode, `start blob upload to ${repo.repository}`, undefined);
    const location = header(start.headers, 'location');
    if (!location) throw new RegistryError('invalid', 'blob upload answered without Location');
    const url = new URL(location, start.url);
    if (url.origin !== start.url.origin) throw new RegistryError('blocked', `blob upload Location ${url.origin} is another origin`);
    url.searchParams.set('digest', digest);
    const put = await this.send(repo, {
      method: 'PUT',
      path: url.pathname + url.search,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
      body: bytes,
      signal,
      actions: 'pull,push',
    });
    await drain(put);
    if (put.statusCode !== 201) throw statusError(put.statusCode, `finish blob upload ${digest}`, undefined);
    return digest;
  }

  /** PUT a manifest or index under a tag or its digest. */
  async putManifest(repo: RepoRef, reference: string, bytes: Buffer, mediaType: string, signal: AbortSignal): Promise<PutManifestResult> {
    const res = await this.send(repo, {
      method: 'PUT',
      path: manifestPath(repo, reference),
      headers: { 'content-type': mediaType, 'content-length': String(bytes.length) },
      body: bytes,
      signal,
      actions: 'pull,push',
    });
    if (res.statusCode !== 201 && res.statusCode !== 200) {
      const code = await errorCode(res);
      throw statusError(res.statusCode, `PUT manifest ${repo.repository}:${reference}`, code);
    }
    await drain(res);
    const digest = digestOf(bytes);
    const out: PutManifestResult = { digest };
    const subject = header(res.headers, 'oci-subject');
    if (subject) out.ociSubject = subject;
    return out;
  }

  // ---------------------------------------------------------------- transport

  /**
   * One logical request: auth (cached challenge → token/basic; on 401 the challenge is answered once
   * per credential candidate), bounded 429/503 retries, redirects for blobs. Returns a response
   * whose body the caller must read or drain.
   */
  async send(repo: RepoRef, options: SendOptions): Promise<Response> {
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
        auth = await this.authorization(origin, host, repo.repository, options.actions, cred, options.signal);
      } catch (err) {
        // A token server refusing this credential: try the next matching one (Kubernetes semantics).
        if (err instanceof RegistryError && err.kind === 'auth' && candidate + 1 < candidates.length) {
          candidate++;
          continue;
        }
        throw err;
      }
      const res = await this.exchange(origin, options, auth);
      if (res.statusCode === 401) {
        const challenge = parseChallenge(res.headers['www-authenticate']);
        await drain(res);
        if (!challenge) throw new RegistryError('auth', `${origin} answered 401 without a usable challenge`, 401);
        const changed = JSON.stringify(this.challenges.get(origin)) !== JSON.stringify(challenge);
        this.challenges.set(origin, challenge);
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

  /** The Authorization header for a request, from the last challenge seen on this origin. */
  private async authorization(origin: string, host: string, repository: string, actions: Actions, cred: Credential | undefined, signal: AbortSignal): Promise<string | undefined> {
    const challenge = this.challenges.get(origin);
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      return cred ? `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}` : undefined;
    }
    const realm = challenge.params.realm;
    if (!realm) throw new RegistryError('auth', `${origin}: Bearer challenge without realm`);
    let realmUrl: URL;
    try {
      realmUrl = new URL(realm);
    } catch {
      throw new RegistryError('auth', `${origin}: invalid token realm`);
    }
    // The realm must be https or the registry's own origin: a plain-http realm elsewhere would leak
    // credentials and could be any internal service.
    if (realmUrl.protocol !== 'https:' && realmUrl.origin !== origin) throw new RegistryError('blocked', `token realm ${realmUrl.origin} is neither https nor the registry's origin`);
    const service = challenge.params.service ?? '';
    const scope = `repository:${repository}:${actions}`;
    const key = TokenCache.key(realmUrl.href, service, scope, cred ? `${host}|${cred.key}|${cred.username}` : 'anonymous');
    const cached = this.tokens.get(key);
    if (cached) return `Bearer ${cached}`;
    const url = new URL(realmUrl.href);
    if (service) url.searchParams.set('service', service);
    url.searchParams.append('scope', scope);
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json' };
    if (cred) headers.authorization = `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
    const res = await this.raw(url, 'GET', headers, undefined, signal);
    if (res.statusCode !== 200) {
      await drain(res);
      throw new RegistryError('auth', `token server ${url.origin} answered ${res.statusCode}`, res.statusCode);
    }
    const bytes = await readCapped(res, 64 * 1024, undefined);
    let doc: unknown;
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new RegistryError('auth', `token server ${url.origin} sent invalid JSON`);
    }
    const token = parseTokenResponse(doc);
    if (!token) throw new RegistryError('auth', `token server ${url.origin} sent no token`);
    this.tokens.set(key, token.token, token.expiresInSeconds);
    return `Bearer ${token.token}`;
  }

  /** One request to the origin, following redirects when asked (credentials stay on the origin). */
  private async exchange(origin: string, options: SendOptions, auth: string | undefined): Promise<Response> {
    let url = new URL(options.path, origin);
    if (url.origin !== origin) throw new RegistryError('blocked', `refusing to send a registry request to ${url.origin}`);
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { 'user-agent': this.userAgent, ...(options.headers ?? {}) };
      if (auth && url.origin === origin) headers.authorization = auth;
      const res = await this.raw(url, options.method, headers, options.body, options.signal);
      const location = header(res.headers, 'location');
      if (options.followRedirects && [301, 302, 303, 307, 308].includes(res.statusCode) && location) {
        await drain(res);
        if (hop >= this.maxRedirects) throw new RegistryError('invalid', `more than ${this.maxRedirects} redirects`);
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw new RegistryError('invalid', 'invalid redirect Location');
        }
        if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new RegistryError('blocked', `redirect to ${next.protocol} refused`);
        if (url.protocol === 'https:' && next.protocol === 'http:') throw new RegistryError('blocked', 'redirect from https to http refused');
        url = next;
        continue;
      }
      return res;
    }
  }

  /**
   * The bare HTTP exchange with the per-request timeout; connect errors become RegistryErrors.
   * The timeout covers the whole exchange, body included: it ends when the body closes (read to the
   * end, drained or destroyed), or fires and aborts it.
   */
  private async raw(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined, signal: AbortSignal): Promise<Response> {
    const deadline = new RequestDeadline(signal, this.timeoutMs);
    try {
      const res = await this.agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: method as Dispatcher.HttpMethod,
        headers,
        body: body ?? null,
        signal: deadline.signal,
      });
      deadline.releaseOnClose(res.body);
      return { statusCode: res.statusCode, headers: res.headers, body: res.body, url, signal: deadline.signal };
    } catch (err) {
      deadline.release();
      throw transportError(err, url, signal, deadline.signal);
    }
  }
}

/**
 * One request's abort signal: aborted when the caller's signal aborts or when `timeoutMs` passes.
 * One controller, one timer and one listener per request, all released as soon as the exchange is
 * over. (`AbortSignal.timeout` + `AbortSignal.any` per request cost two signals with weak-ref
 * bookkeeping each, and a timer that still fires, building a DOMException, long after the answer.)
 */
class RequestDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private released = false;

  constructor(
    private readonly caller: AbortSignal,
    timeoutMs: number,
  ) {
    if (caller.aborted) this.controller.abort(caller.reason);
    else caller.addEventListener('abort', this.onCallerAbort, { once: true });
    // Unref'd like AbortSignal.timeout: a body nobody reads must not keep a CLI process alive.
    this.timer = setTimeout(this.onTimeout, timeoutMs).unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Ends the deadline when the body closes (consumed or destroyed). */
  releaseOnClose(body: NodeJS.EventEmitter & { closed?: boolean; destroyed?: boolean }): void {
    if (body.closed || body.destroyed) this.release();
    else body.once('close', this.release);
  }

  readonly release = (): void => {
    if (this.released) return;
    this.released = true;
    clearTimeout(this.timer);
    this.caller.removeEventListener('abort', this.onCallerAbort);
  };

  private readonly onCallerAbort = (): void => {
    this.release();
    this.controller.abort(this.caller.reason);
  };

  private readonly onTimeout = (): void => {
    this.release();
    this.controller.abort(new RegistryError('timeout', 'request timed out'));
  };
}

function transportError(err: unknown, url: URL, signal: AbortSignal, timeout?: AbortSignal): RegistryError {
  if (err instanceof RegistryError && !(timeout?.aborted && err === timeout.reason)) return err;
  if (isEgressBlocked(err)) return Object.assign(new RegistryError('blocked', (findBlocked(err) as Error).message), { cause: err });
  if (signal.aborted || timeout?.aborted || (err as Error).name === 'AbortError') return new RegistryError('timeout', `${url.origin}: timed out`);
  const code = (err as { code?: string }).code ?? '';
  return Object.assign(new RegistryError('unavailable', `${url.origin}: ${code || (err as Error).message}`), { cause: err });
}

function findBlocked(err: unknown): unknown {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    if ((e as { code?: unknown }).code === 'EAIBOM_EGRESS_BLOCKED') return e;
  }
  return err;
}

export function statusError(status: number, what: string, code: string | undefined): RegistryError {
  const msg = `${what}: HTTP ${status}${code ? ` ${code}` : ''}`;
  if (status === 401 || status === 403) return new RegistryError('auth', msg, status, code);
  if (status === 404) return new RegistryError('not-found', msg, status, code);
  if (status === 429) return new RegistryError('rate-limited', msg, status, code);
  if (status >= 500) return new RegistryError('server', msg, status, code);
  return new RegistryError('invalid', msg, status, code);
}

function manifestPath(repo: RepoRef, reference: string): string {
  return `/v2/${repo.repository}/manifests/${reference}`;
}

/** Reads a body with a cap, hashing nothing: the caller verifies. Aborts the stream on overflow. */
export async function readCapped(res: Response, maxBytes: number, expectedSize: number | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (expectedSize !== undefined && total > expectedSize) {
        res.body.destroy();
        throw new RegistryError('digest-mismatch', `body is longer than the descriptor's ${expectedSize} bytes`);
      }
      if (total > maxBytes) {
        res.body.destroy();
        throw new RegistryError('too-large', `body is over the ${maxBytes}-byte cap`);
      }
      chunks.push(buf);
    }
  } catch (err) {
    if (err instanceof RegistryError) throw err;
    if (res.signal.aborted) throw new RegistryError('timeout', `${res.url.origin}: timed out reading the body`);
    // A connection that closes before Content-Length bytes arrived: a truncated body.
    throw Object.assign(new RegistryError('unavailable', `${res.url.origin}: body truncated (${(err as { code?: string }).code ?? (err as Error).message})`), { cause: err });
  }
  return Buffer.concat(chunks, total);
}

async function drain(res: Response): Promise<void> {
  try {
    // Small bodies are read to keep the connection; anything long is cut.
    let n = 0;
    for await (const chunk of res.body) {
      n += (chunk as Buffer).length;
      if (n > ERROR_BODY_BYTES) {
        res.body.destroy();
        return;
      }
    }
  } catch {
    // The body of an answer we discard does not matter.
  }
}

/** distribution's JSON error code (`{"errors":[{"code":"NAME_UNKNOWN"}]}`), when the body has one. */
async function errorCode(res: Response): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readCapped(res, ERROR_BODY_BYTES, undefined);
  } catch {
    return undefined;
  }
  try {
    const doc = JSON.parse(bytes.toString('utf8')) as { errors?: { code?: unknown }[] };
    const code = doc.errors?.[0]?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
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


/** sha256 hex of bytes (for tests and callers that build descriptors). */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
