// Registry credentials from docker config JSON files: `~/.docker/config.json`, Kubernetes
// `kubernetes.io/dockerconfigjson` Secrets (`{"auths":{…}}`) and legacy `.dockercfg` (the same map
// without `auths`). Keys are matched as Kubernetes does (Kubernetes "Pull an Image from a Private Registry", kubelet credentialprovider keyring): a key is a host, host:port,
// host/path prefix or a glob whose `*` covers exactly one DNS label; every matching key is a
// candidate, most specific first. Credentials are only ever offered for the host they are keyed by.
import { globMatch } from '../contracts/glob.js';
import { readFileSync } from 'node:fs';

export interface Credential {
  username: string;
  password: string;
  /** The config key that matched (for logs and for cache keys: the credential's identity). */
  key: string;
}

export class CredentialFileError extends Error {
  override name = 'CredentialFileError';
}

interface Entry {
  key: string;
  hostParts: string[];
  port: string;
  path: string;
  username: string;
  password: string;
}

// Docker Hub's credentials live under the v1 index URL; its API host is registry-1.docker.io.
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

function parseKey(key: string, isTarget = false): { hostParts: string[]; port: string; path: string } | undefined {
  let k = key.trim().toLowerCase();
  k = k.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  const slash = k.indexOf('/');
  let hostPort = slash >= 0 ? k.slice(0, slash) : k;
  let path = slash >= 0 ? k.slice(slash) : '';
  // As the kubelet does: a `/v1/` or `/v2/` API prefix on a key is not part of the repository path.
  if (!isTarget) path = path.replace(/^\/v[12](?=\/|$)/, '');
  path = path.replace(/\/+$/, '');
  let port = '';
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPort);
  if (!m) return undefined;
  hostPort = m[1]!;
  port = m[2] ?? '';
  if (DOCKER_HUB_ALIASES.has(hostPort)) {
    hostPort = 'docker.io';
  }
  return { hostParts: hostPort.split('.'), port, path };
}

function labelMatches(glob: string, label: string): boolean {
  return glob.includes('*') ? globMatch(glob, label) : glob === label;
}

export class CredentialStore {
  private readonly entries: Entry[] = [];

  /** Adds the `auths` of one parsed docker config document. Throws on a malformed document. */
  addDocument(doc: unknown, origin = 'docker config'): void {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new CredentialFileError(`${origin}: must be a JSON object`);
    const record = doc as Record<string, unknown>;
    const auths = 'auths' in record ? record.auths : record;
    if (auths === null || typeof auths !== 'object' || Array.isArray(auths)) throw new CredentialFileError(`${origin}: "auths" must be an object`);
    for (const [key, value] of Object.entries(auths as Record<string, unknown>)) {
      if (value === null || typeof value !== 'object') continue;
      const v = value as Record<string, unknown>;
      let username = typeof v.username === 'string' ? v.username : '';
      let password = typeof v.password === 'string' ? v.password : '';
      if ((!username || !password) && typeof v.auth === 'string' && v.auth) {
        const decoded = Buffer.from(v.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0) {
          username = decoded.slice(0, colon);
          password = decoded.slice(colon + 1);
        }
      }
      if (!username && typeof v.identitytoken === 'string') {
        // docker's convention for an identity token: a placeholder user name.
        username = '<token>';
        password = v.identitytoken;
      }
      if (!username) continue;
      const parsed = parseKey(key);
      if (!parsed) continue;
      this.entries.push({ key, ...parsed, username, password });
    }
  }

  addFile(file: string): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new CredentialFileError(`cannot read registry config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new CredentialFileError(`registry config ${file} is not valid JSON`);
    }
    this.addDocument(doc, file);
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * Credentials for `host` (as written in the image reference or mirror, with port) and
   * `repository`, most specific key first.
   */
  lookup(host: string, repository: string): Credential[] {
    // Anonymous deployments (no registry configs) ask this for every image of every admission.
    if (this.entries.length === 0) return [];
    const target = parseKey(`${host}/${repository}`, true);
    if (!target) return [];
    const found: { entry: Entry; score: number }[] = [];
    for (const e of this.entries) {
      if (e.hostParts.length !== target.hostParts.length) continue;
      if (!e.hostParts.every((g, i) => labelMatches(g, target.hostParts[i]!))) continue;
      if (e.port !== target.port) continue;
      if (e.path && !(target.path === e.path || target.path.startsWith(e.path + '/'))) continue;
      const wildcards = e.hostParts.filter((p) => p.includes('*')).length;
      found.push({ entry: e, score: e.path.length * 10 - wildcards });
    }
    found.sort((a, b) => b.score - a.score);
    return found.map(({ entry }) => ({ username: entry.username, password: entry.password, key: entry.key }));
  }
}
