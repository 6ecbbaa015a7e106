// Shared by the issue-22 attacks (admission-attacks, connection-attacks): what the server process holds
// (its TCP sockets by state, from `ss`; its open file descriptors, from /proc), connections that
// never speak, and SIGTERM timed.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { LimitsServer } from '../support/limits-series.js';

/**
 * The server side's TCP sockets on `port` (local port), by state. LISTEN is left out, and TIME-WAIT and
 * FIN-WAIT-2: what remains in the kernel after the server closed a socket (waiting for the client's
 * FIN, then the closing side's 60 s), no longer the process's (no descriptor, no memory of its own;
 * the descriptor count is checked apart). CLOSE-WAIT — the client left, the server never closed — is
 * the leak this looks for, and stays counted.
 */
export function serverSockets(port: number): Record<string, number> {
  const out: Record<string, number> = {};
  const text = execFileSync('ss', ['-Htan', `sport = :${port}`], { encoding: 'utf8' });
  for (const line of text.split('\n')) {
    const state = line.trim().split(/\s+/)[0];
    if (!state || state === 'LISTEN' || state === 'TIME-WAIT' || state === 'FIN-WAIT-2') continue;
    out[state] = (out[state] ?? 0) + 1;
  }
  return out;
}

/** Local addresses listening on `port` (IPv6 without brackets). */
export function listenAddresses(port: number): string[] {
  const text = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' });
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => l.trim().split(/\s+/)[3]!.replace(/:\d+$/, '').replace(/^\[|\]$/g, ''));
}

export const total = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** Open file descriptors of a process (sockets, pipes, files). */
export function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

export interface Silent {
  sockets: Socket[];
  /** How many the server has closed (their FIN or RST arrived). */
  closed(): number;
  destroy(): void;
}

/** `n` TCP connections to `port` that never send a byte (no ClientHello). */
export async function silentConnections(port: number, n: number): Promise<Silent> {
  let closed = 0;
  const sockets: Socket[] = [];
  // In batches: a burst of thousands of SYNs overflows the accept backlog and SYNs get retried.
  for (let i = 0; i < n; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, n - i) }, () =>
        new Promise<void>((resolve, reject) => {
          const s = connect(port, '127.0.0.1');
          let done = false;
          const gone = (): void => {
            if (!done) closed++;
            done = true;
          };
          s.once('connect', () => resolve());
          s.once('error', (err) => (s.readyState === 'opening' ? reject(err) : gone()));
          s.on('end', gone);
          s.on('close', gone);
          s.resume();
          sockets.push(s);
        }),
      ),
    );
  }
  return { sockets, closed: () => closed, destroy: () => sockets.forEach((s) => s.destroy()) };
}

/** A TLS connection that sends the start of a request and then nothing. */
export async function halfSentRequest(port: number, ca: Buffer): Promise<{ socket: TLSSocket; closed: () => boolean }> {
  const socket = tlsConnect({ port, host: '127.0.0.1', servername: 'localhost', ca });
  await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  socket.resume();
  socket.write('POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n');
  return { socket, closed: () => closed };
}

/** SIGTERM: the exit code and how long the process took to exit. */
export async function sigterm(server: LimitsServer): Promise<{ code: number | null; ms: number }> {
  const t0 = performance.now();
  const code = await server.stop();
  return { code, ms: performance.now() - t0 };
}

export async function waitUntil(what: string, cond: () => boolean, ms: number): Promise<number> {
  const t0 = performance.now();
  while (!cond()) {
    if (performance.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return performance.now() - t0;
}
