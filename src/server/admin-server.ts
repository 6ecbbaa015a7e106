// The admin port (plain HTTP, express 5): Prometheus metrics and the probes. Off the hot path, so
// the convenience of express costs nothing that matters. It binds 127.0.0.1 unless configured
// (`server.adminHost`; the Deployment sets the pod IP, where kubelet probes and Prometheus reach it,
// and the NetworkPolicy in deploy/ keeps everyone else out). `/readyz` says ready or not and nothing
// else; the detail (policy directory and names, certificate serial, last policy error) is on
// `/statusz`, which `server.adminStatus: false` turns off.
import express, { type Request, type Response } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './log.js';

/** `ready` false: `/readyz` answers 503. The reason and detail are shown on `/statusz` only. */
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
  /** Serve `/statusz` (default true). */
  status?: boolean;
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
    res.status(r.ready ? 200 : 503).json({ status: r.ready ? 'ready' : 'not ready' });
  });
  const status = options.status !== false;
  if (status) {
    app.get('/statusz', (_req: Request, res: Response) => {
      const r = options.readiness();
      res.json({ status: r.ready ? 'ready' : 'not ready', ...(r.reason ? { reason: r.reason } : {}), ...r.detail });
    });
  }
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
    res.status(404).json({ error: `not found; GET /metrics, /healthz${status ? ', /readyz or /statusz' : ' or /readyz'}` });
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
