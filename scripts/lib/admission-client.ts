// A minimal HTTPS client for AdmissionReviews, as the kube-apiserver sends them: POST JSON over TLS,
// trusting one CA. Used by the demo and the tests.
import { request, type Agent } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

export interface HttpsReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Serial number of the certificate the server presented. */
  serialNumber?: string;
}

export interface PostOptions {
  port: number;
  path: string;
  ca: string | Buffer;
  body: string | Buffer;
  host?: string;
  headers?: Record<string, string>;
  agent?: Agent | false;
  timeoutMs?: number;
}

export function post(options: PostOptions): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: options.host ?? '127.0.0.1',
        servername: 'localhost',
        port: options.port,
        path: options.path,
        method: 'POST',
        ca: options.ca,
        agent: options.agent ?? false,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(options.body), ...(options.headers ?? {}) },
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        // Read now: the socket is detached from the response once it ends.
        const peer = (res.socket as unknown as { getPeerCertificate?: () => { serialNumber?: string } } | null)?.getPeerCertificate?.();
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const reply: HttpsReply = { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
          if (peer?.serialNumber) reply.serialNumber = peer.serialNumber;
          resolve(reply);
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

/** Decodes a response's base64 JSON Patch. */
export function decodePatch(patch: string | undefined): PatchOperation[] {
  if (!patch) return [];
  return JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as PatchOperation[];
}

/** The labels and annotations a patch sets on `/metadata` (whole maps or single keys). */
export function metadataFromPatch(ops: PatchOperation[], base = '/metadata'): { labels: Record<string, string>; annotations: Record<string, string> } {
  const out = { labels: {} as Record<string, string>, annotations: {} as Record<string, string> };
  for (const op of ops) {
    if (op.op !== 'add' && op.op !== 'replace') continue;
    for (const field of ['labels', 'annotations'] as const) {
      const prefix = `${base}/${field}`;
      if (op.path === prefix && op.value && typeof op.value === 'object') Object.assign(out[field], op.value);
      else if (op.path.startsWith(`${prefix}/`)) {
        const key = op.path.slice(prefix.length + 1).replace(/~1/g, '/').replace(/~0/g, '~');
        if (typeof op.value === 'string') out[field][key] = op.value;
      }
    }
  }
  return out;
}
