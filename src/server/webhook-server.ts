// The webhook's hot path: bare node:https with a two-route router, a capped body read and exactly
// one JSON.parse per request, handing a typed AdmissionReview to the pure core (admission/admit.ts).
// Transport concerns only: size and content-type limits, deadlines, panics → 500, TLS, slow clients.
// Response shapes: Kubernetes "Dynamic Admission Control": response (HTTP 200, application/json, AdmissionReview v1).
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { admit, wrap, type AdmissionOutcome, type AdmissionSettings, type AdmitDependencies, type Endpoint, parseAdmissionReview, peekRequestUid, ReviewParseError } from '../admission/index.js';
import type { ImageLookup } from '../contracts/lookup.js';
import { type AdmissionReview, type AdmissionReviewResponse } from '../contracts/admission-review.js';
import type { Config } from '../config/index.js';
import type { AdmissionOutcomeLabel, WebhookMetrics } from '../metrics/index.js';
import { secureContextOptions, type TlsMaterial } from './certificates.js';
import { requestDeadline, type RequestDeadline } from './deadline.js';
import { eventLoopSlicer } from './slicing.js';
import { guardSockets, handshakePending } from './sockets.js';
import type { Logger } from './log.js';

export interface WebhookServerOptions {
  config: Config;
  tls: TlsMaterial;
  lookup: ImageLookup;
  settings: AdmissionSettings;
  log: Logger;
  metrics: WebhookMetrics;
  evaluatePolicy?: AdmitDependencies['evaluatePolicy'];
  bypass?: AdmitDependencies['bypass'];
  /** Called after each answer the core decided (audit log, enforcement metrics). Must not throw. */
  onDecision?: (endpoint: Endpoint, request: AdmissionReview['request'], outcome: AdmissionOutcome, ms: number) => void;
}

export interface WebhookServer {
  readonly server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** From now on every response carries `Connection: close`, so clients move to other replicas. */
  drain(): void;
  /** Stops accepting; waits for in-flight requests up to `graceMs`, then cuts what is left. */
  close(graceMs: number): Promise<void>;
  inFlight(): number;
  /** TCP connections open now, handshaking or not (src/server/sockets.ts). */
  openSockets(): number;
  /** Installs a new certificate for new handshakes; open connections keep theirs. */
  setCertificate(material: TlsMaterial): void;
}

/** An HTTP-level refusal: status and a message for the caller. */
class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly closeConnection = false) {
    super(message);
  }
}

const ROUTES: Record<string, Endpoint> = { '/mutate': 'mutate', '/validate': 'validate' };
/** Longest run of admission work without a turn of the event loop (src/server/slicing.ts). */
const SLICE_MS = 10;

// eslint-disable-next-line max-lines-per-function -- one closure over the server state (in-flight requests, certificates, draining) that the hot path reads without indirection
export function createWebhookServer(options: WebhookServerOptions): WebhookServer {
  const { config, log, metrics } = options;
  const limits = config.server;
  // The per-admission decision line carries only fields we build (no header, token or password
  // keys), so the root logger's redaction paths can never match it; running them anyway (a wildcard
  // path means a redaction pass over every field) was the largest part of the line's cost.
  const decisionLog = log.child({}, { redact: [] });
  // Deadlines depend only on the endpoint and the query string, which the apiserver sends the same
  // every time (`?timeout=10s`): computed once per distinct query, a few of them kept.
  const deadlines = new Map<string, RequestDeadline>();
  const deadlineOf = (endpoint: Endpoint, query: string | undefined): RequestDeadline => {
    const key = query === undefined ? endpoint : `${endpoint}?${query}`;
    let deadline = deadlines.get(key);
    if (deadline === undefined) {
      deadline = requestDeadline(endpoint, query === undefined ? null : new URLSearchParams(query).get('timeout'), config);
      if (query === undefined || query.length <= 64) {
        if (deadlines.size >= 32) deadlines.clear();
        deadlines.set(key, deadline);
      }
    }
    return deadline;
  };
  let draining = false;
  let inFlight = 0;

  const server = createServer(
    {
      ...secureContextOptions(options.tls),
      // HTTP/1.1 only: node:https never speaks h2, and we say so in ALPN too.
      ALPNProtocols: ['http/1.1'],
      handshakeTimeout: limits.handshakeTimeoutMs,
      // Slow clients: headers and whole requests must arrive in bounded time; Node checks the
      // open connections against these every `connectionsCheckingInterval`.
      // Node refuses headersTimeout > requestTimeout; a config that says so means "the request timeout".
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
    },
    (req, res) => {
      inFlight++;
      res.once('close', () => inFlight--);
      handle(req, res).catch((err: unknown) => {
        // Last resort: handle() answers its own errors; this is for bugs in that code itself.
        log.error({ err: errorText(err) }, 'webhook request handler failed');
        if (!res.headersSent) send(res, 500, status(500, 'internal error'), true);
        else res.destroy();
      });
    },
  );
  // A socket with no traffic at all (not even a handshake or headers) is dropped after this.
  server.setTimeout(limits.keepAliveTimeoutMs + 5000);
  // Failed, timed-out and half-closed handshakes destroy their socket; shutdown can cut every socket.
  const sockets = guardSockets(server, log);
  // Garbage and too-slow requests: answer like Node would (408 / 400), then drop the socket outright;
  // a half-closed socket would stay open as long as the client keeps dripping bytes. A socket still
  // in its TLS handshake (a handshake timeout arrives here too) cannot carry an answer: writing one
  // would wait for a handshake that never comes, so it is destroyed.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    log.debug({ err: err.message, code: err.code }, 'bad or slow HTTP client');
    if (!socket.writable || handshakePending(socket)) {
      socket.destroy();
      return;
    }
    const line = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${line}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
    // A client that does not read its 408 would hold the socket: it goes within a second anyway.
    setTimeout(() => socket.destroy(), 1000).unref();
  });

  function send(res: ServerResponse, code: number, body: unknown, close = false): void {
    // A string body: node:http writes the head and a string body in one go, without a Buffer copy.
    const payload = JSON.stringify(body);
    const headers: Record<string, string | number> = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload, 'utf8') };
    if (close || draining) headers.Connection = 'close';
    res.writeHead(code, headers);
    res.end(payload, 'utf8');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    const endpoint = ROUTES[path];
    if (!endpoint) {
      send(res, 404, status(404, `no route ${path}; POST /mutate or /validate`), true);
      req.resume();
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      send(res, 405, status(405, `${req.method ?? ''} not allowed on ${path}; use POST`), true);
      req.resume();
      return;
    }
    const done = metrics.startRequest(endpoint);
    let outcome: AdmissionOutcomeLabel = 'error';
    let review: AdmissionReview | undefined;
    try {
      const deadline = deadlineOf(endpoint, q >= 0 ? url.slice(q + 1) : undefined);
      let parsed: unknown;
      try {
        requireJson(req);
        const body = await readBody(req, limits.maxBodyBytes);
        parsed = parseJson(body);
        review = parseAdmissionReview(parsed);
      } catch (err) {
        if (err instanceof HttpError || err instanceof ReviewParseError) {
          const code = err instanceof HttpError ? err.status : 400;
          outcome = 'bad-request';
          log.warn({ webhook: endpoint, status: code, uid: peekRequestUid(parsed), err: err.message }, 'admission request refused');
          send(res, code, status(code, err.message), err instanceof HttpError && err.closeConnection);
          return;
        }
        throw err;
      }
      const answer = await decide(review, endpoint, deadline, started);
      if (!res.writable || res.destroyed) return;
      if (answer.missed) metrics.deadlineMissed(endpoint);
      outcome = answer.label;
      send(res, answer.status, answer.body);
      const ms = performance.now() - started;
      logDecision(endpoint, review, answer, ms);
      if (answer.outcome && options.onDecision) {
        try {
          options.onDecision(endpoint, review.request, answer.outcome, ms);
        } catch (err) {
          log.error({ webhook: endpoint, uid: review.request.uid, err: errorText(err) }, 'recording the decision failed');
        }
      }
    } catch (err) {
      // A bug in the core or a policy: answer 500 (the webhook's failurePolicy decides), never crash.
      outcome = 'error';
      log.error({ webhook: endpoint, uid: review?.request.uid, err: errorText(err) }, 'admission failed');
      if (!res.headersSent) send(res, 500, status(500, `internal error: ${errorText(err)}`));
    } finally {
      done();
      metrics.observeAdmission({ webhook: endpoint, operation: review?.request.operation, kind: review?.request.kind.kind, outcome, seconds: (performance.now() - started) / 1000 });
    }
  }

  interface Answer {
    status: number;
    body: AdmissionReviewResponse | ReturnType<typeof status>;
    label: AdmissionOutcomeLabel;
    missed: boolean;
    outcome?: AdmissionOutcome;
  }

  /** Runs the core under the deadline; the safety net answers if the core has not by `answerMs`. */
  async function decide(review: AdmissionReview, endpoint: Endpoint, deadline: RequestDeadline, started: number): Promise<Answer> {
    const elapsed = performance.now() - started;
    const controller = new AbortController();
    const lookupTimer = setTimeout(() => controller.abort(), Math.max(0, deadline.lookupMs - elapsed));
    let netTimer: NodeJS.Timeout | undefined;
    let decided = false;
    let answered = false;
    // Long policy work gives the event loop a turn every SLICE_MS, so the deadline timer below
    // fires on time however big the review; it stops once the fallback has answered.
    const slice = eventLoopSlicer({ budgetMs: SLICE_MS, abandoned: () => answered });
    const deps: AdmitDependencies = { lookup: options.lookup, settings: options.settings, signal: controller.signal, slice };
    if (endpoint === 'validate' && options.evaluatePolicy) deps.evaluatePolicy = options.evaluatePolicy;
    if (endpoint === 'mutate' && options.bypass) deps.bypass = options.bypass;
    const net = new Promise<Answer>((resolve) => {
      netTimer = setTimeout(() => {
        answered = true;
        resolve(fallback(review, endpoint));
      }, Math.max(0, deadline.answerMs - elapsed));
    });
    try {
      const core = admit(review, endpoint, deps).then((o): Answer => {
        decided = true;
        return {
          status: 200,
          body: o.review,
          label: o.skipped ? 'skipped' : o.review.response.allowed ? 'allowed' : 'denied',
          missed: performance.now() - started > deadline.timeoutMs,
          outcome: o,
        };
      });
      return await Promise.race([core, net]);
    } finally {
      clearTimeout(lookupTimer);
      clearTimeout(netTimer);
      // Release lookups still waiting when the safety net answered. When the core decided, nothing
      // waits on the signal any more, and abort() would build a DOMException (with a captured stack)
      // per request for nobody: it showed up in the cached-path profile (bench/, docs/performance.md "Profile findings").
      if (!decided) controller.abort();
    }
  }

  // Mutate never denies: allow without a patch and say why. Validate cannot decide without the core:
  // a 500 hands the decision to the webhook's failurePolicy, as a timeout would, but in time.
  function fallback(review: AdmissionReview, endpoint: Endpoint): Answer {
    log.error({ webhook: endpoint, uid: review.request.uid }, 'admission not decided before the deadline; answering with the fallback');
    if (endpoint === 'mutate') {
      const body = wrap({ uid: review.request.uid, allowed: true, warnings: ['aibom: deadline reached before a decision; AI status unknown'] });
      return { status: 200, body, label: 'deadline', missed: true };
    }
    return { status: 500, body: status(500, 'deadline reached before a decision'), label: 'deadline', missed: true };
  }

  function logDecision(endpoint: Endpoint, review: AdmissionReview, answer: Answer, ms: number): void {
    const r = review.request;
    const o = answer.outcome;
    decisionLog.info(
      {
        webhook: endpoint, uid: r.uid, operation: r.operation, kind: r.kind.kind, namespace: r.namespace, name: o?.name ?? r.name,
        outcome: answer.label, skipped: o?.skipped, aiBearing: o?.classification?.aiBearing, aiKind: o?.classification?.aiKind,
        lookups: o?.results.map((x) => ({ image: x.image, status: x.findings.status, detail: x.findings.detail })),
        ms: Math.round(ms * 10) / 10,
      },
      'admission decided',
    );
  }

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    drain() {
      draining = true;
    },
    close(graceMs) {
      draining = true;
      return new Promise((resolve) => {
        let settled = false;
        const finish = (): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          clearTimeout(last);
          resolve();
        };
        // When the drain period is over, every socket left goes: in-flight requests, keep-alive
        // connections, and sockets that never finished (or never started) a TLS handshake, which
        // node:http does not know about and closeAllConnections() would miss.
        const timer = setTimeout(() => {
          log.warn({ inFlight, sockets: sockets.open() }, 'shutdown grace period over; closing remaining connections');
          server.closeAllConnections();
          sockets.destroyAll();
        }, graceMs);
        // close() reports once the last socket has closed; should a socket outlive its destroy(),
        // shutdown still completes.
        const last = setTimeout(finish, graceMs + 1000);
        timer.unref();
        last.unref();
        server.close(finish);
        // Idle keep-alive sockets hold close() open; busy ones close after their response (Connection: close).
        server.closeIdleConnections();
      });
    },
    inFlight: () => inFlight,
    openSockets: () => sockets.open(),
    setCertificate(material) {
      server.setSecureContext(secureContextOptions(material));
    },
  };
}

function requireJson(req: IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, `Content-Type must be application/json, got ${JSON.stringify(type || '(none)')}`, true);
}

/** Reads the body up to `max` bytes; larger bodies are refused without buffering them. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > max) {
    req.resume();
    return Promise.reject(new HttpError(413, `request body of ${declared} bytes is larger than the ${max}-byte limit`, true));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        cleanup();
        chunks.length = 0;
        req.resume();
        reject(new HttpError(413, `request body is larger than the ${max}-byte limit`, true));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new HttpError(400, `request body could not be read: ${err.message}`, true));
    };
    // A client that goes away mid-body: nobody is left to answer, but the promise must settle.
    const onClose = (): void => {
      if (!req.complete) onError(new Error('client closed the connection'));
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw new HttpError(400, 'empty request body; expected an AdmissionReview');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `request body is not valid JSON: ${(err as Error).message}`);
  }
}

function status(code: number, message: string): { apiVersion: 'v1'; kind: 'Status'; status: 'Failure'; code: number; message: string } {
  return { apiVersion: 'v1', kind: 'Status', status: 'Failure', code, message };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
