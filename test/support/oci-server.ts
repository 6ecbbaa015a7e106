// Test helper: an in-process registry on 127.0.0.1 that follows distribution-spec v1.1 including
// the referrers API (pagination with Link, artifactType filter + OCI-Filters-Applied, OCI-Subject
// on PUT). No Debian/npm server implements the API (TOOLCHAIN.md), so the tests use this one for that
// path. `intercept` lets a test answer any request itself (faults, redirects, huge bodies).
import http from 'node:http';
import type net from 'node:net';
import { MT } from '../../src/contracts/oci-manifest.js';
import { sha256 } from './local-registry.js';

export interface StoredManifest {
  bytes: Buffer;
  mediaType: string;
}

export interface OciServerOptions {
  /** Serve the referrers API (false: 404 text/plain like distribution 2.8). */
  referrersApi?: boolean;
  /** Referrers per page. */
  pageSize?: number;
  /** Apply the artifactType filter server-side (and say so). */
  filter?: boolean;
}

export type Interceptor = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => boolean | Promise<boolean>;

export class OciServer {
  readonly blobs = new Map<string, Buffer>();
  readonly manifests = new Map<string, StoredManifest>(); // key `${repo}@${digest}`
  readonly tags = new Map<string, string>(); // `${repo}:${tag}` → digest
  readonly requests: string[] = [];
  intercept: Interceptor | undefined;
  private server!: http.Server;
  private uploads = 0;
  port = 0;

  constructor(readonly options: OciServerOptions = {}) {}

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      void this.handle(req, res).catch((err: Error) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err.message));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  putBlob(bytes: Buffer | string): { digest: string; size: number } {
    const b = Buffer.from(bytes);
    const digest = sha256(b);
    this.blobs.set(digest, b);
    return { digest, size: b.length };
  }

  putManifest(repo: string, manifest: unknown, mediaType: string, tag?: string): { digest: string; size: number; mediaType: string } {
    const bytes = Buffer.isBuffer(manifest) ? manifest : Buffer.from(JSON.stringify(manifest));
    const digest = sha256(bytes);
    this.manifests.set(`${repo}@${digest}`, { bytes, mediaType });
    if (tag) this.tags.set(`${repo}:${tag}`, digest);
    return { digest, size: bytes.length, mediaType };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${this.host}`);
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    if (this.intercept && (await this.intercept(req, res, url))) return;
    const body = await readBody(req);
    if (url.pathname === '/v2/') return void res.writeHead(200).end('{}');
    const m = /^\/v2\/(.+)\/(manifests|blobs|referrers)\/([^/]+)$/.exec(url.pathname);
    const upload = /^\/v2\/(.+)\/blobs\/uploads\/(.*)$/.exec(url.pathname);
    if (upload) {
      if (req.method === 'POST') return void res.writeHead(202, { location: `/v2/${upload[1]}/blobs/uploads/u${++this.uploads}` }).end();
      if (req.method === 'PUT') {
        const digest = url.searchParams.get('digest') ?? '';
        if (sha256(body) !== digest) return void res.writeHead(400).end('{"errors":[{"code":"DIGEST_INVALID"}]}');
        this.blobs.set(digest, body);
        return void res.writeHead(201, { location: `/v2/${upload[1]}/blobs/${digest}`, 'docker-content-digest': digest }).end();
      }
    }
    if (!m) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
    const [, repo, kind, ref] = m as unknown as [string, string, string, string];
    if (kind === 'blobs') {
      const blob = this.blobs.get(ref);
      if (!blob) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"BLOB_UNKNOWN"}]}');
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': blob.length, 'docker-content-digest': ref });
      return void res.end(req.method === 'HEAD' ? undefined : blob);
    }
    if (kind === 'manifests') {
      if (req.method === 'PUT') {
        const mediaType = String(req.headers['content-type'] ?? '');
        const digest = sha256(body);
        this.manifests.set(`${repo}@${digest}`, { bytes: body, mediaType });
        if (!ref.startsWith('sha256:')) this.tags.set(`${repo}:${ref}`, digest);
        const subject = (JSON.parse(body.toString()) as { subject?: { digest?: string } }).subject?.digest;
        const headers: Record<string, string> = { location: `/v2/${repo}/manifests/${digest}`, 'docker-content-digest': digest };
        if (subject && this.options.referrersApi) headers['oci-subject'] = subject;
        return void res.writeHead(201, headers).end();
      }
      const digest = ref.startsWith('sha256:') ? ref : this.tags.get(`${repo}:${ref}`);
      const stored = digest ? this.manifests.get(`${repo}@${digest}`) : undefined;
      if (!stored || !digest) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
      res.writeHead(200, { 'content-type': stored.mediaType, 'content-length': stored.bytes.length, 'docker-content-digest': digest });
      return void res.end(req.method === 'HEAD' ? undefined : stored.bytes);
    }
    // referrers
    if (!this.options.referrersApi) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
    const artifactType = url.searchParams.get('artifactType');
    let all = this.referrersOf(repo, ref);
    const headers: Record<string, string> = { 'content-type': MT.ociIndex };
    if (artifactType && this.options.filter) {
      all = all.filter((d) => d.artifactType === artifactType);
      headers['oci-filters-applied'] = 'artifactType';
    }
    const pageSize = this.options.pageSize ?? 1000;
    const start = Number(url.searchParams.get('n_start') ?? 0);
    const page = all.slice(start, start + pageSize);
    if (start + pageSize < all.length) {
      const next = new URLSearchParams(url.searchParams);
      next.set('n_start', String(start + pageSize));
      headers.link = `</v2/${repo}/referrers/${ref}?${next.toString()}>; rel="next"`;
    }
    res.writeHead(200, headers).end(JSON.stringify({ schemaVersion: 2, mediaType: MT.ociIndex, manifests: page }));
  }

  /** Descriptors as the API must list them: artifactType (or config.mediaType), annotations. */
  referrersOf(repo: string, digest: string): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const [key, stored] of this.manifests) {
      if (!key.startsWith(`${repo}@`)) continue;
      let doc: { subject?: { digest?: string }; artifactType?: string; config?: { mediaType?: string }; annotations?: Record<string, string> };
      try {
        doc = JSON.parse(stored.bytes.toString());
      } catch {
        continue;
      }
      if (doc.subject?.digest !== digest) continue;
      const d: Record<string, unknown> = { mediaType: stored.mediaType, digest: key.slice(repo.length + 1), size: stored.bytes.length };
      const at = doc.artifactType ?? doc.config?.mediaType;
      if (at) d.artifactType = at;
      if (doc.annotations) d.annotations = doc.annotations;
      out.push(d);
    }
    return out.sort((a, b) => String(a.digest).localeCompare(String(b.digest)));
  }
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
