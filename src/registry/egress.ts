// Egress policy for every connection the registry client opens (docs/discovery.md
// "Safety at the edge"). The pod author chooses the registry host, so a hostile image reference, token realm,
// `Link` URL or redirect could point the webhook at the cloud metadata service or at an internal
// service. The check runs at connect time, AFTER DNS resolution (a custom `lookup`), so a name that
// resolves to a private address is refused too, including DNS rebinding between two connects.
import dns from 'node:dns';
import net from 'node:net';
import { buildConnector } from 'undici';
import type { ConnectionOptions } from 'node:tls';

export type EgressReason = 'denied' | 'loopback' | 'private' | 'link-local' | 'metadata' | 'special';

/** Thrown (passed to undici's connect callback) when the policy refuses a connection. */
export class EgressBlockedError extends Error {
  override name = 'EgressBlockedError';
  readonly code = 'EAIBOM_EGRESS_BLOCKED';
  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: EgressReason,
    /** The port asked for, to name the `--insecure-registry host:port` that would allow it. */
    readonly port?: string,
  ) {
    super(`egress policy refused ${host}${address && address !== host ? ` (${address})` : ''}: ${reason} address${allowHint(host, reason, port)}`);
  }
}

/**
 * What to do when a loopback or private registry is refused on purpose: a user running a local
 * registry is the common case, and the flag that allows it is not obvious from "refused".
 */
function allowHint(host: string, reason: EgressReason, port: string | undefined): string {
  if (reason !== 'loopback' && reason !== 'private') return '';
  const hostPort = `${host.includes(':') ? `[${host}]` : host}${port ? `:${port}` : ''}`;
  return ` (a registry you trust there: pass --insecure-registry ${hostPort}, or list it in registries.allow)`;
}

export function isEgressBlocked(err: unknown): err is EgressBlockedError {
  // undici may wrap connect errors; look through `cause` too.
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof EgressBlockedError || (e as { code?: unknown }).code === 'EAIBOM_EGRESS_BLOCKED') return true;
  }
  return false;
}

export interface EgressRules {
  /** Host globs (`*.corp.example`, `registry.local:5000`) and CIDRs / IPs reachable even when special. */
  allow?: readonly string[];
  /** Host globs and CIDRs never reached. */
  deny?: readonly string[];
  /** `host:port` entries of `--insecure-registry`: they count as allowed. */
  insecure?: readonly string[];
}

export interface EgressDecision {
  allowed: boolean;
  reason?: EgressReason;
}

// Metadata endpoints: AWS/GCP/Azure/OpenStack (169.254.169.254), AWS IPv6 IMDS, Alibaba Cloud.
const METADATA = ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '169.254.170.2'];

// Special-purpose ranges (IANA IPv4/IPv6 special-purpose registries), by reason.
const SPECIAL_V4: [string, number, EgressReason][] = [
  ['127.0.0.0', 8, 'loopback'],
  ['10.0.0.0', 8, 'private'],
  ['172.16.0.0', 12, 'private'],
  ['192.168.0.0', 16, 'private'],
  ['169.254.0.0', 16, 'link-local'],
  ['0.0.0.0', 8, 'special'],
  ['100.64.0.0', 10, 'special'], // carrier-grade NAT (holds 100.100.100.200)
  ['192.0.0.0', 24, 'special'],
  ['192.0.2.0', 24, 'special'],
  ['192.88.99.0', 24, 'special'],
  ['198.18.0.0', 15, 'special'],
  ['198.51.100.0', 24, 'special'],
  ['203.0.113.0', 24, 'special'],
  ['224.0.0.0', 4, 'special'], // multicast
  ['240.0.0.0', 4, 'special'], // reserved + broadcast
];
const SPECIAL_V6: [string, number, EgressReason][] = [
  ['::1', 128, 'loopback'],
  ['::', 128, 'special'],
  ['fc00::', 7, 'private'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'], // deprecated site-local
  ['ff00::', 8, 'special'],
  ['100::', 64, 'special'],
  ['2001:db8::', 32, 'special'],
  ['2001::', 23, 'special'],
];

function blockList(entries: [string, number, EgressReason][], type: 'ipv4' | 'ipv6', reason: EgressReason): net.BlockList {
  const list = new net.BlockList();
  for (const [addr, prefix, r] of entries) if (r === reason) list.addSubnet(addr, prefix, type);
  return list;
}

const REASONS: EgressReason[] = ['loopback', 'private', 'link-local', 'special'];
const specialLists = REASONS.map((reason) => ({ reason, v4: blockList(SPECIAL_V4, 'ipv4', reason), v6: blockList(SPECIAL_V6, 'ipv6', reason) }));

/** Strips brackets and zone ids; maps IPv4-mapped / NAT64 / 6to4 IPv6 onto the embedded IPv4. */
export function canonicalAddress(address: string): { address: string; family: 4 | 6 } | undefined {
  let a = address.replace(/^\[|\]$/g, '').toLowerCase();
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  if (net.isIPv4(a)) return { address: a, family: 4 };
  if (!net.isIPv6(a)) return undefined;
  const embedded = embeddedIPv4(a);
  if (embedded) return { address: embedded, family: 4 };
  return { address: a, family: 6 };
}

function expandIPv6(a: string): number[] {
  // Returns eight 16-bit groups. Handles `::` and a dotted IPv4 tail.
  let text = a;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const [b0, b1, b2, b3] = tail[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -tail[1]!.length) + `${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, rest] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const h = head ? head.split(':').filter(Boolean) : [];
  const r = rest !== undefined && rest ? rest.split(':').filter(Boolean) : [];
  const fill = rest !== undefined ? new Array(8 - h.length - r.length).fill('0') : [];
  return [...h, ...fill, ...r].map((g) => parseInt(g, 16));
}

function embeddedIPv4(a: string): string | undefined {
  const g = expandIPv6(a);
  if (g.length !== 8) return undefined;
  const v4 = (hi: number, lo: number): string => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return v4(g[6]!, g[7]!); // ::ffff:a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4(g[6]!, g[7]!); // NAT64 64:ff9b::/96
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!); // 6to4
  if (zeros(0, 6) && !(g[6] === 0 && (g[7] === 0 || g[7] === 1))) return v4(g[6]!, g[7]!); // IPv4-compatible (deprecated)
  return undefined;
}

/** Why an address is special, or undefined for an ordinary public address. */
export function specialReason(address: string): EgressReason | undefined {
  const c = canonicalAddress(address);
  if (!c) return 'special';
  if (METADATA.some((m) => canonicalAddress(m)?.address === c.address || expandIPv6Equal(m, c.address))) return 'metadata';
  for (const { reason, v4, v6 } of specialLists) {
    if (c.family === 4 ? v4.check(c.address, 'ipv4') : v6.check(c.address, 'ipv6')) return reason;
  }
  return undefined;
}

function expandIPv6Equal(a: string, b: string): boolean {
  if (!net.isIPv6(a) || !net.isIPv6(b)) return false;
  const x = expandIPv6(a);
  const y = expandIPv6(b);
  return x.length === 8 && x.every((v, i) => v === y[i]);
}

interface Matcher {
  hosts: { pattern: RegExp; port?: string }[];
  cidrs: net.BlockList;
}

function globToRegExp(glob: string): RegExp {
  // `*` covers one DNS label (as in Kubernetes' credential keys): `*.example.com` does not match `example.com`.
  const escaped = glob.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.]*');
  return new RegExp(`^${escaped}$`);
}

function buildMatcher(entries: readonly string[]): Matcher {
  const m: Matcher = { hosts: [], cidrs: new net.BlockList() };
  for (const raw of entries) {
    const entry = raw.trim();
    if (!entry) continue;
    const slash = entry.lastIndexOf('/');
    if (slash > 0) {
      const ip = canonicalAddress(entry.slice(0, slash));
      const prefix = Number(entry.slice(slash + 1));
      if (ip && Number.isInteger(prefix)) {
        const type = net.isIPv4(entry.slice(0, slash).replace(/^\[|\]$/g, '')) ? 'ipv4' : 'ipv6';
        m.cidrs.addSubnet(entry.slice(0, slash).replace(/^\[|\]$/g, ''), prefix, type);
        continue;
      }
    }
    const bare = canonicalAddress(entry);
    if (bare) {
      m.cidrs.addAddress(bare.address, bare.family === 4 ? 'ipv4' : 'ipv6');
      continue;
    }
    // host or host:port (IPv6 with port: `[::1]:5000`)
    const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    const host = withPort ? withPort[1]! : entry;
    const ip = canonicalAddress(host);
    if (ip && withPort) {
      m.hosts.push({ pattern: new RegExp(`^${ip.address.replace(/[.:]/g, '\\$&')}$`), port: withPort[2]! });
      continue;
    }
    const hostEntry: { pattern: RegExp; port?: string } = { pattern: globToRegExp(host) };
    if (withPort) hostEntry.port = withPort[2]!;
    m.hosts.push(hostEntry);
  }
  return m;
}

function matches(m: Matcher, host: string, port: string | undefined, address: string | undefined): boolean {
  const h = (canonicalAddress(host)?.address ?? host).toLowerCase().replace(/\.$/, '');
  if (m.hosts.some((e) => e.pattern.test(h) && (e.port === undefined || e.port === port))) return true;
  if (address) {
    const c = canonicalAddress(address);
    if (c && m.cidrs.check(c.address, c.family === 4 ? 'ipv4' : 'ipv6')) return true;
  }
  return false;
}

export class EgressPolicy {
  private readonly allow: Matcher;
  private readonly deny: Matcher;

  constructor(rules: EgressRules = {}) {
    this.allow = buildMatcher([...(rules.allow ?? []), ...(rules.insecure ?? [])]);
    this.deny = buildMatcher(rules.deny ?? []);
  }

  /** Decides on one resolved address of `host` (pass the host itself for IP literals). */
  check(host: string, port: string | number | undefined, address: string): EgressDecision {
    const p = port === undefined ? undefined : String(port);
    if (matches(this.deny, host, p, address)) return { allowed: false, reason: 'denied' };
    const reason = specialReason(address);
    if (!reason) return { allowed: true };
    if (matches(this.allow, host, p, address)) return { allowed: true };
    return { allowed: false, reason };
  }

  /** A check on the host name alone, before any DNS query (deny globs). */
  checkHost(host: string, port: string | number | undefined): EgressDecision {
    const p = port === undefined ? undefined : String(port);
    if (matches(this.deny, host, p, undefined)) return { allowed: false, reason: 'denied' };
    return { allowed: true };
  }
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    // Read dns.lookup at call time (the test loopback guard replaces it).
    dns.lookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });

export interface GuardedConnectorOptions {
  policy: EgressPolicy;
  /** Extra TLS options: `ca` for `--ca-file`. */
  tls?: Pick<ConnectionOptions, 'ca' | 'rejectUnauthorized'>;
  /** Name resolution (tests inject one to simulate DNS rebinding). */
  resolve?: Resolver;
  connectTimeoutMs?: number;
}

/**
 * An undici `connect` function that applies the policy. IP literals are checked as they are; names
 * are resolved here, every answer is checked, and the socket is opened to the checked address (SNI
 * and certificate checks still use the name), so no second resolution can swap the address (DNS
 * rebinding). Nothing leaves the machine for a refused destination.
 */
export function guardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const { policy } = options;
  const resolve = options.resolve ?? systemResolver;
  const base = buildConnector({ ...(options.tls ?? {}), timeout: options.connectTimeoutMs ?? 10_000 });
  return (opts, callback) => {
    const host = opts.hostname.replace(/^\[|\]$/g, '');
    const port = opts.port || (opts.protocol === 'https:' ? '443' : '80');
    const byName = policy.checkHost(host, port);
    if (!byName.allowed) {
      callback(new EgressBlockedError(host, '', byName.reason ?? 'denied', port), null);
      return;
    }
    if (net.isIP(host) !== 0) {
      const d = policy.check(host, port, host);
      if (!d.allowed) {
        callback(new EgressBlockedError(host, host, d.reason ?? 'special', port), null);
        return;
      }
      base(opts, callback);
      return;
    }
    resolve(host).then(
      (addresses) => {
        const allowed = addresses.find((a) => policy.check(host, port, a.address).allowed);
        if (!allowed) {
          const first = addresses[0];
          const reason = first ? (policy.check(host, port, first.address).reason ?? 'special') : 'special';
          callback(new EgressBlockedError(host, first?.address ?? '', reason, port), null);
          return;
        }
        base({ ...opts, hostname: allowed.address, servername: opts.servername || host }, callback);
      },
      (err: Error) => callback(err, null),
    );
  };
}
