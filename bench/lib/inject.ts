// Driving a node:http request handler in-process, without sockets or TLS: what the in-process
// benchmarks (bench/hotpath.ts, bench/trust.ts) measure the handler's CPU with.
import { Duplex } from 'node:stream';
import { IncomingMessage, ServerResponse } from 'node:http';

/** A socket stand-in that accepts every write and keeps the last response's bytes. */
function sinkSocket(): Duplex & { written: Buffer[] } {
  const written: Buffer[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      written.push(chunk);
      cb();
    },
  }) as Duplex & { written: Buffer[] };
  socket.written = written;
  return socket;
}

/** One request through the handler, as node:http would hand it over; resolves with the raw response bytes. */
export function inject(server: { emit(event: string, ...args: unknown[]): boolean }, path: string, body: Buffer): Promise<Buffer> {
  const socket = sinkSocket();
  const req = new IncomingMessage(socket as never);
  req.method = 'POST';
  req.url = path;
  req.headers = { 'content-type': 'application/json', 'content-length': String(body.length), host: 'aibom-webhook.aibom-system.svc:443' };
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.httpVersion = '1.1';
  const res = new ServerResponse(req);
  res.assignSocket(socket as never);
  return new Promise((resolve, reject) => {
    res.once('finish', () => {
      res.detachSocket(socket as never);
      resolve(Buffer.concat(socket.written));
    });
    res.once('error', reject);
    server.emit('request', req, res);
    req.push(body);
    req.complete = true;
    req.push(null);
  });
}

/** User + system CPU of this process, µs. */
export function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** CPU µs per call of `run`, per round (`count` calls each). */
export async function cpuPerCall(count: number, rounds: number, run: () => Promise<unknown> | unknown): Promise<number[]> {
  const results: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = cpuUs();
    for (let i = 0; i < count; i++) await run();
    results.push((cpuUs() - start) / count);
  }
  return results;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
