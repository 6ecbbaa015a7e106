// The admin port (plain HTTP, express 5): Prometheus metrics and the probes. Off the hot path, so
// the convenience of express costs nothing that matters. Kubelet probes and Prometheus reach it;
// the NetworkPolicy in deploy/ keeps everyone else out.
import express, { type Request, type Response } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './log.js';

/** What `/readyz` reports; `ready` false answers 503. */
export interface Readiness {
  ready: boolean;
  /** Why not ready (e.g. `shutting down`). */
  reason?: string;
  /** Extra detail shown as JSON (certificate serial, discovery sources, …). */
  detail: Record<string, unknown>;
}

export interface AdminServerOptions {
  registry: Registry;
  readiness: () => Readiness;
  log: Logger;
}

export interface AdminServer {
  readonly server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

export function createAdminApp(options: AdminServerOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req: Request, res: Response) => {
    // Liveness: the event loop answers. Readiness is separate so a draining pod is not restarted.
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req: Request, res: Response) => {
    const r = options.readiness();
    res.status(r.ready ? 200 : 503).json({ status: r.ready ? 'ready' : 'not ready', ...(r.reason ? { reason: r.reason } : {}), ...r.detail });
  });
  app.get('/metrics', async (_req: Request, res: Response) => {
    try {
      const text = await options.registry.metrics();
      res.type(options.registry.contentType).send(text);
    } catch (err) {
      options.log.error({ err: (err as Error).message }, 'metrics collection failed');
      res.status(500).type('text/plain').send('metrics collection failed\n');
    }
  });
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not found; GET /metrics, /healthz or /readyz' });
  });
  return app;
}

export function createAdminServer(options: AdminServerOptions): AdminServer {
  const app = createAdminApp(options);
  let server: Server | undefined;
  return {
    get server(): Server {
      if (!server) throw new Error('admin server not listening yet');
      return server;
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const s = app.listen(port, host, (err?: Error) => {
          if (err) reject(err);
          else resolve(s.address() as AddressInfo);
        });
        s.keepAliveTimeout = 5000;
        s.headersTimeout = 10_000;
        s.requestTimeout = 15_000;
        server = s;
      });
    },
    close() {
      return new Promise((resolve) => {
        if (!server) return resolve();
        const s = server;
        // Probes and scrapes are short: whatever is still open after a second is cut, so shutdown
        // never waits on an admin client.
        const cut = setTimeout(() => s.closeAllConnections(), 1000);
        cut.unref();
        s.close(() => {
          clearTimeout(cut);
          resolve();
        });
        s.closeIdleConnections();
      });
    },
  };
}
