// A loopback HTTP proxy in front of a registry (also on loopback): it counts requests per method and
// route kind (manifest by tag / by digest, referrers, blobs, uploads, tags) and injects faults per
// route — delays, connection resets, status codes, truncated bodies, hangs. Used to count registry
// round trips (single-flight) and to play a hostile or slow registry.
//
//   const proxy = await startCountingProxy(registry.url);
//   proxy.inject({ kind: 'referrers' }, { status: 500 });            // every referrers call fails
//   proxy.inject({ kind: 'manifest-digest' }, { delayMs: 800 }, 1);  // the next one is slow
//   proxy.count('manifest-digest', 'GET');
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type RouteKind = 'base' | 'manifest-tag' | 'manifest-digest' | 'referrers' | 'blob' | 'blob-upload' | 'tags' | 'other';

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  kind: RouteKind;
  /** The repository name, when the path has one. */
  repository?: string;
  /** Tag or digest for manifests, digest for referrers and blobs. */
  reference?: string;
  /** Status sent to the client; undefined until the response head is sent (or when reset/hung). */
  status?: number;
  /** A fault was applied to this request. */
  faulted: boolean;
}

export interface FaultMatch {
  method?: string;
  kind?: RouteKind;
  /** Substring of, or pattern for, the request path and query. */
  url?: string | RegExp;
}

/**
 * What to do instead of (or on top of) forwarding. `delayMs` composes with any one action; with no
 * action the request is forwarded after the delay.
 */
export interface Fault {
  delayMs?: number;
  /** Answer with this status (and body/headers) without asking the registry. */
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Destroy the connection without any answer. */
  reset?: boolean;
  /** Forward, but cut the response body after this many bytes (headers keep the full length). */
  truncateAfterBytes?: number;
  /** Never answer (the connection is closed when the proxy closes). */
  hang?: boolean;
}

export interface CountingProxy {
  /** `127.0.0.1:<port>`, to use as a registry host. */
  readonly host: string;
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** Requests of a kind (and method, when given). */
  count(kind: RouteKind, method?: string): number;
  /** `"METHOD kind"` → count. */
  counts(): Record<string, number>;
  /** Forgets the recorded requests (faults stay). */
  resetCounts(): void;
  /** Adds a fault for matching requests, for the next `times` matches (default: all). Returns its remover. */
  inject(match: FaultMatch, fault: Fault, times?: number): () => void;
  clearFaults(): void;
  close(): Promise<void>;
}

interface FaultRule {
  match: FaultMatch;
  fault: Fault;
  remaining: number;
}

const UPLOAD = /^\/v2\/(.+)\/blobs\/uploads(?:\/.*)?$/;
const ROUTES: [RegExp, (ref: string) => RouteKind][] = [
  [/^\/v2\/(.+)\/manifests\/([^/]+)$/, (ref) => (ref.includes(':') ? 'manifest-digest' : 'manifest-tag')],
  [/^\/v2\/(.+)\/referrers\/([^/]+)$/, () => 'referrers'],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, () => 'blob'],
];

/** Route kind, repository and reference of a registry API path (distribution spec endpoints). */
export function classifyRegistryPath(url: string): Pick<RecordedRequest, 'kind' | 'repository' | 'reference'> {
  const path = url.split('?')[0] ?? '';
  if (path === '/v2' || path === '/v2/') return { kind: 'base' };
  const upload = UPLOAD.exec(path);
  if (upload) return { kind: 'blob-upload', repository: upload[1] as string };
  const tags = /^\/v2\/(.+)\/tags\/list$/.exec(path);
  if (tags) return { kind: 'tags', repository: tags[1] as string };
  for (const [pattern, kindOf] of ROUTES) {
    const m = pattern.exec(path);
    if (m) return { kind: kindOf(m[2] as string), repository: m[1] as string, reference: m[2] as string };
  }
  return { kind: 'other' };
}

function matches(rule: FaultRule, req: RecordedRequest): boolean {
  const { method, kind, url } = rule.match;
  if (method && method.toUpperCase() !== req.method) return false;
  if (kind && kind !== req.kind) return false;
  if (url !== undefined && !(typeof url === 'string' ? req.url.includes(url) : url.test(req.url))) return false;
  return rule.remaining > 0;
}

export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  const requests: RecordedRequest[] = [];
  let rules: FaultRule[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  function forward(req: http.IncomingMessage, res: http.ServerResponse, record: RecordedRequest, truncateAfterBytes?: number): void {
    const upstreamReq = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (upstreamRes) => {
      record.status = upstreamRes.statusCode ?? 502;
      res.writeHead(record.status, upstreamRes.headers);
      if (truncateAfterBytes === undefined) {
        upstreamRes.pipe(res);
        return;
      }
      let sent = 0;
      upstreamRes.on('data', (chunk: Buffer) => {
        if (sent >= truncateAfterBytes) return;
        const part = chunk.subarray(0, truncateAfterBytes - sent);
        sent += part.length;
        if (sent < truncateAfterBytes) {
          res.write(part);
          return;
        }
        upstreamRes.destroy();
        // Cut the connection once the head and the allowed bytes are on the wire.
        res.write(part, () => res.socket?.destroy());
      });
      // A body shorter than the cut goes through whole.
      upstreamRes.on('end', () => {
        if (sent < truncateAfterBytes) res.end();
      });
    });
    upstreamReq.on('error', () => res.socket?.destroy());
    req.pipe(upstreamReq);
  }

  const server = http.createServer((req, res) => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const record: RecordedRequest = { method, url, ...classifyRegistryPath(url), faulted: false };
    requests.push(record);
    const rule = rules.find((r) => matches(r, record));
    if (!rule) {
      forward(req, res, record);
      return;
    }
    rule.remaining--;
    record.faulted = true;
    const { fault } = rule;
    const act = (): void => {
      if (fault.reset) {
        req.socket.destroy();
      } else if (fault.hang) {
        req.resume();
      } else if (fault.status !== undefined) {
        req.resume();
        record.status = fault.status;
        res.writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers });
        res.end(fault.body ?? '');
      } else {
        forward(req, res, record, fault.truncateAfterBytes);
      }
    };
    if (fault.delayMs) later(fault.delayMs, act);
    else act();
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;

  return {
    host,
    url: `http://${host}`,
    requests,
    count: (kind, method) => requests.filter((r) => r.kind === kind && (!method || r.method === method.toUpperCase())).length,
    counts() {
      const out: Record<string, number> = {};
      for (const r of requests) out[`${r.method} ${r.kind}`] = (out[`${r.method} ${r.kind}`] ?? 0) + 1;
      return out;
    },
    resetCounts: () => {
      requests.length = 0;
    },
    inject(match, fault, times = Number.POSITIVE_INFINITY) {
      const actions = [fault.status !== undefined, fault.reset, fault.hang, fault.truncateAfterBytes !== undefined].filter(Boolean).length;
      if (actions > 1) throw new Error('a fault takes at most one of status, reset, hang, truncateAfterBytes');
      const rule: FaultRule = { match, fault, remaining: times };
      rules.push(rule);
      return () => {
        rules = rules.filter((r) => r !== rule);
      };
    },
    clearFaults: () => {
      rules = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
