// The Kubernetes API edge: a small JSON client over node:https. @kubernetes/client-node (1.4, the
// version that runs on Node 20; docs/inventory.md) is loaded lazily, only here and only when a command
// talks to a cluster, for what it does well: reading kubeconfig files and in-cluster credentials and
// turning them into TLS options and an Authorization header (exec plugins and token files included).
// Requests and watches are ours, so that list paging, watch streams, 410 Gone and back-off are explicit
// (src/k8s/reflector.ts) and every request is counted.
import { createHash } from 'node:crypto';
import { Agent, request as httpsRequest, type AgentOptions, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

export interface KubeApi {
  /** The apiserver's URL (for messages). */
  readonly server: string;
  /** One JSON request. Statuses are returned, not thrown; a transport failure throws. */
  request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, options?: { signal?: AbortSignal; contentType?: string; verb?: string }): Promise<ApiResponse>;
  /**
   * A watch stream: calls `onEvent` per line until the server ends it (resolves) or it fails (rejects).
   * A non-200 answer rejects with an ApiError carrying the status (410 when the version is too old).
   */
  watch(path: string, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<void>;
  /** Requests sent so far, per verb (`list`, `watch`, `get`, `create`, `update`, `patch`, `delete`). */
  readonly requests: Record<string, number>;
  close(): void;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly reason?: string,
  ) {
    super(message);
  }
}

/** Where the credentials come from: a kubeconfig file (and context), or the pod's service account. */
export interface KubeConnection {
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
}

/** Largest JSON answer read (a list page of 500 objects stays far below it). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** One watch line (one object) larger than this ends the stream as malformed. */
const MAX_WATCH_LINE_BYTES = 8 * 1024 * 1024;

function verbOf(method: string): string {
  return { GET: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[method] ?? method.toLowerCase();
}

async function readBody(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      res.destroy();
      throw new ApiError(`answer larger than ${MAX_BODY_BYTES} bytes`, 0);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Loads credentials with @kubernetes/client-node (imported here, on first use) and returns the client. */
// eslint-disable-next-line max-lines-per-function -- one closure over the loaded credentials and agent that the returned client's methods share
export async function connectKube(connection: KubeConnection): Promise<KubeApi> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  if (connection.inCluster) kc.loadFromCluster();
  else if (connection.kubeconfig) kc.loadFromFile(connection.kubeconfig);
  else kc.loadFromDefault();
  if (connection.context) kc.setCurrentContext(connection.context);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ApiError('the kubeconfig names no current cluster', 0);
  const base = new URL(cluster.server);
  const requests: Record<string, number> = {};

  // client-node makes a new https.Agent per call (no connection reuse: a TLS handshake per request).
  // One keep-alive agent per distinct TLS material instead, rebuilt only when the material changes.
  let agent: { key: string; agent: Agent } | undefined;
  const agentFor = (opts: AgentOptions): Agent => {
    const material: AgentOptions = { ca: opts.ca, cert: opts.cert, key: opts.key, pfx: opts.pfx, passphrase: opts.passphrase, servername: opts.servername };
    if (opts.rejectUnauthorized !== undefined) material.rejectUnauthorized = opts.rejectUnauthorized;
    const key = createHash('sha256').update(JSON.stringify(material, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v))).digest('hex');
    if (agent?.key !== key) {
      agent?.agent.destroy();
      agent = { key, agent: new Agent({ ...material, keepAlive: true, keepAliveMsecs: 30_000 }) };
    }
    return agent.agent;
  };

  /** TLS options and headers for one request (read each time: tokens and exec credentials rotate). */
  const options = async (method: string, path: string, headers: Record<string, string>): Promise<RequestOptions> => {
    const opts: RequestOptions & { headers: Record<string, string> } = { method, headers: { ...headers } };
    await kc.applyToHTTPSOptions(opts);
    const url = new URL(path, base);
    const { agent: _oneOff, ca, cert, key, pfx, passphrase, rejectUnauthorized, servername, ...rest } = opts;
    const tls: AgentOptions = { ca, cert, key, pfx, passphrase, servername };
    if (rejectUnauthorized !== undefined) tls.rejectUnauthorized = rejectUnauthorized;
    return { ...rest, agent: agentFor(tls), protocol: url.protocol, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || 443, path: `${url.pathname}${url.search}` };
  };

  const count = (verb: string): void => {
    requests[verb] = (requests[verb] ?? 0) + 1;
  };

  const api: KubeApi = {
    server: cluster.server,
    requests,
    async request(method, path, body, opts = {}) {
      count(opts.verb ?? verbOf(method));
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (payload) {
        headers['Content-Type'] = opts.contentType ?? 'application/json';
        headers['Content-Length'] = String(payload.length);
      }
      const reqOptions = await options(method, path, headers);
      return new Promise<ApiResponse>((resolve, reject) => {
        const req = httpsRequest({ ...reqOptions, ...(opts.signal ? { signal: opts.signal } : {}) }, (res) => {
          readBody(res).then((buf) => {
            let parsed: unknown = undefined;
            if (buf.length > 0) {
              try {
                parsed = JSON.parse(buf.toString('utf8'));
              } catch {
                parsed = buf.toString('utf8').slice(0, 200);
              }
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          }, reject);
        });
        req.on('error', reject);
        req.end(payload);
      });
    },
    async watch(path, onEvent, signal) {
      count('watch');
      const reqOptions = await options('GET', path, { Accept: 'application/json' });
      await new Promise<void>((resolve, reject) => {
        const req = httpsRequest({ ...reqOptions, signal }, (res) => {
          if (res.statusCode !== 200) {
            readBody(res).then((buf) => {
              let reason: string | undefined;
              let message = buf.toString('utf8').slice(0, 300);
              try {
                const status = JSON.parse(buf.toString('utf8')) as { reason?: string; message?: string };
                reason = status.reason;
                message = status.message ?? message;
              } catch {
                // not a Status object
              }
              reject(new ApiError(`watch ${path}: ${res.statusCode}: ${message}`, res.statusCode ?? 0, reason));
            }, reject);
            return;
          }
          let pending = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            pending += chunk;
            let nl: number;
            while ((nl = pending.indexOf('\n')) >= 0) {
              const line = pending.slice(0, nl).trim();
              pending = pending.slice(nl + 1);
              if (!line) continue;
              let event: WatchEvent;
              try {
                event = JSON.parse(line) as WatchEvent;
              } catch {
                res.destroy(new ApiError(`watch ${path}: a line that is not JSON`, 0));
                return;
              }
              onEvent(event);
            }
            if (pending.length > MAX_WATCH_LINE_BYTES) res.destroy(new ApiError(`watch ${path}: an event over ${MAX_WATCH_LINE_BYTES} bytes`, 0));
          });
          res.on('end', () => resolve());
          res.on('error', reject);
          res.on('close', () => resolve());
        });
        req.on('error', (err) => (signal.aborted ? resolve() : reject(err)));
        req.end();
      });
    },
    close() {
      agent?.agent.destroy();
      agent = undefined;
    },
  };
  return api;
}
