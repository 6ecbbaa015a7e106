// Connection hygiene of the webhook's TLS server: every accepted TCP socket is tracked from the
// moment it is accepted (before any TLS byte), so that
//   - a TLS handshake that fails or does not finish within `handshakeTimeoutMs` destroys its socket
//     (Node only reports it as `tlsClientError` / `clientError`; answering such a socket with an HTTP
//     error would wait forever on a handshake that never comes, and a client that leaves then leaves
//     the socket in CLOSE-WAIT);
//   - a peer that half-closes before its handshake completes is dropped at once (node:tls reports
//     that as a handshake error too);
//   - graceful shutdown can destroy whatever is left when its drain period is over, including sockets
//     node:http never saw (they never finished a handshake), so `server.close()` always completes.
// Sockets that completed their handshake are node:http's: its header, request and keep-alive timeouts
// and `server.setTimeout` bound them (src/server/webhook-server.ts).
import type { Socket } from 'node:net';
import type { Server } from 'node:tls';
import type { Logger } from './log.js';

export interface SocketGuard {
  /** TCP sockets accepted and not yet closed. */
  open(): number;
  /** Sockets whose TLS handshake has not completed. */
  handshaking(): number;
  /** Destroys every open socket (the end of a shutdown's drain period). Returns how many. */
  destroyAll(): number;
}

export function guardSockets(server: Server, log: Logger): SocketGuard {
  const open = new Set<Socket>();
  // Raw sockets still in their handshake → what marks them done.
  const pending = new WeakMap<Socket, () => void>();
  let handshaking = 0;

  server.on('connection', (raw: Socket) => {
    open.add(raw);
    handshaking++;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      handshaking--;
    };
    raw.once('close', () => {
      open.delete(raw);
      settle();
    });
    pending.set(raw, settle);
  });
  server.on('secureConnection', (tls) => {
    const raw = rawSocketOf(tls);
    if (raw) pending.get(raw)?.();
  });
  // Failed or timed-out handshakes (ERR_TLS_HANDSHAKE_TIMEOUT, bad ClientHello, wrong protocol).
  server.on('tlsClientError', (err: NodeJS.ErrnoException, tls) => {
    log.debug({ err: err.message, code: err.code }, 'TLS handshake failed; socket closed');
    tls.destroy();
    rawSocketOf(tls)?.destroy();
  });

  return {
    open: () => open.size,
    handshaking: () => handshaking,
    destroyAll() {
      const n = open.size;
      for (const s of open) s.destroy();
      return n;
    },
  };
}

/** The TCP socket under a server-side TLS socket (node:tls keeps it as `_parent`). */
function rawSocketOf(tls: unknown): Socket | undefined {
  const parent = (tls as { _parent?: unknown })._parent;
  return parent !== null && typeof parent === 'object' ? (parent as Socket) : undefined;
}

/** True when `socket` (as node:http hands it to `clientError`) has not finished its TLS handshake. */
export function handshakePending(socket: unknown): boolean {
  const s = socket as { encrypted?: boolean; _secureEstablished?: boolean };
  return s.encrypted === true && s._secureEstablished !== true;
}
