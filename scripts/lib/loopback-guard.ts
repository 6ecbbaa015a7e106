// Refuses every outgoing connection or name lookup that does not stay on this machine.
// Installed by the mocha root hook and by the demo: no test ever sends a packet off loopback,
// and not even a DNS query for a public registry name leaves the process.
import dgram from 'node:dgram';
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

export interface GuardViolation {
  what: string;
  target: string;
  stack: string;
}

const violations: GuardViolation[] = [];
let installed = false;

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (h.startsWith('::ffff:')) return isLoopbackHost(h.slice(7));
  return net.isIPv4(h) && h.startsWith('127.');
}

function refuse(what: string, target: string): Error {
  const err = new Error(`loopback guard: refused ${what} to ${target} (tests may only use 127.0.0.1 / ::1)`);
  violations.push({ what, target, stack: err.stack ?? '' });
  return Object.assign(err, { code: 'ELOOPBACKGUARD' });
}

export function installLoopbackGuard(): void {
  if (installed) return;
  installed = true;

  const originalConnect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const first = args[0];
    let host: string | undefined;
    let path: string | undefined;
    if (Array.isArray(first)) {
      const opts = first[0] as { host?: string; path?: string } | undefined;
      host = opts?.host;
      path = opts?.path;
    } else if (first !== null && typeof first === 'object') {
      const opts = first as { host?: string; path?: string; port?: number };
      host = opts.host ?? (opts.path ? undefined : 'localhost');
      path = opts.path;
    } else if (typeof first === 'string' && !/^\d+$/.test(first)) {
      path = first;
    } else {
      host = typeof args[1] === 'string' ? args[1] : 'localhost';
    }
    if (!path && host !== undefined && !isLoopbackHost(host)) {
      const err = refuse('connect', host);
      process.nextTick(() => this.destroy(err));
      return this;
    }
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;

  const originalLookup = dns.lookup;
  const guardedLookup = function (hostname: string, ...rest: unknown[]) {
    const callback = rest[rest.length - 1] as (err: Error | null, ...r: unknown[]) => void;
    if (!isLoopbackHost(hostname) && net.isIP(hostname) === 0) {
      const err = refuse('DNS lookup', hostname);
      process.nextTick(() => callback(err));
      return {};
    }
    // An IP literal resolves without a query; the connect guard refuses non-loopback ones.
    return (originalLookup as (...a: unknown[]) => unknown)(hostname, ...rest);
  };
  (dns as { lookup: unknown }).lookup = guardedLookup;

  const originalPromisesLookup = dns.promises.lookup;
  (dns.promises as { lookup: unknown }).lookup = async (hostname: string, ...rest: unknown[]) => {
    if (!isLoopbackHost(hostname) && net.isIP(hostname) === 0) throw refuse('DNS lookup', hostname);
    return (originalPromisesLookup as (...a: unknown[]) => Promise<unknown>)(hostname, ...rest);
  };
  for (const method of ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveTxt', 'resolveSrv'] as const) {
    (dns as unknown as Record<string, unknown>)[method] = (hostname: string, ...rest: unknown[]) => {
      const callback = rest[rest.length - 1] as (err: Error) => void;
      const err = refuse(`DNS ${method}`, hostname);
      process.nextTick(() => callback(err));
    };
    (dns.promises as unknown as Record<string, unknown>)[method] = async (hostname: string) => {
      throw refuse(`DNS ${method}`, hostname);
    };
  }

  // `new dns.Resolver()` (and dns.promises.Resolver) query the configured servers directly.
  for (const proto of [dns.Resolver.prototype, dns.promises.Resolver.prototype] as unknown as Record<string, unknown>[]) {
    for (const method of ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveTxt', 'resolveSrv', 'resolveMx', 'resolveNs', 'reverse'] as const) {
      proto[method] = function guardedResolve(hostname: string, ...rest: unknown[]) {
        const err = refuse(`DNS Resolver.${method}`, hostname);
        const callback = rest[rest.length - 1];
        if (typeof callback === 'function') {
          process.nextTick(() => (callback as (e: Error) => void)(err));
          return undefined;
        }
        return Promise.reject(err);
      };
    }
  }

  const originalSend = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function guardedSend(this: dgram.Socket, ...args: unknown[]) {
    const address = args.find((a, i) => i > 0 && typeof a === 'string') as string | undefined;
    if (address !== undefined && !isLoopbackHost(address)) throw refuse('UDP send', address);
    return (originalSend as (...a: unknown[]) => void).apply(this, args);
  } as typeof dgram.Socket.prototype.send;

  // ESM named imports of builtins (`import { lookup } from 'node:dns'`) are bindings that only
  // follow changes to the CommonJS exports when asked to.
  syncBuiltinESMExports();
}

export function guardViolations(): readonly GuardViolation[] {
  return violations;
}

/**
 * Forgets violations recorded from index `from` on (all by default). Tests of the guard itself
 * pass the count they saw before provoking it, so earlier real violations still fail the run.
 */
export function clearGuardViolations(from = 0): void {
  violations.length = Math.min(violations.length, Math.max(0, from));
}

export function isLoopbackGuardInstalled(): boolean {
  return installed;
}
