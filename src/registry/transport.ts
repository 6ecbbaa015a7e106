// The pooled HTTP transport to registries: one undici Agent holds a pool per origin and connects
// through the egress guard (egress.ts); each exchange has its own deadline, redirects are followed
// hop by hop (credentials stay on the registry's origin), and bodies are read with a cap.
import { Agent, type Dispatcher } from 'undici';
import { rootCertificates } from 'node:tls';
import { guardedConnector, isEgressBlocked, type EgressPolicy, type Resolver } from './egress.js';
import { RegistryError } from './errors.js';

/** A repository on a registry: an ImageReference satisfies it. */
export interface RepoRef {
  /** Registry host as written in the image reference (`docker.io`, `127.0.0.1:5000`). */
  registry: string;
  repository: string;
}

export type Actions = 'pull' | 'pull,push';

export interface SendOptions {
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

export interface RegistryResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  /** Final URL after redirects. */
  url: URL;
  /** Signal governing this response's body reads. */
  signal: AbortSignal;
}

/** What the manifest, blob and referrer reads need of a client (client.ts implements it). */
export interface RegistrySender {
  send(repo: RepoRef, options: SendOptions): Promise<RegistryResponse>;
  /** Cap on manifest, index and token response bodies. */
  readonly maxManifestBytes: number;
}

export interface TransportOptions {
  policy: EgressPolicy;
  /** Extra CA certificates (PEM) trusted for registries, in addition to the system ones. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Per HTTP request timeout (each retry and redirect hop gets its own). */
  timeoutMs: number;
  /** Redirect hops followed for blob downloads. */
  maxRedirects: number;
  userAgent: string;
  /** Name resolution (tests simulate DNS answers). */
  resolve?: Resolver;
  /** Connections per origin. */
  connectionsPerOrigin?: number;
  /** Told about every HTTP exchange: the registry host and `2xx`…`5xx`, or the error kind when none answered. */
  onExchange?: ExchangeObserver;
}

/** The registry `host[:port]` of one exchange and how it ended: an HTTP status class or a RegistryError kind. */
export type ExchangeObserver = (host: string, result: string) => void;

const ERROR_BODY_BYTES = 64 * 1024;

export function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export class Transport {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly maxRedirects: number;
  readonly userAgent: string;
  private readonly onExchange: ExchangeObserver | undefined;

  constructor(options: TransportOptions) {
    this.onExchange = options.onExchange;
    this.timeoutMs = options.timeoutMs;
    this.maxRedirects = options.maxRedirects;
    this.userAgent = options.userAgent;
    const tls: { ca?: (string | Buffer)[] } = {};
    if (options.ca) {
      // Add to, not replace, the system roots.
      const extra = Array.isArray(options.ca) ? options.ca : [options.ca];
      tls.ca = [...rootCertificates, ...extra];
    }
    const connectorOptions: Parameters<typeof guardedConnector>[0] = { policy: options.policy, tls, connectTimeoutMs: this.timeoutMs };
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

  /** One request to the origin, following redirects when asked (credentials stay on the origin). */
  async exchange(origin: string, options: SendOptions, auth: string | undefined): Promise<RegistryResponse> {
    let url = new URL(options.path, origin);
    if (url.origin !== origin) throw new RegistryError('blocked', `refusing to send a registry request to ${url.origin}`);
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { 'user-agent': this.userAgent, ...(options.headers ?? {}) };
      if (auth && url.origin === origin) headers.authorization = auth;
      const res = await this.request(url, options.method, headers, options.body, options.signal);
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
  async request(url: URL, method: string, headers: Record<string, string>, body: Buffer | undefined, signal: AbortSignal): Promise<RegistryResponse> {
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
      this.onExchange?.(url.host, `${Math.floor(res.statusCode / 100)}xx`);
      return { statusCode: res.statusCode, headers: res.headers, body: res.body, url, signal: deadline.signal };
    } catch (err) {
      deadline.release();
      const error = transportError(err, url, signal, deadline.signal);
      this.onExchange?.(url.host, error instanceof RegistryError ? error.kind : 'invalid');
      throw error;
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

/** Reads a body with a cap, hashing nothing: the caller verifies. Aborts the stream on overflow. */
export async function readCapped(res: RegistryResponse, maxBytes: number, expectedSize: number | undefined): Promise<Buffer> {
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

export async function drain(res: RegistryResponse): Promise<void> {
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
export async function errorCode(res: RegistryResponse): Promise<string | undefined> {
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
