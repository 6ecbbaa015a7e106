// Registry authentication (distribution docs/spec/auth/token.md, scope.md):
// `WWW-Authenticate` challenge parsing, the token cache, and the Authorization header of a request
// from the last challenge an origin sent (Bearer tokens from the realm, or Basic).
import type { Credential } from './credentials.js';
import { RegistryError } from './errors.js';
import { drain, readCapped, type Actions, type Transport } from './transport.js';

export interface Challenge {
  scheme: 'bearer' | 'basic';
  params: Record<string, string>;
}

/**
 * Parses `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`. Only the first challenge is
 * used (registries send one). Undefined for anything else.
 */
export function parseChallenge(header: string | string[] | undefined): Challenge | undefined {
  const text = Array.isArray(header) ? header[0] : header;
  if (!text) return undefined;
  const m = /^\s*(bearer|basic)\b\s*(.*)$/is.exec(text);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([a-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/giy;
  const rest = m[2]!;
  re.lastIndex = 0;
  let p: RegExpExecArray | null;
  while (re.lastIndex < rest.length && (p = re.exec(rest)) !== null) {
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
    if (p[0].length === 0) break;
  }
  return { scheme: m[1]!.toLowerCase() as 'bearer' | 'basic', params };
}

export interface TokenResponse {
  token: string;
  expiresInSeconds: number;
}

/** Reads the token server's JSON (`token` and/or `access_token`, `expires_in` default 60). */
export function parseTokenResponse(doc: unknown): TokenResponse | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const d = doc as Record<string, unknown>;
  const token = typeof d.token === 'string' && d.token ? d.token : typeof d.access_token === 'string' ? d.access_token : '';
  if (!token) return undefined;
  const exp = typeof d.expires_in === 'number' && Number.isFinite(d.expires_in) && d.expires_in > 0 ? d.expires_in : 60;
  return { token, expiresInSeconds: Math.min(exp, 24 * 3600) };
}

/** Token cache keyed by (realm, service, scope, credential identity); entries expire. */
export class TokenCache {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();

  constructor(private readonly now: () => number, private readonly maxEntries = 1000) {}

  static key(realm: string, service: string, scope: string, identity: string): string {
    return JSON.stringify([realm, service, scope, identity]);
  }

  get(key: string): string | undefined {
    const e = this.tokens.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.tokens.delete(key);
      return undefined;
    }
    return e.token;
  }

  set(key: string, token: string, expiresInSeconds: number): void {
    // Renew a little early so a token does not expire in flight.
    const margin = Math.min(10, expiresInSeconds / 10);
    if (this.tokens.size >= this.maxEntries) {
      const first = this.tokens.keys().next();
      if (!first.done) this.tokens.delete(first.value);
    }
    this.tokens.set(key, { token, expiresAt: this.now() + (expiresInSeconds - margin) * 1000 });
  }

  clear(): void {
    this.tokens.clear();
  }
}

/** Challenges seen per origin and the tokens they led to. */
export class TokenAuth {
  private readonly challenges = new Map<string, Challenge>();
  private readonly tokens: TokenCache;

  constructor(
    private readonly transport: Transport,
    now: () => number,
    private readonly userAgent: string,
  ) {
    this.tokens = new TokenCache(now);
  }

  /** Remembers the challenge of a 401; whether it differs from the last one this origin sent. */
  challenged(origin: string, challenge: Challenge): boolean {
    const changed = JSON.stringify(this.challenges.get(origin)) !== JSON.stringify(challenge);
    this.challenges.set(origin, challenge);
    return changed;
  }

  /** The Authorization header for a request, from the last challenge seen on this origin. */
  async authorization(origin: string, host: string, repository: string, actions: Actions, cred: Credential | undefined, signal: AbortSignal): Promise<string | undefined> {
    const challenge = this.challenges.get(origin);
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      return cred ? `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}` : undefined;
    }
    const realm = challenge.params.realm;
    if (!realm) throw new RegistryError('auth', `${origin}: Bearer challenge without realm`);
    let realmUrl: URL;
    try {
      realmUrl = new URL(realm);
    } catch {
      throw new RegistryError('auth', `${origin}: invalid token realm`);
    }
    // The realm must be https or the registry's own origin: a plain-http realm elsewhere would leak
    // credentials and could be any internal service.
    if (realmUrl.protocol !== 'https:' && realmUrl.origin !== origin) throw new RegistryError('blocked', `token realm ${realmUrl.origin} is neither https nor the registry's origin`);
    const service = challenge.params.service ?? '';
    const scope = `repository:${repository}:${actions}`;
    const key = TokenCache.key(realmUrl.href, service, scope, cred ? `${host}|${cred.key}|${cred.username}` : 'anonymous');
    const cached = this.tokens.get(key);
    if (cached) return `Bearer ${cached}`;
    const url = new URL(realmUrl.href);
    if (service) url.searchParams.set('service', service);
    url.searchParams.append('scope', scope);
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json' };
    if (cred) headers.authorization = `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
    const res = await this.transport.request(url, 'GET', headers, undefined, signal);
    if (res.statusCode !== 200) {
      await drain(res);
      throw new RegistryError('auth', `token server ${url.origin} answered ${res.statusCode}`, res.statusCode);
    }
    const bytes = await readCapped(res, 64 * 1024, undefined);
    let doc: unknown;
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new RegistryError('auth', `token server ${url.origin} sent invalid JSON`);
    }
    const token = parseTokenResponse(doc);
    if (!token) throw new RegistryError('auth', `token server ${url.origin} sent no token`);
    this.tokens.set(key, token.token, token.expiresInSeconds);
    return `Bearer ${token.token}`;
  }
}
