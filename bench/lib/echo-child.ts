// The ceilings: a bare node:https server with the same kind of certificate as the webhook (EC P-256
// from our openssl dev-cert code). Mode `echo` reads the body and sends the same bytes back; mode
// `json` (the echo-json ceiling of docs/performance.md) also does JSON.parse of the body and
// JSON.stringify of a small "allowed" AdmissionReview for its uid — the JSON cost alone.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { processStats, serveStats, type ChildMessage } from './ipc.js';

const [certFile, keyFile, mode = 'echo'] = process.argv.slice(2) as [string, string, string?];

function answer(body: Buffer): Buffer {
  if (mode !== 'json') return body;
  const review = JSON.parse(body.toString('utf8')) as { request?: { uid?: string } };
  return Buffer.from(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request?.uid ?? '', allowed: true } }));
}

const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), ALPNProtocols: ['http/1.1'] }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = answer(Buffer.concat(chunks));
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  serveStats(() => processStats(), () => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  process.send?.({ type: 'ready', port: (server.address() as AddressInfo).port } satisfies ChildMessage);
});
