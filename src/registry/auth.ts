// Registry authentication (SPECS.md §1.9; distribution docs/spec/auth/token.md, scope.md):
// `WWW-Authenticate` challenge parsing and the token cache.

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
